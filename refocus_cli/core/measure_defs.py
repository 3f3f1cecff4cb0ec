"""The outcome measures of `manual/measures.toml`, checked into typed definitions, and
the two measurement windows (baseline, follow-up).

Reading the file is the caller's job (`refocus_cli.readers.measures`): this stays pure.
Errors name the file, the line and the field, as a person editing the file sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from refocus_cli.core.errors import ManualProblem, NotFound
from refocus_cli.core.manual_fields import Fields, problem


class MeasureLevel(StrEnum):
    """Who a measure scores: a member of staff, or a service user (recorded per team)."""

    STAFF = "staff"
    SERVICE_USER = "service-user"


class WindowKind(StrEnum):
    """When scores are collected: before the rollout, or after it."""

    BASELINE = "baseline"
    FOLLOW_UP = "follow-up"


MEASURE_FIELDS = (
    "key",
    "name",
    "level",
    "scale_min",
    "scale_max",
    "higher_is_better",
    "source",
)


@dataclass(frozen=True)
class MeasureDef:
    """One measure: its key, name, level, scale range, direction and provenance."""

    key: str
    name: str
    level: MeasureLevel
    scale_min: float
    scale_max: float
    higher_is_better: bool
    source: str

    @property
    def range_text(self) -> str:
        """The scale range as people read it: `0–60`."""
        return f"{_number(self.scale_min)}–{_number(self.scale_max)}"

    def out_of_range(self, value: float) -> bool:
        """Whether a score (or a team mean) lies outside the measure's scale."""
        return not self.scale_min <= value <= self.scale_max

    def as_record(self) -> dict[str, Any]:
        """The measure as `--json` shows it."""
        return {
            "key": self.key,
            "name": self.name,
            "level": str(self.level),
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
            "higher_is_better": self.higher_is_better,
            "source": self.source,
        }


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Measures:
    """The measures a programme records, in file order."""

    measures: tuple[MeasureDef, ...]
    source: str

    def get(self, key: str) -> MeasureDef:
        """The measure with `key` (as typed: any case, spaces around); else what to type."""
        wanted = key.strip().lower()
        for measure in self.measures:
            if measure.key == wanted:
                return measure
        keys = ", ".join(measure.key for measure in self.measures)
        raise NotFound(f"no measure {key!r} in {self.source}: use one of {keys}")


_HEADER = re.compile(r"^\s*\[\[\s*measure\s*\]\]")
_FIELD = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def entry_lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """For each `[[measure]]` entry of the file's text: the line of its header and the
    line of each field in it, counted from 1 as an editor shows them."""
    entries: list[tuple[int, dict[str, int]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _HEADER.match(line):
            entries.append((number, {}))
        elif entries and (found := _FIELD.match(line)):
            entries[-1][1].setdefault(found[1], number)
    return entries


class _Lined(Fields):
    """A measure entry whose errors name the line of the field they are about."""

    def __init__(self, label: str, lines: tuple[int, dict[str, int]], where: str, table: Any):
        self.label = label
        self.where = where
        self.header, self.field_lines = lines
        unknown = [name for name in table if name not in MEASURE_FIELDS]
        if isinstance(table, dict) and unknown:
            raise self.fail(
                unknown[0], f"is not a known field: use only {', '.join(MEASURE_FIELDS)}"
            )
        super().__init__(f"{label}:{self.header}", where, table, MEASURE_FIELDS)

    def fail(self, field: str, complaint: str) -> ManualProblem:
        line = self.field_lines.get(field, self.header)
        return problem(f"{self.label}:{line}", self.name(field), complaint)

    def number(self, field: str) -> float:
        value = self.table[field]
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise self.fail(field, "must be a number (no quotes), e.g. 0 or 4.5")
        return float(value)


def build_measures(label: str, table: dict[str, Any], text: str) -> Measures:
    """Check the measures file (`table` as parsed, `text` as written, for line numbers)."""
    entries = table.get("measure")
    unknown = [name for name in table if name != "measure"]
    if unknown:
        raise problem(label, unknown[0], "is not a known table: use only [[measure]] entries")
    if not isinstance(entries, list) or not entries:
        raise problem(label, "measure", "needs at least one [[measure]] entry")
    lines = entry_lines(text)
    measures: list[MeasureDef] = []
    for number, entry in enumerate(entries, start=1):
        where = lines[number - 1] if number <= len(lines) else (0, {})
        measures.append(_measure(_Lined(label, where, f"measure[{number}].", entry), measures))
    return Measures(tuple(measures), label)


def _measure(fields: _Lined, earlier: list[MeasureDef]) -> MeasureDef:
    key = fields.key("key")
    if any(measure.key == key for measure in earlier):
        raise fields.fail("key", f"{key!r} is used by two measures: give each its own key")
    low, high = fields.number("scale_min"), fields.number("scale_max")
    if high <= low:
        raise fields.fail("scale_max", f"must be above scale_min ({_number(low)})")
    return MeasureDef(
        key=key,
        name=fields.text("name"),
        level=MeasureLevel(fields.choice("level", list(MeasureLevel))),
        scale_min=low,
        scale_max=high,
        higher_is_better=fields.flag("higher_is_better"),
        source=fields.text("source"),
    )


def window_kind(text: str) -> WindowKind:
    """The window kind typed (`baseline` or `follow-up`); else what to type."""
    wanted = text.strip().lower()
    for kind in WindowKind:
        if kind == wanted:
            return kind
    raise NotFound(f"no window {text!r}: use baseline or follow-up")


@dataclass(frozen=True)
class Window:
    """When scores of one kind are collected: for the whole programme, or one cohort."""

    id: int
    kind: WindowKind
    start: date
    end: date
    cohort_id: int | None = None
    cohort: str | None = None

    @property
    def scope(self) -> str:
        """Whom the window is for, in words."""
        return f"cohort {self.cohort}" if self.cohort else "the whole programme"

    def as_record(self) -> dict[str, Any]:
        """The window as `--json` shows it."""
        return {
            "id": self.id,
            "kind": str(self.kind),
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "cohort": self.cohort,
        }


def overlapping(new: Window, existing: list[Window]) -> Window | None:
    """A window of the same kind and scope (programme-wide, or the same cohort) whose
    days meet the new one's; two baselines for one scope would leave a score's window
    ambiguous."""
    for window in existing:
        if (
            window.id != new.id
            and window.kind == new.kind
            and window.cohort_id == new.cohort_id
            and window.start <= new.end
            and new.start <= window.end
        ):
            return window
    return None


def _month_from(day: date, months: int) -> date:
    """The same day `months` calendar months away (the month's last day when it is short)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def default_windows(cohort_id: int, cohort: str, first: date, last: date) -> list[Window]:
    """The windows `schedule` offers a cohort whose sessions run from `first` to `last`:
    a baseline of the month ending the day before its first session (about a month
    before, as in the trial), and a follow-up of the month after its last session (a
    refocus default: the trial measured "afterwards")."""
    before = Window(0, WindowKind.BASELINE, _month_from(first, -1), first - timedelta(days=1))
    after = Window(0, WindowKind.FOLLOW_UP, last + timedelta(days=1), _month_from(last, 1))
    return [replace(w, cohort_id=cohort_id, cohort=cohort) for w in (before, after)]
