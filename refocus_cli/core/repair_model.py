"""What a plan repair works on and gives back: the sessions on record, the curriculum's
chains, what the repair must fit around, and the changes it makes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from refocus_cli.core.rollout import (
    Booking,
    Hours,
    PlannedSession,
    SessionKey,
    Step,
    TeamIn,
    TrainerIn,
    VenueIn,
)
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.core.workdays import WorkCalendar


@dataclass(frozen=True)
class OnRecord:
    """A session of the plan as stored: its id, its status and where and when it is."""

    id: int
    status: SessionStatus
    planned: PlannedSession

    def may_move(self, today: date, now: datetime | None = None) -> bool:
        """Only sessions not yet held nor begun are ever moved: from `today` on and, when the
        local time `now` is known, starting after it."""
        if self.status != SessionStatus.SCHEDULED or self.planned.day < today:
            return False
        return now is None or self.planned.start > now


@dataclass(frozen=True)
class Standing:
    """Which session fills each place of the plan, and which places were cancelled."""

    active: dict[SessionKey, OnRecord]
    cancelled: dict[SessionKey, OnRecord]

    def vacant(self) -> list[SessionKey]:
        """Places whose session was cancelled with nothing standing in its stead."""
        return [key for key in self.cancelled if key not in self.active]


@dataclass(frozen=True)
class Chains:
    """The curriculum as a plan's chains see it: steps, the stages in order, their gaps."""

    steps: tuple[Step, ...]
    stage_gaps: Mapping[str, int]
    stages: tuple[str, ...]

    @cached_property
    def by_key(self) -> dict[str, Step]:
        """Each step by its module key."""
        return {step.key: step for step in self.steps}

    @cached_property
    def stage_index(self) -> dict[str, int]:
        """Where each stage comes in the rollout."""
        return {stage: index for index, stage in enumerate(self.stages)}

    def depends(self, later: PlannedSession, earlier: PlannedSession) -> bool:
        """Whether `later` must come after `earlier`: a shared team, after it in the chain."""
        if not set(later.team_ids) & set(earlier.team_ids):
            return False
        later_stage, earlier_stage = self.stage_index[later.stage], self.stage_index[earlier.stage]
        if later_stage != earlier_stage:
            return later_stage > earlier_stage
        if later.module == earlier.module:
            return later.group == earlier.group and later.occurrence > earlier.occurrence
        return earlier.module in self.by_key[later.module].after

    def rule_gap(self, later: PlannedSession, earlier: PlannedSession) -> int:
        """Days `later` must leave after `earlier` (given that it depends on it) by the rules
        a move is checked by: a stage's gap before the next stage, else a day.

        A module's spacing is how a plan is first laid out, not a rule: a session put back
        a few days later keeps the next one where it is as long as the order holds."""
        if self.stage_index[later.stage] == self.stage_index[earlier.stage] + 1:
            return max(self.stage_gaps.get(earlier.stage, 0), 1)
        return 1


@dataclass(frozen=True)
class RepairSetting:
    """Everything a repair must fit around, besides the plan itself."""

    chains: Chains
    hours: Hours
    teams: Mapping[int, TeamIn]  # at least every team the plan names, with when it ends
    trainers: tuple[TrainerIn, ...]
    venues: tuple[VenueIn, ...]
    calendar: WorkCalendar
    bookings: tuple[Booking, ...]  # the rest of the diary: other cohorts, catch-ups
    today: date
    first: date  # the first day a session may be placed on
    newcomers: tuple[TeamIn, ...] = ()  # teams of the cohort with nothing planned yet
    now: datetime | None = None  # local wall-clock time: a session begun by then stays put


@dataclass(frozen=True)
class Moved:
    """A session that keeps its id and gets a new day, time, trainers or venue."""

    id: int
    before: PlannedSession
    after: PlannedSession


@dataclass(frozen=True)
class Dropped:
    """A session to come that the repair cancels: its teams end before any day is free."""

    id: int
    planned: PlannedSession
    why: str


@dataclass(frozen=True)
class Repair:
    """The changes that make a plan hold together again, and why each place changed."""

    moved: tuple[Moved, ...]
    added: tuple[PlannedSession, ...]  # in place of cancelled sessions, or for new teams
    reasons: Mapping[SessionKey, str]
    replaces: Mapping[SessionKey, int] = field(default_factory=dict)  # cancelled session ids
    dropped: tuple[Dropped, ...] = ()

    def why(self, planned: PlannedSession) -> str:
        """Why the place `planned` fills had to change."""
        return self.reasons.get(SessionKey.of(planned), "")


def first_repair_day(today: date, programme_start: date | None) -> date:
    """Never into today (people need notice) nor before the programme starts."""
    return max(today + timedelta(days=1), programme_start or today)


def too_soon(
    kept: Sequence[PlannedSession], placed: Sequence[PlannedSession], chains: Chains
) -> dict[SessionKey, str]:
    """Kept sessions that, by the rules, now come too soon after a session placed before
    them in the chain."""
    late: dict[SessionKey, str] = {}
    for session in kept:
        for cause in placed:
            if not chains.depends(session, cause):
                continue
            if session.day < cause.day + timedelta(days=chains.rule_gap(session, cause)):
                late[SessionKey.of(session)] = (
                    f"follows {cause.module} (session {cause.occurrence}), which moved"
                )
                break
    return late
