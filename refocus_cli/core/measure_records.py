"""The implementation measures as report view models: typed, frozen rows with stable
JSON keys (`as_record`). The same views feed JSON, CSV, terminal tables and the HTML
report; ratios are rounded here, once, so every output shows the same figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measure_facts import TeamProgress
from refocus_cli.core.measure_participation import ParticipationView
from refocus_cli.core.measure_values import Record, iso, ratio, wanted
from refocus_cli.core.measures import Implementation
from refocus_cli.core.vocabulary import TeamStatus

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
            "first": iso(self.first),
            "last": iso(self.last),
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
    scheduled: str | None = None  # a merge or disband dated after the report's date

    def as_record(self) -> Record:
        """The team as JSON shows it."""
        return {
            "id": self.id,
            "name": self.name,
            "cohort": self.cohort,
            "status": self.status,
            "ended_on": iso(self.ended_on),
            "stages": [stage.as_record() for stage in self.stages],
            "flags": list(self.flags),
            "scheduled": self.scheduled,
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
def _team_row(entry: TeamProgress, as_of: date) -> TeamProgressRow:
    """One team's progress row; a merge or disband dated after `as_of` has not happened
    yet, so the team shows as active with the change scheduled."""
    team = entry.team
    status, ended_on, scheduled = team.status, team.ended_on, None
    if status != TeamStatus.ACTIVE and ended_on is not None and ended_on > as_of:
        change = "merges" if status == TeamStatus.MERGED else "disbands"
        status, ended_on, scheduled = TeamStatus.ACTIVE, None, f"{change} on {ended_on}"
    return TeamProgressRow(
        id=team.id,
        name=team.name,
        cohort=team.cohort,
        status=status,
        ended_on=ended_on,
        scheduled=scheduled,
        stages=tuple(
            StageRow(
                stage=st.stage,
                planned=st.planned,
                held=st.held,
                cancelled=st.cancelled,
                awaiting_register=st.awaiting_register,
                attendance=ratio(st.attendance),
                reach=ratio(st.reach),
                completed=st.completed,
                staff=st.staff,
                first=st.first,
                last=st.last,
            )
            for st in entry.stages
        ),
        flags=tuple(entry.flags),
    )


def progress_view(
    impl: Implementation, team_ids: set[int] | None = None, cohort: str | None = None
) -> ProgressView:
    """The progress report over every team, or the teams given (a cohort's)."""
    as_of = impl.facts.as_of
    teams = tuple(
        _team_row(entry, as_of) for entry in impl.progress if wanted(entry.team.id, team_ids)
    )
    return ProgressView(as_of, teams, cohort)


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
            "began": iso(self.began),
            "completed": iso(self.completed),
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
            proportion=ratio(m.proportion),
        )
        for m in impl.milestones
        if wanted(m.team.id, team_ids)
    )
    return MilestonesView(impl.facts.as_of, rows)


# -- the steering-group report ---------------------------------------------------------


@dataclass(frozen=True)
class SteeringReport:
    """Everything the steering-group page shows, measured once: progress, milestones and
    overall attendance as of the report date; participation as of the day teams are
    compared on (the follow-up date once it has come)."""

    programme: str
    cohort: str | None
    progress: ProgressView
    participation: ParticipationView
    milestones: MilestonesView
    attendance: float | None  # of the places expected at held sessions, the share taken
