"""The steering-group report's rollout timeline: a Gantt chart laid out in pure
functions (a row per team, or per cohort when teams are too many to draw)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from refocus_cli.core.display import show_period
from refocus_cli.core.measure_defs import Window
from refocus_cli.core.measure_records import StageRow, TeamProgressRow
from refocus_cli.core.programme import STAGE_TITLES, STAGES
from refocus_cli.core.vocabulary import TeamStatus

# Okabe-Ito colours: told apart by people with colour-blindness, and in greyscale print.
STAGE_COLOURS = {
    "workshop": "#0072B2",
    "working-practices": "#E69F00",
    "coaching": "#009E73",
    "practice-change": "#CC79A7",
}
MAX_TIMELINE_ROWS = 120  # beyond this a row per team is unreadable: a row per cohort instead
LABEL_CHARACTERS = 30
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
# Measurement windows: a row each kind over the teams, and a shade on each row they
# concern (drawn by templates/report_charts.html.j2, coloured there by kind).
WINDOW_ROWS = (("baseline", "Baseline measures"), ("follow-up", "Follow-up measures"))
MAX_WINDOW_LANES = 4  # rows a kind's overlapping windows may take before they share one

Layout = dict[str, Any]  # what a template draws: numbers and strings by name


@dataclass(frozen=True)
class TimelineRow:
    """A row of the timeline: a team, or a whole cohort with its teams' figures summed."""

    name: str
    stages: tuple[StageRow, ...]
    cohort: str | None = None  # whose measurement windows shade the row


def _team_row(team: TeamProgressRow) -> TimelineRow:
    suffix = "" if team.status == TeamStatus.ACTIVE else f" ({team.status})"
    return TimelineRow(team.name + suffix, team.stages, team.cohort)


def _dates(stages: Sequence[StageRow]) -> list[tuple[date, date]]:
    """(first, last) of the stages that have sessions."""
    return [(s.first, s.last) for s in stages if s.first is not None and s.last is not None]


def _cohort_row(cohort: str, teams: list[TeamProgressRow]) -> TimelineRow:
    """One row for a whole cohort: its teams' earliest to latest sessions, counts summed."""
    stages = []
    for stage in STAGES:
        parts = [s for team in teams for s in team.stages if s.stage == stage]
        dated = _dates(parts)
        stages.append(
            StageRow(
                stage=stage,
                planned=sum(s.planned for s in parts),
                held=sum(s.held for s in parts),
                cancelled=sum(s.cancelled for s in parts),
                awaiting_register=sum(s.awaiting_register for s in parts),
                attendance=None,
                reach=None,
                completed=sum(s.completed for s in parts),
                staff=sum(s.staff for s in parts),
                first=min((first for first, _ in dated), default=None),
                last=max((last for _, last in dated), default=None),
            )
        )
    return TimelineRow(f"{cohort} ({len(teams)} teams)", tuple(stages), teams[0].cohort)


def _start(row: TimelineRow) -> date:
    return min((first for first, _ in _dates(row.stages)), default=date.max)


def timeline_rows(
    teams: Sequence[TeamProgressRow], limit: int
) -> tuple[list[TimelineRow], str, str]:
    """The rows to draw, earliest start first; what a row is; a note unless all teams."""
    if len(teams) <= limit:
        return sorted((_team_row(t) for t in teams), key=_start), "team", ""
    by_cohort: dict[str, list[TeamProgressRow]] = defaultdict(list)
    for team in teams:
        by_cohort[team.cohort or "No cohort"].append(team)
    if 1 < len(by_cohort) <= limit:
        rows = [_cohort_row(name, members) for name, members in by_cohort.items()]
        note = (
            f"{len(teams):,} teams are too many to draw one by one, so each row is a cohort, "
            "from its teams' first session to their last; `refocus progress --csv` gives "
            "every team's dates."
        )
        return sorted(rows, key=_start), "cohort", note
    rows = sorted((_team_row(t) for t in teams), key=_start)[:limit]
    note = (
        f"Showing the {limit} teams that start first, of {len(teams):,}; "
        "`refocus progress --csv` gives every team's dates."
    )
    return rows, "team", note


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _month_starts(start: date, end: date) -> list[date]:
    months, day = [], start
    while day <= end:
        months.append(day)
        day = _next_month(day)
    return months


def _bar_title(row: TimelineRow, stage: StageRow) -> str:
    text = (
        f"{row.name}: {STAGE_TITLES[stage.stage]}, {stage.first} to {stage.last}; "
        f"{stage.held} of {stage.planned} sessions held"
    )
    if stage.cancelled:
        text += f", {stage.cancelled} cancelled"
    if stage.awaiting_register:
        text += f", {stage.awaiting_register} awaiting a register"
    return text


def _year_label(month: date, index: int, step: int) -> str:
    """The year over the first tick and over January's, of every (step // 12)th year when
    the chart spans decades."""
    shown = index == 0 or (month.month == 1 and index % step < 12)
    return str(month.year) if shown else ""


def window_title(window: Window) -> str:
    """A window as its mark's tooltip names it: "Baseline measures (W1): Fri 11 Dec 2026
    to Sun 10 Jan 2027"."""
    who = window.cohort or "all teams"
    return f"{window.kind.capitalize()} measures ({who}): {show_period(window.start, window.end)}"


def _window_days(windows: Sequence[Window]) -> list[date]:
    return [day for window in windows for day in (window.start, window.end)]


def _window_mark(window: Window, x: Callable[[date], float]) -> Layout:
    """A window as a span of the chart, from its first day to the end of its last."""
    return {
        "x": x(window.start),
        "width": max(round(x(window.end + timedelta(days=1)) - x(window.start), 1), 3.0),
        "kind": str(window.kind),
        "title": window_title(window),
        "who": window.cohort or "all teams",
    }


def _window_marks(windows: Sequence[Window], x: Callable[[date], float]) -> list[Layout]:
    return [_window_mark(window, x) for window in windows]


def _labelled(marks: list[Layout]) -> list[Layout]:
    """The marks of a lane, each with whom it is for written inside where that fits
    before the next mark begins (about 6.5 px a character)."""
    ends = [mark["x"] for mark in marks[1:]] + [float("inf")]
    return [
        {**mark, "text": mark["who"] if len(mark["who"]) * 6.5 + 6 <= room else ""}
        for mark, end in zip(marks, ends, strict=True)
        for room in [min(mark["width"], end - mark["x"])]
    ]


def _lanes(windows: Sequence[Window]) -> list[list[Window]]:
    """Windows of one kind in lanes, earliest first, none overlapping another in its lane
    (first fit); past MAX_WINDOW_LANES the rest share the last lane, told apart by their
    tooltips."""
    lanes: list[list[Window]] = []
    for window in sorted(windows, key=lambda w: (w.start, w.end)):
        free = next((lane for lane in lanes if lane[-1].end < window.start), None)
        if free is None and len(lanes) < MAX_WINDOW_LANES:
            lanes.append(free := [])
        (lanes[-1] if free is None else free).append(window)
    return lanes


def _window_rows(
    windows: Sequence[Window], x: Callable[[date], float], top: int, row_height: int
) -> list[Layout]:
    """The rows over the teams: the baseline windows' lanes, then the follow-up ones'
    (a kind without windows has none), the kind named on its first lane."""
    lanes = [
        (label if i == 0 else "", kind, lane)
        for kind, label in WINDOW_ROWS
        for i, lane in enumerate(_lanes([w for w in windows if w.kind == kind]))
    ]
    return [
        {
            "y": top + i * row_height,
            "text_y": round(top + i * row_height + row_height * 0.72, 1),
            "label": label,
            "kind": kind,
            "marks": _labelled(_window_marks(lane, x)),
        }
        for i, (label, kind, lane) in enumerate(lanes)
    ]


def _row_shades(
    row: TimelineRow, windows: Sequence[Window], x: Callable[[date], float]
) -> list[Layout]:
    """The windows that concern a row (its cohort's and the programme-wide ones)."""
    return _window_marks([w for w in windows if w.cohort in (None, row.cohort)], x)


def _bars(row: TimelineRow, x: Callable[[date], float]) -> list[Layout]:
    """A row's bars: one per stage with sessions, the held share solid."""
    bars = []
    for stage in row.stages:
        if stage.first is None or stage.last is None:
            continue
        x1 = x(stage.first)
        x2 = x(stage.last + timedelta(days=1))
        bar_width = max(round(x2 - x1, 1), 4.0)
        held = stage.held / stage.planned if stage.planned else 0
        bars.append(
            {
                "x": x1,
                "width": bar_width,
                "held_width": round(bar_width * min(held, 1), 1),
                "colour": STAGE_COLOURS[stage.stage],
                "title": _bar_title(row, stage),
            }
        )
    return bars


def timeline(
    teams: Sequence[TeamProgressRow],
    as_of: date,
    limit: int = MAX_TIMELINE_ROWS,
    windows: Sequence[Window] = (),
) -> Layout:
    """A Gantt chart: a row per team (or cohort), a bar per stage, held part solid; the
    measurement windows as rows of their own over the teams and shades on the rows they
    concern."""
    rows, unit, note = timeline_rows(teams, limit)
    days = [day for row in rows for dated in _dates(row.stages) for day in dated]
    if not days:
        return {"rows": [], "unit": unit, "note": note}
    spread = [*days, *_window_days(windows), as_of]
    start = min(spread).replace(day=1)
    months = _month_starts(start, max(spread))
    end = _next_month(months[-1])
    width, left, right, top = 1040, 200, 16, 36
    row_height = 22 if len(rows) <= 30 else 16 if len(rows) <= 60 else 11
    scale = (width - left - right) / (end - start).days

    def x(day: date) -> float:
        return round(left + (day - start).days * scale, 1)

    step = next((n for n in (1, 2, 3, 6, 12, 24, 60, 120) if n * 30 * scale >= 48), 240)
    ticks = [
        {
            "x": x(month),
            "month": MONTHS[month.month - 1] if i % step == 0 else "",
            "year": _year_label(month, i, step),
        }
        for i, month in enumerate(months)
    ]
    bar_height = round(row_height * 0.64, 1)
    window_rows = _window_rows(windows, x, top, row_height)
    first = top + len(window_rows) * row_height
    drawn = []
    for i, row in enumerate(rows):
        y = first + i * row_height
        label = row.name
        if len(label) > LABEL_CHARACTERS:
            label = label[: LABEL_CHARACTERS - 1] + "…"
        drawn.append(
            {
                "y": y,
                "bar_y": round(y + (row_height - bar_height) / 2, 1),
                "text_y": round(y + row_height * 0.72, 1),
                "label": label,
                "name": row.name,
                "band": i % 2 == 1,
                "bars": _bars(row, x),
                "shades": _row_shades(row, windows, x),
            }
        )
    bottom = first + len(rows) * row_height
    return {
        "rows": drawn,
        "windows": window_rows,
        "unit": unit,
        "note": note,
        "width": width,
        "bottom": bottom,
        "height": bottom + 22,
        "left": left,
        "top": top,
        "row_height": row_height,
        "bar_height": bar_height,
        "font_size": 12 if row_height > 11 else 9,
        "ticks": ticks,
        "today": x(as_of),  # always inside: the dates drawn include the report date
    }
