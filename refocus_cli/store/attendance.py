"""Attendance marks: who is expected at a session, and recording registers atomically."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from refocus_cli.core.errors import Ambiguous, Conflict, NotFound
from refocus_cli.store import sessions
from refocus_cli.store.database import Store

PEOPLE = """
SELECT s.id, s.name, s.email, s.role, s.is_manager, t.id AS team_id, t.name AS team
FROM membership m JOIN staff s ON s.id = m.staff_id JOIN team t ON t.id = m.team_id
"""


@dataclass
class Outcome:
    """What recording changed: marks added, changed, already so; sessions now held."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    held: int = 0
    unmarked: list[dict] = field(default_factory=list)


def session_for_register(store: Store, ref: str, force: bool) -> dict[str, Any]:
    """The session a register is for; cancelled or future ones only with --force."""
    session = sessions.get(store, ref)
    if session["status"] == "cancelled" and not force:
        raise Conflict(f"session {session['id']} was cancelled: record it anyway with --force")
    if datetime.fromisoformat(session["start"]) > store.clock() and not force:
        raise Conflict(
            f"session {session['id']} starts {session['start']}, in the future: "
            "record it anyway with --force"
        )
    return session


def expected(store: Store, session: dict[str, Any], audience: str) -> list[dict[str, Any]]:
    """Who should be at a session: its invitees, or its teams' staff on the day."""
    if session["kind"] == "catch-up":
        return store.rows(
            "SELECT s.id, s.name, s.email, s.role, s.is_manager, t.id AS team_id, t.name AS team "
            "FROM session_invitee i JOIN staff s ON s.id = i.staff_id "
            "LEFT JOIN membership m ON m.staff_id = s.id AND m.end_date IS NULL "
            "LEFT JOIN team t ON t.id = m.team_id WHERE i.session_id = ? ORDER BY s.name",
            [session["id"]],
        )
    day = session["start"][:10]
    managers = " AND s.is_manager" if audience == "managers" else ""
    return store.rows(
        f"{PEOPLE} WHERE m.team_id IN (SELECT team_id FROM session_team WHERE session_id = ?) "
        f"AND m.start_date <= ? AND (m.end_date IS NULL OR m.end_date > ?){managers} "
        "ORDER BY t.name COLLATE NOCASE, s.name COLLATE NOCASE",
        [session["id"], day, day],
    )


def resolve(store: Store, ref: str, expected_people: list[dict]) -> dict[str, Any]:
    """A person named on a register: among those expected first, then anyone on record."""
    text = " ".join(ref.split())
    if text.isdigit():
        matches = [p for p in expected_people if p["id"] == int(text)]
    elif "@" in text:
        matches = [p for p in expected_people if (p["email"] or "").lower() == text.lower()]
    else:
        matches = [p for p in expected_people if p["name"].lower() == text.lower()]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listed = ", ".join(f"{p['name']} (id {p['id']}, {p['team']})" for p in matches)
        raise Ambiguous(f"{text!r} matches {len(matches)} people: {listed}; name one by its id")
    from refocus_cli.store.staff import find_staff

    try:
        person = find_staff(store, text)
    except NotFound:
        raise NotFound(
            f"no staff member {text!r}: check the spelling, or record them with --visitor"
        ) from None
    return {**person, "team_id": person["team_id"], "team": person["team"]}


def existing(store: Store, session_ids: list[int]) -> dict[tuple[int, int | None, str | None], str]:
    found = {}
    for chunk in range(0, len(session_ids), 500):
        part = session_ids[chunk : chunk + 500]
        marks = ",".join("?" * len(part))
        for row in store.db.execute(
            f"SELECT session_id, staff_id, visitor, status FROM attendance "
            f"WHERE session_id IN ({marks})",
            part,
        ):
            found[(row[0], row[1], row[2])] = row[3]
    return found


def record(store: Store, marks: list[tuple[int, int | None, str | None, str]]) -> Outcome:
    """Write marks (session, staff or visitor, status) in one transaction, auditing changes.

    The same register recorded twice changes nothing; a corrected mark is updated and
    the audit log keeps the old and the new value.
    """
    outcome = Outcome()
    session_ids = sorted({mark[0] for mark in marks})
    before = existing(store, session_ids)
    now, actor = store.now(), store.actor
    inserts, updates, audits = [], [], []
    for session_id, staff_id, visitor, status in marks:
        key = (session_id, staff_id, visitor)
        old = before.get(key)
        if old == status:
            outcome.unchanged += 1
            continue
        if old is None:
            inserts.append((session_id, staff_id, visitor, status, actor, now))
            outcome.added += 1
        else:
            updates.append((status, actor, now, session_id, staff_id, visitor, visitor))
            outcome.changed += 1
        audits.append(
            (
                now,
                actor,
                "attend",
                "attendance",
                session_id,
                None if old is None else json.dumps({"status": old}),
                json.dumps({"staff_id": staff_id, "visitor": visitor, "status": status}),
            )
        )
        before[key] = status
    with store.write():
        store.db.conn.executemany(
            "INSERT INTO attendance (session_id, staff_id, visitor, status, recorded_by, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            inserts,
        )
        store.db.conn.executemany(
            "UPDATE attendance SET status = ?, recorded_by = ?, recorded_at = ? "
            "WHERE session_id = ? AND staff_id IS ? AND (visitor IS ? OR visitor = ?)",
            updates,
        )
        store.db.conn.executemany(
            "INSERT INTO audit (at, actor, action, entity, entity_id, old, new) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            audits,
        )
        for chunk in range(0, len(session_ids), 500):
            part = session_ids[chunk : chunk + 500]
            outcome.held += store.db.execute(
                f"UPDATE session SET status = 'held', updated_at = ? WHERE status = 'scheduled' "
                f"AND id IN ({','.join('?' * len(part))})",
                [now, *part],
            ).rowcount
    return outcome


def marks_of(store: Store, session_id: int) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT a.staff_id, coalesce(s.name, a.visitor) AS name, a.visitor IS NOT NULL AS visitor, "
        "a.status, a.recorded_by, a.recorded_at FROM attendance a "
        "LEFT JOIN staff s ON s.id = a.staff_id WHERE a.session_id = ? ORDER BY name",
        [session_id],
    )


def people_index(store: Store) -> tuple[dict[int, int], dict[str, int], dict[str, list[int]]]:
    """Every staff member by id, email and lower-case name, for bulk registers."""
    ids, emails, names = {}, {}, defaultdict(list)
    for staff_id, name, email in store.db.execute("SELECT id, name, email FROM staff"):
        ids[staff_id] = staff_id
        if email:
            emails[email.lower()] = staff_id
        names[" ".join(name.lower().split())].append(staff_id)
    return ids, emails, dict(names)
