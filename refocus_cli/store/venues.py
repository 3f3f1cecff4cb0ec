"""Venues where sessions are held."""

from __future__ import annotations

from datetime import date
from typing import Any

from refocus_cli.core.errors import Conflict
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import find, new_uuid

VENUE_SELECT = "SELECT id, uuid, name, site, capacity, removed_on, site AS detail FROM venue"
VENUE_COLUMNS = "SELECT id, uuid, name, site, capacity FROM venue"


def find_venue(store: Store, ref: str) -> dict[str, Any]:
    """The one venue `ref` (an id or a unique name) names."""
    return find(store, "venue", VENUE_SELECT, ref)


def name_taken(store: Store, name: str, other_than: int | None = None) -> bool:
    """Whether another venue (not `other_than`) has this name, in any case."""
    return bool(
        store.one(
            "SELECT id FROM venue WHERE name = ? COLLATE NOCASE AND id IS NOT ?", [name, other_than]
        )
    )


def add(store: Store, name: str, capacity: int, site: str) -> dict[str, Any]:
    """Add a venue, audited; its name must be new."""
    if name_taken(store, name):
        raise Conflict(f"a venue called {name!r} already exists: choose another name")
    with store.write():
        venue_id = store.db.execute(
            "INSERT INTO venue (uuid, name, site, capacity) VALUES (?, ?, ?, ?)",
            [new_uuid(), name, site, capacity],
        ).lastrowid
        audit.record(store, "add", "venue", venue_id, None, {"name": name, "capacity": capacity})
    return get(store, venue_id)


def get(store: Store, venue_id: int | None) -> dict[str, Any]:
    """One venue by id."""
    return store.rows(f"{VENUE_COLUMNS} WHERE id = ?", [venue_id])[0]


def listing(store: Store) -> list[dict[str, Any]]:
    """Every venue still in use by the programme, by name."""
    return store.rows(f"{VENUE_COLUMNS} WHERE removed_on IS NULL ORDER BY name COLLATE NOCASE")


def sessions_on_record(store: Store, venue_id: int) -> int:
    """How many sessions, of any time or status, were or are held at a venue."""
    rows = store.rows("SELECT count(*) AS n FROM session WHERE venue_id = ?", [venue_id])
    return int(rows[0]["n"])


def retire(store: Store, venue: dict[str, Any], on: date) -> None:
    """Take a venue that past sessions name out of use from `on`: kept on record for
    those sessions, never listed or booked again; audited."""
    store.db.execute("UPDATE venue SET removed_on = ? WHERE id = ?", [on, venue["id"]])
    audit.record(store, "retire", "venue", venue["id"], {"removed_on": None}, {"removed_on": on})


def remove(store: Store, venue: dict[str, Any]) -> None:
    """Delete a venue no session names; audited."""
    store.db.execute("DELETE FROM venue WHERE id = ?", [venue["id"]])
    audit.record(
        store,
        "remove",
        "venue",
        venue["id"],
        {"name": venue["name"], "site": venue["site"], "capacity": venue["capacity"]},
        None,
    )
