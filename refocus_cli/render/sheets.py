"""Spreadsheet files refocus writes."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from refocus_cli.core.exports import spreadsheet_safe
from refocus_cli.core.roster import RosterEntry

ROSTER_HEADER = ["name", "team", "email", "role", "manager", "start"]


def write_roster_csv(path: Path, entries: Iterable[RosterEntry]) -> int:
    """A roster in the format `refocus staff import` reads; returns the row count."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ROSTER_HEADER)
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
                        entry.start.isoformat(),
                    )
                ]
            )
            count += 1
    return count
