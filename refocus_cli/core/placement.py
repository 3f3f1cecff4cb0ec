"""One planning run of the scheduler: day by day, half-day by half-day.

Each team's rollout is a chain of jobs (stages in order with their gaps, modules in
order, sessions of a module spaced apart). A job is released once its predecessors
are placed; every working day, the released jobs are placed most urgent first, each
with the free trainers, team and venue it needs, every hard constraint checked at
the moment of placing.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from refocus_cli.core.day_diary import DayDiary
from refocus_cli.core.errors import Conflict
from refocus_cli.core.rollout import (
    AM,
    PM,
    Booking,
    Hours,
    Job,
    PlannedSession,
    Priority,
    Step,
    TeamIn,
    TrainerIn,
    Unit,
    VenueIn,
    group_units,
    rollout_tail,
)
from refocus_cli.core.workdays import WorkCalendar

HEAD_START_SHARE = 0.2  # of the longest rollout; measured best at national scale (benchmarks/)

# Jobs waiting for their day: (release day, priority, index into the pending list).
Waiting = tuple[date, Priority, int]
# Jobs whose day has come: (priority, index into the pending list).
Ready = tuple[Priority, int]


class PlanningRun:
    """The state of one planning run."""

    def __init__(
        self,
        steps: Sequence[Step],
        stage_gaps: dict[str, int],
        teams: Sequence[TeamIn],
        trainers: Sequence[TrainerIn],
        venues: Sequence[VenueIn],
        hours: Hours,
        bookings: Iterable[Booking],
        start: date,
        units: dict[str, list[Unit]] | None = None,
    ) -> None:
        self.steps = list(steps)
        self.stage_gaps = stage_gaps
        self.stages = list(dict.fromkeys(step.stage for step in steps))
        self.hours = hours
        self.start = start
        self.units = units or {step.key: group_units(step, list(teams)) for step in steps}
        self.site_of = {team.id: team.site for team in teams}
        self.trainers = {t.id: t for t in trainers}
        self.by_stage = {
            stage: {t.id for t in trainers if stage in t.stages} for stage in self.stages
        }
        self.venues = {v.id: v for v in venues}
        self.bookings: dict[date, list[Booking]] = defaultdict(list)
        for booking in bookings:
            self.bookings[booking.day].append(booking)
        self.load: dict[int, int] = defaultdict(int)
        self.continuity: dict[tuple[int, str], int] = {}
        self.chains: dict[tuple[str, int], list[Job]] = {}
        self.firsts_of_team: dict[int, list[Job]] = defaultdict(list)
        self.remaining: dict[tuple[int, str], int] = defaultdict(int)
        self.involved: set[tuple[int, str]] = set()
        self._make_chains(teams)
        self.done: dict[tuple[int, str], date] = {}
        self.last: dict[tuple[int, str], date] = {}
        self.waiting: list[Waiting] = []
        self.pending: list[Job] = []
        self.pushed: set[int] = set()

    def _make_chains(self, teams: Sequence[TeamIn]) -> None:
        """One chain of jobs per module group, each job with its priority."""
        tail = rollout_tail(self.steps, self.stage_gaps)
        # Teams earlier in the cohort get a modest head start, so their practice change
        # overlaps later teams' training instead of every team reaching it at once.
        head_start = HEAD_START_SHARE * max(tail.values(), default=0)
        order = {team.id: index for index, team in enumerate(teams)}
        for position, step in enumerate(self.steps):
            for unit in self.units[step.key]:
                first_team = min(order[t] for t in unit.team_ids)
                lead = head_start * (1 - first_team / len(order))
                chain = [
                    Job(
                        unit,
                        n,
                        (
                            -(tail[step.key] - (n - 1) * max(step.spacing_days, 1) + lead),
                            first_team,
                            position,
                            unit.group,
                            n,
                        ),
                    )
                    for n in range(1, step.sessions + 1)
                ]
                self.chains[(step.key, unit.group)] = chain
                for team_id in unit.team_ids:
                    self.firsts_of_team[team_id].append(chain[0])
                    self.remaining[(team_id, step.key)] += len(chain)
                    self.involved.add((team_id, step.key))

    def release(self, job: Job) -> date | None:
        """The earliest day a job may happen, or None while a predecessor is unplaced."""
        step = job.unit.step
        if job.occurrence > 1:
            previous = self.chains[(step.key, job.unit.group)][job.occurrence - 2].placed
            if previous is None:
                return None
            return previous.day + timedelta(days=max(step.spacing_days, 1))
        needs = self._needs(step)
        earliest = self.start
        for team_id in job.unit.team_ids:
            for need in needs:
                if (team_id, need.key) not in self.involved:
                    continue  # e.g. a managers-only module for a team with no manager
                done = self.done.get((team_id, need.key))
                if done is None:
                    return None
                gap = (
                    need.spacing_days
                    if need.stage == step.stage
                    else self.stage_gaps.get(need.stage, 0)
                )
                earliest = max(earliest, done + timedelta(days=max(gap, 1)))
        return earliest

    def _needs(self, step: Step) -> list[Step]:
        """The steps a team must have finished before starting `step`."""
        if step.after:
            return [s for s in self.steps if s.key in step.after]
        stage_index = self.stages.index(step.stage)
        if stage_index > 0:
            return [s for s in self.steps if s.stage == self.stages[stage_index - 1]]
        return []

    def push(self, job: Job) -> None:
        """Queue a job for the day it is released, once its predecessors are placed."""
        if id(job) in self.pushed:
            return
        day = self.release(job)
        if day is not None:
            self.pushed.add(id(job))
            self.pending.append(job)
            heapq.heappush(self.waiting, (day, job.priority, len(self.pending) - 1))

    def keep(self, sessions: Sequence[PlannedSession]) -> None:
        """Take sessions already in the diary as placed, in the order they happen."""
        in_order = sorted(sessions, key=lambda s: (s.start, s.module, s.group))
        for placed in in_order:
            job = self.chains[(placed.module, placed.group)][placed.occurrence - 1]
            job.placed = placed
            self.pushed.add(id(job))
            for trainer_id in placed.trainer_ids:
                self.load[trainer_id] += 1
        for placed in in_order:
            self.finished(self.chains[(placed.module, placed.group)][placed.occurrence - 1], placed)

    def run(self, calendar: WorkCalendar, last_day: date) -> list[PlannedSession]:
        """Place every job not yet placed, working day by working day up to `last_day`."""
        for chain in self.chains.values():
            if chain[0].placed is None:
                self.push(chain[0])
        total = sum(job.placed is None for chain in self.chains.values() for job in chain)
        sessions: list[PlannedSession] = []
        ready: list[Ready] = []
        day = calendar.on_or_after(self.start)
        while len(sessions) < total:
            if day > last_day:
                raise stuck(self.pending, self.waiting, ready, self.start, last_day)
            while self.waiting and self.waiting[0][0] <= day:
                _, priority, index = heapq.heappop(self.waiting)
                heapq.heappush(ready, (priority, index))
            today = DayDiary(
                day, self.trainers.values(), self.venues.values(), self.bookings.get(day, [])
            )
            for slot in (AM, PM):
                sessions.extend(self.fill(today, slot, ready))
            day = calendar.on_or_after(day + timedelta(days=1))
        sessions.sort(key=lambda s: (s.start, s.module, s.group))
        return sessions

    def fill(self, day: DayDiary, slot: str, ready: list[Ready]) -> list[PlannedSession]:
        """Place what can be placed in one half-day, most urgent first."""
        placed_now: list[PlannedSession] = []
        kept: list[Ready] = []
        exhausted: set[str] = set()  # stages with no trainer left free in this half-day
        while ready:
            priority, index = heapq.heappop(ready)
            job = self.pending[index]
            if job.unit.step.needs_trainer and job.unit.step.stage in exhausted:
                kept.append((priority, index))
                continue
            placed = self.place(job, day, slot, exhausted)
            if placed is None:
                kept.append((priority, index))
                continue
            job.placed = placed
            placed_now.append(placed)
            self.finished(job, placed)
        for item in kept:
            heapq.heappush(ready, item)
        return placed_now

    def finished(self, job: Job, placed: PlannedSession) -> None:
        """Record a placed job and release what was waiting for it."""
        step = job.unit.step
        chain = self.chains[(step.key, job.unit.group)]
        if job.occurrence < len(chain):
            self.push(chain[job.occurrence])
        for team_id in job.unit.team_ids:
            key = (team_id, step.key)
            self.last[key] = max(self.last.get(key, placed.day), placed.day)
            self.remaining[key] -= 1
            if self.remaining[key] == 0:
                self.done[key] = self.last[key]
                for first in self.firsts_of_team[team_id]:
                    if first.placed is None:
                        self.push(first)

    def place(
        self, job: Job, day: DayDiary, slot: str, exhausted: set[str]
    ) -> PlannedSession | None:
        """The session for `job` in this half-day, with its people, or None if it cannot be."""
        step = job.unit.step
        placement = self.hours.placement(step, slot)
        if placement is None:
            return None
        slots, begins = placement
        teams = job.unit.team_ids
        if day.team_busy(teams, slots):
            return None
        chosen = self._trainers(job, day, slots, exhausted)
        if chosen is None:
            return None
        venue_id = None
        if self.venues and step.needs_venue:
            venue_id = self._venue(job, day, slots)
            if venue_id is None:
                return None
        return self._book(job, day, slots, begins, chosen, venue_id)

    def _trainers(
        self, job: Job, day: DayDiary, slots: tuple[str, ...], exhausted: set[str]
    ) -> tuple[int, ...] | None:
        """Who delivers `job` in these half-days (lead first), or None if nobody can."""
        step = job.unit.step
        if not step.needs_trainer:
            return ()
        free = self.by_stage[step.stage] & day.free_trainers(slots)
        if not free:
            # Nobody of this stage is free in this half-day: later jobs of the stage need
            # not try. A whole-day job needs both halves, so its failing says less.
            if len(slots) == 1:
                exhausted.add(step.stage)
            return None
        preferred = self.continuity.get((job.unit.team_ids[0], step.stage))

        def rank(trainer_id: int) -> tuple[bool, bool, int, int]:
            return (
                self.trainers[trainer_id].lived_experience,
                trainer_id != preferred,
                self.load[trainer_id],
                trainer_id,
            )

        if not step.co_delivered:
            return (min(free, key=rank),)
        lived = [i for i in free if self.trainers[i].lived_experience]
        if not lived:
            return None
        co_trainer = min(lived, key=lambda i: rank(i)[1:])
        leads = free - {co_trainer}
        if not leads:
            return None
        return (min(leads, key=rank), co_trainer)

    def _venue(self, job: Job, day: DayDiary, slots: tuple[str, ...]) -> int | None:
        """The free venue that seats the group, nearest its team's site; None if none does."""
        site = self.site_of[job.unit.team_ids[0]]
        fitting = [
            self.venues[i]
            for i in day.free_venues(slots)
            if self.venues[i].capacity >= job.unit.expected
        ]
        if not fitting:
            return None
        return min(fitting, key=lambda v: (v.site != site, v.capacity, v.id)).id

    def _book(
        self,
        job: Job,
        day: DayDiary,
        slots: tuple[str, ...],
        begins: time,
        chosen: tuple[int, ...],
        venue_id: int | None,
    ) -> PlannedSession:
        """Take the half-days, trainers and venue for `job`, and the session they make."""
        step = job.unit.step
        teams = job.unit.team_ids
        day.take(slots, chosen, teams, venue_id)
        for trainer_id in chosen:
            self.load[trainer_id] += 1
        for team_id in teams if chosen else ():
            self.continuity.setdefault((team_id, step.stage), chosen[0])
        begin = datetime.combine(day.day, begins)
        return PlannedSession(
            module=step.key,
            stage=step.stage,
            strategy=step.strategy,
            occurrence=job.occurrence,
            group=job.unit.group,
            team_ids=teams,
            expected=job.unit.expected,
            start=begin,
            end=begin + timedelta(minutes=step.minutes),
            trainer_ids=chosen,
            venue_id=venue_id,
        )


def stuck(
    jobs: list[Job], waiting: list[Waiting], ready: list[Ready], start: date, last_day: date
) -> Conflict:
    """The refusal when the horizon runs out: what binds, for the most urgent job left."""
    pending = [jobs[index] for _, index in ready] + [jobs[item[2]] for item in waiting]
    if not pending:
        return Conflict(f"no valid plan between {start} and {last_day}")
    job = min(pending, key=lambda j: j.priority)
    step = job.unit.step
    needs = "a lived-experience and a lead trainer" if step.co_delivered else "a trainer"
    return Conflict(
        f"no valid plan within the horizon: {step.key} (session {job.occurrence}) for "
        f"{len(job.unit.team_ids)} team(s) could not be placed between {start} and {last_day}; "
        f"it needs {needs} who delivers {step.stage}, the teams free and a venue that seats "
        f"{job.unit.expected}: add trainers or venues, or record less unavailability"
    )
