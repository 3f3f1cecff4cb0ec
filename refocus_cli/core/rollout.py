"""The shapes a rollout plan is made of: steps, people, rooms, sessions, groups.

Pure data and the grouping rule, shared by the scheduler and everything that reads
or repairs a plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import NamedTuple

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.groups import near_equal_sizes
from refocus_cli.core.vocabulary import Audience

AM, PM = "am", "pm"

# How urgent a session is: the (negated) rollout still ahead of it, then the cohort
# order of its first team, the step, the group and the occurrence, to break ties.
Priority = tuple[float, int, int, int, int]


@dataclass(frozen=True)
class Step:
    """One module as the scheduler sees it."""

    key: str
    stage: str
    strategy: str
    minutes: int
    sessions: int
    spacing_days: int
    audience: str  # whole-team, clinical, managers or mixed-teams
    max_group: int
    co_delivered: bool
    after: tuple[str, ...] = ()  # modules of the same stage that must be finished first
    needs_trainer: bool = True  # False: run by the team's own people (e.g. supervisors)
    needs_venue: bool = True  # False: held at the team's base, not a booked room
    start: time | None = None  # the usual start; None: when the working day starts


@dataclass(frozen=True)
class Hours:
    """The working day: mornings from `day_start`, afternoons from `afternoon` to `day_end`."""

    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    afternoon: time = time(13, 30)

    def placement(self, step: Step, slot: str) -> tuple[tuple[str, ...], time] | None:
        """The half-days a session of `step` takes and its start, if it can run in `slot`."""
        start = step.start or self.day_start
        if minutes_between(start, self.afternoon) >= step.minutes and start < self.afternoon:
            if slot == AM:
                return (AM,), start
            if minutes_between(self.afternoon, self.day_end) >= step.minutes:
                return (PM,), self.afternoon
            return None
        if start >= self.afternoon:
            return ((PM,), start) if slot == PM else None
        return ((AM, PM), start) if slot == AM else None

    def slots_taken(self, start: datetime, end: datetime) -> tuple[str, ...]:
        """The half-days a session from `start` to `end` takes up (none if it is too short)."""
        return tuple(
            slot
            for slot, taken in (
                (AM, start.time() < self.afternoon),
                (PM, end.time() > self.afternoon),
            )
            if taken
        )


@dataclass(frozen=True)
class TeamIn:
    """A team as planning sees it: where it is based, its head counts, the day it ends."""

    id: int
    name: str
    site: str
    staff: int
    managers: int
    ends: date | None = None  # the day it is merged or disbanded: nothing is planned from then

    def active_on(self, day: date) -> bool:
        """Whether the team still exists on `day`."""
        return self.ends is None or day < self.ends


@dataclass(frozen=True)
class TrainerIn:
    id: int
    name: str
    stages: frozenset[str]
    lived_experience: bool
    away: frozenset[date] = frozenset()


@dataclass(frozen=True)
class VenueIn:
    id: int
    name: str
    site: str
    capacity: int


@dataclass(frozen=True)
class Booking:
    """A commitment the plan must work around: a session already in the diary."""

    day: date
    slots: tuple[str, ...]
    trainer_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    venue_id: int | None = None


@dataclass(frozen=True)
class PlannedSession:
    module: str
    stage: str
    strategy: str
    occurrence: int  # 1 .. the module's number of sessions
    group: int  # 1 .. the number of groups the module's audience was split into
    team_ids: tuple[int, ...]
    expected: int
    start: datetime  # naive, in the programme's time zone
    end: datetime
    trainer_ids: tuple[int, ...]  # the lead first, then the lived-experience co-trainer
    venue_id: int | None

    @property
    def day(self) -> date:
        return self.start.date()


class SessionKey(NamedTuple):
    """A place in a plan's chains: a module's group, and which of its sessions."""

    module: str
    group: int
    occurrence: int

    @classmethod
    def of(cls, planned: PlannedSession) -> SessionKey:
        """The place `planned` fills."""
        return cls(planned.module, planned.group, planned.occurrence)


@dataclass
class Plan:
    sessions: list[PlannedSession]
    start: date
    notes: list[str] = field(default_factory=list)

    def finish(self) -> date | None:
        """The day of the plan's last session."""
        return max((s.day for s in self.sessions), default=None)


def minutes_between(first: time, second: time) -> int:
    """Minutes from one time of day to a later one."""
    return (second.hour * 60 + second.minute) - (first.hour * 60 + first.minute)


@dataclass
class Unit:
    """A group that goes through one module together: one or more teams' people."""

    step: Step
    group: int
    team_ids: tuple[int, ...]
    expected: int


@dataclass
class Job:
    unit: Unit
    occurrence: int
    priority: Priority
    placed: PlannedSession | None = None


def group_units(step: Step, teams: list[TeamIn]) -> list[Unit]:
    """Split a module's audience into groups no bigger than its maximum.

    Whole-team and clinical modules keep teams apart (a big team is split); managers
    and mixed-team modules pool neighbouring teams in cohort order.
    """
    units: list[Unit] = []
    if step.audience in (Audience.MANAGERS, Audience.MIXED_TEAMS):
        pool: list[int] = []
        pooled = 0
        for team in teams:
            # A team with nobody on its roster yet is still planned for; one without a
            # manager has no one to send to a managers-only session.
            size = team.managers if step.audience == Audience.MANAGERS else max(team.staff, 1)
            if size == 0:
                continue
            if size > step.max_group:
                for part in _split(size, step.max_group):
                    units.append(Unit(step, len(units) + 1, (team.id,), part))
                continue
            if pooled + size > step.max_group:
                units.append(Unit(step, len(units) + 1, tuple(pool), pooled))
                pool, pooled = [], 0
            pool.append(team.id)
            pooled += size
        if pool:
            units.append(Unit(step, len(units) + 1, tuple(pool), pooled))
        return units
    for team in teams:
        for part in _split(max(team.staff, 1), step.max_group):
            units.append(Unit(step, len(units) + 1, (team.id,), part))
    return units


def _split(size: int, largest: int) -> list[int]:
    """The sizes of the fewest groups of at most `largest`, shared as registers share them."""
    return near_equal_sizes(size, math.ceil(size / largest))


def steps_from(curriculum: Curriculum) -> tuple[list[Step], dict[str, int], Hours]:
    """The curriculum as the scheduler sees it: steps, stage gaps and working hours."""
    steps = [
        Step(
            key=module.key,
            stage=module.stage,
            strategy=module.strategy,
            minutes=module.duration_minutes,
            sessions=module.sessions,
            spacing_days=module.spacing_days,
            audience=module.audience,
            max_group=module.max_group,
            co_delivered=module.co_delivered,
            after=curriculum.prerequisites(module.key),
            needs_trainer=module.facilitator == "trainer",
            needs_venue=module.venue == "booked",
            start=module.start_time,
        )
        for module in curriculum.modules
    ]
    gaps = {stage.key: stage.gap_after_days for stage in curriculum.stages}
    hours = Hours(curriculum.working_hours.day_start, curriculum.working_hours.day_end)
    return steps, gaps, hours


def rollout_tail(steps: list[Step], stage_gaps: dict[str, int]) -> dict[str, int]:
    """Calendar days from the start of each step to the end of a team's rollout, at the least."""
    stages = list(dict.fromkeys(step.stage for step in steps))
    tail: dict[str, int] = {}
    for index in range(len(steps) - 1, -1, -1):
        step = steps[index]
        own = (step.sessions - 1) * max(step.spacing_days, 1) + 1
        later = [
            tail[s.key] + max(step.spacing_days, 1)
            for s in steps[index + 1 :]
            if s.stage == step.stage and step.key in s.after
        ]
        if not later:
            following = stages[stages.index(step.stage) + 1 :]
            later = [
                tail[s.key] + max(stage_gaps.get(step.stage, 0), 1)
                for s in steps
                if following and s.stage == following[0] and not s.after
            ]
        tail[step.key] = own + max(later, default=0) - (1 if later else 0)
    return tail
