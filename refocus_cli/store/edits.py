"""Writing an edit (changed columns, calendars' SEQUENCE, the audit entry), and the sessions
still to come that an edit of a team, trainer, venue or person touches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from refocus_cli.core.edits import FieldChange, audit_pair
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.store import audit
from refocus_cli.store.database import Store

AHEAD = "s.status = :scheduled AND s.start_utc >= :now"
SESSION_COLUMNS = "s.id, s.start_utc, s.stage, s.module, s.expected"


def write(
    store: Store,
    table: str,
    record_id: int,
    found: Sequence[FieldChange],
    columns: Mapping[str, str | None] | None = None,
    sessions: Sequence[int] = (),
) -> None:
    """Store the changed fields of one row (a field is its column unless `columns` maps
    it to another, or to None where the caller stores it elsewhere), raise the SEQUENCE
    of `sessions`, and audit old → new; inside the edit's transaction. `table` is also
    the audit entity."""
    named = columns or {}
    stored = [(named.get(c.field, c.field), c.new) for c in found]
    stored = [(column, value) for column, value in stored if column is not None]
    assignments = ", ".join(f"{column} = ?" for column, _ in stored)
    values = [int(value) if isinstance(value, bool) else value for _, value in stored]
    if assignments:
        store.db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*values, record_id])
    bump(store, sessions)
    old, new = audit_pair(found)
    if sessions:
        new["sessions_updated"] = list(sessions)
    audit.record(store, "edit", table, record_id, old, new)


def bump(store: Store, session_ids: Sequence[int]) -> None:
    """Raise the SEQUENCE of sessions whose calendar entries changed, so calendars update."""
    now = store.now()
    store.db.conn.executemany(
        "UPDATE session SET sequence = sequence + 1, updated_at = ? WHERE id = ?",
        [(now, session_id) for session_id in session_ids],
    )


def _ahead(store: Store, joins: str, where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return store.rows(
        f"SELECT DISTINCT {SESSION_COLUMNS} FROM session s {joins} WHERE {AHEAD} AND {where} "
        "ORDER BY s.start_utc, s.id",
        {"scheduled": SessionStatus.SCHEDULED, "now": store.now(), **params},
    )


def team_sessions_ahead(store: Store, team_id: int) -> list[dict[str, Any]]:
    """A team's scheduled sessions from now on."""
    return _ahead(
        store,
        "JOIN session_team st ON st.session_id = s.id",
        "st.team_id = :team",
        {"team": team_id},
    )


def trainer_sessions_ahead(store: Store, trainer_id: int) -> list[dict[str, Any]]:
    """The scheduled sessions a trainer is booked on from now on, with their role there."""
    return store.rows(
        f"SELECT {SESSION_COLUMNS}, x.role FROM session s "
        f"JOIN session_trainer x ON x.session_id = s.id WHERE {AHEAD} AND x.trainer_id = :trainer "
        "ORDER BY s.start_utc, s.id",
        {"scheduled": SessionStatus.SCHEDULED, "now": store.now(), "trainer": trainer_id},
    )


def venue_sessions_ahead(store: Store, venue_id: int) -> list[dict[str, Any]]:
    """The scheduled sessions at a venue from now on, with their expected head-counts."""
    return _ahead(store, "", "s.venue_id = :venue", {"venue": venue_id})
