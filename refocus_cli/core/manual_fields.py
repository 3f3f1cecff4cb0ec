"""Typed reading of one TOML table from `manual/`, naming the file and field in every error.

Trainers edit these files by hand, so a mistake must come back as one line that
says where it is and what would do instead: `manual/modules/strengths.toml:
activities[2].minutes must be a positive whole number`. Entries in a list are
counted from 1, as a person counts them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time
from typing import Any

from refocus_cli.core.errors import ManualProblem

CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# Keys become file names and command-line arguments: keep them plain.
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def problem(source: str, field: str, complaint: str) -> ManualProblem:
    """The error for one bad value: the file, the field, what is wrong and what would do."""
    return ManualProblem(f"{source}: {field} {complaint}" if field else f"{source}: {complaint}")


class Fields:
    """One table of a manual file: its fields are checked as they are read."""

    def __init__(self, source: str, where: str, table: Any, expected: Sequence[str]):
        self.source = source
        self.where = where  # e.g. "module[strengths]." or "" at the top of a file
        if not isinstance(table, dict):
            raise problem(source, where.rstrip(".") or "the file", "must be a table of fields")
        unknown = [name for name in table if name not in expected]
        if unknown:
            raise problem(
                source,
                self.name(unknown[0]),
                f"is not a known field: use only {', '.join(expected)}",
            )
        missing = [name for name in expected if name not in table]
        if missing:
            raise problem(source, self.name(missing[0]), "is missing: add it")
        self.table = table

    def name(self, field: str) -> str:
        return f"{self.where}{field}"

    def fail(self, field: str, complaint: str) -> ManualProblem:
        return problem(self.source, self.name(field), complaint)

    def text(self, field: str) -> str:
        value = self.table[field]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "must be non-empty text in quotes")
        return " ".join(value.split())

    def key(self, field: str) -> str:
        value = self.text(field)
        if not KEY.match(value):
            raise self.fail(
                field, f"{value!r} must be lower-case letters and digits joined by hyphens"
            )
        return value

    def whole(self, field: str, minimum: int) -> int:
        value = self.table[field]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            wanted = "a positive whole number" if minimum == 1 else "a whole number, 0 or more"
            raise self.fail(field, f"must be {wanted}")
        return value

    def flag(self, field: str) -> bool:
        value = self.table[field]
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false (no quotes)")
        return value

    def choice(self, field: str, options: Sequence[str]) -> str:
        value = self.text(field)
        if value not in options:
            raise self.fail(field, f"is {value!r}: use one of {', '.join(options)}")
        return value

    def clock(self, field: str) -> time:
        value = self.table[field]
        found = CLOCK.match(value) if isinstance(value, str) else None
        if not found:
            raise self.fail(field, 'must be a time of day in quotes, as "HH:MM" (e.g. "09:30")')
        return time(int(found[1]), int(found[2]))

    def texts(self, field: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.table[field]
        if not isinstance(value, list):
            raise self.fail(field, 'must be a list of text, e.g. ["first", "second"]')
        if required and not value:
            raise self.fail(field, "must list at least one entry")
        for number, item in enumerate(value, start=1):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{field}[{number}]", "must be non-empty text in quotes")
        return tuple(" ".join(item.split()) for item in value)

    def tables(self, field: str) -> list[Any]:
        """A list of tables (`[[field]]` entries), at least one."""
        value = self.table.get(field)
        if not isinstance(value, list) or not value:
            raise self.fail(field, f"needs at least one [[{field}]] entry")
        return value
