"""Finding a record from what a user typed: an id, an email or a unique name."""

from __future__ import annotations

import uuid
from typing import Any

from refocus_cli.core.people import By, Candidate, Directory, read_as, record_id
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
    if read_as(ref, emails=emails) is By.ID:
        number = record_id(ref.strip())
        rows = [] if number is None else store.rows(f"{select} WHERE id = ?", [number])
    else:  # names are compared without accents, which SQLite cannot do
        rows = store.rows(select)
    by_id = {row["id"]: row for row in rows}
    directory = Directory((_candidate(row, email_column) for row in rows), emails=emails)
    return by_id[directory.resolve(ref, kind=kind, hint=f": see `refocus {kind} list`").id]


def _candidate(row: dict[str, Any], email_column: str | None) -> Candidate:
    email = row[email_column] if email_column else None
    return Candidate(row["id"], row["name"], email, row["detail"] or "")
