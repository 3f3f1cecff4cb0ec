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

from collections.abc import Sequence
from datetime import date, timedelta

from refocus_cli.core.errors import Conflict
from refocus_cli.core.placement import PlanningRun
from refocus_cli.core.rollout import (
    AM,  # re-exported with the rest of the plan's shapes
    PM,
    Booking,
    Hours,
    Plan,
    PlannedSession,
    SessionKey,
    Step,
    TeamIn,
    TrainerIn,
    Unit,
    VenueIn,
    group_units,
    minutes_between,
    rollout_tail,
    steps_from,
)
from refocus_cli.core.workdays import WorkCalendar

__all__ = [
    "AM",
    "PM",
    "Booking",
    "Hours",
    "Plan",
    "PlannedSession",
    "SessionKey",
    "Step",
    "TeamIn",
    "TrainerIn",
    "VenueIn",
    "check_feasible",
    "group_units",
    "plan_rollout",
    "replan_rollout",
    "rollout_tail",
    "steps_from",
]

DEFAULT_HOURS = Hours()


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
    run = PlanningRun(steps, stage_gaps, teams, trainers, venues, hours, bookings, start)
    check_feasible(steps, trainers, venues, run.units)
    return Plan(run.run(calendar, start + timedelta(days=horizon_days)), start)


def replan_rollout(
    steps: list[Step],
    stage_gaps: dict[str, int],
    teams: list[TeamIn],
    trainers: list[TrainerIn],
    venues: list[VenueIn],
    calendar: WorkCalendar,
    start: date,
    kept: Sequence[PlannedSession],
    missing: Sequence[PlannedSession],
    hours: Hours = DEFAULT_HOURS,
    bookings: Sequence[Booking] = (),
    horizon_days: int = 3 * 365,
) -> Plan:
    """Place `missing` sessions again, from `start`, around the `kept` ones of the same plan.

    Groups are taken from the plan as it stands, so every session keeps its place in
    its team's chain; only the missing ones get new dates, trainers and venues.
    """
    units: dict[str, list[Unit]] = {step.key: [] for step in steps}
    by_key = {step.key: step for step in steps}
    seen: set[tuple[str, int]] = set()
    for session in sorted([*kept, *missing], key=lambda s: (s.module, s.group)):
        if (session.module, session.group) not in seen:
            seen.add((session.module, session.group))
            units[session.module].append(
                Unit(by_key[session.module], session.group, session.team_ids, session.expected)
            )
    for step in steps:
        # Chains are looked up by group number: keep them dense and in order.
        units[step.key].sort(key=lambda unit: unit.group)
    diary = tuple(bookings) + tuple(
        Booking(s.day, hours.slots_taken(s.start, s.end), s.trainer_ids, s.team_ids, s.venue_id)
        for s in kept
    )
    run = PlanningRun(steps, stage_gaps, teams, trainers, venues, hours, diary, start, units)
    run.keep([s for s in kept if s.occurrence <= by_key[s.module].sessions])
    return Plan(run.run(calendar, start + timedelta(days=horizon_days)), start)
