"""`refocus report participation` as a view model: each person's share of the
strategies that apply to them, each team's score over its stayers and its engagement
strategy by strategy, the median split and the method. Stable JSON keys (`as_record`);
ratios rounded once, here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import NamedTuple

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measure_comparison import Comparison
from refocus_cli.core.measure_facts import Engagement, Participation, by_strategy
from refocus_cli.core.measure_method import Method
from refocus_cli.core.measure_split import (
    DEFAULT_TIE_RULE,
    SplitDate,
    SplitDateSource,
    TieRule,
)
from refocus_cli.core.measure_values import Record, iso, ratio, wanted
from refocus_cli.core.measures import Implementation
from refocus_cli.core.programme import STRATEGIES
from refocus_cli.core.vocabulary import Strategy


class ParticipantRow(NamedTuple):
    """One person's participation: for each strategy 1 (engaged), 0 (did not) or None
    (does not apply to them); their score (the share engaged) with the counts. The
    strategies, attended and expected are tuples in STRATEGIES order, keyed by strategy
    only as the person is written out. (A named tuple: a national report has one per
    member of staff, some 15,000.)"""

    id: int
    name: str
    team: str | None
    left_on: date | None
    score: float | None
    engaged: int
    applicable: int
    strategies: tuple[int | None, ...]
    attended: tuple[int, ...]
    expected: tuple[int, ...]

    def as_record(self) -> Record:
        """The person as JSON shows them."""
        return {
            "id": self.id,
            "name": self.name,
            "team": self.team,
            "left_on": iso(self.left_on),
            "score": self.score,
            "engaged": self.engaged,
            "applicable": self.applicable,
            "strategies": by_strategy(self.strategies),
            "attended": by_strategy(self.attended),
            "expected": by_strategy(self.expected),
        }

    def table_row(self) -> Record:
        """The person as a table or CSV row (see PARTICIPANT_COLUMNS)."""
        return {
            "id": self.id,
            "name": self.name,
            "team": self.team,
            "left_on": iso(self.left_on),
            **by_strategy(self.strategies),
            "engaged": self.engaged,
            "applicable": self.applicable,
            "score": self.score,
        }


PARTICIPANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "id"),
    ("name", "name"),
    ("team", "team"),
    ("left_on", "left"),
    *((s, s) for s in STRATEGIES),
    ("engaged", "engaged"),
    ("applicable", "applicable"),
    ("score", "score"),
)


class EngagementRow(NamedTuple):
    """Of a team's stayers a strategy applies to, how many engaged with it (a named
    tuple: six a team)."""

    engaged: int
    applicable: int
    share: float | None

    @classmethod
    def of(cls, engagement: Engagement) -> EngagementRow:
        """The row for a team's engagement with one strategy."""
        engaged, applicable = engagement
        return cls(engaged, applicable, ratio(engaged / applicable) if applicable else None)

    def as_record(self) -> Record:
        """The engagement as JSON shows it."""
        return {"engaged": self.engaged, "applicable": self.applicable, "share": self.share}


class TeamScoreRow(NamedTuple):
    """A team's score over its stayers, its engagement by strategy, and its level in the
    median split. (A named tuple: one a team.)"""

    id: int
    name: str
    cohort: str | None
    stayers: int
    stayer_ids: tuple[int, ...]
    score: float | None
    implementation: str | None  # high or low
    why_unscored: str | None
    strategies: dict[str, EngagementRow]
    comparable: bool  # finished the four stages by the date, every register recorded
    why_not_comparable: str | None
    compared: bool  # in the split: comparable, or scored when unfinished teams are included
    stage: str | None  # the stage reached by the date, "finished", or None (not started)
    at_median: bool

    def as_record(self) -> Record:
        """The team as JSON shows it."""
        return {
            "id": self.id,
            "name": self.name,
            "cohort": self.cohort,
            "stayers": self.stayers,
            "stayer_ids": list(self.stayer_ids),
            "score": self.score,
            "implementation": self.implementation,
            "why_unscored": self.why_unscored,
            "comparable": self.comparable,
            "why_not_comparable": self.why_not_comparable,
            "compared": self.compared,
            "stage": self.stage,
            "at_median": self.at_median,
            "strategies": {s: row.as_record() for s, row in self.strategies.items()},
        }


@dataclass(frozen=True, slots=True)
class SplitRow:
    """How the teams were compared: on what date (and where it came from), under which
    tie rule, how many fell each side, who scored the median, and what to beware of."""

    date: date
    date_from: str
    ties: str
    include_unfinished: bool
    strategies: tuple[str, ...]  # the strategies scored
    cohort: str | None
    compared: int
    high: int
    low: int
    at_median: tuple[str, ...]
    warnings: tuple[str, ...]

    def as_record(self) -> Record:
        """The split as JSON shows it."""
        return {
            "date": self.date.isoformat(),
            "date_from": self.date_from,
            "ties": self.ties,
            "include_unfinished": self.include_unfinished,
            "strategies": list(self.strategies),
            "supervision_reflection": self.supervision_reflection,
            "cohort": self.cohort,
            "compared": self.compared,
            "high": self.high,
            "low": self.low,
            "at_median": list(self.at_median),
            "warnings": list(self.warnings),
        }

    @property
    def supervision_reflection(self) -> bool:
        """Whether supervision reflection (a 1st-edition strategy) is scored."""
        return Strategy.SUPERVISION_REFLECTION in self.strategies


@dataclass(frozen=True)
class ParticipationView:
    """`refocus report participation`: people, team scores, the split and the method.
    `people`: each person's participation record; their rows as the report shows them
    (`staff`) are made when first asked for: the outcomes and a national table, which
    leave them out, never make 15,000 of them."""

    as_of: date
    median: float | None
    split: SplitRow
    people: tuple[Participation, ...]
    teams: tuple[TeamScoreRow, ...]
    method: Method

    @cached_property
    def staff(self) -> tuple[ParticipantRow, ...]:
        """Each person's row, in name order."""
        return participant_rows(self.people)

    @without_gc
    def as_record(self) -> Record:
        """The report as `--json` prints it."""
        return {
            "as_of": self.as_of.isoformat(),
            "median": self.median,
            "split": self.split.as_record(),
            "staff": [person.as_record() for person in self.staff],
            "teams": [team.as_record() for team in self.teams],
            "method": self.method.as_record(),
        }

    @property
    def attendance(self) -> float | None:
        """Of the places expected at held sessions, the share taken (people pooled)."""
        return pooled_attendance(self.people)

    @property
    def compared(self) -> tuple[TeamScoreRow, ...]:
        """The teams compared in the split."""
        return tuple(team for team in self.teams if team.compared)

    @property
    def not_compared(self) -> tuple[TeamScoreRow, ...]:
        """The teams left out of the split, each with why."""
        return tuple(team for team in self.teams if not team.compared)


def pooled_attendance(people: tuple[Participation, ...]) -> float | None:
    """Of the places these people were expected at, the share they took."""
    expected = sum(sum(person.expected) for person in people)
    attended = sum(sum(person.attended) for person in people)
    return attended / expected if expected else None


def participants(impl: Implementation, team_ids: set[int] | None) -> tuple[Participation, ...]:
    """Each person's participation, in name order: everyone, or the staff of the teams
    given."""
    if team_ids is None:
        return tuple(impl.participation)
    names = {impl.facts.teams[i].name for i in team_ids if i in impl.facts.teams}
    return tuple(row for row in impl.participation if row.team in names)


@without_gc
def participant_rows(people: tuple[Participation, ...]) -> tuple[ParticipantRow, ...]:
    """Each person's row as the report shows them."""
    rows = []
    for row in people:
        # Rounded from the whole numbers: the same float as from the exact share.
        score = ratio(row.count / row.applicable) if row.applicable else None
        person = row.staff
        rows.append(
            ParticipantRow(
                person.id,
                person.name,
                row.team,
                person.left_on,
                score,
                row.count,
                row.applicable,
                row.engaged,
                row.attended,
                row.expected,
            )  # fmt: skip
        )
    return tuple(rows)


@dataclass(frozen=True)
class SplitOptions:
    """How the teams are compared: on what date, under which tie rule, and whether
    teams that have not finished the four stages are compared too (an interim look)."""

    date: SplitDate | None = None  # None: the report date, as if given with --on
    ties: TieRule = DEFAULT_TIE_RULE
    include_unfinished: bool = False


def _split_row(
    impl: Implementation, comparison: Comparison, options: SplitOptions, cohort: str | None
) -> SplitRow:
    names = impl.facts.teams
    on = options.date or SplitDate(impl.facts.as_of, SplitDateSource.ON)
    split = comparison.split
    return SplitRow(
        date=on.day,
        date_from=on.described,
        ties=str(comparison.ties),
        include_unfinished=comparison.include_unfinished,
        strategies=impl.scale,
        cohort=cohort,
        compared=len(comparison.compared),
        high=len(split.high),
        low=len(split.low),
        at_median=tuple(sorted((names[i].name for i in split.at_median), key=str.lower)),
        warnings=comparison.warnings,
    )


@without_gc
def participation_view(
    impl: Implementation,
    team_ids: set[int] | None = None,
    options: SplitOptions | None = None,
    cohort: str | None = None,
) -> ParticipationView:
    """The participation report over every team, or the teams given (a cohort's, split
    among themselves)."""
    options = options or SplitOptions()
    comparison = impl.compare(team_ids, options.ties, options.include_unfinished)
    split = comparison.split
    in_split = set(comparison.compared)
    teams = tuple(
        TeamScoreRow(
            id=entry.team.id,
            name=entry.team.name,
            cohort=entry.team.cohort,
            stayers=len(entry.stayers),
            stayer_ids=tuple(entry.stayers),
            score=ratio(entry.score),
            implementation=split.level(entry.team.id),
            why_unscored=entry.why_unscored,
            strategies={s: EngagementRow.of(e) for s, e in entry.engagement.items()},
            comparable=entry.why_not_comparable is None,
            why_not_comparable=entry.why_not_comparable,
            compared=entry.team.id in in_split,
            stage=entry.stage,
            at_median=entry.team.id in split.at_median,
        )
        for entry in impl.team_scores
        if wanted(entry.team.id, team_ids)
    )
    return ParticipationView(
        impl.facts.as_of,
        ratio(split.median),
        _split_row(impl, comparison, options, cohort),
        participants(impl, team_ids),
        teams,
        Method(comparison.ties, Strategy.SUPERVISION_REFLECTION in impl.scale),
    )
