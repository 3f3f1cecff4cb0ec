"""Random programmes: every plan keeps every hard constraint, and the same data gives the same plan.

The checker below is written apart from the scheduler, from the rules in DESIGN.md §3.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from refocus_cli.core.errors import Conflict
from refocus_cli.core.scheduler import (
    Booking,
    Hours,
    Plan,
    Step,
    TeamIn,
    TrainerIn,
    VenueIn,
    plan_rollout,
)
from refocus_cli.core.workdays import WorkCalendar, bank_holidays

STAGES = ("workshop", "working-practices", "coaching", "practice-change")
STEPS = [
    Step("workshop", "workshop", "information-session", 360, 1, 0, "whole-team", 30, True),
    Step(
        "values",
        "working-practices",
        "working-practices-training",
        180,
        1,
        7,
        "whole-team",
        20,
        False,
    ),
    Step(
        "strengths",
        "working-practices",
        "working-practices-training",
        180,
        1,
        7,
        "whole-team",
        20,
        False,
        ("values",),
    ),
    Step("coaching", "coaching", "coaching-training", 360, 2, 7, "mixed-teams", 16, False),
    Step(
        "team-reflection",
        "practice-change",
        "team-reflection",
        90,
        3,
        28,
        "whole-team",
        30,
        False,
        needs_venue=False,
    ),
    Step(
        "manager-reflection",
        "practice-change",
        "manager-reflection",
        120,
        2,
        28,
        "managers",
        6,
        False,
    ),
    Step(
        "supervision",
        "practice-change",
        "supervision-reflection",
        60,
        2,
        28,
        "clinical",
        30,
        False,
        needs_trainer=False,
        needs_venue=False,
    ),
]
GAPS = {"workshop": 7, "working-practices": 14, "coaching": 7}
HOURS = Hours()
ENGLAND = frozenset(bank_holidays("england", range(2026, 2031)))


def overlaps(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def violations(
    plan: Plan, teams, trainers, venues, calendar: WorkCalendar, start: date, bookings=()
) -> list[str]:
    """Every broken hard constraint in `plan`, in words."""
    found: list[str] = []
    trainer = {t.id: t for t in trainers}
    venue = {v.id: v for v in venues}
    step = {s.key: s for s in STEPS}
    by_trainer, by_team, by_venue = defaultdict(list), defaultdict(list), defaultdict(list)
    for s in plan.sessions:
        day = s.start.date()
        if day.weekday() >= 5 or day in calendar.closed:
            found.append(f"{s.module} on a closed day {day}")
        if day < start:
            found.append(f"{s.module} before the start {day}")
        if s.start.time() < HOURS.day_start or s.end.time() > HOURS.day_end or s.end.date() != day:
            found.append(f"{s.module} outside working hours {s.start}-{s.end}")
        if s.end - s.start != timedelta(minutes=step[s.module].minutes):
            found.append(f"{s.module} has the wrong length")
        if s.expected > step[s.module].max_group:
            found.append(f"{s.module} group of {s.expected} over {step[s.module].max_group}")
        if step[s.module].needs_trainer and not s.trainer_ids:
            found.append(f"{s.module} has no trainer")
        for trainer_id in s.trainer_ids:
            if s.stage not in trainer[trainer_id].stages:
                found.append(f"trainer {trainer_id} does not deliver {s.stage}")
            if day in trainer[trainer_id].away:
                found.append(f"trainer {trainer_id} is away on {day}")
            by_trainer[trainer_id].append(s)
        if step[s.module].co_delivered and (
            len(set(s.trainer_ids)) < 2
            or not any(trainer[i].lived_experience for i in s.trainer_ids)
        ):
            found.append(f"{s.module} on {day} is not co-delivered")
        for team_id in s.team_ids:
            by_team[team_id].append(s)
        if s.venue_id is not None:
            if venue[s.venue_id].capacity < s.expected:
                found.append(f"venue {s.venue_id} too small for {s.expected}")
            by_venue[s.venue_id].append(s)
        elif venues and step[s.module].needs_venue:
            found.append(f"{s.module} has no venue")
    for booking in bookings:
        for slot in booking.slots:
            begin = datetime.combine(booking.day, time(9) if slot == "am" else time(13))
            held = type("Held", (), {"start": begin, "end": begin + timedelta(hours=4)})
            for trainer_id in booking.trainer_ids:
                by_trainer[trainer_id].append(held)
    for kind, groups in (("trainer", by_trainer), ("team", by_team), ("venue", by_venue)):
        for key, sessions in groups.items():
            sessions = sorted(sessions, key=lambda s: s.start)
            for first, second in pairwise(sessions):
                if overlaps(first, second):
                    found.append(f"{kind} {key} double-booked at {second.start}")
    for team in teams:
        mine = by_team[team.id]
        done: dict[str, date] = {}
        for stage in STAGES:
            days = [s.start.date() for s in mine if s.stage == stage]
            if days:
                done[stage] = max(days)
        for earlier, later in pairwise(STAGES):
            later_days = [s.start.date() for s in mine if s.stage == later]
            if later_days and earlier in done:
                if min(later_days) < done[earlier] + timedelta(days=max(GAPS[earlier], 1)):
                    found.append(f"team {team.id}: {later} too soon after {earlier}")
            if later_days and earlier not in done:
                found.append(f"team {team.id}: {later} without {earlier}")
        for s in STEPS:
            sessions = sorted((x for x in mine if x.module == s.key), key=lambda x: x.start)
            audience = team.managers if s.audience == "managers" else max(team.staff, 1)
            if audience and len({x.occurrence for x in sessions}) != s.sessions:
                found.append(f"team {team.id}: {s.key} has {len(sessions)} sessions")
            for first, second in pairwise(sessions):
                if first.group == second.group and (
                    second.start.date() - first.start.date()
                ).days < max(s.spacing_days, 1):
                    found.append(f"team {team.id}: {s.key} sessions too close")
            for before in s.after:
                previous = [x.start.date() for x in mine if x.module == before]
                if (
                    sessions
                    and previous
                    and sessions[0].start.date()
                    < max(previous) + timedelta(days=max(step[before].spacing_days, 1))
                ):
                    found.append(f"team {team.id}: {s.key} before {before} + spacing")
    return found


@st.composite
def programmes(draw):
    team_count = draw(st.integers(1, 6))
    teams = [
        TeamIn(
            i,
            f"Team {i}",
            draw(st.sampled_from(["North", "South"])),
            draw(st.integers(0, 45)),
            draw(st.integers(0, 2)),
        )
        for i in range(1, team_count + 1)
    ]
    start = date(2027, 1, 4) + timedelta(days=draw(st.integers(0, 400)))
    trainers = []
    if draw(st.integers(0, 3)):  # most programmes have a core pair who deliver everything
        trainers += [
            TrainerIn(91, "Core lived", frozenset(STAGES), True),
            TrainerIn(92, "Core lead", frozenset(STAGES), False),
        ]
    for i in range(1, draw(st.integers(1, 6)) + 1):
        stages = draw(st.sets(st.sampled_from(STAGES), min_size=1))
        away_from = start + timedelta(days=draw(st.integers(0, 200)))
        away = frozenset(away_from + timedelta(days=d) for d in range(draw(st.integers(0, 30))))
        trainers.append(TrainerIn(i, f"Trainer {i}", frozenset(stages), draw(st.booleans()), away))
    venues = [
        VenueIn(i, f"Room {i}", draw(st.sampled_from(["North", "South"])), draw(st.integers(8, 40)))
        for i in range(1, draw(st.integers(0, 3)) + 1)
    ]
    closures = frozenset(
        start + timedelta(days=draw(st.integers(0, 300))) for _ in range(draw(st.integers(0, 8)))
    )
    booked = {
        (
            start + timedelta(days=draw(st.integers(0, 60))),
            draw(st.sampled_from([t.id for t in trainers])),
        )
        for _ in range(draw(st.integers(0, 5)))
    }
    bookings = tuple(
        Booking(day, ("am",), trainer_ids=(trainer_id,)) for day, trainer_id in sorted(booked)
    )
    return teams, trainers, venues, WorkCalendar(ENGLAND | closures), start, bookings


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes())
def test_every_plan_keeps_every_hard_constraint(programme):
    teams, trainers, venues, calendar, start, bookings = programme
    try:
        plan = plan_rollout(
            STEPS, GAPS, teams, trainers, venues, calendar, start, HOURS, bookings, horizon_days=900
        )
    except Conflict as refusal:
        assert str(refusal)  # refused in words; nothing more to check
        event("refused")
        return
    event("planned")
    assert violations(plan, teams, trainers, venues, calendar, start, bookings) == []
    again = plan_rollout(
        STEPS, GAPS, teams, trainers, venues, calendar, start, HOURS, bookings, horizon_days=900
    )
    assert again.sessions == plan.sessions


def test_a_well_staffed_programme_is_planned_and_checked():
    teams = [TeamIn(i, f"T{i}", "North", 14 + i, 1) for i in range(1, 9)]
    trainers = [TrainerIn(1, "Lived", frozenset(STAGES), True)] + [
        TrainerIn(i, f"R{i}", frozenset(STAGES), False) for i in range(2, 6)
    ]
    venues = [VenueIn(1, "Room", "North", 30), VenueIn(2, "Hall", "South", 40)]
    calendar = WorkCalendar(ENGLAND)
    plan = plan_rollout(STEPS, GAPS, teams, trainers, venues, calendar, date(2027, 3, 22))
    assert violations(plan, teams, trainers, venues, calendar, date(2027, 3, 22)) == []
    assert plan.sessions[0].start == datetime(2027, 3, 22, 9, 0)
    # Easter Monday 2027 is a bank holiday in England: no session that day.
    assert all(s.start.date() != date(2027, 3, 29) for s in plan.sessions)


def test_the_checker_catches_a_broken_plan():
    teams = [TeamIn(1, "T1", "North", 10, 1)]
    trainers = [
        TrainerIn(1, "Lived", frozenset(STAGES), True),
        TrainerIn(2, "R2", frozenset(STAGES), False),
    ]
    calendar = WorkCalendar(ENGLAND)
    plan = plan_rollout(STEPS, GAPS, teams, trainers, [], calendar, date(2027, 3, 22))
    first = plan.sessions[0]
    moved = first.__class__(
        **{
            **first.__dict__,
            "start": datetime(2027, 3, 27, 9),
            "end": datetime(2027, 3, 27, 15),
            "trainer_ids": (2,),
        }
    )
    broken = Plan([moved, *plan.sessions[1:]], plan.start)
    problems = violations(broken, teams, trainers, [], calendar, date(2027, 3, 22))
    assert any("closed day" in p for p in problems)
    assert any("not co-delivered" in p for p in problems)
