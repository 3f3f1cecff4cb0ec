"""Repairing a stored plan: what broke, what depends on it, and the fewest changes.

Pure: the sessions on record in, the changes out. A place in a team's chain (a
module's group and occurrence) is broken when its session was cancelled and nothing
stands in its place, or when its session is still to come and its day is no longer a
working day, or a trainer of it no longer delivers its stage or is away that day.
Broken places are filled again by the scheduler around everything kept; a kept
session that then comes too soon after one placed before it in its team's chain is
placed again too, until the plan holds together. Held and past sessions never move.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
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
from refocus_cli.core.scheduler import replan_rollout
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.core.workdays import WorkCalendar


@dataclass(frozen=True)
class OnRecord:
    """A session of the plan as stored: its id, its status and where and when it is."""

    id: int
    status: SessionStatus
    planned: PlannedSession

    def may_move(self, today: date) -> bool:
        """Only sessions still to come (today included) and not yet held are ever moved."""
        return self.status == SessionStatus.SCHEDULED and self.planned.day >= today


@dataclass(frozen=True)
class Standing:
    """Which session fills each place of the plan, and which places were cancelled."""

    active: dict[SessionKey, OnRecord]
    cancelled: dict[SessionKey, PlannedSession]

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
        """Whether `later` must move when `earlier` does: a shared team, after it in the chain."""
        if not set(later.team_ids) & set(earlier.team_ids):
            return False
        later_stage, earlier_stage = self.stage_index[later.stage], self.stage_index[earlier.stage]
        if later_stage != earlier_stage:
            return later_stage > earlier_stage
        if later.module == earlier.module:
            return later.group == earlier.group and later.occurrence > earlier.occurrence
        return earlier.module in self.by_key[later.module].after

    def gap_after(self, later: PlannedSession, earlier: PlannedSession) -> int:
        """Days `later` must leave after `earlier`, given that it depends on it."""
        if later.stage == earlier.stage:
            gap = self.by_key[earlier.module].spacing_days
        elif self.stage_index[later.stage] == self.stage_index[earlier.stage] + 1:
            gap = self.stage_gaps.get(earlier.stage, 0)
        else:
            gap = 1
        return max(gap, 1)


@dataclass(frozen=True)
class RepairSetting:
    """Everything a repair must fit around, besides the plan itself."""

    chains: Chains
    hours: Hours
    teams: Mapping[int, TeamIn]  # at least every team the plan names
    trainers: tuple[TrainerIn, ...]
    venues: tuple[VenueIn, ...]
    calendar: WorkCalendar
    bookings: tuple[Booking, ...]  # the rest of the diary: other cohorts, catch-ups
    today: date
    first: date  # the first day a session may be placed on


@dataclass(frozen=True)
class Moved:
    """A session that keeps its id and gets a new day, time, trainers or venue."""

    id: int
    before: PlannedSession
    after: PlannedSession


@dataclass(frozen=True)
class Repair:
    """The changes that make a plan hold together again, and why each place changed."""

    moved: tuple[Moved, ...]
    added: tuple[PlannedSession, ...]  # in place of cancelled sessions
    reasons: Mapping[SessionKey, str]

    def why(self, planned: PlannedSession) -> str:
        """Why the place `planned` fills had to change."""
        return self.reasons.get(SessionKey.of(planned), "")


def first_repair_day(today: date, programme_start: date | None) -> date:
    """Never into today (people need notice) nor before the programme starts."""
    return max(today + timedelta(days=1), programme_start or today)


def classify(records: Iterable[OnRecord], modules: Container[str]) -> Standing:
    """Each place's standing session (a held one wins; else the first in time) and cancellations.

    `records` come in time order. A module since removed from the manual is left as it is.
    """
    active: dict[SessionKey, OnRecord] = {}
    cancelled: dict[SessionKey, PlannedSession] = {}
    for record in records:
        key = SessionKey.of(record.planned)
        if record.planned.module not in modules:
            continue
        if record.status == SessionStatus.CANCELLED:
            cancelled[key] = record.planned
        elif key not in active or record.status == SessionStatus.HELD:
            active[key] = record
    return Standing(active, cancelled)


def why_broken(
    planned: PlannedSession, step: Step, calendar: WorkCalendar, trainers: Mapping[int, TrainerIn]
) -> str | None:
    """Why a session to come no longer fits where it is, or None when it still does."""
    day = planned.day
    if not calendar.is_working(day):
        return f"{day} is no longer a working day"
    for trainer_id in planned.trainer_ids:
        trainer = trainers.get(trainer_id)
        if trainer is None or step.stage not in trainer.stages:
            return "a trainer no longer delivers this stage"
        if day in trainer.away:
            return f"trainer {trainer.name} is unavailable on {day}"
    return None


def not_before(standing: Standing) -> dict[SessionKey, date]:
    """A cancelled session is not put back on the day it was called off."""
    return {key: standing.cancelled[key].day + timedelta(days=1) for key in standing.vacant()}


def still_wanted(planned: PlannedSession, earliest: date, teams: Mapping[int, TeamIn]) -> bool:
    """Whether any team of a cancelled session still exists on the first day it could be
    put back: nothing is planned for a team from the day it is merged or disbanded."""
    return any(teams[team_id].active_on(earliest) for team_id in planned.team_ids)


def broken(standing: Standing, setting: RepairSetting) -> dict[SessionKey, str]:
    """Every place that must be filled again, with why: cancellations first, then the rest.

    A cancellation whose teams have all ended (an ending cancels its teams' sessions) is
    no longer a place to fill."""
    earliest = not_before(standing)
    reasons = {
        key: "cancelled"
        for key in standing.vacant()
        if still_wanted(standing.cancelled[key], max(earliest[key], setting.first), setting.teams)
    }
    trainers = {trainer.id: trainer for trainer in setting.trainers}
    for key, record in standing.active.items():
        if record.may_move(setting.today):
            step = setting.chains.by_key[record.planned.module]
            why = why_broken(record.planned, step, setting.calendar, trainers)
            if why:
                reasons[key] = why
    return reasons


def too_soon(
    kept: Sequence[PlannedSession], placed: Sequence[PlannedSession], chains: Chains
) -> dict[SessionKey, str]:
    """Kept sessions that now start too soon after a session placed before them in the chain."""
    late: dict[SessionKey, str] = {}
    for session in kept:
        for cause in placed:
            if not chains.depends(session, cause):
                continue
            if session.day < cause.day + timedelta(days=chains.gap_after(session, cause)):
                late[SessionKey.of(session)] = (
                    f"follows {cause.module} (session {cause.occurrence}), which moved"
                )
                break
    return late


def changes(
    standing: Standing, placed: Iterable[PlannedSession]
) -> tuple[tuple[Moved, ...], tuple[PlannedSession, ...]]:
    """What the newly placed sessions change: moves of standing sessions, and additions.

    A session placed again exactly where it was is no change: nothing to tell anyone.
    """
    moved: list[Moved] = []
    added: list[PlannedSession] = []
    for after in placed:
        record = standing.active.get(SessionKey.of(after))
        if record is None:
            added.append(after)
            continue
        before = record.planned
        if (before.start, before.trainer_ids, before.venue_id) != (
            after.start,
            after.trainer_ids,
            after.venue_id,
        ):
            moved.append(Moved(record.id, before, after))
    return tuple(moved), tuple(added)


def repair_plan(records: Sequence[OnRecord], setting: RepairSetting) -> Repair:
    """The fewest changes that make a cohort's plan hold together; held sessions stay.

    `records` are the plan's sessions in time order, cancelled ones included. Raises
    `Conflict` (from the scheduler) when the broken places cannot all be filled.
    """
    chains = setting.chains
    standing = classify(records, chains.by_key)
    reasons = broken(standing, setting)
    if not reasons:
        return Repair((), (), {})
    teams = [setting.teams[i] for i in sorted({i for r in records for i in r.planned.team_ids})]
    start = setting.calendar.on_or_after(setting.first)
    while True:
        missing = [
            standing.active[key].planned if key in standing.active else standing.cancelled[key]
            for key in reasons
        ]
        kept = [record.planned for key, record in standing.active.items() if key not in reasons]
        plan = replan_rollout(
            list(chains.steps),
            dict(chains.stage_gaps),
            teams,
            list(setting.trainers),
            list(setting.venues),
            setting.calendar,
            start,
            kept,
            missing,
            setting.hours,
            setting.bookings,
            not_before=not_before(standing),
        )
        # Re-placing a session can leave a kept one after it too close: it joins the
        # repair, until nothing kept comes too soon (each round adds at least one place).
        late = {
            key: why
            for key, why in too_soon(kept, plan.sessions, chains).items()
            if standing.active[key].may_move(setting.today)
        }
        if not late:
            break
        reasons.update(late)
    moved, added = changes(standing, plan.sessions)
    return Repair(moved, added, reasons)
