"""Measurement windows as milestone rows in `refocus sessions`: not sessions, so they
have no id, trainers or venue, and only people's tables show them (`--json` and `--csv`
list sessions only, under the keys they always had)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from refocus_cli.core.display import show_day

if TYPE_CHECKING:
    from refocus_cli.core.measure_defs import Window


def _day(row: dict[str, Any]) -> str:
    return str(row["start"])[:10]


def with_milestones(
    rows: Sequence[dict[str, Any]], windows: Sequence[Window]
) -> list[dict[str, Any]]:
    """The session rows with a row for each window, placed on the day it opens."""
    marks = [
        {
            "start": window.start.isoformat(),
            "id": "–",
            "when": f"{show_day(window.start)} to {show_day(window.end)}",
            "module": f"{window.kind} window (measures)",
            "teams": window.cohort or "all teams",
            "status": "milestone",
        }
        for window in windows
    ]
    merged = sorted([*rows, *marks], key=_day)  # stable: sessions keep their order
    return merged
