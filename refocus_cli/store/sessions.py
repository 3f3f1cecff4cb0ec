"""Sessions: storing a plan, listing and finding sessions, and the diary they make."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from refocus_cli.core.dates import day_start_utc, wall_clock_to_utc
from refocus_cli.core.errors import Conflict, NotFound
from refocus_cli.core.rules import Booked, Context, clashes
from refocus_cli.core.scheduler import Booking, PlannedSession
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import new_uuid, record_id

SESSION_SQL = """
SELECT s.id, s.uuid, s.cohort_id, c.name AS cohort, s.stage, s.module, s.strategy,
       s.occurrence, s.group_no, s.kind, s.start_utc, s.end_utc, s.venue_id, v.name AS venue,
       s.expected, s.status, s.sequence, s.note, s.created_at, s.updated_at
FROM session s
LEFT JOIN cohort c ON c.id = s.cohort_id
LEFT JOIN venue v ON v.id = s.venue_id
"""


def to_utc(local: datetime, tz: tzinfo) -> str:
    """A wall-clock time in the programme's zone, as stored (UTC ISO-8601); a time in a
    clock-change gap or an unresolved repeated hour is refused."""
    return wall_clock_to_utc(local, tz).isoformat(timespec="seconds")


def day_start(day: date, tz: tzinfo) -> str:
    """The first instant of a local day, as stored (UTC ISO-8601)."""
    return day_start_utc(day, tz).isoformat(timespec="seconds")


def to_local(stored: str, tz: tzinfo) -> datetime:
    return datetime.fromisoformat(stored).astimezone(tz)


def save_plan(
    store: Store, cohort_id: int | None, sessions: list[PlannedSession], kind: str = "planned"
) -> int:
    """Write a plan's sessions with their teams and trainers, in one transaction.

    Returns the id of the first; the rest follow in order.
    """
    tz, now = store.tz(), store.now()
    with store.write():
        first = store.one("SELECT coalesce(max(id), 0) + 1 AS next FROM session")["next"]
        rows, team_links, trainer_links = [], [], []
        for offset, planned in enumerate(sessions):
            session_id = first + offset
            rows.append(
                (
                    session_id,
                    new_uuid(),
                    cohort_id,
                    planned.stage,
                    planned.module,
                    planned.strategy,
                    planned.occurrence,
                    planned.group,
                    to_utc(planned.start, tz),
                    to_utc(planned.end, tz),
                    planned.venue_id,
                    planned.expected,
                    now,
                    now,
                    kind,
                )
            )
            team_links += [(session_id, team_id) for team_id in planned.team_ids]
            trainer_links += [
                (session_id, trainer_id, "lived-experience" if position else "lead")
                for position, trainer_id in enumerate(planned.trainer_ids)
            ]
        store.db.conn.executemany(
            "INSERT INTO session (id, uuid, cohort_id, stage, module, strategy, occurrence, "
            "group_no, start_utc, end_utc, venue_id, expected, created_at, updated_at, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        store.db.conn.executemany(
            "INSERT INTO session_team (session_id, team_id) VALUES (?, ?)", team_links
        )
        store.db.conn.executemany(
            "INSERT INTO session_trainer (session_id, trainer_id, role) VALUES (?, ?, ?)",
            trainer_links,
        )
        audit.record(
            store,
            "schedule",
            "cohort" if cohort_id else kind,
            cohort_id,
            None,
            {"sessions": len(rows)},
        )
    return first


def count_for_cohort(store: Store, cohort_id: int) -> int:
    row = store.one(
        "SELECT count(*) AS n FROM session WHERE cohort_id = ? AND status != 'cancelled'",
        [cohort_id],
    )
    return row["n"] if row else 0


def bookings(
    store: Store, tz: tzinfo, afternoon: time, exclude_cohort: int | None = None
) -> tuple[Booking, ...]:
    """Every session still in the diary (but another cohort's), as the half-days it takes up."""
    teams, trainers = links(store, "")
    found = []
    for row in store.rows(
        "SELECT id, start_utc, end_utc, venue_id FROM session WHERE status != 'cancelled' "
        "AND coalesce(cohort_id, -1) != ?",
        [-2 if exclude_cohort is None else exclude_cohort],
    ):
        start, end = to_local(row["start_utc"], tz), to_local(row["end_utc"], tz)
        slots = tuple(
            slot
            for slot, taken in (("am", start.time() < afternoon), ("pm", end.time() > afternoon))
            if taken
        )
        found.append(
            Booking(
                start.date(),
                slots or ("am",),
                tuple(trainers.get(row["id"], ())),
                tuple(teams.get(row["id"], ())),
                row["venue_id"],
            )
        )
    return tuple(found)


def links(store: Store, where: str, params: list | None = None) -> tuple[dict, dict]:
    """Team ids and trainer ids (lead first) of the sessions `where` selects, by session id."""
    teams: dict[int, list] = defaultdict(list)
    trainers: dict[int, list] = defaultdict(list)
    for row in store.db.execute(
        f"SELECT st.session_id, st.team_id FROM session_team st JOIN session s "
        f"ON s.id = st.session_id JOIN team t ON t.id = st.team_id {where} "
        "ORDER BY st.session_id, t.name COLLATE NOCASE, t.id",
        params or [],
    ):
        teams[row[0]].append(row[1])
    for row in store.db.execute(
        f"SELECT sr.session_id, sr.trainer_id FROM session_trainer sr JOIN session s "
        f"ON s.id = sr.session_id {where} ORDER BY sr.session_id, sr.role = 'lived-experience', "
        "sr.trainer_id",
        params or [],
    ):
        trainers[row[0]].append(row[1])
    return teams, trainers


def listing(
    store: Store,
    *,
    cohort_id: int | None = None,
    team_id: int | None = None,
    trainer_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    session_id: int | None = None,
) -> list[dict[str, Any]]:
    """Sessions in time order, as users see them: names, local times with offsets."""
    tz = store.tz()
    where, params = [], []
    if session_id is not None:
        where.append("s.id = ?")
        params.append(session_id)
    if cohort_id is not None:
        where.append("s.cohort_id = ?")
        params.append(cohort_id)
    if team_id is not None:
        where.append("s.id IN (SELECT session_id FROM session_team WHERE team_id = ?)")
        params.append(team_id)
    if trainer_id is not None:
        where.append("s.id IN (SELECT session_id FROM session_trainer WHERE trainer_id = ?)")
        params.append(trainer_id)
    if since is not None:
        where.append("s.start_utc >= ?")
        params.append(day_start(since, tz))
    if until is not None:
        where.append("s.start_utc < ?")
        params.append(day_start(until + timedelta(days=1), tz))
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = store.rows(f"{SESSION_SQL} {clause} ORDER BY s.start_utc, s.id", params)
    team_ids, trainer_ids = links(store, clause, params)
    team_names = {r["id"]: r["name"] for r in store.rows("SELECT id, name FROM team")}
    trainer_names = {r["id"]: r["name"] for r in store.rows("SELECT id, name FROM trainer")}
    records = []
    for row in rows:
        records.append(
            {
                "id": row["id"],
                "uuid": row["uuid"],
                "cohort": row["cohort"],
                "stage": row["stage"],
                "module": row["module"],
                "strategy": row["strategy"],
                "occurrence": row["occurrence"],
                "group": row["group_no"],
                "kind": row["kind"],
                "start": to_local(row["start_utc"], tz).isoformat(),
                "end": to_local(row["end_utc"], tz).isoformat(),
                "status": row["status"],
                "teams": [team_names[i] for i in team_ids.get(row["id"], [])],
                "trainers": [trainer_names[i] for i in trainer_ids.get(row["id"], [])],
                "venue": row["venue"],
                "expected": row["expected"],
                "sequence": row["sequence"],
                "note": row["note"],
            }
        )
    return records


def get(store: Store, ref: str) -> dict[str, Any]:
    """One session by its id."""
    text = ref.strip()
    session_id = record_id(text)
    if session_id is None:
        raise NotFound(f"session {ref!r} is not an id: see `refocus sessions` for ids")
    found = listing(store, session_id=session_id)
    if not found:
        raise NotFound(f"no session with id {text}: see `refocus sessions`")
    return found[0]


def _booked(store: Store, tz: tzinfo, where: str = "", params: list | None = None) -> list:
    teams, trainers = links(store, where, params)
    return [
        Booked(
            row["id"],
            row["stage"],
            row["module"],
            to_local(row["start_utc"], tz).replace(tzinfo=None),
            to_local(row["end_utc"], tz).replace(tzinfo=None),
            tuple(trainers.get(row["id"], ())),
            tuple(teams.get(row["id"], ())),
            row["venue_id"],
            row["occurrence"],
            row["group_no"],
            row["cohort_id"],
            row["kind"],
        )
        for row in store.rows(
            "SELECT s.id, s.stage, s.module, s.start_utc, s.end_utc, s.venue_id, s.occurrence, "
            f"s.group_no, s.cohort_id, s.kind FROM session s {where}",
            params or [],
        )
    ]


def move(store: Store, ref: str, new_start: datetime, reason: str, context: Context) -> dict:
    """Move a scheduled session to `new_start` (local), if every constraint still holds."""
    # The diary is checked inside the write transaction: two moves checked side by
    # side could otherwise both pass and book one team or trainer twice.
    with store.write():
        return _move(store, ref, new_start, reason, context)


def _move(store: Store, ref: str, new_start: datetime, reason: str, context: Context) -> dict:
    session = get(store, ref)
    if session["status"] != "scheduled":
        raise Conflict(
            f"session {session['id']} was {session['status']}: "
            + (
                "held sessions never move"
                if session["status"] == "held"
                else "schedule a new one instead"
            )
        )
    tz = store.tz()
    moment = wall_clock_to_utc(new_start, tz, "--to")
    new_start = moment.astimezone(tz).replace(tzinfo=None)
    if moment < store.clock():
        raise Conflict(
            f"{new_start:%Y-%m-%d %H:%M} is in the past: a session can only move to a later time"
        )
    old_start = datetime.fromisoformat(session["start"]).replace(tzinfo=None)
    old_end = datetime.fromisoformat(session["end"]).replace(tzinfo=None)
    new_end = new_start + (old_end - old_start)
    (current,) = _booked(store, tz, "WHERE s.id = ?", [session["id"]])
    moved = Booked(**{**current.__dict__, "start": new_start, "end": new_end})
    others = _booked(store, tz, "WHERE s.status != 'cancelled' AND s.id != ?", [session["id"]])
    problems = clashes(moved, others, context)
    if problems:
        raise Conflict(
            f"cannot move session {session['id']} to {new_start:%Y-%m-%d %H:%M}: "
            + "; ".join(problems)
        )
    with store.write():
        store.db.execute(
            "UPDATE session SET start_utc = ?, end_utc = ?, sequence = sequence + 1, "
            "updated_at = ?, note = ? WHERE id = ?",
            [to_utc(new_start, tz), to_utc(new_end, tz), store.now(), reason, session["id"]],
        )
        audit.record(
            store,
            "move",
            "session",
            session["id"],
            {"start": session["start"], "end": session["end"]},
            {"start": new_start.replace(tzinfo=tz).isoformat(), "reason": reason},
        )
    return get(store, str(session["id"]))


def cancel(store: Store, ref: str, reason: str) -> dict:
    """Cancel a session; it stays on record (and in calendars, as cancelled)."""
    with store.write():  # its status is checked and changed in one transaction
        return _cancel(store, ref, reason)


def _cancel(store: Store, ref: str, reason: str) -> dict:
    session = get(store, ref)
    if session["status"] != "scheduled":
        raise Conflict(f"session {session['id']} was already {session['status']}")
    with store.write():
        store.db.execute(
            "UPDATE session SET status = 'cancelled', sequence = sequence + 1, updated_at = ?, "
            "note = ? WHERE id = ?",
            [store.now(), reason, session["id"]],
        )
        audit.record(
            store,
            "cancel",
            "session",
            session["id"],
            {"status": "scheduled"},
            {"status": "cancelled", "reason": reason},
        )
    return get(store, str(session["id"]))


def apply_repair(
    store: Store,
    cohort_id: int,
    moved: list[tuple[int, PlannedSession, PlannedSession]],
    added: list[PlannedSession],
) -> None:
    """Write a repaired plan: moved sessions keep their id and UUID, their SEQUENCE rises."""
    tz, now = store.tz(), store.now()
    with store.write():
        for session_id, before, after in moved:
            store.db.execute(
                "UPDATE session SET start_utc = ?, end_utc = ?, venue_id = ?, "
                "sequence = sequence + 1, updated_at = ?, note = 'replanned' WHERE id = ?",
                [to_utc(after.start, tz), to_utc(after.end, tz), after.venue_id, now, session_id],
            )
            store.db.execute("DELETE FROM session_trainer WHERE session_id = ?", [session_id])
            store.db.conn.executemany(
                "INSERT INTO session_trainer (session_id, trainer_id, role) VALUES (?, ?, ?)",
                [
                    (session_id, trainer_id, "lived-experience" if n else "lead")
                    for n, trainer_id in enumerate(after.trainer_ids)
                ],
            )
            audit.record(
                store,
                "replan",
                "session",
                session_id,
                {"start": to_utc(before.start, tz), "trainers": list(before.trainer_ids)},
                {"start": to_utc(after.start, tz), "trainers": list(after.trainer_ids)},
            )
        if added:
            save_plan(store, cohort_id, added)
