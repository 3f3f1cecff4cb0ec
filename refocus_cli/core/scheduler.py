"""The rollout scheduler: every session of every stage for a cohort's teams.

Pure: data in, plan out. It is a day-by-day list scheduler. Each team's rollout is
a chain of sessions (stages in order with their gaps, modules in order, sessions
of a module spaced apart). Every working day, half-day by half-day, the sessions
whose predecessors are done and whose earliest day has come are placed in order
of how much of their team's rollout still lies ahead (longest first, so no team's
tail is left to the end), each with the free trainers, team and venue it needs.
Every hard constraint is checked at the moment of placing, so a plan it returns
never breaks one; when the horizon runs out, the error names what binds.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from datetime import date, datetime, timedelta

from refocus_cli.core.errors import Conflict
from refocus_cli.core.rollout import (
    AM,
    PM,
    Booking,
    Hours,
    Job,
    Plan,
    PlannedSession,
    Step,
    TeamIn,
    TrainerIn,
    Unit,
    VenueIn,
    group_units,
    minutes_between,
)
from refocus_cli.core.workdays import WorkCalendar

__all__ = [
    "Booking",
    "Hours",
    "Plan",
    "PlannedSession",
    "Step",
    "TeamIn",
    "TrainerIn",
    "VenueIn",
    "group_units",
    "plan_rollout",
    "replan_rollout",
    "rollout_tail",
]

DEFAULT_HOURS = Hours()
HEAD_START_SHARE = 0.2  # of the longest rollout; measured best at national scale (benchmarks/)


class _Day:
    """Who and what is still free on one working day, half-day by half-day."""

    def __init__(
        self, day: date, trainers: list[TrainerIn], venues: list[VenueIn], bookings: list[Booking]
    ):
        self.day = day
        self.trainers = {slot: {t.id for t in trainers if day not in t.away} for slot in (AM, PM)}
        self.venues = {slot: {v.id for v in venues} for slot in (AM, PM)}
        self.teams: dict[int, set[str]] = defaultdict(set)
        for booking in bookings:
            self.take(booking.slots, booking.trainer_ids, booking.team_ids, booking.venue_id)

    def take(self, slots, trainer_ids, team_ids, venue_id) -> None:
        for slot in slots:
            self.trainers[slot].difference_update(trainer_ids)
            self.venues[slot].discard(venue_id)
        for team_id in team_ids:
            self.teams[team_id].update(slots)

    def free_trainers(self, slots: tuple[str, ...]) -> set[int]:
        return self.trainers[slots[0]] if len(slots) == 1 else self.trainers[AM] & self.trainers[PM]

    def free_venues(self, slots: tuple[str, ...]) -> set[int]:
        return self.venues[slots[0]] if len(slots) == 1 else self.venues[AM] & self.venues[PM]


def check_feasible(
    steps: list[Step],
    trainers: list[TrainerIn],
    venues: list[VenueIn],
    units: dict[str, list[Unit]],
) -> None:
    """Refuse at once, in plain words, what no amount of time would solve."""
    for step in steps:
        able = [t for t in trainers if step.stage in t.stages]
        if not able:
            raise Conflict(
                f"no trainer delivers {step.stage} (needed for {step.key}): add one with "
                f"`refocus trainer add NAME --stages {step.stage}`"
            )
        if step.co_delivered:
            lived = [t for t in able if t.lived_experience]
            if not lived:
                raise Conflict(
                    f"{step.key} is co-delivered but no lived-experience trainer delivers "
                    f"{step.stage}: add one with `refocus trainer add NAME --lived-experience "
                    f"--stages {step.stage}`"
                )
            if len(able) < 2:
                raise Conflict(
                    f"{step.key} is co-delivered and needs two trainers who deliver "
                    f"{step.stage}; only {able[0].name} does"
                )
        if venues:
            largest = max(v.capacity for v in venues)
            biggest = max((u.expected for u in units[step.key]), default=0)
            if biggest > largest:
                raise Conflict(
                    f"a {step.key} group of {biggest} needs a venue that seats {biggest}, "
                    f"and the largest seats {largest}: add a bigger venue"
                )


def plan_rollout(
    steps: list[Step],
    stage_gaps: dict[str, int],
    teams: list[TeamIn],
    trainers: list[TrainerIn],
    venues: list[VenueIn],
    calendar: WorkCalendar,
    start: date,
    hours: Hours = DEFAULT_HOURS,
    bookings: tuple[Booking, ...] = (),
    horizon_days: int = 3 * 365,
) -> Plan:
    """Plan every session of every step for `teams`, from `start`, around `bookings`."""
    if not teams:
        raise Conflict("the cohort has no teams: add some with `refocus cohort create`")
    for step in steps:
        start_at = step.start or hours.day_start
        if start_at < hours.day_start or step.minutes > minutes_between(start_at, hours.day_end):
            raise Conflict(
                f"{step.key} ({step.minutes} minutes from {start_at:%H:%M}) does not fit in the "
                f"working day {hours.day_start:%H:%M}-{hours.day_end:%H:%M}"
            )
    scheduler = _Scheduler(steps, stage_gaps, teams, trainers, venues, hours, bookings, start)
    check_feasible(steps, trainers, venues, scheduler.units)
    return Plan(scheduler.run(calendar, start + timedelta(days=horizon_days)), start)


def replan_rollout(
    steps: list[Step],
    stage_gaps: dict[str, int],
    teams: list[TeamIn],
    trainers: list[TrainerIn],
    venues: list[VenueIn],
    calendar: WorkCalendar,
    start: date,
    kept: list[PlannedSession],
    missing: list[PlannedSession],
    hours: Hours = DEFAULT_HOURS,
    bookings: tuple[Booking, ...] = (),
    horizon_days: int = 3 * 365,
    not_before: dict[tuple[str, int, int], date] | None = None,
) -> Plan:
    """Place `missing` sessions again, from `start`, around the `kept` ones of the same plan.

    Groups are taken from the plan as it stands, so every session keeps its place in
    its team's chain; only the missing ones get new dates, trainers and venues.
    """
    units: dict[str, list[Unit]] = {step.key: [] for step in steps}
    by_key = {step.key: step for step in steps}
    seen: set[tuple[str, int]] = set()
    for session in sorted(kept + missing, key=lambda s: (s.module, s.group)):
        if (session.module, session.group) not in seen:
            seen.add((session.module, session.group))
            units[session.module].append(
                Unit(by_key[session.module], session.group, session.team_ids, session.expected)
            )
    for step in steps:
        # Chains are looked up by group number: keep them dense and in order.
        units[step.key].sort(key=lambda unit: unit.group)
    diary = bookings + tuple(
        Booking(
            s.start.date(),
            tuple(
                slot
                for slot, taken in (
                    (AM, s.start.time() < hours.afternoon),
                    (PM, s.end.time() > hours.afternoon),
                )
                if taken
            ),
            s.trainer_ids,
            s.team_ids,
            s.venue_id,
        )
        for s in kept
    )
    scheduler = _Scheduler(steps, stage_gaps, teams, trainers, venues, hours, diary, start, units)
    scheduler.not_before = dict(not_before or {})
    scheduler.keep([s for s in kept if s.occurrence <= by_key[s.module].sessions])
    return Plan(scheduler.run(calendar, start + timedelta(days=horizon_days)), start)


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


class _Scheduler:
    """The state of one planning run."""

    def __init__(
        self, steps, stage_gaps, teams, trainers, venues, hours, bookings, start, units=None
    ):
        self.steps = steps
        self.stage_gaps = stage_gaps
        self.stages = list(dict.fromkeys(step.stage for step in steps))
        self.hours = hours
        self.start = start
        self.units = units or {step.key: group_units(step, teams) for step in steps}
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
        tail = rollout_tail(steps, stage_gaps)
        # Teams earlier in the cohort get a modest head start, so their practice change
        # overlaps later teams' training instead of every team reaching it at once.
        head_start = HEAD_START_SHARE * max(tail.values(), default=0)
        order = {team.id: index for index, team in enumerate(teams)}
        self.chains: dict[tuple[str, int], list[Job]] = {}
        self.firsts_of_team: dict[int, list[Job]] = defaultdict(list)
        self.remaining: dict[tuple[int, str], int] = defaultdict(int)
        self.involved: set[tuple[int, str]] = set()
        for position, step in enumerate(steps):
            for unit in self.units[step.key]:
                first_team = min(order[t] for t in unit.team_ids)
                chain = [
                    Job(
                        unit,
                        n,
                        (
                            -(
                                tail[step.key]
                                - (n - 1) * max(step.spacing_days, 1)
                                + head_start * (1 - first_team / len(order))
                            ),
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
        self.done: dict[tuple[int, str], date] = {}
        self.last: dict[tuple[int, str], date] = {}
        self.waiting: list[tuple[date, tuple, int]] = []
        self.pending: list[Job] = []
        self.pushed: set[int] = set()
        self.not_before: dict[tuple[str, int, int], date] = {}

    def release(self, job: Job) -> date | None:
        """The earliest day a job may happen, or None while a predecessor is unplaced."""
        day = self._release(job)
        floor = self.not_before.get((job.unit.step.key, job.unit.group, job.occurrence))
        return max(day, floor) if day is not None and floor is not None else day

    def _release(self, job: Job) -> date | None:
        step = job.unit.step
        if job.occurrence > 1:
            previous = self.chains[(step.key, job.unit.group)][job.occurrence - 2].placed
            if previous is None:
                return None
            return previous.day + timedelta(days=max(step.spacing_days, 1))
        stage_index = self.stages.index(step.stage)
        if step.after:
            needs = [s for s in self.steps if s.key in step.after]
        elif stage_index > 0:
            needs = [s for s in self.steps if s.stage == self.stages[stage_index - 1]]
        else:
            needs = []
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

    def push(self, job: Job) -> None:
        if id(job) in self.pushed:
            return
        day = self.release(job)
        if day is not None:
            self.pushed.add(id(job))
            self.pending.append(job)
            heapq.heappush(self.waiting, (day, job.priority, len(self.pending) - 1))

    def keep(self, sessions: list[PlannedSession]) -> None:
        """Take sessions already in the diary as placed, in the order they happen."""
        for placed in sorted(sessions, key=lambda s: (s.start, s.module, s.group)):
            job = self.chains[(placed.module, placed.group)][placed.occurrence - 1]
            job.placed = placed
            self.pushed.add(id(job))
            for trainer_id in placed.trainer_ids:
                self.load[trainer_id] += 1
        for placed in sorted(sessions, key=lambda s: (s.start, s.module, s.group)):
            self.finished(self.chains[(placed.module, placed.group)][placed.occurrence - 1], placed)

    def run(self, calendar: WorkCalendar, last_day: date) -> list[PlannedSession]:
        for chain in self.chains.values():
            if chain[0].placed is None:
                self.push(chain[0])
        total = sum(job.placed is None for chain in self.chains.values() for job in chain)
        sessions: list[PlannedSession] = []
        ready: list[tuple[tuple, int]] = []
        day = calendar.on_or_after(self.start)
        while len(sessions) < total:
            if day > last_day:
                raise _stuck(self.pending, self.waiting, ready, self.start, last_day)
            while self.waiting and self.waiting[0][0] <= day:
                _, priority, index = heapq.heappop(self.waiting)
                heapq.heappush(ready, (priority, index))
            today = _Day(
                day,
                list(self.trainers.values()),
                list(self.venues.values()),
                self.bookings.get(day, []),
            )
            for slot in (AM, PM):
                sessions.extend(self.fill(today, slot, ready))
            day = calendar.on_or_after(day + timedelta(days=1))
        sessions.sort(key=lambda s: (s.start, s.module, s.group))
        return sessions

    def fill(self, day: _Day, slot: str, ready: list) -> list[PlannedSession]:
        """Place what can be placed in one half-day, most urgent first."""
        placed_now: list[PlannedSession] = []
        kept: list[tuple[tuple, int]] = []
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

    def place(self, job: Job, day: _Day, slot: str, exhausted: set[str]):
        """The session for `job` in this half-day, with its people, or None if it cannot be."""
        step = job.unit.step
        placement = self.hours.placement(step, slot)
        if placement is None:
            return None
        slots, begins = placement
        whole_day = len(slots) == 2
        teams = job.unit.team_ids
        if any(day.teams[team_id].intersection(slots) for team_id in teams if team_id in day.teams):
            return None
        free = self.by_stage[step.stage] & day.free_trainers(slots)
        if not free and step.needs_trainer:
            if not whole_day:
                exhausted.add(step.stage)
            return None
        preferred = self.continuity.get((teams[0], step.stage))

        def rank(trainer_id: int) -> tuple:
            return (
                self.trainers[trainer_id].lived_experience,
                trainer_id != preferred,
                self.load[trainer_id],
                trainer_id,
            )

        if not step.needs_trainer:
            chosen: tuple[int, ...] = ()
        elif step.co_delivered:
            lived = [i for i in free if self.trainers[i].lived_experience]
            if not lived:
                return None
            co_trainer = min(lived, key=lambda i: rank(i)[1:])
            leads = free - {co_trainer}
            if not leads:
                return None
            chosen = (min(leads, key=rank), co_trainer)
        else:
            chosen = (min(free, key=rank),)
        venue_id = None
        if self.venues and step.needs_venue:
            site = self.site_of[teams[0]]
            fitting = [
                self.venues[i]
                for i in day.free_venues(slots)
                if self.venues[i].capacity >= job.unit.expected
            ]
            if not fitting:
                return None
            venue_id = min(fitting, key=lambda v: (v.site != site, v.capacity, v.id)).id
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


def _stuck(jobs, waiting, ready, start, last_day) -> Conflict:
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
