"""Venues where sessions are held."""

from __future__ import annotations

from typing import Any

from refocus_cli.core.errors import Conflict
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import new_uuid


def add(store: Store, name: str, capacity: int, site: str) -> dict[str, Any]:
    """Add a venue, audited; its name must be new."""
    if store.one("SELECT id FROM venue WHERE name = ? COLLATE NOCASE", [name]):
        raise Conflict(f"a venue called {name!r} already exists: choose another name")
    with store.write():
        venue_id = store.db.execute(
            "INSERT INTO venue (uuid, name, site, capacity) VALUES (?, ?, ?, ?)",
            [new_uuid(), name, site, capacity],
        ).lastrowid
        audit.record(store, "add", "venue", venue_id, None, {"name": name, "capacity": capacity})
    return store.rows("SELECT id, uuid, name, site, capacity FROM venue WHERE id = ?", [venue_id])[
        0
    ]


def listing(store: Store) -> list[dict[str, Any]]:
    """Every venue by name."""
    return store.rows(
        "SELECT id, uuid, name, site, capacity FROM venue ORDER BY name COLLATE NOCASE"
    )
