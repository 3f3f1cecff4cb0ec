"""The steering-group HTML report: one self-contained page with SVG charts.

The charts are laid out here and in render/timeline.py, in pure functions that turn
the report's view models into plain numbers and strings; templates/report.html.j2
draws them, so every name a user typed goes through Jinja's autoescaping on its way
into the page.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from refocus_cli.core.measure_defs import Window
from refocus_cli.core.measure_method import PROVENANCE, SOURCES
from refocus_cli.core.measure_participation import TeamScoreRow
from refocus_cli.core.measure_records import (
    MilestoneRow,
    StageRow,
    SteeringReport,
    TeamProgressRow,
)
from refocus_cli.core.outcomes import OutcomesView
from refocus_cli.core.programme import STAGE_TITLES, STAGES
from refocus_cli.core.vocabulary import TeamStatus
from refocus_cli.render.timeline import MONTHS, STAGE_COLOURS, Layout, timeline

STAGE_NAMES = {key: key.replace("-", " ").capitalize() for key in STAGES}
STRATEGY_SHORT = {  # column headings: the full titles are in core/programme.py
    "information-session": "Information session",
    "working-practices-training": "Working practices",
    "coaching-training": "Coaching",
    "manager-reflection": "Manager reflection",
    "team-reflection": "Team reflection",
    "supervision-reflection": "Supervision reflection",
}
FOLD_TEAMS = 60  # longer per-team tables start folded, so the charts stay near each other


def render_report(
    report: SteeringReport,
    outcomes: OutcomesView | None = None,
    windows: Sequence[Window] = (),
) -> str:
    """The whole page, as HTML text; with `outcomes`, its outcomes section too, and with
    `windows`, the measurement windows in its timeline."""
    from refocus_cli.render.outcomes_chart import outcomes_chart
    from refocus_cli.render.sandbox import environment as limited_environment
    from refocus_cli.render.sandbox import render
    from refocus_cli.resources import templates_dir

    environment = limited_environment(
        [templates_dir()], autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    environment.filters["pct"] = percent
    environment.filters["score"] = score_percent
    environment.filters["thousands"] = "{:,}".format
    return render(
        environment,
        "report.html.j2",
        **report_view(report, windows),
        outcomes=outcomes_chart(outcomes),
    )


def percent(value: float | None) -> str:
    """A share as a whole percentage, or a dash when there is none."""
    return "–" if value is None else f"{value:.0%}"


def score_percent(value: float | None) -> str:
    """A team score or median to one decimal, so close scores do not look equal."""
    return "–" if value is None else f"{value:.1%}"


def report_view(report: SteeringReport, windows: Sequence[Window] = ()) -> Layout:
    """Everything the template shows, worked out from the report."""
    as_of = report.progress.as_of
    teams = report.progress.teams
    participation = report.participation
    milestones = report.milestones.milestones
    return {
        "programme": report.programme,
        "cohort": report.cohort,
        "as_of": as_of.isoformat(),
        "as_of_text": f"{as_of.day} {MONTHS[as_of.month - 1]} {as_of.year}",
        "stages": [
            {"key": s, "name": STAGE_NAMES[s], "title": STAGE_TITLES[s], "colour": STAGE_COLOURS[s]}
            for s in STAGES
        ],
        "summary": summary(report),
        "timeline": timeline(teams, as_of, windows=windows),
        "attendance": stage_chart(teams, lambda s: s.attendance, "Attendance by stage"),
        "reach": stage_chart(teams, lambda s: s.reach, "Reach by stage"),
        "scores": score_histogram(participation.compared, participation.median),
        "participation": participation,
        "strategy_names": {s: STRATEGY_SHORT[s] for s in participation.split.strategies},
        "sources": [
            {"name": str(source), "about": about, "key": source.name.lower()}
            for source, about in SOURCES.items()
        ],
        "provenance": PROVENANCE,
        "milestone_stages": milestone_summary(milestones),
        "milestones": milestone_rows(milestones),
        "at_risk": [team for team in teams if team.flags],
        "fold": len(teams) > FOLD_TEAMS,
    }


def summary(report: SteeringReport) -> Layout:
    """The headline figures: teams, sessions, attendance, median score, risks."""
    teams = report.progress.teams
    stages = [stage for team in teams for stage in team.stages]
    return {
        "teams": len(teams),
        "active": sum(1 for team in teams if team.status == TeamStatus.ACTIVE),
        "held": sum(stage.held for stage in stages),
        "planned": sum(stage.planned for stage in stages),
        "cancelled": sum(stage.cancelled for stage in stages),
        "awaiting": sum(stage.awaiting_register for stage in stages),
        "attendance": report.attendance,
        "median": report.participation.median,
        "compared": report.participation.split.compared,
        "at_risk": sum(1 for team in teams if team.flags),
    }


# -- bar charts -----------------------------------------------------------------------

CHART = {"width": 500, "height": 270, "left": 46, "right": 12, "top": 26, "bottom": 56}


def _plot_height() -> int:
    return CHART["height"] - CHART["top"] - CHART["bottom"]


def _y(share: float) -> float:
    """Where a share between 0 and 1 sits on a chart's vertical axis."""
    return round(CHART["top"] + _plot_height() * (1 - share), 1)


def stage_chart(
    teams: Sequence[TeamProgressRow], measure: Callable[[StageRow], float | None], title: str
) -> Layout:
    """Bars of the mean over teams of attendance or reach, one per stage, with quartiles."""
    slot = (CHART["width"] - CHART["left"] - CHART["right"]) / len(STAGES)
    baseline = CHART["top"] + _plot_height()
    bars = []
    for i, stage in enumerate(STAGES):
        values = sorted(
            value
            for t in teams
            for s in t.stages
            if s.stage == stage and (value := measure(s)) is not None
        )
        centre = round(CHART["left"] + slot * (i + 0.5), 1)
        bar: dict[str, Any] = {
            "centre": centre,
            "x": round(centre - slot * 0.3, 1),
            "width": round(slot * 0.6, 1),
            "colour": STAGE_COLOURS[stage],
            "name": STAGE_NAMES[stage],
            "teams": len(values),
            "mean": statistics.fmean(values) if values else None,
            "quartiles": None,
        }
        bar["title"] = f"{STAGE_TITLES[stage]}: no team has a figure yet"
        if values:
            bar["y"] = _y(bar["mean"])
            bar["height"] = round(baseline - bar["y"], 1)
            bar["title"] = f"{STAGE_TITLES[stage]}: mean {bar['mean']:.0%} over {len(values)} teams"
            top = bar["y"]
            if len(values) >= 2:
                low, _, high = statistics.quantiles(values, n=4, method="inclusive")
                bar["quartiles"] = (_y(low), _y(high))
                bar["title"] += f"; the middle half of teams {low:.0%} to {high:.0%}"
                top = min(top, _y(high))
            bar["value_y"] = round(top - 5, 1)
        bars.append(bar)
    return {
        **CHART,
        "title": title,
        "baseline": baseline,
        "grid": [{"y": _y(v), "label": f"{v:.0%}"} for v in (0, 0.25, 0.5, 0.75, 1)],
        "bars": bars,
        "any": any(bar["teams"] for bar in bars),
    }


SCORE_BINS = 10  # a bin per ten percentage points of the team score


def score_histogram(teams: Sequence[TeamScoreRow], median: float | None) -> Layout:
    """How many teams scored what, in bins of ten points from 0 to 100 %, and the median."""
    scores = [team.score for team in teams if team.score is not None]
    counts = [0] * SCORE_BINS
    for score in scores:
        counts[min(int(score * SCORE_BINS), SCORE_BINS - 1)] += 1
    step = max(1, math.ceil(max(counts) / 4))
    top_count = step * math.ceil(max(counts) / step) if scores else 1
    plot_width = CHART["width"] - CHART["left"] - CHART["right"]

    def x(share: float) -> float:
        return round(CHART["left"] + plot_width * share, 1)

    def y(count: int) -> float:
        return _y(count / top_count)

    def upper(i: int) -> str:
        return "100 %" if i == SCORE_BINS - 1 else f"under {(i + 1) * 100 // SCORE_BINS} %"

    bins = [
        {
            "x": round(x(i / SCORE_BINS) + 1, 1),
            "width": round(x((i + 1) / SCORE_BINS) - x(i / SCORE_BINS) - 2, 1),
            "y": y(count),
            "height": round(y(0) - y(count), 1),
            "title": f"{count} team{'s' if count != 1 else ''} scored "
            f"{i * 100 // SCORE_BINS} % to {upper(i)}",
        }
        for i, count in enumerate(counts)
        if count
    ]
    return {
        **CHART,
        "teams": len(scores),
        "baseline": y(0),
        "bins": bins,
        "grid": [{"y": y(n), "label": str(n)} for n in range(0, top_count + 1, step)],
        "ticks": [{"x": x(n / 5), "label": f"{n * 20}%"} for n in range(6)],
        "median": None if median is None else {"x": x(median), "label": f"median {median:.1%}"},
    }


# -- milestones -----------------------------------------------------------------------


def milestone_summary(milestones: Sequence[MilestoneRow]) -> list[Layout]:
    """Per stage: teams planned, begun, complete; median days to complete; share delivered."""
    summary = []
    for stage in STAGES:
        rows = [m for m in milestones if m.stage == stage and m.planned]
        done = [m.days for m in rows if m.completed and m.days is not None]
        summary.append(
            {
                "name": STAGE_NAMES[stage],
                "colour": STAGE_COLOURS[stage],
                "teams": len(rows),
                "began": sum(1 for m in rows if m.began),
                "completed": len(done),
                "median_days": statistics.median(done) if done else None,
                "delivered": statistics.fmean(m.proportion or 0.0 for m in rows) if rows else None,
            }
        )
    return summary


@dataclass(frozen=True)
class MilestoneTeam:
    """A team's milestones, by stage key, for a row of the table."""

    team: str
    stages: dict[str, MilestoneRow]


def milestone_rows(milestones: Sequence[MilestoneRow]) -> list[MilestoneTeam]:
    """One row per team with its four stages side by side, in the order given."""
    rows: dict[int, MilestoneTeam] = {}
    for m in milestones:
        rows.setdefault(m.team_id, MilestoneTeam(m.team, {})).stages[m.stage] = m
    return list(rows.values())
