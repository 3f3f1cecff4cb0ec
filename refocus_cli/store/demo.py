"""Writing a made-up demo programme into a fresh database (services/demo.py runs these
in one transaction, with the plans made between them)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.demo import DemoProgramme
from refocus_cli.core.demo_registers import Member, PastSession, simulate_attendance
from refocus_cli.core.roster import RosterPlan
from refocus_cli.store import (
    audit,
    cohorts,
    programme,
    staff,
    teams,
    trainers,
    venues,
)
from refocus_cli.store.database import Store


def write_organisation(store: Store, demo: DemoProgramme, region: str, timezone: str) -> None:
    """Create the programme, its teams, staff, trainers (with their leave), venues and
    cohorts, as they were when it started."""
    programme.create(store, demo.name, timezone, region, demo.start)
    teams.add_many(store, demo.teams)
    staff.import_roster(store, RosterPlan(to_add=demo.roster), "demo roster")
    for trainer in demo.trainers:
        trainers.add(store, trainer.name, trainer.email, trainer.lived_experience, trainer.stages)
        if trainer.leave:
            trainers.unavailable(store, trainer.email, *trainer.leave, "annual leave")
    for name, capacity, site in demo.venues:
        venues.add(store, name, capacity, site)
    for name, team_names in demo.cohorts:
        cohorts.create(store, name, team_names)


def write_turnover(store: Store, demo: DemoProgramme) -> None:
    """The staff who moved team or left since the start, and the team that disbanded,
    in one transaction (one commit, not one per person)."""
    with store.write():
        for email, team, on in demo.movers:
            staff.move(
                store, staff.find_staff(store, email)["id"], teams.find_team(store, team), on
            )
        for email, on in demo.leavers:
            staff.leave(store, staff.find_staff(store, email)["id"], on)
        if demo.disbanded:
            teams.disband(store, *demo.disbanded)


def simulate_registers(
    store: Store, curriculum: Curriculum, today: date, seed: int
) -> tuple[int, int]:
    """Simulated registers for every session before `today`, which are then held;
    returns the marks written and the sessions held."""
    tz = store.tz()
    links: dict[int, list[int]] = defaultdict(list)
    for session_id, team_id in store.db.execute(
        "SELECT session_id, team_id FROM session_team ORDER BY session_id, team_id"
    ):
        links[session_id].append(team_id)
    past = []
    for row in store.db.execute(
        "SELECT id, start_utc, module, occurrence, strategy FROM session "
        "WHERE status = 'scheduled' AND kind = 'planned'"
    ):
        day = datetime.fromisoformat(row[1]).astimezone(tz).date()
        if day < today:
            past.append(
                PastSession(
                    row[0],
                    day,
                    row[2],
                    row[3],
                    row[4],
                    curriculum.audience(row[2]),
                    tuple(links[row[0]]),
                )  # fmt: skip
            )
    members: dict[int, list[Member]] = defaultdict(list)
    for staff_id, name, manager, clinical, team_id, start, end in store.db.execute(
        "SELECT s.id, s.name, s.is_manager, s.clinical, m.team_id, m.start_date, m.end_date "
        "FROM membership m JOIN staff s ON s.id = m.staff_id"
    ):
        members[team_id].append(
            Member(
                staff_id,
                name,
                bool(manager),
                bool(clinical),
                date.fromisoformat(start),
                date.fromisoformat(end) if end else None,
            )  # fmt: skip
        )
    marks = simulate_attendance(past, members, seed)
    ends = {
        row[0]: row[1]
        for row in store.db.execute("SELECT id, end_utc FROM session WHERE status = 'scheduled'")
    }
    store.db.conn.executemany(
        "INSERT INTO attendance (session_id, staff_id, status, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, 'demo', ?)",
        [(m.session_id, m.staff_id, m.status, ends[m.session_id]) for m in marks],
    )
    store.db.conn.executemany(
        "UPDATE session SET status = 'held' WHERE id = ?", [(s.id,) for s in past]
    )
    audit.record(store, "demo", "attendance", None, None,
                 {"simulated_marks": len(marks), "sessions_held": len(past)})  # fmt: skip
    return len(marks), len(past)


def first_held_workshop(store: Store, cohort: str) -> int | None:
    """The id of a cohort's first held workshop session, if it has one."""
    row = store.one(
        "SELECT s.id FROM session s JOIN cohort c ON c.id = s.cohort_id WHERE c.name = ? "
        "AND s.stage = 'workshop' AND s.status = 'held' ORDER BY s.start_utc, s.id LIMIT 1",
        [cohort],
    )
    return None if row is None else row["id"]
