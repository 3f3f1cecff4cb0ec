"""The steering-group HTML report: one self-contained page with SVG charts.

The charts are laid out here, in pure functions that turn the report data into
plain numbers and strings; templates/report.html.j2 draws them, so every name a
user typed goes through Jinja's autoescaping on its way into the page.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from refocus_cli.core.programme import STAGE_TITLES, STAGES

# Okabe-Ito colours: told apart by people with colour-blindness, and in greyscale print.
STAGE_COLOURS = {
    "workshop": "#0072B2",
    "working-practices": "#E69F00",
    "coaching": "#009E73",
    "practice-change": "#CC79A7",
}
STAGE_NAMES = {key: key.replace("-", " ").capitalize() for key in STAGES}
MAX_TIMELINE_ROWS = 120  # beyond this a row per team is unreadable: a row per cohort instead
LABEL_CHARACTERS = 30
FOLD_TEAMS = 60  # longer per-team tables start folded, so the charts stay near each other
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def render_report(data: dict[str, Any]) -> str:
    """The whole page, as HTML text."""
    import jinja2

    from refocus_cli.resources import templates_dir

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pct"] = percent
    environment.filters["thousands"] = "{:,}".format
    return environment.get_template("report.html.j2").render(report_view(data))


def percent(value: float | None) -> str:
    """A share as a whole percentage, or a dash when there is none."""
    return "–" if value is None else f"{value:.0%}"


def report_view(data: dict[str, Any]) -> dict[str, Any]:
    """Everything the template shows, worked out from the report data."""
    as_of = date.fromisoformat(data["progress"]["as_of"])
    teams = data["progress"]["teams"]
    scored = data["participation"]["teams"]
    return {
        "programme": data["programme"],
        "cohort": data["cohort"],
        "as_of": as_of.isoformat(),
        "as_of_text": f"{as_of.day} {MONTHS[as_of.month - 1]} {as_of.year}",
        "stages": [
            {"key": s, "name": STAGE_NAMES[s], "title": STAGE_TITLES[s], "colour": STAGE_COLOURS[s]}
            for s in STAGES
        ],
        "summary": summary(data),
        "timeline": timeline(teams, as_of),
        "attendance": stage_chart(teams, "attendance", "Attendance by stage"),
        "reach": stage_chart(teams, "reach", "Reach by stage"),
        "scores": score_histogram(scored, data["participation"]["median"]),
        "levels": {
            level: sum(1 for team in scored if team["implementation"] == level)
            for level in ("high", "low", None)
        },
        "participation": data["participation"],
        "milestone_stages": milestone_summary(data["milestones"]["milestones"]),
        "milestones": milestone_rows(data["milestones"]["milestones"]),
        "at_risk": [team for team in teams if team["flags"]],
        "fold": len(teams) > FOLD_TEAMS,
    }


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """The headline figures: teams, sessions, attendance, median score, risks."""
    teams = data["progress"]["teams"]
    stages = [stage for team in teams for stage in team["stages"]]
    staff = data["participation"]["staff"]
    expected = sum(sum(person["expected"].values()) for person in staff)
    attended = sum(sum(person["attended"].values()) for person in staff)
    return {
        "teams": len(teams),
        "active": sum(1 for team in teams if team["status"] == "active"),
        "held": sum(stage["held"] for stage in stages),
        "planned": sum(stage["planned"] for stage in stages),
        "cancelled": sum(stage["cancelled"] for stage in stages),
        "awaiting": sum(stage["awaiting_register"] for stage in stages),
        "attendance": attended / expected if expected else None,
        "median": data["participation"]["median"],
        "scored": sum(1 for team in data["participation"]["teams"] if team["score"] is not None),
        "at_risk": sum(1 for team in teams if team["flags"]),
    }


# -- the timeline ---------------------------------------------------------------------


def _team_row(team: dict[str, Any]) -> dict[str, Any]:
    suffix = "" if team["status"] == "active" else f" ({team['status']})"
    return {"name": team["name"] + suffix, "stages": team["stages"]}


def _cohort_row(cohort: str, teams: list[dict[str, Any]]) -> dict[str, Any]:
    """One row for a whole cohort: its teams' earliest to latest sessions, counts summed."""
    stages = []
    for stage in STAGES:
        parts = [s for team in teams for s in team["stages"] if s["stage"] == stage]
        dated = [s for s in parts if s["first"]]
        stages.append(
            {
                "stage": stage,
                "planned": sum(s["planned"] for s in parts),
                "held": sum(s["held"] for s in parts),
                "cancelled": sum(s["cancelled"] for s in parts),
                "awaiting_register": sum(s["awaiting_register"] for s in parts),
                "first": min((s["first"] for s in dated), default=None),
                "last": max((s["last"] for s in dated), default=None),
            }
        )
    return {"name": f"{cohort} ({len(teams)} teams)", "stages": stages}


def _start(row: dict[str, Any]) -> str:
    return min((s["first"] for s in row["stages"] if s["first"]), default="9999")


def timeline_rows(teams: list[dict[str, Any]], limit: int) -> tuple[list[dict], str, str]:
    """The rows to draw, earliest start first; what a row is; a note unless all teams."""
    if len(teams) <= limit:
        return sorted((_team_row(t) for t in teams), key=_start), "team", ""
    by_cohort: dict[str, list[dict]] = defaultdict(list)
    for team in teams:
        by_cohort[team["cohort"] or "No cohort"].append(team)
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


def _bar_title(row: dict[str, Any], stage: dict[str, Any]) -> str:
    text = (
        f"{row['name']}: {STAGE_TITLES[stage['stage']]}, {stage['first']} to {stage['last']}; "
        f"{stage['held']} of {stage['planned']} sessions held"
    )
    if stage["cancelled"]:
        text += f", {stage['cancelled']} cancelled"
    if stage["awaiting_register"]:
        text += f", {stage['awaiting_register']} awaiting a register"
    return text


def timeline(
    teams: list[dict[str, Any]], as_of: date, limit: int = MAX_TIMELINE_ROWS
) -> dict[str, Any]:
    """A Gantt chart: a row per team (or cohort), a bar per stage, held part solid."""
    rows, unit, note = timeline_rows(teams, limit)
    days = [
        date.fromisoformat(stage[end])
        for row in rows
        for stage in row["stages"]
        if stage["first"]
        for end in ("first", "last")
    ]
    if not days:
        return {"rows": [], "unit": unit, "note": note}
    start = min([*days, as_of]).replace(day=1)
    months = _month_starts(start, max([*days, as_of]))
    end = _next_month(months[-1])
    width, left, right, top = 1040, 200, 16, 36
    row_height = 22 if len(rows) <= 30 else 16 if len(rows) <= 60 else 11
    scale = (width - left - right) / (end - start).days

    def x(day: date) -> float:
        return round(left + (day - start).days * scale, 1)

    step = next(n for n in (1, 2, 3, 6, 12) if n * 30 * scale >= 48)
    ticks = [
        {
            "x": x(month),
            "month": MONTHS[month.month - 1] if i % step == 0 else "",
            "year": str(month.year) if month.month == 1 or i == 0 else "",
        }
        for i, month in enumerate(months)
    ]
    bar_height = round(row_height * 0.64, 1)
    drawn = []
    for i, row in enumerate(rows):
        y = top + i * row_height
        bars = []
        for stage in row["stages"]:
            if not stage["first"]:
                continue
            x1 = x(date.fromisoformat(stage["first"]))
            x2 = x(date.fromisoformat(stage["last"]) + timedelta(days=1))
            bar_width = max(round(x2 - x1, 1), 4.0)
            held = stage["held"] / stage["planned"] if stage["planned"] else 0
            bars.append(
                {
                    "x": x1,
                    "width": bar_width,
                    "held_width": round(bar_width * min(held, 1), 1),
                    "colour": STAGE_COLOURS[stage["stage"]],
                    "title": _bar_title(row, stage),
                }
            )
        label = row["name"]
        if len(label) > LABEL_CHARACTERS:
            label = label[: LABEL_CHARACTERS - 1] + "…"
        drawn.append(
            {
                "y": y,
                "bar_y": round(y + (row_height - bar_height) / 2, 1),
                "text_y": round(y + row_height * 0.72, 1),
                "label": label,
                "name": row["name"],
                "band": i % 2 == 1,
                "bars": bars,
            }
        )
    bottom = top + len(rows) * row_height
    return {
        "rows": drawn,
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


# -- bar charts -----------------------------------------------------------------------

CHART = {"width": 500, "height": 270, "left": 46, "right": 12, "top": 26, "bottom": 56}


def _plot_height() -> int:
    return CHART["height"] - CHART["top"] - CHART["bottom"]


def _y(share: float) -> float:
    """Where a share between 0 and 1 sits on a chart's vertical axis."""
    return round(CHART["top"] + _plot_height() * (1 - share), 1)


def stage_chart(teams: list[dict[str, Any]], key: str, title: str) -> dict[str, Any]:
    """Bars of the mean over teams of attendance or reach, one per stage, with quartiles."""
    slot = (CHART["width"] - CHART["left"] - CHART["right"]) / len(STAGES)
    baseline = CHART["top"] + _plot_height()
    bars = []
    for i, stage in enumerate(STAGES):
        values = sorted(
            s[key] for t in teams for s in t["stages"] if s["stage"] == stage and s[key] is not None
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


def score_histogram(teams: list[dict[str, Any]], median: float | None) -> dict[str, Any]:
    """How many teams scored what, in half-point bins from 0 to 6, and the median."""
    scores = [team["score"] for team in teams if team["score"] is not None]
    counts = [0] * 12
    for score in scores:
        counts[min(int(score * 2), 11)] += 1
    step = max(1, math.ceil(max(counts) / 4))
    top_count = step * math.ceil(max(counts) / step) if scores else 1
    plot_width = CHART["width"] - CHART["left"] - CHART["right"]

    def x(score: float) -> float:
        return round(CHART["left"] + plot_width * score / 6, 1)

    def y(count: int) -> float:
        return _y(count / top_count)

    bins = [
        {
            "x": round(x(i / 2) + 1, 1),
            "width": round(x((i + 1) / 2) - x(i / 2) - 2, 1),
            "y": y(count),
            "height": round(y(0) - y(count), 1),
            "title": f"{count} team{'s' if count != 1 else ''} scored {i / 2:.1f} to "
            f"{'6.0' if i == 11 else f'under {(i + 1) / 2:.1f}'}",
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
        "ticks": [{"x": x(n), "label": str(n)} for n in range(7)],
        "median": None if median is None else {"x": x(median), "label": f"median {median:.2f}"},
    }


# -- milestones -----------------------------------------------------------------------


def milestone_summary(milestones: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per stage: teams planned, begun, complete; median days to complete; share delivered."""
    summary = []
    for stage in STAGES:
        rows = [m for m in milestones if m["stage"] == stage and m["planned"]]
        done = [m["days"] for m in rows if m["completed"]]
        summary.append(
            {
                "name": STAGE_NAMES[stage],
                "colour": STAGE_COLOURS[stage],
                "teams": len(rows),
                "began": sum(1 for m in rows if m["began"]),
                "completed": len(done),
                "median_days": statistics.median(done) if done else None,
                "delivered": statistics.fmean(m["proportion"] for m in rows) if rows else None,
            }
        )
    return summary


def milestone_rows(milestones: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per team with its four stages side by side, in the order given."""
    rows: dict[int, dict[str, Any]] = {}
    for m in milestones:
        rows.setdefault(m["team_id"], {"team": m["team"], "stages": {}})["stages"][m["stage"]] = m
    return list(rows.values())
