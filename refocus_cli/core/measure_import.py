"""Checking a file of scores against the people or teams on record and a measure's range.

Staff-level measures give one row per person (named by id, email or name, as every
register does); service-user measures one row per team with its n and mean, so no
service user is ever named. Every problem is reported with its row; the caller writes
nothing unless there are none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measure_defs import MeasureDef, MeasureLevel
from refocus_cli.core.people import Directory, did_you_mean
from refocus_cli.core.tabular import Table

PERSON_HEADERS = ("person", "staff", "id", "email", "name")
TEAM_HEADERS = ("team",)
MAX_PROBLEMS = 20  # shown; the rest are counted


@dataclass
class CheckedScores:
    """The rows a file gives, sorted into new, changed and unchanged; or its problems."""

    added: list[tuple[Any, ...]] = field(default_factory=list)
    replaced: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def shown_problems(self) -> list[str]:
        """The first problems, and how many more there are."""
        shown = self.problems[:MAX_PROBLEMS]
        if len(self.problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(self.problems) - MAX_PROBLEMS} more problems")
        return shown


def _column(headers: list[str], names: Sequence[str]) -> int | None:
    folded = [header.strip().lower() for header in headers]
    for name in names:
        if name in folded:
            return folded.index(name)
    return None


def _number(text: str) -> float | None:
    try:
        value = (
            float(text.replace(",", "."))
            if text.count(",") == 1 and "." not in text
            else float(text)
        )
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@without_gc
def check_scores(
    table: Table,
    measure: MeasureDef,
    directory: Directory,
    allowed: set[int] | None,
    existing: Mapping[int, Any],
) -> CheckedScores:
    """The rows of `table` checked: each names one record of `directory` (limited to
    `allowed` ids when given, e.g. a cohort's), once; scores within the measure's range.
    `existing` holds what is recorded now (score, or (n, mean)), by id."""
    if measure.level is MeasureLevel.STAFF:
        return _check(table, measure, directory, allowed, existing, _StaffRow())
    return _check(table, measure, directory, allowed, existing, _TeamRow())


class _StaffRow:
    kind = "staff member"
    who_headers = PERSON_HEADERS
    value_headers: tuple[tuple[str, ...], ...] = (("score",),)
    wanted = "a column naming the person (person, id, email or name) and a score column"

    def values(self, cells: list[str], measure: MeasureDef) -> tuple[Any, ...] | str:
        score = _number(cells[0])
        if score is None:
            return f"score {cells[0]!r} is not a number"
        if measure.out_of_range(score):
            return f"score {cells[0]} is outside {measure.key}'s range {measure.range_text}"
        return (score,)


class _TeamRow:
    kind = "team"
    who_headers = TEAM_HEADERS
    value_headers: tuple[tuple[str, ...], ...] = (("n",), ("mean",))
    wanted = "team, n (service users who answered) and mean columns"

    def values(self, cells: list[str], measure: MeasureDef) -> tuple[Any, ...] | str:
        n_text, mean_text = cells
        if not (n_text.isascii() and n_text.isdigit()) or int(n_text) < 1:
            return f"n {n_text!r} must be a whole number of service users, 1 or more"
        mean = _number(mean_text)
        if mean is None:
            return f"mean {mean_text!r} is not a number"
        if measure.out_of_range(mean):
            return f"mean {mean_text} is outside {measure.key}'s range {measure.range_text}"
        return (int(n_text), mean)


def _check(
    table: Table,
    measure: MeasureDef,
    directory: Directory,
    allowed: set[int] | None,
    existing: Mapping[int, Any],
    shape: _StaffRow | _TeamRow,
) -> CheckedScores:
    result = CheckedScores()
    who = _column(table.headers, shape.who_headers)
    values = [_column(table.headers, names) for names in shape.value_headers]
    if who is None or None in values:
        result.problems.append(
            f"the header row must have {shape.wanted} ({measure.name} is {measure.level}-level); "
            f"it has: {', '.join(table.headers) or 'nothing'}"
        )
        return result
    if isinstance(shape, _TeamRow):
        used = {who, *values}
        extra = [h for i, h in enumerate(table.headers) if i not in used and h.strip()]
        if extra:
            result.problems.append(
                f"column {extra[0]!r} is not read: a service-user measure is recorded as each "
                "team's n and mean only, so that no service user is ever named; remove it"
            )
            return result
    if not table.rows:
        result.problems.append("has no rows under its header")
    seen: dict[int, int] = {}
    for row, cells in table.rows:
        padded = cells + [""] * (len(table.headers) - len(cells))
        typed = padded[who]
        found = directory.match(typed).found
        if len(found) != 1:
            result.problems.append(_not_one(row, typed, found, shape.kind, directory, result))
            continue
        record = found[0].id
        if allowed is not None and record not in allowed:
            result.problems.append(f"row {row}: {typed!r} is not in the cohort given (--cohort)")
            continue
        if record in seen:
            result.problems.append(
                f"row {row}: {typed!r} is also on row {seen[record]}: give one row each"
            )
            continue
        seen[record] = row
        checked = shape.values([padded[i] for i in values if i is not None], measure)
        if isinstance(checked, str):
            result.problems.append(f"row {row}: {checked}")
            continue
        _sort(result, record, checked, existing.get(record))
    return result


def _sort(result: CheckedScores, record: int, values: tuple[Any, ...], before: Any) -> None:
    """New, changed (old and new rows kept for the audit) or unchanged."""
    new = (record, *values)
    if before is None:
        result.added.append(new)
        return
    old = (record, *(before if isinstance(before, tuple) else (before,)))
    if old == new:
        result.unchanged += 1
    else:
        result.replaced.append((old, new))


def _not_one(
    row: int,
    typed: str,
    found: tuple[Any, ...],
    kind: str,
    directory: Directory,
    result: CheckedScores,
) -> str:
    if not typed.strip():
        return f"row {row}: the {kind} is missing"
    if found:
        ids = ", ".join(str(candidate.id) for candidate in found)
        return f"row {row}: {typed!r} matches {len(found)} records (ids {ids}): use the id"
    # Suggestions take a while to find: only for problems that will be shown.
    near = directory.closest(typed) if len(result.problems) < MAX_PROBLEMS else ()
    hint = f" ({did_you_mean(near)})" if near else ""
    return f"row {row}: no {kind} {typed!r}{hint}"
