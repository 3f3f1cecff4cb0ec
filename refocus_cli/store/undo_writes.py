"""What an undo reads and writes to put records back as an audit entry says they were:
sessions, marks, memberships, staff, teams and edited fields. The checks (may this be
put back?) are in services/undo_steps.py; every write here is inside the undo's
transaction and audited there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from refocus_cli.core.vocabulary import AttendanceStatus, SessionStatus, TeamStatus
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import new_uuid

# The columns an edit may have changed, by audited field, for each kind of record
# (store/edits.py writes a field to the column of the same name unless mapped).
EDITED = {
    "staff": {
        "name": "name",
        "email": "email",
        "role": "role",
        "manager": "is_manager",
        "clinical": "clinical",
        "clinical_guessed": "clinical_guessed",
    },
    "team": {"name": "name", "site": "site", "kind": "kind"},
    "trainer": {"name": "name", "email": "email", "lived_experience": "lived_experience"},
    "venue": {"name": "name", "site": "site", "capacity": "capacity"},
    "programme": {"follow_up": "follow_up_date", "notice_days": "notice_days"},
}
BOOLEAN = {"is_manager", "clinical", "clinical_guessed", "lived_experience"}


@dataclass(frozen=True)
class SessionNow:
    """Where a session stands now."""

    id: int
    status: SessionStatus
    start_utc: str
    end_utc: str
    venue_id: int | None
    trainer_ids: tuple[int, ...]
    team_ids: tuple[int, ...]
    marks: int


def session_now(store: Store, session_id: int | None) -> SessionNow | None:
    """A session as it stands, or None if there is none with that id."""
    row = store.db.execute(
        "SELECT id, status, start_utc, end_utc, venue_id, "
        "(SELECT count(*) FROM attendance a WHERE a.session_id = s.id) FROM session s "
        "WHERE id = ?",
        [session_id],
    ).fetchone()
    if row is None:
        return None
    trainers = store.db.execute(
        "SELECT trainer_id FROM session_trainer WHERE session_id = ? "
        "ORDER BY role = 'lived-experience', trainer_id",
        [session_id],
    ).fetchall()
    teams = store.db.execute(
        "SELECT team_id FROM session_team WHERE session_id = ? ORDER BY team_id", [session_id]
    ).fetchall()
    return SessionNow(
        row[0],
        SessionStatus(row[1]),
        row[2],
        row[3],
        row[4],
        tuple(t[0] for t in trainers),
        tuple(t[0] for t in teams),
        row[5],
    )


def set_session(
    store: Store, session_id: int, columns: Mapping[str, Any], *, calendar: bool = True
) -> None:
    """Put columns of a session back; its SEQUENCE rises when its calendar entry changes."""
    assignments = "".join(f"{column} = ?, " for column in columns)
    store.db.execute(
        f"UPDATE session SET {assignments}updated_at = ?, sequence = sequence + ? WHERE id = ?",
        [*columns.values(), store.now(), int(calendar), session_id],
    )


def link_team(store: Store, session_id: int, team_id: int) -> None:
    """Put a team back on a session."""
    store.db.execute(
        "INSERT OR IGNORE INTO session_team (session_id, team_id) VALUES (?, ?)",
        [session_id, team_id],
    )


def invite(store: Store, session_id: int, staff_id: int) -> None:
    """Put someone back on a catch-up session's invitations."""
    store.db.execute(
        "INSERT OR IGNORE INTO session_invitee (session_id, staff_id) VALUES (?, ?)",
        [session_id, staff_id],
    )


def delete_session(store: Store, session_id: int) -> None:
    """Remove a session that never took place (no marks) with its links."""
    store.db.execute("DELETE FROM session WHERE id = ?", [session_id])


def venue_id_named(store: Store, name: str | None) -> int | None:
    """The id of the venue with this name (as audited), None for none or no such venue."""
    if not name:
        return None
    row = store.db.execute("SELECT id FROM venue WHERE name = ?", [name]).fetchone()
    return int(row[0]) if row else None


def mark(store: Store, session_id: int, staff_id: int | None, visitor: str | None) -> str | None:
    """The status of one mark on record, or None."""
    row = store.db.execute(
        "SELECT status FROM attendance WHERE session_id = ? AND staff_id IS ? AND visitor IS ?",
        [session_id, staff_id, visitor],
    ).fetchone()
    return str(row[0]) if row else None


def set_mark(
    store: Store,
    session_id: int,
    staff_id: int | None,
    visitor: str | None,
    status: AttendanceStatus | None,
    recorded: tuple[str | None, str | None] = (None, None),
) -> None:
    """Give one person this mark at a session (None: no mark), recorded by whom and when
    the audit log says (else by the person undoing, now)."""
    store.db.execute(
        "DELETE FROM attendance WHERE session_id = ? AND staff_id IS ? AND visitor IS ?",
        [session_id, staff_id, visitor],
    )
    if status is not None:
        by, at = recorded
        store.db.execute(
            "INSERT INTO attendance (session_id, staff_id, visitor, status, recorded_by, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            [session_id, staff_id, visitor, status, by or store.actor, at or store.now()],
        )


def rename_visitor(store: Store, session_id: int, name: str, to: str) -> None:
    """Give a visitor on a register their earlier name."""
    store.db.execute(
        "UPDATE attendance SET visitor = ? WHERE session_id = ? AND visitor = ?",
        [to, session_id, name],
    )


@dataclass(frozen=True)
class Membership:
    """One of a person's memberships, with its team's name and standing."""

    id: int
    team_id: int
    team: str
    team_status: TeamStatus
    start_date: str
    end_date: str | None
    end_reason: str | None


def memberships(store: Store, staff_id: int) -> list[Membership]:
    """Every membership a person has had or has, oldest first."""
    return [
        Membership(row[0], row[1], row[2], TeamStatus(row[3]), row[4], row[5], row[6])
        for row in store.db.execute(
            "SELECT m.id, m.team_id, t.name, t.status, m.start_date, m.end_date, m.end_reason "
            "FROM membership m JOIN team t ON t.id = m.team_id WHERE m.staff_id = ? "
            "ORDER BY m.start_date, m.id",
            [staff_id],
        )
    ]


def delete_membership(store: Store, membership_id: int) -> None:
    """Remove a membership an undone change started."""
    store.db.execute("DELETE FROM membership WHERE id = ?", [membership_id])


def insert_membership(
    store: Store,
    staff_id: int,
    team: str,
    start_date: str,
    end_date: str | None,
    reason: str | None,
) -> None:
    """Put back a membership an undone change took away (one a later merge gave)."""
    store.db.execute(
        "INSERT INTO membership (uuid, staff_id, team_id, start_date, end_date, end_reason) "
        "SELECT ?, ?, id, ?, ?, ? FROM team WHERE name = ?",
        [new_uuid(), staff_id, start_date, end_date, reason, team],
    )


def reopen_membership(store: Store, membership_id: int) -> None:
    """A membership an undone change ended runs on again."""
    store.db.execute(
        "UPDATE membership SET end_date = NULL, end_reason = NULL WHERE id = ?", [membership_id]
    )


def restore_membership(
    store: Store,
    membership_id: int,
    start_date: str | None,
    end_date: str | None,
    end_reason: str | None,
) -> None:
    """A membership an undone change cut short or started early put back: its end (and,
    given `start_date`, its start) as they were."""
    store.db.execute(
        "UPDATE membership SET start_date = coalesce(?, start_date), end_date = ?, "
        "end_reason = ? WHERE id = ?",
        [start_date, end_date, end_reason, membership_id],
    )


def staff_left_on(store: Store, staff_id: int) -> tuple[bool, str | None]:
    """Whether a person is on record, and the day they left (None if they have not)."""
    row = store.db.execute("SELECT left_on FROM staff WHERE id = ?", [staff_id]).fetchone()
    return (row is not None, row[0] if row else None)


def set_left_on(store: Store, staff_id: int, left_on: str | None) -> None:
    """Record (or take back) the day a person left."""
    store.db.execute("UPDATE staff SET left_on = ? WHERE id = ?", [left_on, staff_id])


def staff_uses(store: Store, staff_id: int) -> dict[str, int]:
    """What stands on a person's record besides their first membership: marks, catch-up
    invitations, further memberships."""
    row = store.db.execute(
        "SELECT (SELECT count(*) FROM attendance WHERE staff_id = :id), "
        "(SELECT count(*) FROM session_invitee WHERE staff_id = :id), "
        "(SELECT count(*) FROM membership WHERE staff_id = :id)",
        {"id": staff_id},
    ).fetchone()
    return {"marks": row[0], "invitations": row[1], "memberships": row[2]}


def delete_staff(store: Store, staff_id: int) -> None:
    """Remove a person an undone change added (their membership goes with them)."""
    store.db.execute("DELETE FROM membership WHERE staff_id = ?", [staff_id])
    store.db.execute("DELETE FROM staff WHERE id = ?", [staff_id])


def team_named(store: Store, name: str) -> dict[str, Any] | None:
    """The team with this name (any case), with its standing."""
    return store.one(
        "SELECT id, name, status, ended_on, merged_into FROM team WHERE name = ? COLLATE NOCASE",
        [name],
    )


def reactivate_team(store: Store, team_id: int) -> None:
    """A team an undone merge or disband ended is active again."""
    store.db.execute(
        "UPDATE team SET status = ?, ended_on = NULL, merged_into = NULL WHERE id = ?",
        [TeamStatus.ACTIVE, team_id],
    )


def values(store: Store, table: str, record_id: int | None, fields: list[str]) -> dict[str, Any]:
    """The current values of edited fields of one record (booleans as booleans); empty
    when the record is gone."""
    columns = [EDITED[table][field] for field in fields]
    row = store.db.execute(
        f"SELECT {', '.join(columns) or 'id'} FROM {table} WHERE id = ?", [record_id]
    ).fetchone()
    if row is None:
        return {}
    return {
        field: bool(value) if column in BOOLEAN else value
        for field, column, value in zip(fields, columns, row, strict=False)
    }


def set_values(store: Store, table: str, record_id: int | None, found: Mapping[str, Any]) -> None:
    """Put edited fields of one record back."""
    if not found:
        return
    columns = [EDITED[table][field] for field in found]
    assignments = ", ".join(f"{column} = ?" for column in columns)
    stored = [int(v) if isinstance(v, bool) else v for v in found.values()]
    store.db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*stored, record_id])


def name_taken(store: Store, table: str, column: str, value: Any, other_than: int | None) -> bool:
    """Whether another record of `table` has this name or email (any case)."""
    return (
        store.db.execute(
            f"SELECT 1 FROM {table} WHERE {column} = ? COLLATE NOCASE AND id IS NOT ?",
            [value, other_than],
        ).fetchone()
        is not None
    )


def trainer_stages(store: Store, trainer_id: int) -> list[str]:
    """The stages a trainer delivers."""
    return [
        row[0]
        for row in store.db.execute(
            "SELECT stage FROM trainer_stage WHERE trainer_id = ?", [trainer_id]
        )
    ]
