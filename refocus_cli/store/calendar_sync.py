"""What refocus last wrote to each CalDAV calendar: per event its href, ETag, SEQUENCE
and digest, so the next publish knows its own writes from edits made on the server."""

from __future__ import annotations

from dataclasses import dataclass

from refocus_cli.store.database import Store


@dataclass(frozen=True)
class WrittenEvent:
    """One event as refocus last left it in a calendar."""

    uid: str
    href: str
    etag: str | None
    sequence: int
    digest: str


def written_events(store: Store, calendar: str) -> list[WrittenEvent]:
    """Every event refocus wrote to the calendar at this address and has not deleted."""
    return [
        WrittenEvent(*row)
        for row in store.db.execute(
            "SELECT uid, href, etag, sequence, digest FROM caldav_event WHERE calendar = ?",
            [calendar],
        )
    ]


def record_writes(
    store: Store, calendar: str, written: list[WrittenEvent], removed: list[str]
) -> None:
    """Remember what a publish wrote and deleted, in one transaction."""
    now = store.now()
    with store.write():
        store.db.conn.executemany(
            "INSERT INTO caldav_event (calendar, uid, href, etag, sequence, digest, written_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (calendar, uid) DO UPDATE SET "
            "href = excluded.href, etag = excluded.etag, sequence = excluded.sequence, "
            "digest = excluded.digest, written_at = excluded.written_at",
            [(calendar, w.uid, w.href, w.etag, w.sequence, w.digest, now) for w in written],
        )
        store.db.conn.executemany(
            "DELETE FROM caldav_event WHERE calendar = ? AND uid = ?",
            [(calendar, uid) for uid in removed],
        )
