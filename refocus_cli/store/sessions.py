"""Sessions: storing a plan, listing and finding sessions, and the diary they make."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from refocus_cli.core.dates import day_start_utc, wall_clock_to_utc
from refocus_cli.core.errors import NotFound
from refocus_cli.core.people import record_id
from refocus_cli.core.rollout import AM, Booking, Hours, PlannedSession
from refocus_cli.core.rules import Booked
from refocus_cli.core.vocabulary import SessionKind, SessionStatus
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import new_uuid

SESSION_SQL = """
SELECT s.id, s.uuid, s.cohort_id,
       coalesce(c.name, (SELECT group_concat(x.name, ', ') FROM session_cohort sc
                         JOIN cohort x ON x.id = sc.cohort_id WHERE sc.session_id = s.id))
           AS cohort,
       s.stage, s.module, s.strategy,
       s.occurrence, s.group_no, s.kind, s.start_utc, s.end_utc, s.venue_id, v.name AS venue,
       s.expected, s.status, s.sequence, s.note, s.created_at, s.updated_at
FROM session s
LEFT JOIN cohort c ON c.id = s.cohort_id
LEFT JOIN venue v ON v.id = s.venue_id
"""


def to_utc(local: datetime, tz: tzinfo) -> str:
    """A wall-clock time in the programme's zone, as stored (UTC ISO-8601); a time in a
    clock-change gap or an unresolved repeated hour is refused."""
    if local.tzinfo is None:
        return _wall_clock_to_utc(local, tz)
    return wall_clock_to_utc(local, tz).isoformat(timespec="seconds")


@lru_cache(maxsize=4096)
def _wall_clock_to_utc(local: datetime, tz: tzinfo) -> str:
    # A plan stores tens of thousands of sessions at a few thousand distinct times; only
    # naive times are cached (aware ones at different offsets can compare equal).
    return wall_clock_to_utc(local, tz).isoformat(timespec="seconds")


def day_start(day: date, tz: tzinfo) -> str:
    """The first instant of a local day, as stored (UTC ISO-8601)."""
    return day_start_utc(day, tz).isoformat(timespec="seconds")


def to_local(stored: str, tz: tzinfo) -> datetime:
    """A stored (UTC) time in the programme's zone."""
    return datetime.fromisoformat(stored).astimezone(tz)


def save_plan(
    store: Store,
    cohort_id: int | None,
    sessions: Sequence[PlannedSession],
    kind: SessionKind = SessionKind.PLANNED,
) -> int:
    """Write a plan's sessions with their teams and trainers, in one transaction.

    Returns the id of the first; the rest follow in order.
    """
    tz, now = store.tz(), store.now()
    with store.write():
        first = next_id(store)
        rows: list[tuple[Any, ...]] = []
        team_links: list[tuple[int, int]] = []
        trainer_links: list[tuple[int, int, str]] = []
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


def next_id(store: Store) -> int:
    """The id the next session stored will get."""
    return int(store.rows("SELECT coalesce(max(id), 0) + 1 AS next FROM session")[0]["next"])


def count_for_cohort(store: Store, cohort_id: int) -> int:
    """How many of a cohort's sessions are not cancelled."""
    rows = store.rows(
        "SELECT count(*) AS n FROM session WHERE cohort_id = ? AND status != ?",
        [cohort_id, SessionStatus.CANCELLED],
    )
    return int(rows[0]["n"])


def bookings(
    store: Store, hours: Hours, exclude_cohort: int | None = None, since: date | None = None
) -> tuple[Booking, ...]:
    """Every session still in the diary (but one cohort's), as the half-days it takes up;
    only those from the day `since` on, if given (a plan made from then cannot meet the
    others)."""
    tz = store.tz()
    # Clashes do not care in which order a session's teams and trainers come: read the
    # links unsorted (`links` sorts them for display).
    teams: dict[int, list[int]] = defaultdict(list)
    trainers: dict[int, list[int]] = defaultdict(list)
    for session_id, team_id in store.db.execute("SELECT session_id, team_id FROM session_team"):
        teams[session_id].append(team_id)
    for session_id, trainer_id in store.db.execute(
        "SELECT session_id, trainer_id FROM session_trainer"
    ):
        trainers[session_id].append(trainer_id)
    # A national diary has ~30,000 sessions but a few thousand distinct times, and it is
    # read once per cohort planned: convert each stored time, and each shape of day, once.
    local: dict[str, datetime] = {}
    slots: dict[tuple[time, time], tuple[str, ...]] = {}
    found = []
    for session_id, start_utc, end_utc, venue_id in store.db.execute(
        "SELECT id, start_utc, end_utc, venue_id FROM session WHERE status != ? "
        "AND coalesce(cohort_id, -1) != ? AND start_utc >= ?",
        [
            SessionStatus.CANCELLED,
            -2 if exclude_cohort is None else exclude_cohort,
            "" if since is None else day_start(since, tz),
        ],
    ):
        start = local.get(start_utc) or local.setdefault(start_utc, to_local(start_utc, tz))
        end = local.get(end_utc) or local.setdefault(end_utc, to_local(end_utc, tz))
        shape = (start.time(), end.time())
        taken = slots.get(shape)
        if taken is None:
            taken = slots[shape] = hours.slots_taken(start, end) or (AM,)
        found.append(
            Booking(
                start.date(),
                taken,
                tuple(trainers.get(session_id, ())),
                tuple(teams.get(session_id, ())),
                venue_id,
            )
        )
    return tuple(found)


def links(
    store: Store, where: str, params: Sequence[Any] = ()
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Team ids and trainer ids (lead first) of the sessions `where` selects, by session id."""
    teams: dict[int, list[int]] = defaultdict(list)
    trainers: dict[int, list[int]] = defaultdict(list)
    for row in store.db.execute(
        f"SELECT st.session_id, st.team_id FROM session_team st JOIN session s "
        f"ON s.id = st.session_id JOIN team t ON t.id = st.team_id {where} "
        "ORDER BY st.session_id, t.name COLLATE NOCASE, t.id",
        params,
    ):
        teams[row[0]].append(row[1])
    for row in store.db.execute(
        f"SELECT sr.session_id, sr.trainer_id FROM session_trainer sr JOIN session s "
        f"ON s.id = sr.session_id {where} ORDER BY sr.session_id, sr.role = 'lived-experience', "
        "sr.trainer_id",
        params,
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
    where: list[str] = []
    params: list[int | str] = []
    if session_id is not None:
        where.append("s.id = ?")
        params.append(session_id)
    if cohort_id is not None:
        # Catch-up sessions belong to the cohorts of the people they are for.
        where.append(
            "(s.cohort_id = ? OR s.id IN "
            "(SELECT session_id FROM session_cohort WHERE cohort_id = ?))"
        )
        params += [cohort_id, cohort_id]
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


def booked(store: Store, where: str = "", params: Sequence[Any] = ()) -> list[Booked]:
    """The sessions `where` selects, as the rules check them (local, naive times)."""
    tz = store.tz()
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
            params,
        )
    ]


def others_in_diary(store: Store, session_id: int) -> list[Booked]:
    """Every session still in the diary but this one."""
    return booked(store, "WHERE s.status != ? AND s.id != ?", [SessionStatus.CANCELLED, session_id])


def write_move(
    store: Store, session: dict[str, Any], start: datetime, end: datetime, reason: str
) -> None:
    """Store a session's new (local) times; its SEQUENCE rises and the move is audited."""
    tz = store.tz()
    with store.write():
        store.db.execute(
            "UPDATE session SET start_utc = ?, end_utc = ?, sequence = sequence + 1, "
            "updated_at = ?, note = ? WHERE id = ?",
            [to_utc(start, tz), to_utc(end, tz), store.now(), reason, session["id"]],
        )
        audit.record(
            store,
            "move",
            "session",
            session["id"],
            {"start": session["start"], "end": session["end"]},
            {"start": start.replace(tzinfo=tz).isoformat(), "reason": reason},
        )


def write_cancel(store: Store, session_id: int, reason: str) -> None:
    """Mark a scheduled session cancelled; its SEQUENCE rises and the change is audited."""
    with store.write():
        store.db.execute(
            "UPDATE session SET status = ?, sequence = sequence + 1, updated_at = ?, "
            "note = ? WHERE id = ?",
            [SessionStatus.CANCELLED, store.now(), reason, session_id],
        )
        audit.record(
            store,
            "cancel",
            "session",
            session_id,
            {"status": SessionStatus.SCHEDULED},
            {"status": SessionStatus.CANCELLED, "reason": reason},
        )
