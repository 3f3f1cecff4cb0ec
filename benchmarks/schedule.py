"""How long the rollout scheduler takes, and how close its plans come to the shortest possible.

    python benchmarks/schedule.py [--runs 3] [--seed 2027] [--leave-weeks 0] [--no-cli]

Two cases, both planned from Monday 2027-01-11 with the shipped curriculum
(`steps_from(load_curriculum())`) on the England calendar (weekends and bank
holidays are not working days):

  trust     30 teams (12-18 staff, one manager each) on 4 sites; 8 trainers, 2 of them
            lived-experience (they deliver the workshop and coaching; the others all four
            stages); 4 venues, one per site, seating 24-30.
  national  1,000 teams (12-18 staff, one manager each) on 50 sites; 60 trainers, 15 of
            them lived-experience; 50 venues, one per site, seating 30.

Inputs are drawn from random.Random(seed), so a seed always gives the same cohort.
For each case it times `plan_rollout` alone (the median of --runs calls; inputs and
calendar are built beforehand), measures the plan's makespan in working days (first
to last session, both counted) and compares it with a lower bound that no valid plan
can beat, computed here from the same inputs and explained under the table. For the
trust case it also times a whole `refocus schedule COHORT --dry-run` in a child
process on a database holding the same teams, staff, trainers and venues.

Targets: the national plan in under 10 s; a makespan within 1.15x the lower bound.
Always exits 0: it reports, it does not fail.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import math
import random
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter

from _timing import CommandFailed, median, print_table, refocus_executable, run_once

from refocus_cli.core.rollout import steps_from
from refocus_cli.core.scheduler import (
    AM,
    PM,
    Hours,
    Plan,
    Step,
    TeamIn,
    TrainerIn,
    VenueIn,
    group_units,
    plan_rollout,
    rollout_tail,
)
from refocus_cli.core.workdays import WorkCalendar, work_calendar
from refocus_cli.readers.manual import load_curriculum

START = date(2027, 1, 11)  # a Monday
REGION = "england"
TARGET_SECONDS = 10.0  # the national case
TARGET_RATIO = 1.15
ALL_STAGES = ("workshop", "working-practices", "coaching", "practice-change")
LIVED_STAGES = ("workshop", "coaching")

EXPLANATION = """\
The lower bound is the largest of the components listed under each case. Each is a day
before which no valid plan's last session can fall, counted in working days from the
plan's first day (first and last both counted):
  (a)  chain: one team alone with every resource relaxed, under the scheduler's own
       precedence rules (stage gaps, module spacing and session spacing, each at least
       one day; sessions on working days only).
  (b)  resources from the first day. Every trainer and venue gives one morning and one
       afternoon per working day (less leave). A whole-day session (the workshop) takes
       both half-days of each trainer and of its venue; a co-delivered one takes two
       trainers, one of them lived-experience; afternoon-only modules (start_time at or
       after 13:30: team reflection) need afternoons. So a load needs at least
       max(mornings, afternoons, half-days / 2) member-days. Trainers count only for the
       stages they deliver: for every set S of stages, the sessions of S need the
       trainers who deliver a stage of S (the worst S is shown). Venues count only for
       groups they seat.
  (c1) the brief's combined bound: the co-delivered workshops need the lived-experience
       trainers, so the last one is no earlier than the day they have covered them all;
       that team then still has the whole rest of its chain.
  (c2) the same, generalised: for every module, occurrence and resource class, the
       sessions from that occurrence on cannot start before the earliest day any team
       reaches it; they must fit in the supply from then, and what must follow the last
       of them (at least the rest of the chain after it) comes after.
  (c3) staggered starts: by (c1)'s argument the j-th team to finish its workshop does so
       no earlier than the day the workshop's classes have covered j workshops, and a
       team's later sessions are released no earlier than its chain allows from there.
       So for every class and day R, the sessions released on or after R must fit into
       that class's supply from R.
All bounds use the groups the scheduler itself forms (group_units), so they count
exactly the sessions the plan holds. They relax that a team is in one session at a time,
that a whole-day session needs the same trainer both halves, and which site a venue is
on; relaxing a constraint only lowers a bound, so each stays valid.
"""


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    teams: int
    sites: int
    trainers: int
    lived: int
    venue_seats: tuple[int, int]  # smallest and largest, one venue per site
    time_target: float | None


CASES = (
    Case("trust", 30, 4, 8, 2, (24, 30), None),
    Case("national", 1_000, 50, 60, 15, (30, 30), TARGET_SECONDS),
)


@dataclass
class Inputs:
    case: Case
    teams: list[TeamIn]
    trainers: list[TrainerIn]
    venues: list[VenueIn]
    leave: dict[int, list[date]]  # trainer id -> Mondays of the weeks they are away


def make_inputs(case: Case, seed: int, leave_weeks: int, calendar: WorkCalendar) -> Inputs:
    """The same cohort, trainers and venues for a given seed."""
    rng = random.Random(f"{seed}-{case.name}")
    site_names = [f"Site {n:02d}" for n in range(1, case.sites + 1)]
    sites = [site_names[i % case.sites] for i in range(case.teams)]
    rng.shuffle(sites)
    # Names sort in cohort order, so a database lists the teams as they are given here.
    teams = [
        TeamIn(i + 1, f"Team {i + 1:04d} {site}", site, rng.randint(12, 18), 1)
        for i, site in enumerate(sites)
    ]
    mondays = [START + timedelta(weeks=w) for w in range(52)]
    leave: dict[int, list[date]] = {}
    trainers = []
    for i in range(case.trainers):
        lived = i >= case.trainers - case.lived
        weeks = sorted(rng.sample(mondays, leave_weeks)) if leave_weeks else []
        away = frozenset(
            monday + timedelta(days=d) for monday in weeks for d in range(5)
        ) & frozenset(calendar.working_days(START, START + timedelta(days=400)))
        leave[i + 1] = weeks
        trainers.append(
            TrainerIn(
                i + 1,
                f"Trainer {i + 1:02d}{' (LE)' if lived else ''}",
                frozenset(LIVED_STAGES if lived else ALL_STAGES),
                lived,
                away,
            )
        )
    venues = [
        VenueIn(i + 1, f"{site} training room", site, rng.randint(*case.venue_seats))
        for i, site in enumerate(site_names)
    ]
    return Inputs(case, teams, trainers, venues, leave)


# --------------------------------------------------------------------------------------
# The chain of one team, as the scheduler's precedence rules define it
# --------------------------------------------------------------------------------------


class Chain:
    """Earliest days of every session of one team's rollout, ignoring every resource.

    Mirrors the scheduler's rules (`_Scheduler._release`): a module with `after` waits
    for those modules plus their spacing; the first modules of a stage wait for every
    module of the previous stage plus the stage gap; successive sessions of a module
    are max(spacing, 1) days apart; gaps are at least one day; every session falls on
    a working day. Relaxing every resource can only make a rollout shorter, so these
    days are the earliest any plan can reach.
    """

    def __init__(self, steps: list[Step], gaps: dict[str, int], calendar: WorkCalendar):
        self.steps = steps
        self.gaps = gaps
        self.calendar = calendar
        self.stages = list(dict.fromkeys(step.stage for step in steps))
        self.needs = {step.key: self._needs(step) for step in steps}
        self.downstream = {step.key: self._downstream(step.key) for step in steps}

    def _needs(self, step: Step) -> list[Step]:
        index = self.stages.index(step.stage)
        if step.after:
            return [s for s in self.steps if s.key in step.after]
        if index > 0:
            return [s for s in self.steps if s.stage == self.stages[index - 1]]
        return []

    def _downstream(self, key: str) -> set[str]:
        found: set[str] = set()
        for step in self.steps:  # in curriculum order: needs come first
            if any(n.key == key or n.key in found for n in self.needs[step.key]):
                found.add(step.key)
        return found

    def gap(self, need: Step, step: Step) -> int:
        days = need.spacing_days if need.stage == step.stage else self.gaps.get(need.stage, 0)
        return max(days, 1)

    def days(self, first: date, pin: tuple[str, int, date] | None = None) -> dict[str, list[date]]:
        """Earliest day of each session, per module, for a team starting on `first`.

        With `pin` = (module, occurrence, day): only that session (placed on `day`) and
        what must follow it; what came before is assumed done as early as you like.
        """
        days: dict[str, list[date]] = {}
        for step in self.steps:
            spacing = timedelta(days=max(step.spacing_days, 1))
            if pin is not None and step.key == pin[0]:
                occurrences = [pin[2]]
                for _ in range(pin[1], step.sessions):
                    occurrences.append(self.calendar.on_or_after(occurrences[-1] + spacing))
                days[step.key] = occurrences
                continue
            if pin is not None and step.key not in self.downstream[pin[0]]:
                continue
            release = first if pin is None else pin[2]
            for need in self.needs[step.key]:
                if need.key in days:
                    release = max(
                        release, days[need.key][-1] + timedelta(days=self.gap(need, step))
                    )
            occurrences = [self.calendar.on_or_after(release)]
            for _ in range(1, step.sessions):
                occurrences.append(self.calendar.on_or_after(occurrences[-1] + spacing))
            days[step.key] = occurrences
        return days

    def end(self, first: date) -> date:
        return max(d[-1] for d in self.days(first).values())

    def end_after(self, key: str, occurrence: int, day: date) -> date:
        """The earliest last day of a rollout whose `occurrence` of `key` is on `day`."""
        return max(d[-1] for d in self.days(day, (key, occurrence, day)).values())


# --------------------------------------------------------------------------------------
# Demand and supply of half-days
# --------------------------------------------------------------------------------------


def slot_kind(step: Step, hours: Hours) -> str:
    """am, pm, either (one half-day, morning or afternoon) or day (both half-days)."""
    morning, afternoon = hours.placement(step, AM), hours.placement(step, PM)
    if morning is not None and morning[0] == (AM, PM):
        return "day"
    if morning is not None and afternoon is not None:
        return "either"
    return "am" if morning is not None else "pm"


@dataclass(frozen=True)
class Load:
    """Half-days of one resource class that a set of sessions needs."""

    am: int = 0  # that must be mornings (morning-only and whole-day sessions)
    pm: int = 0  # that must be afternoons (afternoon-only and whole-day sessions)
    total: int = 0  # all half-days

    def __add__(self, other: Load) -> Load:
        return Load(self.am + other.am, self.pm + other.pm, self.total + other.total)

    @staticmethod
    def of(sessions: int, per_session: int, kind: str) -> Load:
        n = sessions * per_session
        return Load(
            n if kind in ("am", "day") else 0,
            n if kind in ("pm", "day") else 0,
            2 * n if kind == "day" else n,
        )

    def member_days(self) -> int:
        """Working days of one member the load needs at the least.

        A member gives one morning and one afternoon a working day, so the load needs
        at least `am` mornings, `pm` afternoons and `total` half-days of supply.
        """
        return max(self.am, self.pm, math.ceil(self.total / 2))

    def text(self) -> str:
        return f"{self.total:,} half-days ({self.am:,} must be mornings, {self.pm:,} afternoons)"


class Days:
    """The working days from the plan's first day, for counting and supply sums."""

    def __init__(self, calendar: WorkCalendar, first: date):
        self.calendar = calendar
        self.first = first
        # work_calendar knows bank holidays for three years ahead: stay inside them.
        self.list = calendar.working_days(first, date(first.year + 3, 12, 31))
        self.index = {day: i for i, day in enumerate(self.list)}

    def at(self, day: date) -> int:
        """Index of the first working day on or after `day` (0 = the first day)."""
        return self.index[self.calendar.on_or_after(max(day, self.first))]

    def count(self, day: date) -> int:
        """Working days from the first day to `day`, both counted."""
        return len(self.calendar.working_days(self.first, day))


class Pool:
    """A resource class: prefix sums of how many members can work each working day."""

    def __init__(self, label: str, members: list, days: Days):
        self.label = label
        self.members = members
        self.days = days
        self.on_leave = any(getattr(m, "away", None) for m in members)
        self.cum = [0]
        for day in days.list:
            free = sum(1 for m in members if day not in getattr(m, "away", ()))
            self.cum.append(self.cum[-1] + free)

    def per_day(self) -> str:
        return f"{len(self.members)} a day{' less leave' if self.on_leave else ''}"

    def covered(self, load: Load, since: date) -> date | None:
        """The first day D such that the working days since..D can hold `load`.

        A valid plan puts each half-day of the load on a distinct (member, day, half)
        on or after `since`, so the last session of the load is on D or later.
        """
        needed = load.member_days()
        if needed == 0:
            return None
        start = self.days.at(since)
        index = bisect.bisect_left(self.cum, self.cum[start] + needed)
        if index >= len(self.cum):
            raise SystemExit(f"benchmarks: {self.label} never cover {load.text()}")
        return self.days.list[index - 1]


# --------------------------------------------------------------------------------------
# The lower bound
# --------------------------------------------------------------------------------------


@dataclass
class Component:
    part: str  # a, b or c
    name: str
    last_day: date  # no valid plan's last session is earlier
    detail: str
    wd: int = 0  # working days from the first day to last_day, both counted


@dataclass
class Bound:
    components: list[Component]
    checks: list[str]

    @property
    def best(self) -> Component:
        return max(self.components, key=lambda c: c.wd)

    def value(self) -> int:
        return self.best.wd


class Bounder:
    """Everything the bound needs about one case: sessions, slot kinds, pools, chains."""

    def __init__(self, inputs, steps, gaps, hours, calendar, first):
        self.inputs = inputs
        self.steps = steps
        self.stages = list(dict.fromkeys(step.stage for step in steps))
        self.chain = Chain(steps, gaps, calendar)
        self.days = Days(calendar, first)
        self.first = first
        self.units = {step.key: group_units(step, inputs.teams) for step in steps}
        self.kinds = {step.key: slot_kind(step, hours) for step in steps}
        self.sessions = {s.key: len(self.units[s.key]) * s.sessions for s in self.steps}
        self.head = self.chain.days(first)  # earliest day of each session, for any team
        trainers = inputs.trainers
        self.stage_sets = [
            frozenset(chosen)
            for size in range(1, len(self.stages) + 1)
            for chosen in itertools.combinations(self.stages, size)
        ]
        self.stage_pools = {
            chosen: Pool(
                "trainers who deliver " + "/".join(s for s in self.stages if s in chosen),
                [t for t in trainers if t.stages & chosen],
                self.days,
            )
            for chosen in self.stage_sets
        }
        self._pools: dict[tuple, Pool] = {}

    def pool(self, label: str, members: list) -> Pool:
        key = (label, tuple(id(m) for m in members))
        if key not in self._pools:
            self._pools[key] = Pool(label, members, self.days)
        return self._pools[key]

    def lived_pool(self, stages: set[str]) -> Pool:
        members = [t for t in self.inputs.trainers if t.lived_experience and t.stages & stages]
        return self.pool("lived-experience trainers", members)

    def venue_pool(self, seats: int) -> Pool:
        members = [v for v in self.inputs.venues if v.capacity >= seats]
        every = len(members) == len(self.inputs.venues)
        return self.pool("venues" if every else f"venues seating {seats}+", members)

    def per_session(self, step: Step, what: str) -> int:
        """How many members of a class one session of `step` takes."""
        if what == "trainers":
            return (2 if step.co_delivered else 1) if step.needs_trainer else 0
        if what == "lived":
            return 1 if step.needs_trainer and step.co_delivered else 0
        return 1 if step.needs_venue and self.inputs.venues else 0

    def load(self, chosen: Iterable[Step], what: str) -> Load:
        total = Load()
        for step in chosen:
            total += Load.of(
                self.sessions[step.key], self.per_session(step, what), self.kinds[step.key]
            )
        return total

    def classes(self) -> list[tuple[str, Pool, list[Step], str]]:
        """Every resource class with the steps that draw on it, as (name, pool, steps, what).

        Trainers by set of stages (a session of a stage can only take a trainer who
        delivers it); lived-experience trainers for co-delivered steps; venues (every
        booked session needs one seating at least the smallest booked group).
        """
        found = []
        for chosen in self.stage_sets:
            members = [s for s in self.steps if s.stage in chosen and s.needs_trainer]
            if members:
                found.append(
                    (
                        f"trainers for {'/'.join(sorted(chosen, key=self.stages.index))}",
                        self.stage_pools[chosen],
                        members,
                        "trainers",
                    )
                )
        co = [s for s in self.steps if s.needs_trainer and s.co_delivered]
        if co:
            found.append(
                (
                    "lived-experience co-trainers",
                    self.lived_pool({s.stage for s in co}),
                    co,
                    "lived",
                )
            )
        booked = [s for s in self.steps if s.needs_venue] if self.inputs.venues else []
        if booked:
            smallest = min(u.expected for s in booked for u in self.units[s.key])
            found.append(("venues", self.venue_pool(smallest), booked, "venues"))
        return found

    def min_tail_end(self, members: list[Step], day: date) -> date:
        """The earliest a rollout can end if some session of `members` is on `day`.

        The least over every session of those steps (the last session of a step has
        the least left after it), so it holds whichever of them is the last.
        """
        return max(day, min(self.chain.end_after(s.key, s.sessions, day) for s in members))


def lower_bound(inputs, steps, gaps, hours, calendar, first) -> Bound:
    """The largest of (a) the chain, (b) resource and (c) combined bounds, all from `first`."""
    b = Bounder(inputs, steps, gaps, hours, calendar, first)
    components: list[Component] = []

    # (a) the chain of one team -------------------------------------------------------
    chain_end = max(d[-1] for d in b.head.values())
    tail_days = max(rollout_tail(steps, gaps).values())
    components.append(
        Component(
            "a", "chain of one team", chain_end,
            f"a team starting on {first} cannot finish before {chain_end} "
            f"(rollout_tail: {tail_days} calendar days from the workshop's start)",
        )
    )  # fmt: skip
    checks = [_one_team_check(inputs, steps, gaps, hours, calendar, first, b.days)]

    # (b) each resource class from the first day --------------------------------------
    def resource(name: str, pool: Pool, load: Load) -> Component | None:
        day = pool.covered(load, first)
        if day is None:
            return None
        return Component(
            "b", name, day,
            f"{load.text()} of {pool.label} ({pool.per_day()}) "
            f"= {load.member_days():,} member-days: the last on {day} at the earliest",
        )  # fmt: skip

    everyone = b.pool("trainers", inputs.trainers)
    candidates = [resource("all trainers together", everyone, b.load(steps, "trainers"))]
    by_stage = [
        resource("trainers by stages delivered", pool, b.load(members, what))
        for name, pool, members, what in b.classes()
        if what == "trainers"
    ]
    candidates.append(max(filter(None, by_stage), key=lambda c: c.last_day, default=None))
    co = [s for s in steps if s.needs_trainer and s.co_delivered]
    if co:
        candidates.append(
            resource("lived-experience trainers for co-delivered modules",
                     b.lived_pool({s.stage for s in co}), b.load(co, "lived"))
        )  # fmt: skip
    booked = [s for s in steps if s.needs_venue] if inputs.venues else []
    venue_options = []
    for seats in sorted({u.expected for s in booked for u in b.units[s.key]}):
        load = Load()
        for step in booked:
            big = sum(1 for u in b.units[step.key] if u.expected >= seats)
            load += Load.of(big * step.sessions, 1, b.kinds[step.key])
        venue_options.append(resource("venues for modules with a booked venue",
                                      b.venue_pool(seats), load))  # fmt: skip
    candidates.append(max(filter(None, venue_options), key=lambda c: c.last_day, default=None))
    components.extend(c for c in candidates if c is not None)

    # (c1) as specified: the last co-delivered workshop, then its team's chain ---------
    for step in co:
        pool = b.lived_pool({step.stage})
        load = Load.of(b.sessions[step.key], 1, b.kinds[step.key])
        since = b.head[step.key][0]
        day = pool.covered(load, since)
        end = b.chain.end_after(step.key, 1, day)
        components.append(
            Component(
                "c1", f"last {step.key}, then the rest of its team's chain", end,
                f"{b.sessions[step.key]:,} sessions, each with a lived-experience co-trainer "
                f"for {'the whole day' if b.kinds[step.key] == 'day' else 'a half-day'} "
                f"({pool.per_day()}): the last on {day} (working day {b.days.count(day)}) "
                f"at the earliest; that team's chain then ends on {end} at the earliest",
            )
        )  # fmt: skip

    # (c2) windows: for every module m, occurrence k and class R, the sessions of m from
    # occurrence k on (or occurrence k alone) cannot start before the earliest day any
    # team reaches occurrence k; the last of them is no earlier than the day R has
    # covered them from there, and what must follow it comes after. The same for every
    # set of stages with the trainers who deliver them.
    best_c2: Component | None = None
    for name, pool, members, what in b.classes():
        for step in members:
            per = b.per_session(step, what)
            n_units = len(b.units[step.key])
            for k in range(1, step.sessions + 1):
                since = b.head[step.key][k - 1]
                options = [
                    (
                        f"sessions {k}-{step.sessions}" if step.sessions > 1 else "sessions",
                        step.sessions - k + 1,
                        step.sessions,
                    )
                ]
                if step.sessions > 1:
                    options.append((f"session {k}", 1, k))
                for label, count, tail_from in options:
                    load = Load.of(n_units * count, per, b.kinds[step.key])
                    day = pool.covered(load, since)
                    end = b.chain.end_after(step.key, tail_from, day)
                    if best_c2 is None or end > best_c2.last_day:
                        best_c2 = Component(
                            "c2", f"{step.key} {label}, then what follows", end,
                            f"{n_units:,} groups x {label} ({load.text()} of {pool.label}, "
                            f"{pool.per_day()}) start on or after {since}: the last on {day} "
                            f"at the earliest; what must follow it ends on {end} at the earliest",
                        )  # fmt: skip
        since = min(b.head[s.key][0] for s in members)
        load = b.load(members, what)
        day = pool.covered(load, since)
        end = b.min_tail_end(members, day)
        if best_c2 is None or end > best_c2.last_day:
            best_c2 = Component(
                "c2", f"all sessions for {name}, from the earliest any can start", end,
                f"{load.text()} of {pool.label} ({pool.per_day()}) from {since}: the last "
                f"on {day} at the earliest; the least that must follow ends on {end}",
            )  # fmt: skip
    if best_c2 is not None:
        components.append(best_c2)

    # (c3) staggered starts: teams cannot all start at once ---------------------------
    found = _staggered(b)
    if found is not None:
        components.append(found)

    for component in components:
        component.wd = b.days.count(component.last_day)
    return Bound(components, checks)


def _staggered(b: Bounder) -> Component | None:
    """Release dates that follow from the first stage's capacity, then every class's load.

    The first step of the chain (the workshop) holds at most so many teams a day: with
    its tightest class giving c(d) sessions by working day d, the j-th team to finish
    its first step does so on or after the first day with c(d) >= j. A team that
    starts on day w cannot reach a later session before the chain allows from w, and
    the chain is monotone in w, so the sessions whose release (so computed) is R or
    later are at least as many as if the j-th team started exactly then. Only steps
    every team has a fixed number of groups of its own in are counted per team (the
    fewest any team has); pooled groups count with the earliest release any team has.
    Then, for every class R and release day, those sessions must fit into R's supply
    from that day, and the least that must follow the last of them comes after.
    """
    roots = [s for s in b.steps if not b.chain.needs[s.key]]
    if len(roots) != 1:
        return None
    gate = roots[0]
    teams = b.inputs.teams
    n = len(teams)
    # The j-th team's first-step day can be no earlier than starts[j - 1].
    starts = [b.first] * n
    # The classes the first step draws on: its stage's trainers, lived-experience
    # trainers if co-delivered, venues if booked (larger pools only bound it less).
    gate_classes = [(b.stage_pools[frozenset({gate.stage})], "trainers")]
    if gate.needs_trainer and gate.co_delivered:
        gate_classes.append((b.lived_pool({gate.stage}), "lived"))
    if gate.needs_venue and b.inputs.venues:
        smallest = min(u.expected for u in b.units[gate.key])
        gate_classes.append((b.venue_pool(smallest), "venues"))
    own = {t.id: 0 for t in teams}
    for unit in b.units[gate.key]:
        if len(unit.team_ids) == 1:
            own[unit.team_ids[0]] += 1
    if min(own.values()) < 1:
        return None  # some team shares its first session with another: no stagger to use
    explained = []
    for pool, what in gate_classes:
        per = b.per_session(gate, what)
        if per == 0:
            continue
        for j in range(1, n + 1):
            day = pool.covered(Load.of(j, per, b.kinds[gate.key]), b.first)
            starts[j - 1] = max(starts[j - 1], day)
        explained.append(f"{pool.label}, {pool.per_day()}, {per} per {gate.key}")
    # Releases of every (step, occurrence) for a team whose first step is on day w.
    release_cache: dict[date, dict[str, list[date]]] = {}

    def releases(w: date) -> dict[str, list[date]]:
        if w not in release_cache:
            pinned = b.chain.days(w, (gate.key, 1, w))
            release_cache[w] = {k: pinned.get(k, b.head[k]) for k in b.head}
        return release_cache[w]

    best: Component | None = None
    for name, pool, members, what in b.classes():
        by_day: dict[date, Load] = defaultdict(Load)
        for step in members:
            per = b.per_session(step, what)
            kind = b.kinds[step.key]
            counts = Counter(u.team_ids[0] for u in b.units[step.key] if len(u.team_ids) == 1)
            each = min(counts.get(t.id, 0) for t in teams)
            rest = len(b.units[step.key]) - each * n
            for k in range(step.sessions):
                if rest:
                    by_day[b.head[step.key][k]] += Load.of(rest, per, kind)
                if each:
                    for w in starts:
                        by_day[releases(w)[step.key][k]] += Load.of(each, per, kind)
        total = Load()
        for since in sorted(by_day, reverse=True):
            total += by_day[since]
            day = pool.covered(total, since)
            if day is None:
                continue
            end = b.min_tail_end(members, day)
            if best is None or end > best.last_day:
                best = Component(
                    "c3", f"staggered starts, then {name}", end,
                    f"{gate.key} capacity ({'; '.join(explained)}) lets the j-th team "
                    f"start no earlier than a given day, the last on {starts[-1]}; sessions "
                    f"for {name} released on or after {since} then still need "
                    f"{total.text()} of {pool.label} ({pool.per_day()}): the last on {day} "
                    f"at the earliest; the least that must follow ends on {end}",
                )  # fmt: skip
    return best


def _one_team_check(inputs, steps, gaps, hours, calendar, first, days: Days) -> str:
    """Schedule one team alone with every trainer and venue: it should match the chain."""
    team = max(inputs.teams, key=lambda t: t.staff)  # the most groups
    plan = plan_rollout(steps, gaps, [team], inputs.trainers, inputs.venues, calendar, first, hours)
    span = days.count(plan.finish())
    chain = days.count(max(d[-1] for d in Chain(steps, gaps, calendar).days(first).values()))
    return (
        f"cross-check of (a): plan_rollout for one team ({team.staff} staff) alone with all "
        f"{len(inputs.trainers)} trainers takes {span} working days "
        f"({'the same as' if span == chain else 'against'} the chain's {chain})"
    )


# --------------------------------------------------------------------------------------
# The plan: makespan and diagnostics
# --------------------------------------------------------------------------------------


@dataclass
class Result:
    inputs: Inputs
    plan: Plan
    seconds: list[float]
    first: date
    last: date
    makespan: int
    bound: Bound
    cli_seconds: float | None = None
    cli_note: str = ""


def measure(case: Case, args, steps, gaps, hours, calendar) -> Result:
    inputs = make_inputs(case, args.seed, args.leave_weeks, calendar)
    seconds, plan = [], None
    for _ in range(args.runs):
        begin = perf_counter()
        plan = plan_rollout(
            steps, gaps, inputs.teams, inputs.trainers, inputs.venues, calendar, START, hours
        )
        seconds.append(perf_counter() - begin)
    assert plan is not None
    first, last = plan.sessions[0].day, plan.finish()
    makespan = len(calendar.working_days(first, last))
    bound = lower_bound(inputs, steps, gaps, hours, calendar, first)
    expected = sum(len(group_units(s, inputs.teams)) * s.sessions for s in steps)
    if expected != len(plan.sessions):
        raise SystemExit(
            f"benchmarks: {case.name}: the plan has {len(plan.sessions)} sessions, the bound "
            f"counted {expected}: the bound's demand does not match the plan"
        )
    return Result(inputs, plan, seconds, first, last, makespan, bound)


def diagnostics(
    result: Result, steps: list[Step], gaps: dict[str, int], hours: Hours, calendar: WorkCalendar
) -> None:
    """Per-month utilisation of trainers and venues, and where the teams' time went."""
    inputs, plan = result.inputs, result.plan
    lived = {t.id for t in inputs.trainers if t.lived_experience}
    away = {t.id: t.away for t in inputs.trainers}
    stage_order = list(dict.fromkeys(step.stage for step in steps))
    months: dict[str, Counter] = defaultdict(Counter)
    for day in calendar.working_days(result.first, result.last):
        c = months[f"{day:%Y-%m}"]
        c["days"] += 1
        c["lived_cap"] += 2 * sum(1 for i in lived if day not in away[i])
        c["other_cap"] += sum(1 for i in away if i not in lived and day not in away[i])
        c["venue_cap"] += len(inputs.venues)
    last_workshop = max(s.day for s in plan.sessions if s.stage == stage_order[0])
    lived_elsewhere_early = 0  # lived-experience half-days on other stages up to then
    busy: dict[date, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    rooms: dict[date, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for s in plan.sessions:
        c = months[f"{s.day:%Y-%m}"]
        halves = ([AM] if s.start.time() < hours.afternoon else []) + (
            [PM] if s.end.time() > hours.afternoon else []
        )
        for trainer_id in s.trainer_ids:
            if trainer_id in lived:
                c["lived"] += len(halves)
                c[f"lived {s.stage}"] += len(halves)
                if s.stage != stage_order[0] and s.day <= last_workshop:
                    lived_elsewhere_early += len(halves)
            else:
                for half in halves:
                    c[f"other {half}"] += 1
        for half in halves:
            busy[s.day][half].update(s.trainer_ids)
            if s.venue_id is not None:
                c[f"venue {half}"] += 1
                rooms[s.day][half].add(s.venue_id)
        c[s.stage] += 1

    def pct(used: int, cap: int) -> str:
        return f"{100 * used / cap:.0f}%" if cap else "-"

    rows = [
        (
            month,
            c["days"],
            pct(c["lived"], c["lived_cap"]),
            c["lived workshop"],
            c["lived coaching"],
            pct(c["other am"], c["other_cap"]),
            pct(c["other pm"], c["other_cap"]),
            pct(c["venue am"], c["venue_cap"]),
            pct(c["venue pm"], c["venue_cap"]),
            *(c[stage] for stage in stage_order),
        )
        for month, c in sorted(months.items())
    ]
    print()
    print_table(
        (
            "month",
            "wdays",
            "LE use",
            "LE wksp",
            "LE coach",
            "other AM",
            "other PM",
            "venue AM",
            "venue PM",
            "workshop",
            "w-practices",
            "coaching",
            "practice-ch",
        ),  # fmt: skip
        rows,
        title=f"Diagnostics ({inputs.case.name}): share of half-days used, by month (LE = "
        "lived-experience trainers, 'LE wksp'/'LE coach' = their half-days on each; other = "
        "the other trainers), and sessions by stage",
    )
    days = Days(calendar, result.first)
    lived_count = len(lived)
    workshops = sum(1 for s in plan.sessions if s.stage == stage_order[0])
    print(
        f"First stage: the last {stage_order[0]} is on {last_workshop} (working day "
        f"{days.count(last_workshop)}); {lived_count} lived-experience trainers could co-deliver "
        f"all {workshops:,} by working day {math.ceil(workshops / max(lived_count, 1))}. Up to "
        f"{last_workshop} they spent {lived_elsewhere_early:,} half-days on other stages, "
        f"room for {lived_elsewhere_early // 2:,} more whole-day {stage_order[0]}s."
    )
    # Days before the last workshop on which a lived-experience trainer was free all day
    # and yet no workshop was added: what else a whole-day session lacked that day.
    why: Counter = Counter()
    for day in calendar.working_days(result.first, last_workshop - timedelta(days=1)):
        taken = busy[day][AM] | busy[day][PM]
        idle = [i for i in sorted(lived) if day not in away[i] and i not in taken]
        if not idle:
            continue
        leads = [
            t.id
            for t in inputs.trainers
            if stage_order[0] in t.stages
            and t.id != idle[0]
            and day not in t.away
            and t.id not in taken
        ]
        free_rooms = [v.id for v in inputs.venues if v.id not in rooms[day][AM] | rooms[day][PM]]
        why["lived-experience trainer-days idle"] += len(idle)
        why["on days with no venue free both halves"] += len(idle) if not free_rooms else 0
        why["on days with no lead trainer free both halves"] += len(idle) if not leads else 0
    if why:
        print("  Before it: " + "; ".join(f"{k}: {v}" for k, v in why.items()) + ".")
    chain = Chain(steps, gaps, calendar)
    per_team: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for s in plan.sessions:
        for team_id in s.team_ids:
            per_team[team_id][s.module].append(s.day)
    stretches, spans = [], []
    for modules in per_team.values():
        begin = min(modules[steps[0].key])
        end = max(max(d) for d in modules.values())
        spans.append(days.count(end) - days.count(begin) + 1)
        stretches.append(days.count(end) - days.count(chain.end(begin)))
    spans.sort()
    stretches.sort()
    print(
        f"Each team from its workshop to its last session: {spans[0]}-{spans[-1]} working days "
        f"(median {spans[len(spans) // 2]}); later than its own shortest chain from that "
        f"workshop by {stretches[0]}-{stretches[-1]} (median {stretches[len(stretches) // 2]})."
    )
    per_group: dict[tuple[str, int], list[date]] = defaultdict(list)
    for s in plan.sessions:
        per_group[(s.module, s.group)].append(s.day)
    for step in steps:
        if step.sessions < 2 or not step.needs_trainer:
            continue
        gaps_seen = [
            (b - a).days
            for (module, _), dates in per_group.items()
            if module == step.key
            for a, b in itertools.pairwise(sorted(dates))
        ]
        if gaps_seen:
            print(
                f"  {step.key}: calendar days between a group's successive sessions: least allowed "
                f"{max(step.spacing_days, 1)}, planned mean "
                f"{sum(gaps_seen) / len(gaps_seen):.1f}, max {max(gaps_seen)}."
            )
    last_team = max(per_team, key=lambda t: (max(max(d) for d in per_team[t].values()), t))
    modules = per_team[last_team]
    begin = min(modules[steps[0].key])
    shortest = chain.days(begin)

    def span(days_by_module: dict, stage: str) -> str:
        keys = [s.key for s in steps if s.stage == stage]
        return (
            f"{min(days_by_module[k][0] for k in keys)}..{max(days_by_module[k][-1] for k in keys)}"
        )

    planned = {k: sorted(v) for k, v in modules.items()}
    print(f"A team that finishes last (id {last_team}), planned vs its shortest chain:")
    for stage in stage_order:
        print(f"  {stage:18} {span(planned, stage)}   vs {span(shortest, stage)}")


# --------------------------------------------------------------------------------------
# The trust case through the real CLI
# --------------------------------------------------------------------------------------


def cli_dry_run(result: Result, runs: int) -> None:
    """Time `refocus schedule COHORT --dry-run` on a database with the trust case's inputs."""
    refocus = refocus_executable()
    inputs = result.inputs
    with tempfile.TemporaryDirectory(prefix="refocus-bench-") as folder:
        db = Path(folder) / "trust.db"
        try:
            build_database(refocus, db, inputs, Path(folder))
            command = [
                refocus, "schedule", "BENCH", "--dry-run", "--start", START.isoformat(),
                "--db", str(db),
            ]  # fmt: skip
            listed = subprocess.run(
                [*command, "--json"], capture_output=True, text=True, check=True
            ).stdout
            got = json.loads(listed)
            sessions = got if isinstance(got, list) else got.get("sessions", [])
            times = [run_once(command).seconds for _ in range(runs)]
        except (CommandFailed, subprocess.CalledProcessError, ValueError) as problem:
            text = getattr(problem, "stderr", None) or str(problem)
            result.cli_note = f"CLI dry run not timed: {text.strip().splitlines()[-1]}"
            return
    result.cli_seconds = median(times)
    last = max((str(row.get("date") or row.get("start", ""))[:10] for row in sessions), default="")
    same = len(sessions) == len(result.plan.sessions) and last == result.last.isoformat()
    result.cli_note = (
        f"CLI dry run: median of {runs} runs of `refocus schedule BENCH --dry-run` on a "
        f"database with the same inputs (start-up, database and printing included); its "
        f"plan has {len(sessions)} sessions, the last on {last}"
        + (
            ", as in-process"
            if same
            else f" (in-process: {len(result.plan.sessions)}, {result.last}: the inputs differ)"
        )
    )


def build_database(refocus: str, db: Path, inputs: Inputs, folder: Path) -> None:
    """Teams in bulk (as benchmarks/roster_import.py does), staff by import, the rest by CLI."""
    run_once([refocus, "init", "Benchmark trust", "--db", str(db), "--start", START.isoformat()])
    add_teams = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from refocus_cli.services.context import opened\n"
        "from refocus_cli.store.teams import add_many\n"
        "with opened(Path(sys.argv[1])) as store:\n"
        "    add_many(store, [tuple(team) for team in json.load(sys.stdin)])\n"
    )
    teams = [(t.name, t.site, "CMHT") for t in inputs.teams]
    subprocess.run(
        [sys.executable, "-c", add_teams, str(db)],
        input=json.dumps(teams),
        text=True,
        check=True,
        capture_output=True,
    )
    roster = folder / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("Name", "Team", "Email", "Role", "Manager", "Start date"))
        for team in inputs.teams:
            for n in range(team.staff):
                manager = n < team.managers
                writer.writerow(
                    (
                        f"Person {team.id:04d}-{n:02d}",
                        team.name,
                        f"p{team.id:04d}.{n:02d}@nhs.net",
                        "team manager" if manager else "nurse",
                        "yes" if manager else "no",
                        "2020-01-01",
                    )
                )
    run_once([refocus, "staff", "import", str(roster), "--db", str(db)])
    for trainer in inputs.trainers:
        stages = ",".join(s for s in ALL_STAGES if s in trainer.stages)
        extra = ["--lived-experience"] if trainer.lived_experience else []
        run_once(
            [refocus, "trainer", "add", trainer.name, "--stages", stages, *extra, "--db", str(db)]
        )
        for monday in inputs.leave[trainer.id]:
            run_once(
                [
                    refocus, "trainer", "unavailable", trainer.name, "--from",
                    monday.isoformat(), "--to", (monday + timedelta(days=4)).isoformat(),
                    "--db", str(db),
                ]
            )  # fmt: skip
    for venue in inputs.venues:
        run_once(
            [
                refocus, "venue", "add", venue.name, "--capacity", str(venue.capacity),
                "--site", venue.site, "--db", str(db),
            ]
        )  # fmt: skip
    team_options = [part for t in inputs.teams for part in ("--team", t.name)]
    run_once([refocus, "cohort", "create", "BENCH", *team_options, "--db", str(db)])


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def report(results: list[Result], runs: int) -> None:
    rows = []
    for r in results:
        case = r.inputs.case
        lived = sum(t.lived_experience for t in r.inputs.trainers)
        seconds = median(r.seconds)
        ratio = r.makespan / r.bound.value()
        rows.append(
            (
                case.name,
                f"{len(r.inputs.teams):,}",
                f"{len(r.inputs.trainers)} ({lived} LE)",
                f"{len(r.plan.sessions):,}",
                f"{seconds:.2f}",
                f"{r.cli_seconds:.2f}" if r.cli_seconds is not None else "-",
                r.makespan,
                r.bound.value(),
                f"{ratio:.3f}",
                f"< {case.time_target:g} s" if case.time_target else "-",
                ("yes" if seconds < case.time_target else "no") if case.time_target else "-",
                f"<= {TARGET_RATIO}x",
                "yes" if ratio <= TARGET_RATIO else "no",
            )
        )
    print_table(
        (
            "case",
            "teams",
            "trainers",
            "sessions",
            "plan s",
            "CLI s",
            "makespan wd",
            "bound wd",
            "ratio",
            "time target",
            "met",
            "ratio target",
            "met",
        ),
        rows,
        title=f"plan_rollout from {START} (median of {runs} runs; wd = working days of the "
        f"{REGION.title()} calendar, first and last day both counted)",
    )
    print()
    print(EXPLANATION.rstrip())
    for r in results:
        print()
        print(
            f"{r.inputs.case.name}: plan {r.first} .. {r.last} = {r.makespan} working days; "
            f"plan_rollout runs: {', '.join(f'{s:.2f}' for s in r.seconds)} s"
        )
        if r.cli_note:
            print(textwrap.fill(r.cli_note, 100, initial_indent="  ", subsequent_indent="  "))
        best = r.bound.best
        for c in r.bound.components:
            mark = "  <- binds" if c is best else ""
            print(f"  ({c.part}) {c.name}: {c.wd} wd{mark}")
            print(textwrap.fill(c.detail, 100, initial_indent=" " * 8, subsequent_indent=" " * 8))
        for check in r.bound.checks:
            print(textwrap.fill(check, 100, initial_indent="  ", subsequent_indent="  "))
        ratio = r.makespan / r.bound.value()
        verdict = (
            f"ratio {ratio:.3f} <= {TARGET_RATIO}: met"
            if ratio <= TARGET_RATIO
            else f"ratio {ratio:.3f} misses {TARGET_RATIO} by "
            f"{r.makespan - math.floor(TARGET_RATIO * r.bound.value())} working days "
            f"(target: makespan <= {math.floor(TARGET_RATIO * r.bound.value())} wd)"
        )
        print(f"  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed plan_rollout calls per case")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--leave-weeks",
        type=int,
        default=0,
        help="whole weeks of leave per trainer in the first year (default 0)",
    )
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI dry run")
    parser.add_argument("--no-diagnostics", action="store_true")
    parser.add_argument("--case", choices=[c.name for c in CASES], action="append")
    args = parser.parse_args(argv)
    steps, gaps, hours = steps_from(load_curriculum())
    calendar = work_calendar(REGION, [], START)
    results = []
    for case in CASES:
        if args.case and case.name not in args.case:
            continue
        result = measure(case, args, steps, gaps, hours, calendar)
        if case.name == "trust" and not args.no_cli:
            cli_dry_run(result, args.runs)
        results.append(result)
    report(results, args.runs)
    if not args.no_diagnostics:
        for result in results:
            diagnostics(result, steps, gaps, hours, calendar)
    return 0


if __name__ == "__main__":
    sys.exit(main())
