"""Writing a made-up demo programme into a fresh database, in one transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.demo import DemoProgramme, Member, PastSession, simulate_attendance
from refocus_cli.core.measures import is_clinical
from refocus_cli.core.roster import RosterPlan
from refocus_cli.store import (
    audit,
    cohorts,
    planning,
    programme,
    sessions,
    staff,
    teams,
    trainers,
    venues,
)
from refocus_cli.store.database import Store


def write(
    store: Store,
    demo: DemoProgramme,
    region: str,
    timezone: str,
    curriculum: Curriculum,
    today: date,
    seed: int,
) -> dict[str, int]:
    """Create the programme, its people and plans (made when it started), the turnover
    since, and registers for the sessions already past; returns counts of what was made."""
    with store.write():
        programme.create(store, demo.name, timezone, region, demo.start)
        teams.add_many(store, demo.teams)
        staff.import_roster(store, RosterPlan(to_add=demo.roster), "demo roster")
        for trainer in demo.trainers:
            trainers.add(
                store, trainer.name, trainer.email, trainer.lived_experience, trainer.stages
            )
            if trainer.leave:
                trainers.unavailable(store, trainer.email, *trainer.leave, "annual leave")
        for name, capacity, site in demo.venues:
            venues.add(store, name, capacity, site)
        for name, team_names in demo.cohorts:
            cohorts.create(store, name, team_names)
        # The plan was made when the programme started, with the teams as they were.
        planned = 0
        for name, _ in demo.cohorts:
            result = planning.plan_cohort(store, name, demo.start, curriculum, allow_past=True)
            sessions.save_plan(store, result.cohort["id"], result.plan.sessions)
            planned += len(result.plan.sessions)
        for email, team, on in demo.movers:
            staff.move(
                store, staff.find_staff(store, email)["id"], teams.find_team(store, team), on
            )
        for email, on in demo.leavers:
            staff.leave(store, staff.find_staff(store, email)["id"], on)
        if demo.disbanded:
            teams.disband(store, *demo.disbanded)
        marks, held = _registers(store, curriculum, today, seed)
    return {
        "sessions": planned,
        "teams": len(demo.teams),
        "staff": len(demo.roster),
        "trainers": len(demo.trainers),
        "lived_experience_trainers": sum(t.lived_experience for t in demo.trainers),
        "venues": len(demo.venues),
        "cohorts": len(demo.cohorts),
        "movers": len(demo.movers),
        "leavers": len(demo.leavers),
        "disbanded": 1 if demo.disbanded else 0,
        "held": held,
        "marks": marks,
    }


def _registers(store: Store, curriculum: Curriculum, today: date, seed: int) -> tuple[int, int]:
    """Simulated registers for every session before `today`, which are then held."""
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
    for staff_id, name, manager, role, team_id, start, end in store.db.execute(
        "SELECT s.id, s.name, s.is_manager, s.role, m.team_id, m.start_date, m.end_date "
        "FROM membership m JOIN staff s ON s.id = m.staff_id"
    ):
        members[team_id].append(
            Member(
                staff_id,
                name,
                bool(manager),
                is_clinical(role),
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
        [
            (session_id, staff_id, status, ends[session_id])
            for session_id, staff_id, status in marks
        ],
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
