"""Staff, their dated team memberships, and bulk roster import."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.measures import is_clinical
from refocus_cli.core.roster import KnownPerson, RosterPlan
from refocus_cli.store import audit, sessions
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import find, new_uuid
from refocus_cli.store.teams import find_active_team, find_team

CURRENT = """
SELECT s.id, s.uuid, s.name, s.email, s.role, s.is_manager, s.left_on,
       t.id AS team_id, t.name AS team, m.start_date AS since
FROM staff s
LEFT JOIN membership m ON m.staff_id = s.id AND m.end_date IS NULL
LEFT JOIN team t ON t.id = m.team_id
"""
STAFF_SELECT = f"SELECT *, coalesce(team, 'no team') AS detail FROM ({CURRENT})"


def find_staff(store: Store, ref: str) -> dict[str, Any]:
    return find(store, "staff", STAFF_SELECT, ref, email_column="email")


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "uuid": row["uuid"],
        "name": row["name"],
        "email": row["email"],
        "role": row["role"],
        "manager": bool(row["is_manager"]),
        "team": row["team"],
        "since": row["since"],
        "left_on": row["left_on"],
    }


def _email_free(store: Store, email: str | None) -> None:
    if email:
        holder = store.one("SELECT id, name FROM staff WHERE email = ? COLLATE NOCASE", [email])
        if holder:
            raise Conflict(
                f"email {email} already belongs to {holder['name']} (id {holder['id']}): "
                "each person has one record"
            )


def _add(
    store: Store,
    name: str,
    team_ref: str,
    role: str,
    email: str | None,
    manager: bool,
    start: date,
) -> dict[str, Any]:
    team = find_active_team(store, team_ref)
    _email_free(store, email)
    with store.write():
        staff_id = store.db.execute(
            "INSERT INTO staff (uuid, name, email, role, is_manager, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [new_uuid(), name, email, role, int(manager), store.now()],
        ).lastrowid
        store.db.execute(
            "INSERT INTO membership (uuid, staff_id, team_id, start_date) VALUES (?, ?, ?, ?)",
            [new_uuid(), staff_id, team["id"], start.isoformat()],
        )
        audit.record(
            store,
            "add",
            "staff",
            staff_id,
            None,
            {"name": name, "team": team["name"], "start": start, "role": role},
        )
    return get(store, staff_id)


def get(store: Store, staff_id: int) -> dict[str, Any]:
    return _public(store.rows(CURRENT + " WHERE s.id = ?", [staff_id])[0])


def listing(store: Store, team_ref: str | None = None, include_left: bool = False) -> list[dict]:
    """Staff, current ones by default, optionally of one team."""
    where, params = [], []
    if team_ref is not None:
        where.append("t.id = ?")
        params.append(find_team(store, team_ref)["id"])
    if not include_left:
        where.append("s.left_on IS NULL")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = store.rows(
        CURRENT + clause + " ORDER BY t.name COLLATE NOCASE, s.name COLLATE NOCASE", params
    )
    return [_public(row) for row in rows]


def _current_membership(store: Store, staff_id: int) -> dict[str, Any] | None:
    return store.one(
        "SELECT m.id, m.team_id, m.start_date, t.name AS team FROM membership m "
        "JOIN team t ON t.id = m.team_id WHERE m.staff_id = ? AND m.end_date IS NULL",
        [staff_id],
    )


def _ensure_after_start(person: dict, membership: dict | None, on: date, what: str) -> None:
    if membership and membership["start_date"] > on.isoformat():
        raise InvalidInput(
            f"{person['name']} joined {membership['team']} on {membership['start_date']}, "
            f"after the {what} date {on}: give --on {membership['start_date']} or later"
        )


def _move(store: Store, person_ref: str, team_ref: str, on: date) -> dict[str, Any]:
    """Move a person to another team from `on`; the old membership is kept as history."""
    person = find_staff(store, person_ref)
    if person["left_on"]:
        raise Conflict(f"{person['name']} left on {person['left_on']}: add them again to rejoin")
    team = find_active_team(store, team_ref)
    membership = _current_membership(store, person["id"])
    if membership and membership["team_id"] == team["id"]:
        raise Conflict(f"{person['name']} is already in {team['name']}")
    _ensure_after_start(person, membership, on, "move")
    with store.write():
        if membership:
            store.db.execute(
                "UPDATE membership SET end_date = ?, end_reason = 'moved' WHERE id = ?",
                [on.isoformat(), membership["id"]],
            )
        store.db.execute(
            "INSERT INTO membership (uuid, staff_id, team_id, start_date) VALUES (?, ?, ?, ?)",
            [new_uuid(), person["id"], team["id"], on.isoformat()],
        )
        audit.record(
            store,
            "move",
            "membership",
            person["id"],
            {"team": membership["team"] if membership else None},
            {"team": team["name"], "on": on},
        )
    return get(store, person["id"])


def _leave(store: Store, person_ref: str, on: date) -> dict[str, Any]:
    """Record that a person left on `on`: their membership ends, their history stays."""
    person = find_staff(store, person_ref)
    if person["left_on"]:
        raise Conflict(f"{person['name']} already left on {person['left_on']}")
    membership = _current_membership(store, person["id"])
    _ensure_after_start(person, membership, on, "leaving")
    with store.write():
        if membership:
            store.db.execute(
                "UPDATE membership SET end_date = ?, end_reason = 'left' WHERE id = ?",
                [on.isoformat(), membership["id"]],
            )
        store.db.execute(
            "UPDATE staff SET left_on = ? WHERE id = ?", [on.isoformat(), person["id"]]
        )
        audit.record(
            store,
            "leave",
            "membership",
            person["id"],
            {"team": membership["team"] if membership else None},
            {"left_on": on},
        )
    return get(store, person["id"])


def history(store: Store, staff_id: int) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT t.name AS team, m.start_date, m.end_date, m.end_reason FROM membership m "
        "JOIN team t ON t.id = m.team_id WHERE m.staff_id = ? ORDER BY m.start_date, m.id",
        [staff_id],
    )


def roster_context(
    store: Store,
) -> tuple[dict[str, str], dict[str, KnownPerson], set, dict[str, str]]:
    """What roster checking needs to know about teams and staff already on record."""
    teams, ended = {}, {}
    for row in store.rows(
        "SELECT t.name, t.status, t.ended_on, m.name AS merged_into FROM team t "
        "LEFT JOIN team m ON m.id = t.merged_into"
    ):
        if row["status"] == "active":
            teams[row["name"].lower()] = row["name"]
        elif row["merged_into"]:
            ended[row["name"].lower()] = (
                f"was merged into {row['merged_into']} on {row['ended_on']}: "
                f"use {row['merged_into']!r}"
            )
        else:
            ended[row["name"].lower()] = (
                f"was disbanded on {row['ended_on']}: give these staff an active team"
            )
    by_email: dict[str, KnownPerson] = {}
    by_name_team: set[tuple[str, str]] = set()
    no_email_ids: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in store.db.execute(
        "SELECT s.id, s.name, s.email, t.name FROM staff s "
        "LEFT JOIN membership m ON m.staff_id = s.id AND m.end_date IS NULL "
        "LEFT JOIN team t ON t.id = m.team_id"
    ):
        staff_id, name, email, team = row
        if email:
            by_email[email.lower()] = KnownPerson(name, team, staff_id)
        elif team:
            by_name_team.add((name.lower(), team.lower()))
            no_email_ids[(name.lower(), team.lower())].append(staff_id)
    return teams, by_email, by_name_team, ended, dict(no_email_ids)


def import_roster(store: Store, plan: RosterPlan, source: str) -> dict[str, int]:
    """Write a checked roster in one transaction: all of it or none of it."""
    now = store.now()
    with store.write():
        if plan.new_teams:
            store.db.conn.executemany(
                "INSERT INTO team (uuid, name, created_at) VALUES (?, ?, ?)",
                [(new_uuid(), name, now) for name in plan.new_teams],
            )
        active = store.rows("SELECT id, name FROM team WHERE status = 'active'")
        team_ids = {row["name"].lower(): row["id"] for row in active}
        team_names = {row["name"].lower(): row["name"] for row in active}
        first = (store.one("SELECT coalesce(max(id), 0) AS top FROM staff") or {"top": 0})[
            "top"
        ] + 1
        staff_rows, membership_rows = [], []
        for offset, entry in enumerate(plan.to_add):
            staff_id = first + offset
            staff_rows.append(
                (staff_id, new_uuid(), entry.name, entry.email, entry.role, int(entry.manager), now)
            )
            membership_rows.append(
                (new_uuid(), staff_id, team_ids[entry.team.lower()], entry.start.isoformat())
            )
        store.db.conn.executemany(
            "INSERT INTO staff (id, uuid, name, email, role, is_manager, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            staff_rows,
        )
        store.db.conn.executemany(
            "INSERT INTO membership (uuid, staff_id, team_id, start_date) VALUES (?, ?, ?, ?)",
            membership_rows,
        )
        for staff_id, entry in plan.emails_added:
            store.db.execute(
                "UPDATE staff SET email = ? WHERE id = ? AND email IS NULL", [entry.email, staff_id]
            )
            audit.record(
                store, "update", "staff", staff_id, {"email": None},
                {"email": entry.email, "source": source},
            )  # fmt: skip
        audit.record(
            store,
            "import",
            "staff",
            None,
            None,
            {"source": source, "added": len(staff_rows), "teams_created": plan.new_teams},
        )
        audit.record_many(
            store,
            (
                (
                    "add",
                    "staff",
                    first + offset,
                    None,
                    {
                        "name": entry.name,
                        "team": team_names[entry.team.lower()],
                        "start": entry.start,
                        "role": entry.role,
                        "source": source,
                    },
                )
                for offset, entry in enumerate(plan.to_add)
            ),
        )
    return {
        "added": len(plan.to_add),
        "unchanged": len(plan.unchanged),
        "emails_added": len(plan.emails_added),
        "teams_created": len(plan.new_teams),
    }


def subject_access(store: Store, person_ref: str) -> dict[str, Any]:
    """Everything held on one person: record, memberships, marks, invitations, audit log."""
    person = find_staff(store, person_ref)
    staff_id, tz = person["id"], store.tz()
    created = store.one("SELECT created_at FROM staff WHERE id = ?", [staff_id])["created_at"]
    memberships = store.rows(
        "SELECT t.id AS team_id, t.name AS team, m.start_date, m.end_date, m.end_reason "
        "FROM membership m JOIN team t ON t.id = m.team_id WHERE m.staff_id = ? "
        "ORDER BY m.start_date, m.id",
        [staff_id],
    )
    attendance = store.rows(
        "SELECT a.session_id, s.start_utc AS start, s.stage, s.module, s.occurrence, s.kind, "
        "a.status, a.recorded_by, a.recorded_at FROM attendance a "
        "JOIN session s ON s.id = a.session_id WHERE a.staff_id = ? ORDER BY s.start_utc, s.id",
        [staff_id],
    )
    invitations = store.rows(
        "SELECT s.id AS session_id, s.start_utc AS start, s.stage, s.module, s.status "
        "FROM session_invitee i JOIN session s ON s.id = i.session_id WHERE i.staff_id = ? "
        "ORDER BY s.start_utc, s.id",
        [staff_id],
    )
    for row in attendance + invitations:
        row["start"] = sessions.to_local(row["start"], tz).isoformat()
    return {
        "person": {**_public(person), "created_at": created},
        "memberships": memberships,
        "attendance": attendance,
        "catch_up_invitations": invitations,
        "audit": audit.about_staff(store, person),
        "exported_at": store.clock().astimezone(tz).isoformat(),
    }


# Free text where a person may be named: why a session moved, a closure, a trainer's leave.
FREE_TEXT = (("session", "note"), ("closure", "reason"), ("trainer_unavailable", "reason"))


def forget(store: Store, person_ref: str) -> dict[str, Any]:
    """Erase a person's identity everywhere, keeping an anonymous record so counts stay.

    The name becomes a placeholder, the email goes, the role keeps only whether it is
    clinical (the measures need that); memberships and marks stay. One transaction, then
    the file is rewritten so that freed pages keep no copy of what was erased.
    """
    person = find_staff(store, person_ref)
    staff_id = person["id"]
    done = store.one(
        "SELECT at FROM audit WHERE action = 'forget' AND entity = 'staff' AND entity_id = ?",
        [staff_id],
    )
    if done:
        raise Conflict(f"staff {staff_id} was already forgotten on {done['at'][:10]}")
    placeholder = f"Forgotten person {staff_id}"
    role = "" if is_clinical(person["role"]) else "administrative"
    words = [word for word in (person["name"], person["email"]) if word]
    pattern = audit.identity_pattern(words)
    store.db.execute("PRAGMA secure_delete = ON")
    with store.write():
        store.db.execute(
            "UPDATE staff SET name = ?, email = NULL, role = ? WHERE id = ?",
            [placeholder, role, staff_id],
        )
        audit.record(store, "forget", "staff", staff_id, None, {"name": placeholder, "role": role})
        entries = audit.scrub(store, staff_id, words, placeholder, role)
        notes = 0
        for table, column in FREE_TEXT:
            changed = [
                (pattern.sub(placeholder, text), rowid)
                for rowid, text in store.db.execute(
                    f"SELECT rowid, {column} FROM {table} WHERE {column} != ''"
                )
                if pattern.search(text)
            ]
            store.db.conn.executemany(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", changed)
            notes += len(changed)
        folded = {word.casefold() for word in words}
        for (recorder,) in store.db.execute(
            "SELECT DISTINCT recorded_by FROM attendance"
        ).fetchall():
            if recorder.strip().casefold() in folded:
                store.db.execute(
                    "UPDATE attendance SET recorded_by = ? WHERE recorded_by = ?",
                    [placeholder, recorder],
                )
    counts = store.one(
        "SELECT (SELECT count(*) FROM membership WHERE staff_id = :id) AS memberships, "
        "(SELECT count(*) FROM attendance WHERE staff_id = :id) AS attendance",
        {"id": staff_id},
    )
    return {
        "id": staff_id,
        "name": placeholder,
        **counts,
        "audit_entries_erased": entries,
        "notes_erased": notes,
        "log_still_open": _rewrite_file(store),
    }


def _rewrite_file(store: Store) -> bool:
    """VACUUM, then empty the write-ahead log; True if another program kept it from emptying."""
    store.db.execute("VACUUM")
    busy = store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return bool(busy)


# Each check and its write run in one transaction, so two processes cannot both pass
# the check (the same email added twice, one person moved twice at once).


def add(
    store: Store,
    name: str,
    team_ref: str,
    role: str,
    email: str | None,
    manager: bool,
    start: date,
) -> dict[str, Any]:
    """Add one member of staff to a team from `start`."""
    with store.write():
        return _add(store, name, team_ref, role, email, manager, start)


def move(store: Store, person_ref: str, team_ref: str, on: date) -> dict[str, Any]:
    """Move a person to another team from `on`; the old membership is kept as history."""
    with store.write():
        return _move(store, person_ref, team_ref, on)


def leave(store: Store, person_ref: str, on: date) -> dict[str, Any]:
    """Record that a person left on `on`: their membership ends, their history stays."""
    with store.write():
        return _leave(store, person_ref, on)
