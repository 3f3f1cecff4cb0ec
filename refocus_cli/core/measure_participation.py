"""`refocus report participation` as a view model: each person's share of the
strategies that apply to them, each team's score over its stayers and its engagement
strategy by strategy, the median split and the method. Stable JSON keys (`as_record`);
ratios rounded once, here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measure_facts import Engagement
from refocus_cli.core.measure_values import Record, iso, ratio, wanted
from refocus_cli.core.measures import METHOD, Implementation
from refocus_cli.core.programme import STRATEGIES


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    """One person's participation: for each strategy 1 (engaged), 0 (did not) or None
    (does not apply to them); their score (the share engaged) with the counts."""

    id: int
    name: str
    team: str | None
    left_on: date | None
    score: float | None
    engaged: int
    applicable: int
    strategies: dict[str, int | None]
    attended: dict[str, int]
    expected: dict[str, int]

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
            "strategies": self.strategies,
            "attended": self.attended,
            "expected": self.expected,
        }

    def table_row(self) -> Record:
        """The person as a table or CSV row (see PARTICIPANT_COLUMNS)."""
        return {
            "id": self.id,
            "name": self.name,
            "team": self.team,
            "left_on": iso(self.left_on),
            **self.strategies,
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


@dataclass(frozen=True, slots=True)
class EngagementRow:
    """Of a team's stayers a strategy applies to, how many engaged with it."""

    engaged: int
    applicable: int
    share: float | None

    @classmethod
    def of(cls, engagement: Engagement) -> EngagementRow:
        """The row for a team's engagement with one strategy."""
        return cls(engagement.engaged, engagement.applicable, ratio(engagement.share))

    def as_record(self) -> Record:
        """The engagement as JSON shows it."""
        return {"engaged": self.engaged, "applicable": self.applicable, "share": self.share}


@dataclass(frozen=True, slots=True)
class TeamScoreRow:
    """A team's score over its stayers, its engagement by strategy, and its level in the
    median split."""

    id: int
    name: str
    cohort: str | None
    stayers: int
    stayer_ids: tuple[int, ...]
    score: float | None
    implementation: str | None  # high or low
    why_unscored: str | None
    strategies: dict[str, EngagementRow]

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
            "strategies": {s: row.as_record() for s, row in self.strategies.items()},
        }


@dataclass(frozen=True)
class ParticipationView:
    """`refocus report participation`: people, team scores, the median and the method."""

    as_of: date
    median: float | None
    staff: tuple[ParticipantRow, ...]
    teams: tuple[TeamScoreRow, ...]
    method: str = METHOD

    @without_gc
    def as_record(self) -> Record:
        """The report as `--json` prints it."""
        return {
            "as_of": self.as_of.isoformat(),
            "median": self.median,
            "staff": [person.as_record() for person in self.staff],
            "teams": [team.as_record() for team in self.teams],
            "method": self.method,
        }


def _participants(impl: Implementation, team_ids: set[int] | None) -> tuple[ParticipantRow, ...]:
    names = None
    if team_ids is not None:
        names = {impl.facts.teams[i].name for i in team_ids if i in impl.facts.teams}
    return tuple(
        ParticipantRow(
            id=row.staff.id,
            name=row.staff.name,
            team=row.team,
            left_on=row.staff.left_on,
            score=ratio(row.share),
            engaged=row.count,
            applicable=row.applicable,
            strategies={s: None if e is None else int(e) for s, e in row.engaged.items()},
            attended=row.attended,
            expected=row.expected,
        )
        for row in impl.participation
        if names is None or row.team in names
    )


@without_gc
def participation_view(impl: Implementation, team_ids: set[int] | None = None) -> ParticipationView:
    """The participation report; for a cohort, its teams split at their own median."""
    median = impl.median if team_ids is None else impl.split_within(team_ids)
    # After split_within: a cohort's levels are the ones set against its own median.
    teams = tuple(
        TeamScoreRow(
            id=entry.team.id,
            name=entry.team.name,
            cohort=entry.team.cohort,
            stayers=len(entry.stayers),
            stayer_ids=tuple(entry.stayers),
            score=ratio(entry.score),
            implementation=entry.level,
            why_unscored=entry.why_unscored,
            strategies={s: EngagementRow.of(e) for s, e in entry.engagement.items()},
        )
        for entry in impl.team_scores
        if wanted(entry.team.id, team_ids)
    )
    return ParticipationView(impl.facts.as_of, ratio(median), _participants(impl, team_ids), teams)
