"""Simulated outcomes for `refocus demo`: measurement windows, scores and returned
evaluation forms that look like a programme's, seeded so the same demo comes out the
same every time.

Nothing here is data from the trial. The figures are invented to be plausible: QPR
team means around the trial's reported level (about 40 on the 0–60 total), staff
scores around the middle of the 1–5 scale, and changes that grow a little with a team's
attendance, so the outcomes report has a difference to show.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from refocus_cli.core.documents import EVALUATION_ITEMS, EVALUATION_SCALE
from refocus_cli.core.evaluations import Form
from refocus_cli.core.measure_defs import Window, default_windows

TRAINING_STAGES = ("workshop", "working-practices", "coaching")  # forms are handed out
FORM_RETURN = 0.7  # the share of those who came who hand a form back
COMMENTS_WILL_DO = (
    "Ask people what matters most to them before we plan",
    "Start from strengths in my next review",
    "Use the goal-striving sheet with one person this week",
    "Listen more and suggest less",
)
COMMENTS_BETTER = (
    "More time for the role play",
    "Fewer slides",
    "A quieter room",
    "Examples from community teams like ours",
)


@dataclass(frozen=True)
class CohortSpan:
    """A cohort, and the days its sessions run from and to (its last reflection session)."""

    cohort_id: int
    name: str
    first: date
    last: date


@dataclass(frozen=True)
class TeamFacts:
    """A team, its share of expected places taken so far, and its stayers."""

    team_id: int
    attendance: float  # 0-1
    stayers: tuple[int, ...]


@dataclass(frozen=True)
class SimulatedScores:
    """Team results (id, n, mean) and staff scores (id, score), by measure and window."""

    team: dict[tuple[str, str], list[tuple[int, int, float]]]
    staff: dict[tuple[str, str], list[tuple[int, float]]]


def windows(cohorts: Sequence[CohortSpan]) -> list[Window]:
    """Each cohort's default windows, as `refocus schedule` offers them."""
    return [w for c in cohorts for w in default_windows(c.cohort_id, c.name, c.first, c.last)]


def _clip(value: float, low: float, high: float) -> float:
    return round(min(high, max(low, value)), 2)


def scores(teams: Sequence[TeamFacts], seed: int) -> SimulatedScores:
    """A baseline and a follow-up for every team (QPR total and interpersonal) and every
    stayer (recovery-promotion behaviour): follow-ups a little better where attendance
    was higher."""
    rng = random.Random(f"outcomes-{seed}")
    team: dict[tuple[str, str], list[tuple[int, int, float]]] = {}
    staff: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for facts in teams:
        lift = facts.attendance - 0.7  # above or below a typical attendance
        for key, centre, spread, top, gain in (
            ("qpr-total", 40.0, 4.0, 60.0, 8.0),
            ("qpr-interpersonal", 13.0, 1.5, 20.0, 3.0),
        ):
            before = _clip(rng.gauss(centre, spread), 0, top)
            after = _clip(before + gain * lift + rng.gauss(0.3, spread / 4), 0, top)
            n_before = rng.randint(6, 15)
            n_after = max(1, n_before - rng.randint(0, 3))
            team.setdefault((key, "baseline"), []).append((facts.team_id, n_before, before))
            team.setdefault((key, "follow-up"), []).append((facts.team_id, n_after, after))
        for staff_id in facts.stayers:
            before = _clip(rng.gauss(3.2, 0.5), 1, 5)
            after = _clip(before + 1.2 * lift + rng.gauss(0.1, 0.3), 1, 5)
            key = "staff-recovery-promotion"
            staff.setdefault((key, "baseline"), []).append((staff_id, before))
            staff.setdefault((key, "follow-up"), []).append((staff_id, after))
    return SimulatedScores(team, staff)


def forms(attended: Mapping[int, int], seed: int) -> list[tuple[int, Form]]:
    """Returned forms for held training sessions (session id -> how many came): about
    seven in ten hand one back, mostly agreeing, now and then with a comment."""
    rng = random.Random(f"forms-{seed}")
    low, high = EVALUATION_SCALE
    points = list(range(low, high + 1))
    running = list(accumulate([1, 2, 8, 20, 16][: len(points)]))  # mostly 4s and 5s
    items = len(EVALUATION_ITEMS)
    found = []
    for session_id in sorted(attended):
        returned = sum(1 for _ in range(attended[session_id]) if rng.random() < FORM_RETURN)
        for number in range(1, returned + 1):
            given = rng.choices(points, cum_weights=running, k=items)
            ratings = tuple(None if rng.random() < 0.03 else rating for rating in given)
            will_do = rng.choice(COMMENTS_WILL_DO) if rng.random() < 0.25 else ""
            better = rng.choice(COMMENTS_BETTER) if rng.random() < 0.15 else ""
            found.append((session_id, Form(number, ratings, (will_do, better))))
    return found
