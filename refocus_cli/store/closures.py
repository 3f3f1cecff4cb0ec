"""Closure dates: days the organisation runs no sessions (training freezes, office moves)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from refocus_cli.core.errors import InvalidInput
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import new_uuid

LONGEST = 366  # days in one closure; a longer one is almost certainly a typing slip


def add(store: Store, first: date, last: date, reason: str) -> None:
    """Close every day from `first` to `last`; days already closed are left as they are."""
    if last < first:
        raise InvalidInput(f"--to {last} is before {first}: give the dates in order")
    if (last - first).days >= LONGEST:
        raise InvalidInput(f"{first} to {last} is over a year: add shorter closures")
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    with store.write():
        store.db.conn.executemany(
            "INSERT OR IGNORE INTO closure (uuid, date, reason) VALUES (?, ?, ?)",
            [(new_uuid(), day.isoformat(), reason) for day in days],
        )
        audit.record(
            store, "close", "closure", None, None, {"from": first, "to": last, "reason": reason}
        )


def listing(store: Store) -> list[dict[str, Any]]:
    """Every closed day, in date order."""
    return store.rows("SELECT id, uuid, date, reason FROM closure ORDER BY date")


def remove(store: Store, first: date, last: date) -> list[str]:
    """Open again every closed day from `first` to `last`; returns the days opened (none
    if none was closed). Audited."""
    with store.write():
        rows = store.rows(
            "SELECT date, reason FROM closure WHERE date BETWEEN ? AND ? ORDER BY date",
            [first.isoformat(), last.isoformat()],
        )
        if rows:
            store.db.execute(
                "DELETE FROM closure WHERE date BETWEEN ? AND ?",
                [first.isoformat(), last.isoformat()],
            )
            closed = [
                f"{row['date']}: {row['reason']}" if row["reason"] else row["date"] for row in rows
            ]
            audit.record(
                store, "open", "closure", None, {"closed": closed}, {"from": first, "to": last}
            )
    return [row["date"] for row in rows]
