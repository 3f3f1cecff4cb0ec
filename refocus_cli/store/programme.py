"""The programme: one per database file."""

from __future__ import annotations

from datetime import date
from typing import Any

from refocus_cli.store.database import Store
from refocus_cli.store.lookup import new_uuid


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
