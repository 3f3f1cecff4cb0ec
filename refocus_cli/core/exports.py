"""Rules for data leaving refocus."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

# What `refocus export csv|json` writes: records, then the reports.
EXPORTS = ("sessions", "attendance", "staff", "teams", "participation", "progress", "milestones")
EXPORT_FORMATS = ("csv", "json")

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Columns = Sequence[tuple[str, str]]  # (key, header)


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain(value: object) -> object:
    """A value as a table or CSV cell shows it: yes or no, lists joined, None as blank."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if value is None:
        return ""
    return value


def csv_lines(rows: Sequence[Mapping[str, Any]], columns: Columns) -> Iterator[list[object]]:
    """A CSV's header of column keys, then each row's cells, formula-looking ones neutralised."""
    yield [key for key, _ in columns]
    for row in rows:
        yield [spreadsheet_safe(plain(row.get(key))) for key, _ in columns]
