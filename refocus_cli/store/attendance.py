"""Attendance marks: who is expected at a session, and recording registers atomically."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.groups import Member, expected_in_group
from refocus_cli.core.marks import Mark
from refocus_cli.core.vocabulary import ATTENDED, AttendanceStatus, Audience, SessionKind
from refocus_cli.store import audit, sessions
from refocus_cli.store.database import Store

PEOPLE = """
SELECT s.id, s.name, s.email, s.role, s.is_manager, s.clinical, t.id AS team_id,
       t.name AS team
FROM membership m JOIN staff s ON s.id = m.staff_id JOIN team t ON t.id = m.team_id
"""


@dataclass
class Outcome:
    """What recording changed: marks added, changed, already so; sessions now held."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    held: int = 0


def expected(
    store: Store, session: dict[str, Any], audience: str, *, include_attended: bool = False
) -> list[dict[str, Any]]:
    """Who should be at a session: its invitees, or its teams' staff on the day.

    Where a team is split into groups, people already marked at another group of the
    same session are left out, unless `include_attended` (for printing its pack).
    """
    if session["kind"] == SessionKind.CATCH_UP:
        return store.rows(
            "SELECT s.id, s.name, s.email, s.role, s.is_manager, s.clinical, t.id AS team_id, "
            "t.name AS team "
            "FROM session_invitee i JOIN staff s ON s.id = i.staff_id "
            "LEFT JOIN membership m ON m.staff_id = s.id AND m.end_date IS NULL "
            "LEFT JOIN team t ON t.id = m.team_id WHERE i.session_id = ? ORDER BY s.name",
            [session["id"]],
        )
    people = _team_people(store, session["id"], session["start"][:10], audience)
    people = in_group(store, session, people, audience)
    if include_attended:
        return people
    elsewhere = sibling_attendees(store, session)
    return [p for p in people if p["id"] not in elsewhere]


def _team_people(store: Store, session_id: int, day: str, audience: str) -> list[dict[str, Any]]:
    """The staff of a session's teams on a day who are in the module's audience."""
    managers = " AND s.is_manager" if audience == Audience.MANAGERS else ""
    # clinical-only modules expect the staff recorded as clinical (staff.clinical)
    clinical = " AND s.clinical" if audience == Audience.CLINICAL else ""
    people = store.rows(
        f"{PEOPLE} WHERE m.team_id IN (SELECT team_id FROM session_team WHERE session_id = ?) "
        f"AND m.start_date <= ? AND (m.end_date IS NULL OR m.end_date > ?){managers}{clinical} "
        "ORDER BY t.name COLLATE NOCASE, s.name COLLATE NOCASE",
        [session_id, day, day],
    )
    return people


def in_group(
    store: Store, session: dict[str, Any], people: list[dict[str, Any]], audience: str
) -> list[dict[str, Any]]:
    """Of `people` (the session's team on its day), those its group expects where the
    team is too big for one room and split into groups (see core.groups)."""
    groups = _groups(store, session)
    if len(groups) < 2 or session["id"] not in groups:
        return people
    ids = list(groups)
    first_day = sessions.to_local(groups[ids[0]], store.tz()).date().isoformat()
    team_then = [
        Member(p["id"], p["name"]) for p in _team_people(store, ids[0], first_day, audience)
    ]
    share = expected_in_group(
        team_then, [p["id"] for p in people], len(ids), ids.index(session["id"])
    )
    return [p for p in people if p["id"] in share]


def _groups(store: Store, session: dict[str, Any]) -> dict[int, str]:
    """The groups (session id: start in UTC, first group first) a planned one-team
    session is one of; nothing for any other session."""
    if session["kind"] != SessionKind.PLANNED:
        return {}
    teams = [r[0] for r in store.db.execute(
        "SELECT team_id FROM session_team WHERE session_id = ?", [session["id"]]
    )]  # fmt: skip
    if len(teams) != 1:
        return {}
    return dict(
        store.db.execute(
            "SELECT s.id, s.start_utc FROM session s "
            "JOIN session_team st ON st.session_id = s.id "
            "WHERE st.team_id = ? AND s.module = ? AND s.occurrence = ? AND s.kind = 'planned' "
            "AND s.status != 'cancelled' "
            "AND (SELECT count(*) FROM session_team x WHERE x.session_id = s.id) = 1 "
            "ORDER BY s.group_no, s.id",
            [teams[0], session["module"], session["occurrence"]],
        ).fetchall()
    )


def existing(store: Store, session_ids: list[int]) -> dict[tuple[int, int | None, str | None], str]:
    """The marks on record for these sessions: status by (session, staff id, visitor)."""
    found = {}
    for chunk in range(0, len(session_ids), 500):
        part = session_ids[chunk : chunk + 500]
        marks = ",".join("?" * len(part))
        # A mark names a staff member or a visitor, never both: asking for each on its
        # own lets SQLite use the partial unique indexes instead of scanning the table.
        for who in ("staff_id", "visitor"):
            for row in store.db.execute(
                f"SELECT session_id, staff_id, visitor, status FROM attendance "
                f"WHERE session_id IN ({marks}) AND {who} IS NOT NULL",
                part,
            ):
                found[(row[0], row[1], row[2])] = row[3]
    return found


def marked_staff(store: Store, session_id: int) -> dict[int, AttendanceStatus]:
    """The staff with a mark on record for one session, and their marks."""
    return {
        staff_id: AttendanceStatus(status)
        for staff_id, status in store.db.execute(
            "SELECT staff_id, status FROM attendance WHERE session_id = ? AND staff_id IS NOT NULL",
            [session_id],
        )
    }


def _was(store: Store, key: tuple[int, int | None, str | None], status: str) -> str:
    """A mark about to be corrected, as the audit log keeps it: its status, and who
    recorded it when (so that undoing the correction puts all three back)."""
    by, at = store.db.execute(
        "SELECT recorded_by, recorded_at FROM attendance "
        "WHERE session_id = ? AND staff_id IS ? AND visitor IS ?",
        key,
    ).fetchone()
    return json.dumps({"status": status, "recorded_by": by, "recorded_at": at})


def _mark_json(staff_id: int | None, visitor: str | None, status: str) -> str:
    """A mark as its audit entry keeps it: {"staff_id": ..., "visitor": ..., "status": ...}."""
    return json.dumps({"staff_id": staff_id, "visitor": visitor, "status": status})


# The audit entry of each staff mark inserted after attendance row :top, in the order
# they were inserted: the same text _mark_json gives, made by SQLite in one statement
# (building and binding 300,000 strings in Python took longer than writing them).
_AUDIT_NEW_MARKS = (
    "INSERT INTO audit (at, actor, action, entity, entity_id, old, new, change_id) "
    "SELECT :at, :actor, 'attend', 'attendance', session_id, NULL, "
    """printf('{"staff_id": %d, "visitor": null, "status": "%s"}', staff_id, status), """
    ":change FROM attendance WHERE id > :top ORDER BY id"
)
# New staff marks, written by one statement from a JSON array with one integer a mark,
# (session id * 2**24 + staff id) * 8 + status number: a third quicker than binding each
# row from Python, or than reading an array of [session, staff, status] arrays (a
# national register has 300,000 marks). Marks whose ids do not fit are written one by one.
_STATUS_NUMBER = {status: number for number, status in enumerate(AttendanceStatus)}
_MOST_STAFF, _MOST_SESSIONS = 2**24, 2**36
_INSERT_STAFF_MARKS = (
    "INSERT INTO attendance (session_id, staff_id, status, recorded_by, recorded_at) "
    "SELECT value >> 27, (value >> 3) & 16777215, CASE value & 7 "
    + " ".join(f"WHEN {number} THEN '{status}'" for status, number in _STATUS_NUMBER.items())
    + " END, :actor, :at FROM json_each(:marks)"
)


@without_gc
def record(store: Store, marks: Sequence[Mark]) -> Outcome:
    """Write marks (at most one a person and session, as a register gives) in one
    transaction, auditing changes.

    The same register recorded twice changes nothing; a corrected mark is updated and
    the audit log keeps the old and the new value.
    """
    # The marks on record are read inside the write transaction: two people typing
    # up the same register at once would otherwise both insert it, and the second
    # would fail on the unique mark.
    with store.write():
        return _record(store, marks)


def _record(store: Store, marks: Sequence[Mark]) -> Outcome:
    session_ids = sorted({mark.session_id for mark in marks})
    before = existing(store, session_ids)
    writes = _Writes(store, audit.change_id(store))
    # This loop runs once a mark of a national register: names bound once, no lookup
    # where nothing is on record, the test for a bulk-written mark inline.
    bulk, unchanged, number = writes.bulk, 0, _STATUS_NUMBER
    for session_id, staff_id, visitor, status in marks:
        old = before.get((session_id, staff_id, visitor)) if before else None
        if old == status:
            unchanged += 1
        elif (
            old is None
            and visitor is None
            and staff_id is not None
            and 0 < staff_id < _MOST_STAFF
            and 0 < session_id < _MOST_SESSIONS
        ):
            bulk.append(((session_id << 24 | staff_id) << 3) | number[status])
        else:
            writes.one((session_id, staff_id, visitor), old, status)
    writes.flush()
    writes.outcome.unchanged = unchanged
    writes.outcome.held = _held(store, session_ids, writes.at["at"], writes.at["change"])
    return writes.outcome


class _Writes:
    """The marks one register changes, written and audited in its order: runs of new
    staff marks (nearly every mark of a register) in bulk by SQLite, visitors' marks and
    corrections one by one. Used inside the write transaction."""

    def __init__(self, store: Store, change: int) -> None:
        self.store = store
        self.at: dict[str, Any] = {"actor": store.actor, "at": store.now(), "change": change}
        self.bulk: list[int] = []  # new staff marks, packed (see _INSERT_STAFF_MARKS)
        self.outcome = Outcome()

    def flush(self) -> None:
        """Write and audit the run of new staff marks gathered so far."""
        if not self.bulk:
            return
        db = self.store.db
        top = db.execute("SELECT coalesce(max(id), 0) FROM attendance").fetchone()[0]
        # The table's CHECKs hold by construction here (a status from _STATUS_NUMBER,
        # a staff id and no visitor), and SQLite (3.40) builds a temporary table for
        # the status list on every row it checks: a seventh of the work a mark takes.
        # They are left out of this one statement (a pragma takes effect when a
        # statement is prepared, and changing it re-prepares the others).
        db.execute("PRAGMA ignore_check_constraints = ON")
        try:
            db.execute(_INSERT_STAFF_MARKS, {**self.at, "marks": json.dumps(self.bulk)})
        finally:
            db.execute("PRAGMA ignore_check_constraints = OFF")
        db.execute(_AUDIT_NEW_MARKS, {**self.at, "top": top})
        self.outcome.added += len(self.bulk)
        self.bulk.clear()

    def one(self, key: tuple[int, int | None, str | None], old: str | None, status: str) -> None:
        """Write and audit one mark: a visitor's, or a correction (after the run before it)."""
        self.flush()
        db, actor, now = self.store.db, self.at["actor"], self.at["at"]
        was = None
        if old is None:
            db.execute(
                "INSERT INTO attendance (session_id, staff_id, visitor, status, recorded_by, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                [*key, status, actor, now],
            )
            self.outcome.added += 1
        else:
            was = _was(self.store, key, old)
            db.execute(
                "UPDATE attendance SET status = ?, recorded_by = ?, recorded_at = ? "
                "WHERE session_id = ? AND staff_id IS ? AND visitor IS ?",
                [status, actor, now, *key],
            )
            self.outcome.changed += 1
        db.execute(
            "INSERT INTO audit (at, actor, action, entity, entity_id, old, new, change_id) "
            "VALUES (?, ?, 'attend', 'attendance', ?, ?, ?, ?)",
            [now, actor, key[0], was, _mark_json(*key[1:], status), self.at["change"]],
        )


def _held(store: Store, session_ids: list[int], now: str, change: int) -> int:
    """Mark these sessions held, each audited with the status it had; how many changed."""
    chosen = "status != 'held' AND id IN (SELECT value FROM json_each(:ids))"
    values = {"ids": json.dumps(session_ids), "at": now, "actor": store.actor, "change": change}
    store.db.execute(
        "INSERT INTO audit (at, actor, action, entity, entity_id, old, new, change_id) "
        """SELECT :at, :actor, 'held', 'session', id, printf('{"status": "%s"}', status), """
        f"""'{{"status": "held"}}', :change FROM session WHERE {chosen} ORDER BY id""",
        values,
    )
    # A cancelled session recorded with --force did take place after all.
    return int(
        store.db.execute(
            "UPDATE session SET status = 'held', updated_at = :at, "
            f"sequence = sequence + (status = 'cancelled') WHERE {chosen}",
            values,
        ).rowcount
    )


def sibling_attendees(store: Store, session: dict[str, Any]) -> set[int]:
    """Staff already marked as attending another group of the same team session."""
    if session["kind"] != SessionKind.PLANNED:
        return set()
    rows = store.db.execute(
        "SELECT a.staff_id FROM attendance a JOIN session o ON o.id = a.session_id "
        "WHERE o.id != ? AND o.module = ? AND o.occurrence = ? AND o.kind = 'planned' "
        "AND a.staff_id IS NOT NULL "
        f"AND a.status IN ({', '.join('?' * len(ATTENDED))}) "
        "AND o.id IN (SELECT session_id FROM session_team WHERE team_id IN "
        "(SELECT team_id FROM session_team WHERE session_id = ?))",
        [session["id"], session["module"], session["occurrence"], *sorted(ATTENDED), session["id"]],
    )
    return {row[0] for row in rows}


def marks_of(store: Store, session_id: int) -> list[dict[str, Any]]:
    """The marks recorded for one session, by name."""
    return store.rows(
        "SELECT a.staff_id, coalesce(s.name, a.visitor) AS name, a.visitor IS NOT NULL AS visitor, "
        "a.status, a.recorded_by, a.recorded_at FROM attendance a "
        "LEFT JOIN staff s ON s.id = a.staff_id WHERE a.session_id = ? ORDER BY name",
        [session_id],
    )


# The team a person was in on the session's day (a visitor has none).
_TEAM_THEN = (
    "(SELECT t.name FROM membership m JOIN team t ON t.id = m.team_id "
    "WHERE m.staff_id = a.staff_id AND m.start_date <= substr(s.start_utc, 1, 10) "
    "AND (m.end_date IS NULL OR m.end_date > substr(s.start_utc, 1, 10)) "
    "ORDER BY m.start_date DESC LIMIT 1) AS team"
)


def export_rows(store: Store) -> list[dict[str, Any]]:
    """Every attendance mark with its session, stage, person and the person's team on the
    day, for `refocus export`."""
    tz = store.tz()
    rows = store.rows(
        "SELECT a.session_id, s.start_utc, s.stage, s.module, s.occurrence, a.staff_id, "
        f"coalesce(p.name, a.visitor) AS name, a.visitor IS NOT NULL AS visitor, {_TEAM_THEN}, "
        "a.status, a.recorded_by, a.recorded_at FROM attendance a "
        "JOIN session s ON s.id = a.session_id LEFT JOIN staff p ON p.id = a.staff_id "
        "ORDER BY s.start_utc, a.session_id, name"
    )
    for row in rows:
        row["start"] = sessions.to_local(row.pop("start_utc"), tz).isoformat()
        row["visitor"] = bool(row["visitor"])
    return rows
