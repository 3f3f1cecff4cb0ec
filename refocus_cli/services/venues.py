"""Venues: adding, listing and correcting them, and removing one no longer used."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from refocus_cli.core.edits import Edited, SessionRef, changes, listed_sessions, wanted
from refocus_cli.core.errors import Conflict
from refocus_cli.services.trainers import Removed
from refocus_cli.store import edits, sessions, venues
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class Venue:
    """A room sessions are held in, and how many it seats."""

    id: int
    uuid: str
    name: str
    site: str
    capacity: int

    def as_record(self) -> dict[str, Any]:
        """The venue as printed with --json and in tables."""
        return asdict(self)


def add_venue(store: Store, name: str, capacity: int, site: str = "") -> Venue:
    """Add a venue; its name must be new."""
    return Venue(**venues.add(store, name, capacity, site))


def list_venues(store: Store) -> list[Venue]:
    """Every venue by name."""
    return [Venue(**row) for row in venues.listing(store)]


def _refs(store: Store, rows: list[dict[str, Any]]) -> list[SessionRef]:
    tz = store.tz()
    return [
        SessionRef(row["id"], sessions.to_local(row["start_utc"], tz), row["module"])
        for row in rows
    ]


def edit_venue(
    store: Store,
    ref: str,
    name: str | None = None,
    capacity: int | None = None,
    site: str | None = None,
) -> Edited:
    """Correct a venue's name, capacity or site. A new name must be free; a capacity may
    not fall below the head-count expected at a session still to come there."""
    asked = wanted({"name": name, "capacity": capacity, "site": site}, "a venue")
    with store.write():
        venue = venues.get(store, venues.find_venue(store, ref)["id"])
        if name is not None and venues.name_taken(store, name, venue["id"]):
            raise Conflict(f"a venue called {name!r} already exists: choose another name")
        booked = edits.venue_sessions_ahead(store, venue["id"])
        if capacity is not None:
            crowded = [row for row in booked if row["expected"] > capacity]
            if crowded:
                most = max(row["expected"] for row in crowded)
                raise Conflict(
                    f"{venue['name']} would seat {capacity}, fewer than expected at "
                    f"{listed_sessions(_refs(store, crowded))} (up to {most}): give "
                    f"--capacity {most} or more, or move those sessions first"
                )
        found = changes(venue, asked)
        shown = any(change.field in ("name", "site") for change in found)
        updated = tuple(row["id"] for row in booked) if shown else ()
        if found:
            edits.write(store, "venue", venue["id"], found, sessions=updated)
        return Edited("venue", venue["id"], asked.get("name", venue["name"]), found, updated)


def remove_venue(store: Store, ref: str) -> Removed:
    """Take a venue off the record: refused while sessions still to come are held there
    (listed), and kept when past sessions name it."""
    with store.write():
        venue = venues.get(store, venues.find_venue(store, ref)["id"])
        booked = edits.venue_sessions_ahead(store, venue["id"])
        if booked:
            raise Conflict(
                f"{venue['name']} is booked for {listed_sessions(_refs(store, booked))}: "
                "give those sessions another venue first (`refocus session assign ID "
                "--venue OTHER`)"
            )
        used = venues.sessions_on_record(store, venue["id"])
        if used:
            venues.retire(store, venue, store.today())
        else:
            venues.remove(store, venue)
        return Removed("venue", venue["id"], venue["name"], used)
