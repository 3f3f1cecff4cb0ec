"""Spreadsheet files refocus writes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from refocus_cli.core.exports import Columns, csv_lines, spreadsheet_safe
from refocus_cli.core.roster import RosterEntry

ROSTER_HEADER = ["name", "team", "email", "role", "manager", "clinical", "start"]


def write_roster_csv(path: Path, entries: Iterable[RosterEntry]) -> int:
    """A roster in the format `refocus staff import` reads, written whole and private to
    its owner (it holds names and emails); returns the row count."""
    from refocus_cli.render.files import write_atomically

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ROSTER_HEADER)
    count = 0
    for entry in entries:
        writer.writerow(
            [
                spreadsheet_safe(value)
                for value in (
                    entry.name,
                    entry.team,
                    entry.email or "",
                    entry.role,
                    "yes" if entry.manager else "no",
                    "yes" if entry.clinical else "no",
                    entry.start.isoformat(),
                )
            ]
        )
        count += 1
    write_atomically(path, buffer.getvalue())
    return count


def csv_text(rows: Sequence[Mapping[str, Any]], columns: Columns) -> str:
    """Rows as CSV text (as `--csv` prints them): a header of column keys, then the rows."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_lines(rows, columns))
    return buffer.getvalue()
