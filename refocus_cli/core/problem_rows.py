"""A file's problems as people read them: one line per problem, rows that share the very
same problem on one line ("rows 3–21, 25: unknown team 'X': …")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_ROW = re.compile(r"^row (\d+): (.+)$", re.DOTALL)


def row_ranges(rows: Iterable[int]) -> str:
    """Row numbers as runs: "row 4", "rows 3–21", "rows 2–4, 6, 9–10"."""
    ordered = sorted(set(rows))
    runs: list[list[int]] = []
    for row in ordered:
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)
    return f"{'row' if len(ordered) == 1 else 'rows'} {text}"


def grouped(problems: Sequence[str]) -> list[str]:
    """`problems` with those that say the same thing of different rows ("row N: …") on
    one line, in the place of the first; every other problem as it was."""
    rows_of: dict[str, list[int]] = {}
    order: list[str | tuple[str]] = []  # a plain problem, or (the text rows share,)
    for problem in problems:
        match = _ROW.match(problem)
        if match is None:
            order.append(problem)
            continue
        text = match.group(2)
        if text not in rows_of:
            rows_of[text] = []
            order.append((text,))
        rows_of[text].append(int(match.group(1)))
    return [
        item if isinstance(item, str) else f"{row_ranges(rows_of[item[0]])}: {item[0]}"
        for item in order
    ]
