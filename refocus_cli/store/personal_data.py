"""What is held on one person, and erasing who they are from every table and the file.

What to keep and what to put in a forgotten person's place is decided in
`services/data_protection.py`; these functions read and rewrite the rows.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from refocus_cli.core.errors import Conflict
from refocus_cli.core.mentions import (
    Mention,
    excerpt,
    mention_pattern,
    mention_spans,
    without_mentions,
)
from refocus_cli.core.people import folded
from refocus_cli.store import audit, feeds
from refocus_cli.store.database import Store
from refocus_cli.store.migrations import migrations

# Free text where a person may be named: why a session moved, a closure, a trainer's leave.
FREE_TEXT = (("session", "note"), ("closure", "reason"), ("trainer_unavailable", "reason"))


@dataclass(frozen=True)
class HeldRows:
    """The rows about one person beyond their staff record; session starts as stored (UTC)."""

    created_at: str
    memberships: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    invitations: list[dict[str, Any]]


def held_on(store: Store, staff_id: int) -> HeldRows:
    """When a person was recorded, their memberships, their marks and their invitations."""
    created = store.one("SELECT created_at FROM staff WHERE id = ?", [staff_id])
    memberships = store.rows(
        "SELECT t.id AS team_id, t.name AS team, m.start_date, m.end_date, m.end_reason "
        "FROM membership m JOIN team t ON t.id = m.team_id WHERE m.staff_id = ? "
        "ORDER BY m.start_date, m.id",
        [staff_id],
    )
    attendance = store.rows(
        "SELECT a.session_id, s.start_utc AS start, s.stage, s.module, s.occurrence, s.kind, "
        "a.status, a.recorded_by, a.recorded_at FROM attendance a "
        "JOIN session s ON s.id = a.session_id WHERE a.staff_id = ? ORDER BY s.start_utc, s.id",
        [staff_id],
    )
    invitations = store.rows(
        "SELECT s.id AS session_id, s.start_utc AS start, s.stage, s.module, s.status "
        "FROM session_invitee i JOIN session s ON s.id = i.session_id WHERE i.staff_id = ? "
        "ORDER BY s.start_utc, s.id",
        [staff_id],
    )
    return HeldRows(created["created_at"] if created else "", memberships, attendance, invitations)


def forgotten_at(store: Store, staff_id: int) -> str | None:
    """When a person was forgotten (the audit entry's UTC timestamp), if they were."""
    done = store.one(
        "SELECT at FROM audit WHERE action = 'forget' AND entity = 'staff' AND entity_id = ?",
        [staff_id],
    )
    return done["at"] if done else None


@dataclass(frozen=True)
class Erased:
    """How many audit entries and free-text notes an erasure rewrote; the mentions of the
    person left in other records (`mentions`), or replaced by "[removed]" (`scrubbed`); how
    many other people share their name (`namesakes`)."""

    audit_entries: int
    notes: int
    mentions: list[Mention] = field(default_factory=list)
    scrubbed: int = 0
    # Other people on record with the same name, whose own records were not searched.
    namesakes: int = 0
    # Their calendar feed tokens revoked: a feed they were given stops at once.
    feeds_revoked: int = 0


class _Preview(Exception):
    """Carries what an erasure would do out of the transaction that is rolled back."""

    def __init__(self, erased: Erased) -> None:
        self.erased = erased


def erase(
    store: Store,
    staff_id: int,
    words: list[str],
    placeholder: str,
    role: str,
    *,
    scrub_mentions: bool = False,
    preview: bool = False,
) -> Erased:
    """Replace a person's name and email (`words`) with `placeholder` everywhere, their
    role with `role`, drop their email and revoke their calendar feeds; one transaction,
    audited. Then look through every other text in the database for their name or email
    (ignoring case and accents) and, with `scrub_mentions`, replace each with "[removed]"
    in the same transaction.
    With `preview`, roll it all back and say what it would have done."""
    try:
        return _erase(store, staff_id, words, placeholder, role, scrub_mentions, preview)
    except _Preview as done:
        return done.erased


def _erase(
    store: Store,
    staff_id: int,
    words: list[str],
    placeholder: str,
    role: str,
    scrub_mentions: bool,
    preview: bool,
) -> Erased:
    # Overwrite freed pages, so the erased text does not linger in the file's free space.
    store.db.execute("PRAGMA secure_delete = ON")
    with store.write():
        store.db.execute(
            "UPDATE staff SET name = ?, email = NULL, role = ? WHERE id = ?",
            [placeholder, role, staff_id],
        )
        revoked = feeds.revoke_owner(store, "staff", staff_id)
        said: dict[str, Any] = {"name": placeholder, "role": role}
        if revoked:
            said["feeds_revoked"] = revoked
        audit.record(store, "forget", "staff", staff_id, None, said)
        entries = audit.scrub(store, staff_id, words, placeholder, role)
        pattern = audit.identity_pattern(words)
        notes = _scrub_free_text(store, pattern, placeholder) if pattern else 0
        folded = {word.casefold() for word in words}
        for (recorder,) in store.db.execute(
            "SELECT DISTINCT recorded_by FROM attendance"
        ).fetchall():
            if recorder.strip().casefold() in folded:
                store.db.execute(
                    "UPDATE attendance SET recorded_by = ? WHERE recorded_by = ?",
                    [placeholder, recorder],
                )
        others = namesakes(store, words, staff_id)
        found = mentions(store, words, others)
        scrubbed = _scrub(store, words, found) if scrub_mentions else 0
        erased = Erased(
            entries,
            notes,
            [] if scrub_mentions else found,
            scrubbed,
            len(others["staff"]) + len(others["trainer"]),
            revoked,
        )
        if preview:
            raise _Preview(erased)
    return erased


def _text_columns(store: Store) -> list[tuple[str, str]]:
    tables = [
        row[0]
        for row in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name != ? ORDER BY name",
            [migrations.migrations_table],
        )
    ]
    return [
        (table, row[1])
        for table in tables
        for row in store.db.execute(f"PRAGMA table_info([{table}])")
    ]


def namesakes(store: Store, words: list[str], staff_id: int) -> dict[str, set[int]]:
    """Other people on record called by one of `words` (staff and trainers, by table), and
    the audit entries about those staff: their own words, not mentions of the person."""
    wanted = {folded(word) for word in words if word}
    found: dict[str, set[int]] = {"staff": set(), "trainer": set()}
    for table in found:
        for row in store.db.execute(f"SELECT id, name, email FROM {table}"):
            if (table, row[0]) != ("staff", staff_id) and {
                folded(row[1] or ""),
                folded(row[2] or ""),
            } & wanted:
                found[table].add(row[0])
    if found["staff"]:
        marks = ", ".join("?" * len(found["staff"]))
        found["audit"] = {
            row[0]
            for row in store.db.execute(
                "SELECT id FROM audit WHERE entity IN ('staff', 'membership') "
                f"AND entity_id IN ({marks})",
                sorted(found["staff"]),
            )
        }
    return found


# Columns where a namesake's row holds their own identity, not a mention.
IDENTITY = {("staff", "name"), ("staff", "email"), ("trainer", "name"), ("trainer", "email")}


def mentions(store: Store, words: list[str], others: dict[str, set[int]]) -> list[Mention]:
    """Every place in the database's text, in any table, that names `words` (a name, an
    email) as whole words, ignoring case and accents; leaving out what belongs to the
    namesakes in `others` (their names and emails, the audit entries about them)."""
    pattern = mention_pattern(words)
    if pattern is None:
        return []
    found = []
    for table, column in _text_columns(store):
        skipped = (
            others.get(table, set()) if table == "audit" or (table, column) in IDENTITY else set()
        )
        values = store.db.execute(
            f"SELECT DISTINCT [{column}] FROM [{table}] WHERE typeof([{column}]) = 'text'"
        ).fetchall()
        for (value,) in values:
            spans = mention_spans(value, pattern)
            if not spans:
                continue
            for (row_id,) in store.db.execute(
                f"SELECT rowid FROM [{table}] WHERE [{column}] = ? ORDER BY rowid", [value]
            ):
                if row_id not in skipped:
                    found.append(Mention(table, column, row_id, excerpt(value, spans[0])))
    return sorted(found, key=lambda mention: (mention.table, mention.row_id, mention.column))


def _scrub(store: Store, words: list[str], found: list[Mention]) -> int:
    pattern = mention_pattern(words)
    if pattern is None:
        return 0
    for mention in found:
        table, column = f"[{mention.table}]", f"[{mention.column}]"
        (text,) = store.db.execute(
            f"SELECT {column} FROM {table} WHERE rowid = ?", [mention.row_id]
        ).fetchone()
        scrubbed = without_mentions(text, mention_spans(text, pattern))
        try:
            store.db.execute(
                f"UPDATE {table} SET {column} = ? WHERE rowid = ?", [scrubbed, mention.row_id]
            )
        except sqlite3.IntegrityError:
            raise Conflict(
                f"{mention.table}.{mention.column} of row {mention.row_id} cannot become "
                f"'{scrubbed}': another row already reads so; rename one of them by hand "
                "and forget the person again (nothing was erased)"
            ) from None
    return len(found)


def _scrub_free_text(store: Store, pattern: re.Pattern[str], placeholder: str) -> int:
    notes = 0
    for table, column in FREE_TEXT:
        changed = [
            (pattern.sub(placeholder, text), rowid)
            for rowid, text in store.db.execute(
                f"SELECT rowid, {column} FROM {table} WHERE {column} != ''"
            )
            if pattern.search(text)
        ]
        store.db.conn.executemany(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", changed)
        notes += len(changed)
    return notes


def kept(store: Store, staff_id: int) -> tuple[int, int]:
    """How many memberships and attendance marks a person has on record."""
    counts = store.one(
        "SELECT (SELECT count(*) FROM membership WHERE staff_id = :id) AS memberships, "
        "(SELECT count(*) FROM attendance WHERE staff_id = :id) AS attendance",
        {"id": staff_id},
    )
    return (counts["memberships"], counts["attendance"]) if counts else (0, 0)


def rewrite_file(store: Store) -> bool:
    """VACUUM, then empty the write-ahead log; True if another program kept it from emptying."""
    store.db.execute("VACUUM")
    busy = store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return bool(busy)
