"""The implementation measures as report view models: typed, frozen rows with stable
JSON keys (`as_record`). The same views feed JSON, CSV, terminal tables and the HTML
report; ratios are rounded here, once, so every output shows the same figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measures import METHOD, Implementation
from refocus_cli.core.programme import STRATEGIES

Record = dict[str, Any]


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _wanted(team_id: int, team_ids: set[int] | None) -> bool:
    return team_ids is None or team_id in team_ids


# -- progress --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageRow:
    """One team's figures for one stage."""

    stage: str
    planned: int
    held: int
    cancelled: int
    awaiting_register: int
    attendance: float | None
    reach: float | None
    completed: int
    staff: int
    first: date | None
    last: date | None

    def as_record(self) -> Record:
        """The stage as JSON and CSV show it."""
        return {
            "stage": self.stage,
            "planned": self.planned,
            "held": self.held,
            "cancelled": self.cancelled,
            "awaiting_register": self.awaiting_register,
            "attendance": self.attendance,
            "reach": self.reach,
            "completed": self.completed,
            "staff": self.staff,
            "first": _iso(self.first),
            "last": _iso(self.last),
        }


@dataclass(frozen=True, slots=True)
class TeamProgressRow:
    """Where one team stands: its stages and its warning flags."""

    id: int
    name: str
    cohort: str | None
    status: str
    ended_on: date | None
    stages: tuple[StageRow, ...]
    flags: tuple[str, ...]

    def as_record(self) -> Record:
        """The team as JSON shows it."""
        return {
            "id": self.id,
            "name": self.name,
            "cohort": self.cohort,
            "status": self.status,
            "ended_on": _iso(self.ended_on),
            "stages": [stage.as_record() for stage in self.stages],
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class ProgressView:
    """`refocus progress`: every team, stage by stage, as of a date."""

    as_of: date
    teams: tuple[TeamProgressRow, ...]
    cohort: str | None = None

    @without_gc
    def as_record(self) -> Record:
        """The report as `--json` prints it (the cohort only when one was asked for)."""
        record: Record = {
            "as_of": self.as_of.isoformat(),
            "teams": [team.as_record() for team in self.teams],
        }
        if self.cohort is not None:
            record["cohort"] = self.cohort
        return record

    @without_gc
    def flat(self) -> list[Record]:
        """One row per team and stage, for CSV."""
        return [
            {"team": team.name, "cohort": team.cohort, **stage.as_record()}
            for team in self.teams
            for stage in team.stages
        ]


@without_gc
def progress_view(
    impl: Implementation, team_ids: set[int] | None = None, cohort: str | None = None
) -> ProgressView:
    """The progress report over every team, or the teams given (a cohort's)."""
    teams = tuple(
        TeamProgressRow(
            id=entry.team.id,
            name=entry.team.name,
            cohort=entry.team.cohort,
            status=entry.team.status,
            ended_on=entry.team.ended_on,
            stages=tuple(
                StageRow(
                    stage=st.stage,
                    planned=st.planned,
                    held=st.held,
                    cancelled=st.cancelled,
                    awaiting_register=st.awaiting_register,
                    attendance=_ratio(st.attendance),
                    reach=_ratio(st.reach),
                    completed=st.completed,
                    staff=st.staff,
                    first=st.first,
                    last=st.last,
                )
                for st in entry.stages
            ),
            flags=tuple(entry.flags),
        )
        for entry in impl.progress
        if _wanted(entry.team.id, team_ids)
    )
    return ProgressView(impl.facts.as_of, teams, cohort)


# -- participation ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    """One person's participation: 1 for each strategy engaged with, and the counts."""

    id: int
    name: str
    team: str | None
    left_on: date | None
    score: int
    strategies: dict[str, int]
    attended: dict[str, int]
    expected: dict[str, int]

    def as_record(self) -> Record:
        """The person as JSON shows them."""
        return {
            "id": self.id,
            "name": self.name,
            "team": self.team,
            "left_on": _iso(self.left_on),
            "score": self.score,
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
            "left_on": _iso(self.left_on),
            **self.strategies,
            "score": self.score,
        }


PARTICIPANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "id"),
    ("name", "name"),
    ("team", "team"),
    ("left_on", "left"),
    *((s, s) for s in STRATEGIES),
    ("score", "score"),
)


@dataclass(frozen=True, slots=True)
class TeamScoreRow:
    """A team's score over its stayers and its level in the median split."""

    id: int
    name: str
    cohort: str | None
    stayers: int
    stayer_ids: tuple[int, ...]
    score: float | None
    implementation: str | None  # high or low
    why_unscored: str | None

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
            score=row.score,
            strategies={s: int(row.engaged[s]) for s in STRATEGIES},
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
            score=None if entry.score is None else round(entry.score, 4),
            implementation=entry.level,
            why_unscored=entry.why_unscored,
        )
        for entry in impl.team_scores
        if _wanted(entry.team.id, team_ids)
    )
    return ParticipationView(impl.facts.as_of, median, _participants(impl, team_ids), teams)


# -- milestones ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    """One team's stage: when it began and completed, and the share delivered."""

    team_id: int
    team: str
    stage: str
    began: date | None
    completed: date | None
    days: int | None
    planned: int
    delivered: int
    proportion: float | None

    def as_record(self) -> Record:
        """The milestone as JSON and CSV show it."""
        return {
            "team_id": self.team_id,
            "team": self.team,
            "stage": self.stage,
            "began": _iso(self.began),
            "completed": _iso(self.completed),
            "days": self.days,
            "planned": self.planned,
            "delivered": self.delivered,
            "proportion": self.proportion,
        }


@dataclass(frozen=True)
class MilestonesView:
    """`refocus report milestones`: each team's stages as of a date."""

    as_of: date
    milestones: tuple[MilestoneRow, ...]

    @without_gc
    def as_record(self) -> Record:
        """The report as `--json` prints it."""
        return {
            "as_of": self.as_of.isoformat(),
            "milestones": [m.as_record() for m in self.milestones],
        }


@without_gc
def milestones_view(impl: Implementation, team_ids: set[int] | None = None) -> MilestonesView:
    """The milestones report over every team, or the teams given."""
    rows = tuple(
        MilestoneRow(
            team_id=m.team.id,
            team=m.team.name,
            stage=m.stage,
            began=m.began,
            completed=m.completed,
            days=m.days,
            planned=m.planned,
            delivered=m.delivered,
            proportion=_ratio(m.proportion),
        )
        for m in impl.milestones
        if _wanted(m.team.id, team_ids)
    )
    return MilestonesView(impl.facts.as_of, rows)


# -- the steering-group report ---------------------------------------------------------


@dataclass(frozen=True)
class SteeringReport:
    """Everything the steering-group page shows, measured once."""

    programme: str
    cohort: str | None
    progress: ProgressView
    participation: ParticipationView
    milestones: MilestonesView
