"""Finding staff who missed training, and planning catch-up sessions for them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from refocus_cli.core.catchup import Delivered, Gap, Person, Spell, catch_up_groups, find_gaps
from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.scheduler import PlannedSession, TeamIn, VenueIn, replan_rollout
from refocus_cli.store import audit, planning, sessions
from refocus_cli.store.database import Store
from refocus_cli.store.teams import find_team


def gaps(store: Store, team_ref: str | None = None) -> list[Gap]:
    """Current staff who missed a module their team has had."""
    tz = store.tz()
    now = store.clock().astimezone(tz).replace(tzinfo=None)
    where, params = "WHERE s.left_on IS NULL", []
    if team_ref is not None:
        where += " AND t.id = ?"
        params.append(find_team(store, team_ref)["id"])
    people = [
        Person(r["id"], r["name"], r["team_id"], r["team"])
        for r in store.rows(
            "SELECT s.id, s.name, t.id AS team_id, t.name AS team FROM staff s "
            "JOIN membership m ON m.staff_id = s.id AND m.end_date IS NULL "
            f"JOIN team t ON t.id = m.team_id {where} ORDER BY t.name, s.name",
            params,
        )
    ]
    spells: dict[int, list[Spell]] = {}
    for r in store.rows("SELECT staff_id, team_id, start_date, end_date FROM membership"):
        spells.setdefault(r["staff_id"], []).append(
            Spell(
                r["team_id"],
                date.fromisoformat(r["start_date"]),
                date.fromisoformat(r["end_date"]) if r["end_date"] else None,
            )
        )
    teams, _ = sessions.links(store, "WHERE s.status != 'cancelled'")
    delivered = []
    for r in store.rows(
        "SELECT id, stage, module, start_utc, end_utc, status FROM session "
        "WHERE status != 'cancelled' AND kind = 'planned'"
    ):
        end = sessions.to_local(r["end_utc"], tz).replace(tzinfo=None)
        if r["status"] == "held" or end < now:
            start = sessions.to_local(r["start_utc"], tz).date()
            delivered.append(
                Delivered(r["id"], r["stage"], r["module"], start, tuple(teams.get(r["id"], ())))
            )
    invited = {
        (r["staff_id"], r["module"])
        for r in store.rows(
            "SELECT i.staff_id, s.module FROM session_invitee i JOIN session s "
            "ON s.id = i.session_id WHERE s.status != 'cancelled'"
        )
    }
    missed = {
        (r[0], r[1])
        for r in store.db.execute(
            "SELECT staff_id, session_id FROM attendance "
            "WHERE staff_id IS NOT NULL AND status IN ('absent', 'excused')"
        )
    }
    return [
        g
        for g in find_gaps(people, spells, delivered, missed)
        if (g.staff_id, g.module) not in invited
    ]


def schedule(store: Store, found: list[Gap], curriculum: Curriculum) -> list[dict[str, Any]]:
    """Plan catch-up sessions, mixing teams, for everyone in `found`; returns them."""
    steps, gaps_by_stage, hours = planning.steps_from(curriculum)
    steps = [step for step in steps if step.key in {gap.module for gap in found}]
    groups = catch_up_groups(found, {step.key: step.max_group for step in steps})
    missing, invitees = [], {}
    placeholder = datetime(2000, 1, 1)
    for step in steps:
        for number, group in enumerate(groups.get(step.key, []), start=1):
            team_ids = tuple(sorted({gap.team_id for gap in group}))
            invitees[(step.key, number)] = [gap.staff_id for gap in group]
            missing += [
                PlannedSession(
                    step.key,
                    step.stage,
                    step.strategy,
                    n,
                    number,
                    team_ids,
                    len(group),
                    placeholder,
                    placeholder,
                    (),
                    None,
                )
                for n in range(1, step.sessions + 1)
            ]
    if not missing:
        return []
    team_rows = {r["id"]: r for r in store.rows("SELECT id, name, site FROM team")}
    team_ids = sorted({t for session in missing for t in session.team_ids})
    teams = [TeamIn(t, team_rows[t]["name"], team_rows[t]["site"], 0, 0) for t in team_ids]
    today = store.today()
    first = today + timedelta(days=1)
    calendar = planning.calendar_from(store, first)
    venues = [
        VenueIn(r["id"], r["name"], r["site"], r["capacity"])
        for r in store.rows("SELECT id, name, site, capacity FROM venue ORDER BY id")
    ]
    plan = replan_rollout(
        steps,
        gaps_by_stage,
        teams,
        planning.trainer_inputs(store),
        venues,
        calendar,
        calendar.on_or_after(first),
        [],
        missing,
        hours,
        sessions.bookings(store, store.tz(), hours.afternoon),
    )
    with store.write():
        start_id = sessions.save_plan(store, None, plan.sessions, kind="catch-up")
        rows = []
        for offset, planned in enumerate(plan.sessions):
            people = invitees[(planned.module, planned.group)]
            store.db.conn.executemany(
                "INSERT INTO session_invitee (session_id, staff_id) VALUES (?, ?)",
                [(start_id + offset, staff_id) for staff_id in people],
            )
            rows.append(
                {
                    "id": start_id + offset,
                    "module": planned.module,
                    "start": planned.start,
                    "people": len(people),
                }
            )
        audit.record(store, "catch-up", "session", None, None, {"sessions": len(rows)})
    return rows
