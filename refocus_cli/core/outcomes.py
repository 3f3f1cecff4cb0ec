"""`refocus report outcomes` as a view model: each team's baseline and follow-up mean
for every measure, the change, and the high- and low-implementation groups compared by
their mean change with Welch's t interval.

Teams are the unit: a service-user measure is recorded per team (n and mean), a
staff-level measure is averaged per team over its stayers with both a baseline and a
follow-up score. The groups come from the participation report's median split; when
staff-level scores exist, the split is made again over the stayers who have them, as
the trial pooled participation over staff who did not move team and had baseline and
follow-up data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import NamedTuple

from refocus_cli.core.measure_defs import MeasureDef, MeasureLevel, Measures, WindowKind
from refocus_cli.core.measure_participation import ParticipationView, TeamScoreRow
from refocus_cli.core.measure_split import Split, TieRule, split_at_median
from refocus_cli.core.measure_values import Record, mean_of, ratio
from refocus_cli.core.outcomes_stats import Interval, mean, variance, welch_interval

# Fewer teams than this in a group draws a warning: a refocus default, since an
# interval over a handful of teams is wide and leans on each team's result.
FEW_TEAMS = 5
LEVELS = ("high", "low")

StaffScores = Mapping[str, Mapping[WindowKind, Mapping[int, float]]]
TeamScores = Mapping[str, Mapping[WindowKind, Mapping[int, tuple[int, float]]]]


class StayersRule:
    """The two stayers rules, in words."""

    MOVED = (
        "stayers are the staff on a team without a break from its first session to the "
        "date teams are compared on (they did not move team); no staff-level scores with "
        "both a baseline and a follow-up are recorded, so the trial's other condition, "
        "baseline and follow-up data, is not applied"
    )
    DATA = (
        "stayers are the staff on a team without a break from its first session to the "
        "date teams are compared on (they did not move team) who have both a baseline and "
        "a follow-up score on a staff-level measure, as in the trial; team participation "
        "scores and the median split are computed over them"
    )


class TeamOutcome(NamedTuple):
    """One team's result on one measure (a named tuple: one a team and measure)."""

    team_id: int
    team: str
    cohort: str | None
    implementation: str | None
    baseline: float | None
    follow_up: float | None
    n_baseline: int
    n_follow_up: int

    @property
    def change(self) -> float | None:
        """Follow-up minus baseline, when both are there."""
        if self.baseline is None or self.follow_up is None:
            return None
        return self.follow_up - self.baseline

    def as_record(self) -> Record:
        """The team as `--json` and `--csv` show it."""
        return {
            "team": self.team,
            "cohort": self.cohort,
            "implementation": self.implementation,
            "baseline": _rounded(self.baseline),
            "follow_up": _rounded(self.follow_up),
            "change": _rounded(self.change),
            "n_baseline": self.n_baseline,
            "n_follow_up": self.n_follow_up,
        }


def _rounded(value: float | None) -> float | None:
    return ratio(value)


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    """A group's teams with a change, their mean change and its spread."""

    level: str
    teams: int
    mean_change: float | None
    sd_change: float | None

    def as_record(self) -> Record:
        """The group as `--json` shows it."""
        return {
            "implementation": self.level,
            "teams": self.teams,
            "mean_change": _rounded(self.mean_change),
            "sd_change": _rounded(self.sd_change),
        }


@dataclass(frozen=True)
class MeasureOutcome:
    """One measure: every team, the two groups and the difference between them."""

    measure: MeasureDef
    teams: tuple[TeamOutcome, ...]
    groups: tuple[GroupOutcome, GroupOutcome]
    difference: Interval | None
    warnings: tuple[str, ...]

    def as_record(self) -> Record:
        """The measure as `--json` shows it."""
        diff = self.difference
        return {
            "measure": self.measure.as_record(),
            "teams": [team.as_record() for team in self.teams],
            "groups": [group.as_record() for group in self.groups],
            "difference": None
            if diff is None
            else {
                "high_minus_low": _rounded(diff.estimate),
                "ci95_low": _rounded(diff.low),
                "ci95_high": _rounded(diff.high),
                "standard_error": _rounded(diff.standard_error),
                "df": _rounded(diff.df),
                "t": _rounded(diff.t),
                "why_no_interval": diff.why_none,
            },
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class OutcomesView:
    """`refocus report outcomes`: the split used, the rule, each measure, the method."""

    as_of: date
    split_date: str
    stayers_rule: str
    high: int
    low: int
    measures: tuple[MeasureOutcome, ...]
    warnings: tuple[str, ...]

    @property
    def method(self) -> tuple[str, ...]:
        """How the figures are computed, paragraph by paragraph."""
        return method_paragraphs(self.stayers_rule)

    def as_record(self) -> Record:
        """The report as `--json` prints it."""
        return {
            "as_of": self.as_of.isoformat(),
            "split_date": self.split_date,
            "stayers_rule": self.stayers_rule,
            "high_teams": self.high,
            "low_teams": self.low,
            "measures": [m.as_record() for m in self.measures],
            "warnings": list(self.warnings),
            "method": list(self.method),
        }

    def rows(self) -> list[Record]:
        """One row per measure and team, as `--csv` prints it."""
        return [
            {"measure": m.measure.key, **team.as_record()}
            for m in self.measures
            for team in m.teams
        ]


def method_paragraphs(rule: str) -> tuple[str, ...]:
    """The method in words, as the report prints it under its figures."""
    return (
        "Per team. A service-user measure (such as the QPR) is recorded per team as the "
        "number of service users who answered and their mean; refocus never holds a "
        "service user's identity. A staff-level measure is averaged per team over its "
        "stayers who have both a baseline and a follow-up score, so the same people are "
        "compared before and after. Change is the follow-up mean minus the baseline mean.",
        f"Stayers. Here {rule}.",
        "Groups. Teams are placed high or low as the participation report splits them "
        "(the trial's median split of team participation scores; see `refocus report "
        "participation` for its method and tie rule). Each group's mean change is the "
        "plain mean of its teams' changes: teams, not people, are the unit, since teams "
        "implemented REFOCUS.",
        "Difference and interval. The difference is the high group's mean change minus the "
        "low group's. Its 95 % interval is Welch's t interval: standard error "
        "√(s²high/k_high + s²low/k_low) over the teams' changes (k teams, s their standard "
        "deviation), degrees of freedom by the Welch–Satterthwaite formula, and the t "
        "quantile computed by refocus from the incomplete beta function. No p-values are "
        "given. The trial reported adjusted differences; this plain comparison of changes "
        "is not adjusted, so it is a programme's look at its own "
        f"rollout, not a trial result. Fewer than {FEW_TEAMS} teams in a group is warned "
        "about (a refocus default): the interval is then wide and leans on each team.",
    )


def paired_staff(staff: StaffScores, measures: Measures) -> set[int]:
    """The staff with both a baseline and a follow-up score on some staff-level measure."""
    people: set[int] = set()
    for measure in measures.measures:
        if measure.level is MeasureLevel.STAFF:
            windows = staff.get(measure.key, {})
            before = windows.get(WindowKind.BASELINE, {})
            after = windows.get(WindowKind.FOLLOW_UP, {})
            people |= before.keys() & after.keys()
    return people


def resplit(view: ParticipationView, paired: set[int], ties: TieRule) -> tuple[Split, str]:
    """The groups, and the stayers rule they were made under: the participation
    report's split when no one has paired staff-level scores, else the split made again
    over the stayers who have them."""
    if not paired:
        split = Split(
            None,
            frozenset(t.id for t in view.teams if t.implementation == "high"),
            frozenset(t.id for t in view.teams if t.implementation == "low"),
            frozenset(),
        )
        return split, StayersRule.MOVED
    people = {person.staff.id: person for person in view.people}
    scores: dict[int, Fraction] = {}
    for team in view.compared:
        shares = [
            (person.count, person.applicable)
            for staff_id in team.stayer_ids
            if staff_id in paired
            and (person := people.get(staff_id)) is not None
            and person.applicable
        ]
        if shares:
            scores[team.id] = mean_of(shares)
    return split_at_median(scores, ties), StayersRule.DATA


def _staff_team(
    team: TeamScoreRow, windows: Mapping[WindowKind, Mapping[int, float]], paired_only: bool
) -> tuple[float | None, float | None, int, int]:
    before = windows.get(WindowKind.BASELINE, {})
    after = windows.get(WindowKind.FOLLOW_UP, {})
    both = [s for s in team.stayer_ids if s in before and s in after]
    if paired_only:
        base = [before[s] for s in both]
        follow = [after[s] for s in both]
    else:
        base = [before[s] for s in team.stayer_ids if s in before]
        follow = [after[s] for s in team.stayer_ids if s in after]
    return (mean(base) if base else None, mean(follow) if follow else None, len(base), len(follow))


def team_outcomes(
    measure: MeasureDef,
    view: ParticipationView,
    split: Split,
    staff: StaffScores,
    teams: TeamScores,
) -> tuple[TeamOutcome, ...]:
    """Every team with a score on the measure, in the participation report's order."""
    found = []
    for team in view.teams:
        if measure.level is MeasureLevel.STAFF:
            windows = staff.get(measure.key, {})
            base, follow, n_base, n_follow = _staff_team(team, windows, paired_only=True)
            if base is None:
                base, follow, n_base, n_follow = _staff_team(team, windows, paired_only=False)
        else:
            recorded = teams.get(measure.key, {})
            before = recorded.get(WindowKind.BASELINE, {}).get(team.id)
            after = recorded.get(WindowKind.FOLLOW_UP, {}).get(team.id)
            base, n_base = (before[1], before[0]) if before else (None, 0)
            follow, n_follow = (after[1], after[0]) if after else (None, 0)
        if base is None and follow is None:
            continue
        found.append(
            TeamOutcome(
                team.id, team.name, team.cohort, split.level(team.id),
                base, follow, n_base, n_follow,
            )
        )  # fmt: skip
    return tuple(found)


def _group(level: str, changes: list[float]) -> GroupOutcome:
    return GroupOutcome(
        level,
        len(changes),
        mean(changes) if changes else None,
        variance(changes) ** 0.5 if len(changes) > 1 else None,
    )


def measure_outcome(measure: MeasureDef, teams: tuple[TeamOutcome, ...]) -> MeasureOutcome:
    """The groups and their difference for one measure's teams."""
    changes: dict[str, list[float]] = {level: [] for level in LEVELS}
    for team in teams:
        change = team.change
        if team.implementation in changes and change is not None:
            changes[team.implementation].append(change)
    high, low = changes["high"], changes["low"]
    warnings = [
        f"{len(values) or 'no'} {level}-implementation team{'' if len(values) == 1 else 's'} "
        f"with a baseline and a follow-up on {measure.key}: too few to read much into "
        f"(fewer than {FEW_TEAMS} in a group, a refocus default)"
        for level, values in changes.items()
        if teams and len(values) < FEW_TEAMS
    ]
    difference = welch_interval(high, low) if high and low else None
    return MeasureOutcome(
        measure, teams, (_group("high", high), _group("low", low)), difference, tuple(warnings)
    )


def outcomes_view(
    measures: Measures,
    view: ParticipationView,
    staff: StaffScores,
    teams: TeamScores,
    ties: TieRule,
) -> OutcomesView:
    """The outcomes report over the participation report `view` and the scores."""
    split, rule = resplit(view, paired_staff(staff, measures), ties)
    results = tuple(
        measure_outcome(measure, team_outcomes(measure, view, split, staff, teams))
        for measure in measures.measures
    )
    warnings = list(view.split.warnings)
    if not any(m.teams for m in results):
        warnings.append(
            "no scores recorded yet: import them with `refocus measure import FILE "
            "--measure KEY --window baseline|follow-up`"
        )
    return OutcomesView(
        view.as_of,
        f"{view.split.date} ({view.split.date_from})",
        rule,
        len(split.high),
        len(split.low),
        results,
        tuple(warnings),
    )
