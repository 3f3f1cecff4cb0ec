"""Putting a register right: marks removed, a visitor's name corrected, each audited."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from refocus_cli.core.vocabulary import AttendanceStatus, SessionStatus
from refocus_cli.store import audit
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class OnRegister:
    """A mark on a session's register: a member of staff (with their email) or a visitor."""

    staff_id: int | None
    visitor: str | None
    name: str
    email: str | None
    status: AttendanceStatus
    recorded_by: str
    recorded_at: str


def on_register(store: Store, session_id: int) -> list[OnRegister]:
    """Every mark on a session's register, by name."""
    return [
        OnRegister(staff_id, visitor, name, email, AttendanceStatus(status), by, at)
        for staff_id, visitor, name, email, status, by, at in store.db.execute(
            "SELECT a.staff_id, a.visitor, coalesce(s.name, a.visitor) AS name, s.email, "
            "a.status, a.recorded_by, a.recorded_at FROM attendance a "
            "LEFT JOIN staff s ON s.id = a.staff_id "
            "WHERE a.session_id = ? ORDER BY name",
            [session_id],
        )
    ]


def past_visitors(store: Store, session_id: int) -> list[str]:
    """Every visitor's name a session's register has held, as the audit log tells it."""
    return [
        name
        for (name,) in store.db.execute(
            "SELECT DISTINCT json_extract(new, '$.visitor') FROM audit "
            "WHERE entity = 'attendance' AND entity_id = ? "
            "AND json_extract(new, '$.visitor') IS NOT NULL",
            [session_id],
        )
    ]


def clear(store: Store, session_id: int, marks: Sequence[OnRegister]) -> None:
    """Remove these marks from a session's register, each audited old → cleared.
    Call inside a write transaction."""
    for mark in marks:
        store.db.execute(
            "DELETE FROM attendance WHERE session_id = ? AND staff_id IS ? AND visitor IS ?",
            [session_id, mark.staff_id, mark.visitor],
        )
        audit.record(
            store,
            "clear",
            "attendance",
            session_id,
            {
                "status": mark.status,
                "recorded_by": mark.recorded_by,
                "recorded_at": mark.recorded_at,
            },
            {"staff_id": mark.staff_id, "visitor": mark.visitor, "status": None},
        )


def rename_visitor(store: Store, session_id: int, mark: OnRegister, new: str) -> None:
    """Give a visitor on a session's register another name, audited old → new.
    Call inside a write transaction."""
    store.db.execute(
        "UPDATE attendance SET visitor = ?, recorded_by = ?, recorded_at = ? "
        "WHERE session_id = ? AND visitor = ?",
        [new, store.actor, store.now(), session_id, mark.visitor],
    )
    audit.record(
        store,
        "rename-visitor",
        "attendance",
        session_id,
        {"visitor": mark.visitor, "status": mark.status},
        {"staff_id": None, "visitor": new, "status": mark.status},
    )


def unhold_if_empty(store: Store, session_id: int) -> SessionStatus | None:
    """A held session whose register is now empty goes back to the status it had before
    its register made it held (scheduled unless it had been cancelled), audited; the
    status it now has, or None where nothing changed. Call inside a write transaction."""
    row = store.db.execute(
        "SELECT status, EXISTS (SELECT 1 FROM attendance WHERE session_id = session.id) "
        "FROM session WHERE id = ?",
        [session_id],
    ).fetchone()
    if row is None or row[0] != SessionStatus.HELD or row[1]:
        return None
    before = store.db.execute(
        "SELECT old FROM audit WHERE action = 'held' AND entity = 'session' AND entity_id = ? "
        "ORDER BY id DESC LIMIT 1",
        [session_id],
    ).fetchone()
    was = json.loads(before[0]).get("status") if before and before[0] else None
    status = SessionStatus.CANCELLED if was == SessionStatus.CANCELLED else SessionStatus.SCHEDULED
    store.db.execute(
        "UPDATE session SET status = ?, updated_at = ?, "
        "sequence = sequence + (? = 'cancelled') WHERE id = ?",
        [status, store.now(), status, session_id],
    )
    audit.record(
        store, "clear", "session", session_id, {"status": SessionStatus.HELD}, {"status": status}
    )
    return status
