"""Finding a record from what a user typed: an id, an email or a unique name."""

from __future__ import annotations

import uuid
from typing import Any

from refocus_cli.core.people import (
    By,
    Candidate,
    Directory,
    email_key,
    folded,
    read_as,
    record_id,
)
from refocus_cli.store.database import Store


def new_uuid() -> str:
    """A fresh UUID for a new record (calendars and merges key on it)."""
    return str(uuid.uuid4())


def find(
    store: Store, kind: str, select: str, ref: str, *, email_column: str | None = None
) -> dict[str, Any]:
    """The one row of `select` that `ref` names; `select` must yield `id`, `name` and
    `detail` (and `email_column` where the kind has an email). See core.people for how
    a reference is read."""
    emails = email_column is not None
    by = read_as(ref, emails=emails)
    rows = _named(store, select, ref, by, email_column)
    if not rows and by is not By.ID:
        rows = store.rows(select)  # nobody: everyone, for the closest names
    by_id = {row["id"]: row for row in rows}
    directory = Directory((_candidate(row, email_column) for row in rows), emails=emails)
    return by_id[directory.resolve(ref, kind=kind, hint=f": see `refocus {kind} list`").id]


def _named(
    store: Store, select: str, ref: str, by: By, email_column: str | None
) -> list[dict[str, Any]]:
    """The rows `ref` may name, narrowed in SQL with the very functions core.people
    compares with (SQLite by itself ignores neither accents nor non-ASCII case)."""
    if by is By.ID:
        number = record_id(ref.strip())
        return [] if number is None else store.rows(f"{select} WHERE id = ?", [number])
    # An exact match (SQLite's NOCASE, on an index) first: typed as stored, it is the one
    # meant (core.people prefers it too), and it saves calling Python on every row.
    column = email_column if by is By.EMAIL else "name"
    exact = store.rows(f"{select} WHERE {column} = ? COLLATE NOCASE", [" ".join(ref.split())])
    if exact:
        return exact
    if by is By.EMAIL:
        store.db.conn.create_function("refocus_email_key", 1, _email_key, deterministic=True)
        return store.rows(f"{select} WHERE refocus_email_key({email_column}) = ?", [email_key(ref)])
    store.db.conn.create_function("refocus_folded", 1, _folded, deterministic=True)
    return store.rows(f"{select} WHERE refocus_folded(name) = ?", [folded(ref)])


def _email_key(text: str | None) -> str | None:
    return None if text is None else email_key(text)


def _folded(text: str | None) -> str | None:
    return None if text is None else folded(text)


def _candidate(row: dict[str, Any], email_column: str | None) -> Candidate:
    email = row[email_column] if email_column else None
    return Candidate(row["id"], row["name"], email, row["detail"] or "")
