"""Finding a record from what a user typed: an id, an email or a unique name."""

from __future__ import annotations

import uuid
from typing import Any

from refocus_cli.core.errors import Ambiguous, InvalidInput, NotFound
from refocus_cli.store.database import Store


def new_uuid() -> str:
    return str(uuid.uuid4())


LARGEST_ID = 2**63 - 1  # SQLite's largest integer


def record_id(text: str) -> int | None:
    """The id `text` spells (ASCII digits SQLite can hold), else None."""
    if text.isascii() and text.isdigit() and int(text) <= LARGEST_ID:
        return int(text)
    return None


def find(
    store: Store,
    kind: str,
    select: str,
    ref: str,
    *,
    id_column: str = "id",
    name_column: str = "name",
    email_column: str | None = None,
    list_command: str | None = None,
) -> dict[str, Any]:
    """The one row of `select` that `ref` names; `select` must yield `id`, `name` and `detail`.

    A reference made only of digits is an id; one with an @ is an email (where the
    kind has one); anything else is a case-insensitive name, which must be unique.
    """
    text = ref.strip()
    hint = f": see `{list_command or f'refocus {kind} list'}`"
    if not text:
        raise InvalidInput(f"{kind} cannot be empty: give an id or a name{hint}")
    if text.isdigit():
        column, value = id_column, record_id(text)
        if value is None:  # more digits than any id has, or digits such as ²
            raise NotFound(f"no {kind} with id {text!r}{hint}")
    elif "@" in text and email_column:
        column, value = email_column, text
    else:
        column, value = name_column, " ".join(text.split())
    rows = list(store.db.query(f"{select} WHERE {column} = ? COLLATE NOCASE", [value]))
    if not rows:
        what = "id" if column == id_column else "email" if column == email_column else "name"
        raise NotFound(f"no {kind} with {what} {text!r}{hint}")
    if len(rows) > 1:
        candidates = ", ".join(
            f"{row['name']} (id {row['id']}{', ' + row['detail'] if row['detail'] else ''})"
            for row in rows
        )
        raise Ambiguous(
            f"{text!r} matches {len(rows)} {kind} records: {candidates}; name one by its id"
        )
    return rows[0]
