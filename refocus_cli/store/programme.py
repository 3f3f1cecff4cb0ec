"""The programme: one per database file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from refocus_cli.core.edits import FieldChange, audit_pair
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import new_uuid

BRANDING_COLUMNS = ("organisation", "signatory", "signatory_role")


def create(
    store: Store, name: str, timezone: str, region: str, start: date | None
) -> dict[str, Any]:
    """Record the programme of a new database."""
    with store.write():
        store.db.execute(
            "INSERT INTO programme (uuid, name, timezone, region, start_date, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [new_uuid(), name, timezone, region, start.isoformat() if start else None, store.now()],
        )
    return store.programme()


def current(store: Store) -> dict[str, Any]:
    """The programme as stored now (read afresh, after a change to it)."""
    rows = store.rows("SELECT * FROM programme ORDER BY id LIMIT 1")
    return rows[0] if rows else store.programme()


def set_logo(store: Store, programme_id: int, data: bytes | None, kind: str | None) -> None:
    """Keep the logo's bytes (None: no logo); inside the caller's transaction."""
    store.db.execute(
        "UPDATE programme SET logo = ?, logo_type = ? WHERE id = ?", [data, kind, programme_id]
    )


def logo(store: Store) -> tuple[bytes, str] | None:
    """The programme's logo bytes and kind (png, jpg, svg), if one is set."""
    row = store.one("SELECT logo, logo_type FROM programme ORDER BY id LIMIT 1")
    if row is None or row["logo"] is None:
        return None
    return bytes(row["logo"]), row["logo_type"]


def record_branding(store: Store, programme_id: int, found: Sequence[FieldChange]) -> None:
    """Store what certificates print (the logo is stored by `set_logo`) and audit it as
    a `branding` edit; inside the caller's transaction."""
    columns = [c for c in found if c.field in BRANDING_COLUMNS]
    if columns:
        assignments = ", ".join(f"{c.field} = ?" for c in columns)
        store.db.execute(
            f"UPDATE programme SET {assignments} WHERE id = ?",
            [*(c.new for c in columns), programme_id],
        )
    old, new = audit_pair(found)
    audit.record(store, "edit", "branding", programme_id, old, new)


def sessions_ahead(store: Store) -> list[dict[str, Any]]:
    """Sessions still to come and scheduled (id, start_utc, module, cohort), in time
    order; a catch-up's cohort is None."""
    return store.rows(
        "SELECT s.id, s.start_utc, s.module, c.name AS cohort FROM session s "
        "LEFT JOIN cohort c ON c.id = s.cohort_id "
        "WHERE s.status = ? AND s.start_utc >= ? ORDER BY s.start_utc, s.id",
        [SessionStatus.SCHEDULED, store.now()],
    )
