"""Attendance marks: who is expected at a session, and recording registers atomically."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.errors import Ambiguous, Conflict, InvalidInput, NotFound
from refocus_cli.core.measures import is_clinical
from refocus_cli.core.register import STATUSES, group_share
from refocus_cli.store import sessions
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import record_id

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


def session_for_register(store: Store, ref: str, force: bool) -> dict[str, Any]:
    """The session a register is for; cancelled or future ones only with --force."""
    session = sessions.get(store, ref)
    if session["status"] == "cancelled" and not force:
        raise Conflict(f"session {session['id']} was cancelled: record it anyway with --force")
    if datetime.fromisoformat(session["start"]) > store.clock() and not force:
        raise Conflict(
            f"session {session['id']} starts {session['start'][:16].replace('T', ' ')}, "
            "in the future: record it anyway with --force"
        )
    return session


def expected(
    store: Store, session: dict[str, Any], audience: str, *, include_attended: bool = False
) -> list[dict[str, Any]]:
    """Who should be at a session: its invitees, or its teams' staff on the day.

    Where a team is split into groups, people already marked at another group of the
    same session are left out, unless `include_attended` (for printing its pack).
    """
    if session["kind"] == "catch-up":
        return store.rows(
            "SELECT s.id, s.name, s.email, s.role, s.is_manager, t.id AS team_id, t.name AS team "
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


def _team_people(store: Store, session_id: int, day: str, audience: str) -> list[dict]:
    """The staff of a session's teams on a day who are in the module's audience."""
    managers = " AND s.is_manager" if audience == "managers" else ""
    people = store.rows(
        f"{PEOPLE} WHERE m.team_id IN (SELECT team_id FROM session_team WHERE session_id = ?) "
        f"AND m.start_date <= ? AND (m.end_date IS NULL OR m.end_date > ?){managers} "
        "ORDER BY t.name COLLATE NOCASE, s.name COLLATE NOCASE",
        [session_id, day, day],
    )
    if audience == "clinical":
        people = [p for p in people if is_clinical(p["role"])]
    return people


def in_group(
    store: Store, session: dict[str, Any], people: list[dict[str, Any]], audience: str
) -> list[dict[str, Any]]:
    """A team too big for one room is split into groups: each group's session expects
    its share of the team as it was on the first group's day, in name order; anyone who
    joined since goes to the last group."""
    if session["kind"] != "planned":
        return people
    teams = [r[0] for r in store.db.execute(
        "SELECT team_id FROM session_team WHERE session_id = ?", [session["id"]]
    )]  # fmt: skip
    if len(teams) != 1:
        return people
    siblings = store.db.execute(
        "SELECT s.id, s.start_utc FROM session s JOIN session_team st ON st.session_id = s.id "
        "WHERE st.team_id = ? AND s.module = ? AND s.occurrence = ? AND s.kind = 'planned' "
        "AND s.status != 'cancelled' "
        "AND (SELECT count(*) FROM session_team x WHERE x.session_id = s.id) = 1 "
        "ORDER BY s.group_no, s.id",
        [teams[0], session["module"], session["occurrence"]],
    ).fetchall()
    ids = [row[0] for row in siblings]
    if len(ids) < 2 or session["id"] not in ids:
        return people
    first_day = sessions.to_local(siblings[0][1], store.tz()).date().isoformat()
    base = _team_people(store, ids[0], first_day, audience)
    index = ids.index(session["id"])
    share = group_share([(p["name"], p["id"]) for p in base], len(ids), index)
    if index == len(ids) - 1:
        share |= {p["id"] for p in people} - {p["id"] for p in base}
    return [p for p in people if p["id"] in share]


def resolve(store: Store, ref: str, expected_people: list[dict]) -> dict[str, Any]:
    """A person named on a register: among those expected first, then anyone on record."""
    text = " ".join(ref.split())
    if text.isdigit():
        matches = [p for p in expected_people if p["id"] == record_id(text)]
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
    return person


def existing(store: Store, session_ids: list[int]) -> dict[tuple[int, int | None, str | None], str]:
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


def _mark_json(staff_id: int | None, visitor: str | None, status: str) -> str:
    """json.dumps({"staff_id": ..., "visitor": ..., "status": ...}), quicker for a staff mark."""
    if visitor is None and type(staff_id) is int and status in _STATUS_JSON:
        return f'{{"staff_id": {staff_id}, "visitor": null, "status": {_STATUS_JSON[status]}}}'
    return json.dumps({"staff_id": staff_id, "visitor": visitor, "status": status})


_STATUS_JSON = {status: json.dumps(status) for status in STATUSES}


@without_gc
def record(store: Store, marks: list[tuple[int, int | None, str | None, str]]) -> Outcome:
    """Write marks (session, staff or visitor, status) in one transaction, auditing changes.

    The same register recorded twice changes nothing; a corrected mark is updated and
    the audit log keeps the old and the new value.
    """
    # The marks on record are read inside the write transaction: two people typing
    # up the same register at once would otherwise both insert it, and the second
    # would fail on the unique mark.
    with store.write():
        return _record(store, marks)


def _record(store: Store, marks: list[tuple[int, int | None, str | None, str]]) -> Outcome:
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
            updates.append((status, actor, now, session_id, staff_id, visitor))
            outcome.changed += 1
        audits.append(
            (
                now,
                actor,
                "attend",
                "attendance",
                session_id,
                None if old is None else json.dumps({"status": old}),
                _mark_json(staff_id, visitor, status),
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
            "WHERE session_id = ? AND staff_id IS ? AND visitor IS ?",
            updates,
        )
        store.db.conn.executemany(
            "INSERT INTO audit (at, actor, action, entity, entity_id, old, new) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            audits,
        )
        for chunk in range(0, len(session_ids), 500):
            part = session_ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            # Each session that becomes held is audited with the status it had.
            turning = store.db.execute(
                f"SELECT id, status FROM session WHERE status != 'held' AND id IN ({marks})",
                part,
            ).fetchall()
            outcome.held += store.db.execute(
                # A cancelled session recorded with --force did take place after all.
                f"UPDATE session SET status = 'held', updated_at = ?, "
                f"sequence = sequence + (status = 'cancelled') WHERE status != 'held' "
                f"AND id IN ({marks})",
                [now, *part],
            ).rowcount
            store.db.conn.executemany(
                "INSERT INTO audit (at, actor, action, entity, entity_id, old, new) "
                "VALUES (?, ?, 'held', 'session', ?, ?, '{\"status\": \"held\"}')",
                [(now, actor, sid, json.dumps({"status": old})) for sid, old in turning],
            )
    return outcome


def sibling_attendees(store: Store, session: dict[str, Any]) -> set[int]:
    """Staff already marked as attending another group of the same team session."""
    if session["kind"] != "planned":
        return set()
    rows = store.db.execute(
        "SELECT a.staff_id FROM attendance a JOIN session o ON o.id = a.session_id "
        "WHERE o.id != ? AND o.module = ? AND o.occurrence = ? AND o.kind = 'planned' "
        "AND a.staff_id IS NOT NULL "
        "AND a.status IN ('present', 'late', 'left-early') "
        "AND o.id IN (SELECT session_id FROM session_team WHERE team_id IN "
        "(SELECT team_id FROM session_team WHERE session_id = ?))",
        [session["id"], session["module"], session["occurrence"], session["id"]],
    )
    return {row[0] for row in rows}


@dataclass
class Said:
    """What the user said about one person: where they said it, who, and the status."""

    where: str  # "--present", "row 4", ...
    ref: str
    status: str


def marks_for_session(
    store: Store,
    session: dict[str, Any],
    people: list[dict[str, Any]],
    said: list[Said],
    *,
    all_present: bool = False,
    excepted: list[str] = (),
    rest_absent: bool = False,
) -> tuple[dict[int, str], list[dict[str, Any]]]:
    """Marks by staff id for one session, and the expected people left unmarked.

    Every problem (unknown or ambiguous person, one person given two statuses) is
    collected and reported together; nothing is written here.
    """
    marks: dict[int, str] = {}
    source: dict[int, str] = {}
    problems: list[str] = []
    for entry in said:
        try:
            person = resolve(store, entry.ref, people)
        except (NotFound, Ambiguous) as exc:
            problems.append(f"{entry.where}: {exc}")
            continue
        old = marks.get(person["id"])
        if old is not None and old != entry.status:
            problems.append(
                f"{entry.where}: {person['name']} is already marked {old} ({source[person['id']]})"
            )
            continue
        marks[person["id"]] = entry.status
        source[person["id"]] = entry.where
    away = set()
    for ref in excepted:
        try:
            away.add(resolve(store, ref, people)["id"])
        except (NotFound, Ambiguous) as exc:
            problems.append(f"--except: {exc}")
    if problems:
        raise InvalidInput("; ".join(problems))
    if all_present:
        for person in people:
            if person["id"] not in marks:
                marks[person["id"]] = "absent" if person["id"] in away else "present"
    for staff_id in away:
        marks.setdefault(staff_id, "absent")
    unmarked = [p for p in people if p["id"] not in marks]
    if rest_absent:
        for person in unmarked:
            marks[person["id"]] = "absent"
        unmarked = []
    return marks, unmarked


def marks_of(store: Store, session_id: int) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT a.staff_id, coalesce(s.name, a.visitor) AS name, a.visitor IS NOT NULL AS visitor, "
        "a.status, a.recorded_by, a.recorded_at FROM attendance a "
        "LEFT JOIN staff s ON s.id = a.staff_id WHERE a.session_id = ? ORDER BY name",
        [session_id],
    )


def export_rows(store: Store) -> list[dict[str, Any]]:
    """Every attendance mark with its session and person, for `refocus export`."""
    tz = store.tz()
    rows = store.rows(
        "SELECT a.session_id, s.start_utc, s.stage, s.module, s.occurrence, a.staff_id, "
        "coalesce(p.name, a.visitor) AS name, a.visitor IS NOT NULL AS visitor, a.status, "
        "a.recorded_by, a.recorded_at FROM attendance a JOIN session s ON s.id = a.session_id "
        "LEFT JOIN staff p ON p.id = a.staff_id ORDER BY s.start_utc, a.session_id, name"
    )
    for row in rows:
        row["start"] = sessions.to_local(row.pop("start_utc"), tz).isoformat()
        row["visitor"] = bool(row["visitor"])
    return rows
