"""Plan repair, pure: random plans are broken (cancellations, leave, closures) and repaired.

A repaired plan is checked by the rules a session move is checked by (core/rules.py,
written apart from the scheduler), plus what those leave to the scheduler: trainers
who deliver the stage, co-delivery, every place in the chains filled once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from refocus_cli.core.errors import Conflict
from refocus_cli.core.repair import (
    Chains,
    Moved,
    OnRecord,
    Repair,
    RepairSetting,
    classify,
    first_repair_day,
    repair_plan,
    too_soon,
    why_broken,
)
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
from refocus_cli.core.rules import Booked, Context, clashes
from refocus_cli.core.scheduler import plan_rollout
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.core.workdays import WorkCalendar, bank_holidays

STAGES = ("workshop", "working-practices", "coaching", "practice-change")
STEPS = (
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
        2,
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
)
GAPS = {"workshop": 7, "working-practices": 14, "coaching": 7}
CHAINS = Chains(STEPS, GAPS, STAGES)
HOURS = Hours()
ENGLAND = frozenset(bank_holidays("england", range(2026, 2031)))


@st.composite
def broken_plans(draw):
    """A plan as made, some of it held, then cancellations, leave and closures to come."""
    teams = [
        TeamIn(
            i,
            f"Team {i}",
            draw(st.sampled_from(["North", "South"])),
            draw(st.integers(0, 30)),
            draw(st.integers(0, 2)),
        )
        for i in range(1, draw(st.integers(1, 4)) + 1)
    ]
    trainers = [
        TrainerIn(91, "Core lived", frozenset(STAGES), True),
        TrainerIn(92, "Core lead", frozenset(STAGES), False),
    ]
    for i in range(1, draw(st.integers(0, 3)) + 1):
        stages = draw(st.sets(st.sampled_from(STAGES), min_size=1))
        trainers.append(TrainerIn(i, f"Trainer {i}", frozenset(stages), draw(st.booleans())))
    venues = [
        VenueIn(i, f"Room {i}", draw(st.sampled_from(["North", "South"])), draw(st.integers(8, 40)))
        for i in range(1, draw(st.integers(0, 2)) + 1)
    ]
    start = date(2027, 1, 4) + timedelta(days=draw(st.integers(0, 300)))
    calendar = WorkCalendar(ENGLAND)
    try:
        plan = plan_rollout(list(STEPS), GAPS, teams, trainers, venues, calendar, start, HOURS)
    except Conflict:
        return None
    today = start + timedelta(days=draw(st.integers(0, 120)))
    future = [s for s in plan.sessions if s.day >= today]
    cancelled = (
        set(draw(st.sets(st.sampled_from(range(len(future))), max_size=3))) if future else set()
    )
    records = []
    for number, planned in enumerate(plan.sessions, start=1):
        if planned.day < today:
            status = draw(st.sampled_from([SessionStatus.HELD, SessionStatus.SCHEDULED]))
        elif future.index(planned) in cancelled:
            status = SessionStatus.CANCELLED
        else:
            status = SessionStatus.SCHEDULED
        records.append(OnRecord(number, status, planned))
    # Leave and closures from today on: what a year of change brings.
    away_days = {
        trainer.id: frozenset(
            today + timedelta(days=draw(st.integers(0, 200)))
            for _ in range(draw(st.integers(0, 6)))
        )
        for trainer in trainers
    }
    trainers = [replace(t, away=t.away | away_days[t.id]) for t in trainers]
    closures = frozenset(
        today + timedelta(days=draw(st.integers(0, 200))) for _ in range(draw(st.integers(0, 4)))
    )
    setting = RepairSetting(
        chains=CHAINS,
        hours=HOURS,
        teams={team.id: team for team in teams},
        trainers=tuple(trainers),
        venues=tuple(venues),
        calendar=WorkCalendar(ENGLAND | closures),
        bookings=(),
        today=today,
        first=first_repair_day(today, start),
    )
    return records, setting


def repaired(records: list[OnRecord], repair: Repair) -> list[OnRecord]:
    """The plan on record once a repair is written: moves in place, additions with new ids,
    sessions it drops cancelled."""
    after = {move.id: move.after for move in repair.moved}
    dropped = {drop.id for drop in repair.dropped}
    kept = [
        replace(
            r,
            planned=after.get(r.id, r.planned),
            status=SessionStatus.CANCELLED if r.id in dropped else r.status,
        )
        for r in records
    ]
    next_id = max(r.id for r in records) + 1
    added = [
        OnRecord(next_id + n, SessionStatus.SCHEDULED, planned)
        for n, planned in enumerate(repair.added)
    ]
    return sorted(kept + added, key=lambda r: (r.planned.start, r.id))


def _context(setting: RepairSetting) -> Context:
    names = {("trainer", t.id): t.name for t in setting.trainers}
    names.update({("team", t.id): t.name for t in setting.teams.values()})
    names.update({("venue", v.id): v.name for v in setting.venues})
    return Context(
        calendar=setting.calendar,
        day_start=HOURS.day_start,
        day_end=HOURS.day_end,
        stages=STAGES,
        stage_gaps=GAPS,
        away={t.id: t.away for t in setting.trainers},
        names=names,
        before={step.key: step.after for step in STEPS},
    )


def _booked(record: OnRecord) -> Booked:
    p = record.planned
    return Booked(
        record.id,
        p.stage,
        p.module,
        p.start,
        p.end,
        p.trainer_ids,
        p.team_ids,
        p.venue_id,
        p.occurrence,
        p.group,
    )


def _staffing_breaks(session: Booked, trainers: dict[int, TrainerIn]) -> list[str]:
    """What core/rules.py leaves to the scheduler: who may deliver, and co-delivery."""
    found = [
        f"session {session.id}: trainer {i} does not deliver {session.stage}"
        for i in session.trainer_ids
        if session.stage not in trainers[i].stages
    ]
    if CHAINS.by_key[session.module].co_delivered and not (
        len(set(session.trainer_ids)) == 2
        and any(trainers[i].lived_experience for i in session.trainer_ids)
    ):
        found.append(f"session {session.id} is not co-delivered")
    return found


def rule_breaks(records: list[OnRecord], setting: RepairSetting) -> list[str]:
    """Every rule a session still to come breaks, in the words of core/rules.py and more."""
    context = _context(setting)
    trainers = {t.id: t for t in setting.trainers}
    standing = [r for r in records if r.status != SessionStatus.CANCELLED]
    diary = [_booked(r) for r in standing]
    found: list[str] = []
    for record, session in zip(standing, diary, strict=True):
        if record.may_move(setting.today):  # what has happened stays as it happened
            found += [f"session {session.id}: {p}" for p in clashes(session, diary, context)]
            found += _staffing_breaks(session, trainers)
    return found


def places(records: list[OnRecord]) -> list[SessionKey]:
    """The places in the chains that sessions standing on record fill."""
    return sorted(SessionKey.of(r.planned) for r in records if r.status != "cancelled")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_plans())
def test_a_repaired_plan_keeps_every_rule_and_never_moves_what_happened(drawn):
    if drawn is None:
        event("no plan to break")
        return
    records, setting = drawn
    try:
        repair = repair_plan(records, setting)
    except Conflict as refusal:
        assert str(refusal)  # refused in words; nothing more to check
        event("refused")
        return
    event("repaired" if repair.moved or repair.added else "nothing broken")
    assert repair_plan(records, setting) == repair, "the same plan repairs the same way"
    movable = {r.id for r in records if r.may_move(setting.today)}
    assert {move.id for move in repair.moved} <= movable, "held and past sessions never move"
    for session in [move.after for move in repair.moved] + list(repair.added):
        assert session.day >= setting.first, "nothing is placed into today or the past"
        assert repair.why(session), "every change says why"
    after = repaired(records, repair)
    assert rule_breaks(after, setting) == []
    vacant = {SessionKey.of(r.planned) for r in records if r.status == "cancelled"}
    assert sorted(set(places(records)) | vacant) == places(after), "every place filled once"
    assert repair_plan(after, setting) == Repair((), (), {}), "a repaired plan needs nothing"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_plans())
def test_a_plan_nothing_has_happened_to_needs_no_repair(drawn):
    if drawn is None:
        return
    records, setting = drawn
    untouched = [
        replace(r, status=SessionStatus.SCHEDULED) if r.status == "cancelled" else r
        for r in records
    ]
    calm = replace(
        setting,
        trainers=tuple(replace(t, away=frozenset()) for t in setting.trainers),
        calendar=WorkCalendar(ENGLAND),
    )
    assert repair_plan(untouched, calm) == Repair((), (), {})


def _session(module: str, occurrence: int, day: date, teams=(1,), trainers=(92,)):
    step = CHAINS.by_key[module]
    start = datetime.combine(day, HOURS.day_start)
    return PlannedSession(
        module,
        step.stage,
        step.strategy,
        occurrence,
        1,
        teams,
        10,
        start,
        start + timedelta(minutes=step.minutes),
        trainers,
        None,
    )


def test_a_held_session_stands_for_its_place_and_removed_modules_are_left_alone():
    first = _session("values", 1, date(2027, 3, 1))
    again = replace(first, start=first.start + timedelta(days=7))
    gone = replace(first, module="a-module-no-longer-taught")
    standing = classify(
        [
            OnRecord(1, SessionStatus.SCHEDULED, first),
            OnRecord(2, SessionStatus.HELD, again),
            OnRecord(3, SessionStatus.CANCELLED, first),
            OnRecord(4, SessionStatus.SCHEDULED, gone),
        ],
        CHAINS.by_key,
    )
    assert standing.active == {SessionKey("values", 1, 1): OnRecord(2, SessionStatus.HELD, again)}
    assert standing.vacant() == []


def test_why_a_session_no_longer_fits():
    session = _session("workshop", 1, date(2027, 3, 1), trainers=(91, 92))
    step = CHAINS.by_key["workshop"]
    lived = TrainerIn(91, "Dai", frozenset(STAGES), True)
    lead = TrainerIn(92, "Ruth", frozenset(STAGES), False)
    calendar = WorkCalendar(ENGLAND)
    assert why_broken(session, step, calendar, {91: lived, 92: lead}) is None
    closed = WorkCalendar(ENGLAND | {date(2027, 3, 1)})
    assert why_broken(session, step, closed, {91: lived, 92: lead}) == (
        "2027-03-01 is no longer a working day"
    )
    away = replace(lead, away=frozenset({date(2027, 3, 1)}))
    assert why_broken(session, step, calendar, {91: lived, 92: away}) == (
        "trainer Ruth is unavailable on 2027-03-01"
    )
    coaching_only = replace(lead, stages=frozenset({"coaching"}))
    assert why_broken(session, step, calendar, {91: lived, 92: coaching_only}) == (
        "a trainer no longer delivers this stage"
    )


def test_what_depends_on_a_moved_session():
    values = _session("values", 1, date(2027, 3, 1))
    strengths = _session("strengths", 1, date(2027, 3, 8))
    other_team = _session("strengths", 1, date(2027, 3, 2), teams=(2,))
    coaching = _session("coaching", 1, date(2027, 3, 29), teams=(1, 2))
    assert CHAINS.depends(strengths, values) and CHAINS.depends(coaching, values)
    assert not CHAINS.depends(values, strengths) and not CHAINS.depends(other_team, values)
    # A module's spacing lays a plan out; it is not a rule. Put back on 2027-03-05, values
    # still comes before strengths, and 24 days before coaching: nothing need follow it.
    moved = replace(values, start=values.start + timedelta(days=4))
    assert too_soon([strengths, coaching, other_team], [moved], CHAINS) == {}
    # On 2027-03-16 it comes after strengths, and within the working practices' 14 days
    # of coaching: both must move; the other team's session need not.
    later = replace(values, start=values.start + timedelta(days=15))
    assert too_soon([strengths, coaching, other_team], [later], CHAINS) == {
        SessionKey("strengths", 1, 1): "follows values (session 1), which moved",
        SessionKey("coaching", 1, 1): "follows values (session 1), which moved",
    }


def _ended(records: list[OnRecord], team: int, ends: date) -> list[OnRecord]:
    """The plan as an ending leaves it: the team's own sessions from `ends` cancelled, shared
    ones going on without it."""
    found = []
    for record in records:
        planned = record.planned
        if (
            record.status != SessionStatus.SCHEDULED
            or team not in planned.team_ids
            or planned.day < ends
        ):
            found.append(record)
        elif planned.team_ids == (team,):
            found.append(replace(record, status=SessionStatus.CANCELLED))
        else:
            teams = tuple(t for t in planned.team_ids if t != team)
            found.append(replace(record, planned=replace(planned, team_ids=teams)))
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_plans(), st.integers(0, 3), st.integers(0, 240))
def test_nothing_is_put_back_for_a_team_on_or_after_the_day_it_ends(drawn, which, after):
    if drawn is None:
        return
    records, setting = drawn
    team = sorted(setting.teams)[which % len(setting.teams)]
    ends = setting.today + timedelta(days=after)
    records = _ended(records, team, ends)
    teams = {**setting.teams, team: replace(setting.teams[team], ends=ends)}
    setting = replace(setting, teams=teams)
    try:
        repair = repair_plan(records, setting)
    except Conflict:
        event("refused")
        return
    for session in [move.after for move in repair.moved] + list(repair.added):
        assert all(setting.teams[t].active_on(session.day) for t in session.team_ids)
        assert session.team_ids, "every session is for a team"
    assert rule_breaks(repaired(records, repair), setting) == []
    assert repair_plan(repaired(records, repair), setting) == Repair((), (), {})


def test_a_trainer_away_is_swapped_on_the_same_day_when_another_is_free():
    values = _session("values", 1, date(2027, 3, 1), trainers=(92,))
    strengths = _session("strengths", 1, date(2027, 3, 8), trainers=(92,))
    lead = TrainerIn(92, "Ruth", frozenset(STAGES), False, frozenset({date(2027, 3, 1)}))
    other = TrainerIn(93, "Sam", frozenset(STAGES), False)
    setting = RepairSetting(
        chains=CHAINS,
        hours=HOURS,
        teams={1: TeamIn(1, "North", "North", 10, 1)},
        trainers=(lead, other),
        venues=(),
        calendar=WorkCalendar(ENGLAND),
        bookings=(),
        today=date(2027, 2, 1),
        first=date(2027, 2, 2),
    )
    records = [
        OnRecord(1, SessionStatus.SCHEDULED, values),
        OnRecord(2, SessionStatus.SCHEDULED, strengths),
    ]
    repair = repair_plan(records, setting)
    assert repair.moved == (Moved(1, values, replace(values, trainer_ids=(93,))),)
    assert repair.why(values) == "trainer Ruth is unavailable on 2027-03-01"


def test_a_cancelled_session_goes_back_within_its_week_and_nothing_after_it_moves():
    values = _session("values", 1, date(2027, 3, 1))
    strengths = _session("strengths", 1, date(2027, 3, 8))
    coaching = _session("coaching", 1, date(2027, 3, 22))  # 14 days after strengths
    setting = RepairSetting(
        chains=CHAINS,
        hours=HOURS,
        teams={1: TeamIn(1, "North", "North", 10, 1)},
        trainers=(TrainerIn(92, "Ruth", frozenset(STAGES), False),),
        venues=(),
        calendar=WorkCalendar(ENGLAND),
        bookings=(),
        today=date(2027, 2, 1),
        first=date(2027, 2, 2),
    )
    records = [
        OnRecord(1, SessionStatus.CANCELLED, values),
        OnRecord(2, SessionStatus.SCHEDULED, strengths),
        OnRecord(3, SessionStatus.SCHEDULED, coaching),
    ]
    repair = repair_plan(records, setting)
    # Not on the day it was called off: the next day, the same time, the same trainer.
    assert repair.added == (replace(values, start=values.start + timedelta(days=1),
                                    end=values.end + timedelta(days=1)),)  # fmt: skip
    assert repair.moved == () and repair.replaces == {SessionKey("values", 1, 1): 1}


def test_a_session_cancelled_as_unavailable_goes_to_another_trainer_even_on_another_day():
    values = _session("values", 1, date(2027, 3, 1), trainers=(92,))
    ruth = TrainerIn(92, "Ruth", frozenset(STAGES), False, frozenset({date(2027, 3, 1)}))
    sam = TrainerIn(93, "Sam", frozenset(STAGES), False)
    busy = Booking(date(2027, 3, 1), ("am", "pm"), (93,))  # Sam teaches elsewhere that day
    setting = RepairSetting(
        chains=CHAINS,
        hours=HOURS,
        teams={1: TeamIn(1, "North", "North", 10, 1)},
        trainers=(ruth, sam),
        venues=(),
        calendar=WorkCalendar(ENGLAND),
        bookings=(busy,),
        today=date(2027, 2, 1),
        first=date(2027, 2, 2),
    )
    repair = repair_plan([OnRecord(1, SessionStatus.CANCELLED, values)], setting)
    (added,) = repair.added
    assert added.day == date(2027, 3, 2) and added.trainer_ids == (93,)
    # Cancelled for another reason (no leave that day), it goes back to its own trainer.
    calm = replace(setting, trainers=(replace(ruth, away=frozenset()), sam))
    (again,) = repair_plan([OnRecord(1, SessionStatus.CANCELLED, values)], calm).added
    assert again.day == date(2027, 3, 2) and again.trainer_ids == (92,)
