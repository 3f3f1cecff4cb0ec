"""The outcomes chart of the steering-group report: for each measure, every team's
change from baseline to follow-up (a dot, in its implementation group's row), each
group's mean change (a bar), and the difference between the groups with its 95 %
interval. Pure layout: numbers and strings for templates/report_outcomes.html.j2."""

from __future__ import annotations

import math
from typing import Any

from refocus_cli.core.outcomes import FEW_TEAMS, MeasureOutcome, OutcomesView

Layout = dict[str, Any]
PANEL = {"width": 640, "height": 152, "left": 110, "right": 30, "top": 8, "row": 36}
GROUP_COLOURS = {"high": "#0072B2", "low": "#E69F00"}  # Okabe–Ito: safe for colour blindness


def _span(result: MeasureOutcome) -> float:
    """Half the width of the change axis: every change and interval bound fits, rounded
    up to a readable number."""
    values = [abs(c) for t in result.teams if (c := t.change) is not None and t.implementation]
    diff = result.difference
    if diff is not None:
        values += [abs(v) for v in (diff.estimate, diff.low, diff.high) if v is not None]
    largest = max(values, default=1.0) or 1.0
    step = 10.0 ** math.floor(math.log10(largest))
    return float(math.ceil(largest / step) * step)


def _x(value: float, span: float) -> float:
    plot = PANEL["width"] - PANEL["left"] - PANEL["right"]
    return round(PANEL["left"] + plot * (value + span) / (2 * span), 1)


def _number(value: float) -> str:
    return f"{value:+.2f}" if round(value, 2) else "0.00"


def panel(result: MeasureOutcome) -> Layout | None:
    """One measure's panel, or None when no team has both a baseline and a follow-up."""
    if not any(t.change is not None and t.implementation for t in result.teams):
        return None
    span = _span(result)
    rows = []
    for index, group in enumerate(result.groups):
        y = PANEL["top"] + PANEL["row"] * index + PANEL["row"] / 2
        dots = [
            {"x": _x(c, span), "title": f"{t.team}: {_number(c)}"}
            for t in result.teams
            if t.implementation == group.level and (c := t.change) is not None
        ]
        mean = group.mean_change
        rows.append(
            {
                "label": f"{group.level.capitalize()} ({group.teams})",
                "y": round(y, 1),
                "colour": GROUP_COLOURS[group.level],
                "dots": dots,
                "mean": None if mean is None else {"x": _x(mean, span), "text": _number(mean)},
            }
        )
    diff = result.difference
    y = round(PANEL["top"] + PANEL["row"] * 2.5, 1)
    difference = None
    if diff is not None:
        difference = {
            "y": y,
            "x": _x(diff.estimate, span),
            "text": _number(diff.estimate),
            "low": None if diff.low is None else _x(diff.low, span),
            "high": None if diff.high is None else _x(diff.high, span),
            "interval": None
            if diff.low is None or diff.high is None
            else f"{_number(diff.low)} to {_number(diff.high)}",
            "why_none": diff.why_none,
        }
    bottom = PANEL["top"] + PANEL["row"] * 3
    return {
        **PANEL,
        "key": result.measure.key,
        "name": result.measure.name,
        "direction": "higher" if result.measure.higher_is_better else "lower",
        "zero": _x(0, span),
        "bottom": bottom,
        "ticks": [
            {"x": _x(v, span), "label": _number(v)} for v in (-span, -span / 2, 0, span / 2, span)
        ],
        "rows": rows,
        "difference": difference,
        "few": _few(result),
    }


def _few(result: MeasureOutcome) -> str | None:
    """One short line when a group has fewer teams than the report warns about."""
    counts = {group.level: group.teams for group in result.groups}
    if all(count >= FEW_TEAMS for count in counts.values()):
        return None
    return (
        f"Too few teams to read much into: {counts['high']} high, {counts['low']} low "
        f"(fewer than {FEW_TEAMS} in a group is warned about, a refocus default)."
    )


def outcomes_chart(view: OutcomesView | None) -> Layout | None:
    """The report's outcomes section, or None when there are no outcomes to show."""
    if view is None:
        return None
    panels = [found for result in view.measures if (found := panel(result)) is not None]
    return {
        "split_date": view.split_date,
        "stayers_rule": view.stayers_rule,
        "high": view.high,
        "low": view.low,
        "panels": panels,
        "warnings": view.warnings,
        "method": view.method,
        "recorded": any(result.teams for result in view.measures),
    }
