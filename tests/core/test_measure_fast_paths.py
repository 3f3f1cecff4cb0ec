"""The measures' fast paths against the plain rules they stand for, on random small
programmes: staff lists cached per stretch between staff changes, attendance counted
with Counters over whole activities, marks read grouped by session, exact means in
whole numbers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from refocus_cli.core.measure_facts import Facts, SessionFact, StaffFact, TeamFact
from refocus_cli.core.measure_values import mean_of
from refocus_cli.core.measures import Implementation
from refocus_cli.core.spells import Spell
from refocus_cli.core.vocabulary import ATTENDED

START = date(2026, 1, 5)
AS_OF = START + timedelta(days=60)
TEAMS = (1, 2, 3)
STAFF = tuple(range(10, 22))
MODULES = (  # module, strategy, audience
    ("values", "working-practices-training", "whole-team"),
    ("coaching", "coaching-training", "clinical"),
    ("reflection", "manager-reflection", "managers"),
)
STATUSES = ("present", "late", "left-early", "excused", "absent")

days = st.integers(0, 70).map(lambda n: START + timedelta(days=n))


@st.composite
def spells(draw):
    """Each person's stretches in teams: none, one, or a move (some with an end)."""
    found = {}
    for staff_id in STAFF:
        count = draw(st.integers(0, 2))
        first = START + timedelta(days=draw(st.integers(-30, 40)))
        stretches = []
        for _ in range(count):
            length = draw(st.one_of(st.none(), st.integers(1, 40)))
            end = None if length is None else first + timedelta(days=length)
            stretches.append(Spell(draw(st.sampled_from(TEAMS)), first, end))
            if end is None:
                break
            first = end
        if stretches:
            found[staff_id] = stretches
    return found


@st.composite
def programmes(draw):
    """Facts for a few teams: sessions (some of several teams, some catch-ups, some not
    held), marks at them (some for people of no team there), turnover, an ended team."""
    ended = draw(st.one_of(st.none(), days))
    teams = {
        1: TeamFact(1, "One", "active", None, "W"),
        2: TeamFact(2, "Two", "disbanded" if ended else "active", ended, "W"),
        3: TeamFact(3, "Three", "active", None, None),
    }
    staff = {
        i: StaffFact(i, f"P{i}", is_manager=draw(st.booleans()), clinical=draw(st.booleans()))
        for i in STAFF
    }
    sessions = []
    for session_id in range(1, draw(st.integers(1, 14)) + 1):
        module, strategy, audience = draw(st.sampled_from(MODULES))
        catch_up = draw(st.booleans()) and draw(st.booleans())
        sessions.append(
            SessionFact(
                id=session_id,
                stage="working-practices",
                module=module,
                strategy=strategy,
                occurrence=draw(st.integers(1, 2)),
                kind="catch-up" if catch_up else "planned",
                status=draw(st.sampled_from(("held", "held", "scheduled", "cancelled"))),
                day=draw(days),
                team_ids=()
                if catch_up
                else tuple(draw(st.sets(st.sampled_from(TEAMS), min_size=1, max_size=3))),
                audience=audience,
                invitees=tuple(draw(st.sets(st.sampled_from(STAFF), max_size=4)))
                if catch_up
                else (),
            )
        )
    sessions.sort(key=lambda s: (s.day, s.id))
    marks = {
        (session.id, staff_id): draw(st.sampled_from(STATUSES))
        for session in sessions
        for staff_id in draw(st.sets(st.sampled_from(STAFF), max_size=6))
    }
    return Facts(AS_OF, teams, staff, draw(spells()), sessions, marks)


def plain_members(facts: Facts, team_id: int, day: date) -> list[int]:
    """The staff on a team on a day, straight from the spells."""
    return [
        staff_id
        for staff_id, stretches in facts.spells.items()
        for spell in stretches
        if spell.team_id == team_id and spell.covers(day)
    ]


def plain_tallies(impl: Implementation) -> dict[tuple[int, str], list[int]]:
    """(staff id, key) -> [came, expected], counted person by person, mark by mark."""
    facts = impl.facts
    activities: dict[object, tuple[set[int], set[int]]] = {}
    held = [s for s in facts.sessions if s.status == "held" and s.day <= facts.as_of]
    for session in held:
        if session.kind == "catch-up":
            activities.setdefault(("catch-up", session.id), (set(), set()))[0].update(
                session.invitees
            )
            continue
        for team_id in session.team_ids:
            team = facts.teams[team_id]
            if team.ended_on is not None and session.day >= team.ended_on:
                continue
            wanted = impl.audience_ids(session.audience)
            people = {s for s in plain_members(facts, team_id, session.day) if s in wanted}
            key = (team_id, session.module, session.occurrence)
            activities.setdefault(key, (set(), set()))[0].update(people)
    by_id = {s.id: s for s in held}
    for (session_id, staff_id), status in facts.marks.items():
        session = by_id.get(session_id)
        if session is None or status not in ATTENDED:
            continue
        if session.kind == "catch-up":
            key = ("catch-up", session.id)
        else:
            team_id = impl.team_on(staff_id, session.day)
            if team_id not in session.team_ids:
                team_id = session.team_ids[0] if session.team_ids else None
            key = (team_id, session.module, session.occurrence)
        expected, came = activities.setdefault(key, (set(), set()))
        expected.add(staff_id)
        came.add(staff_id)
    tally: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for key, (expected, came) in activities.items():
        session = _session_of(key, held, by_id)
        names = [session.strategy, "module:" + session.module]
        if session.kind == "catch-up":
            names.append("catch-up:" + session.module)
        for staff_id in expected:
            for name in names:
                tally[staff_id, name][0] += staff_id in came
                tally[staff_id, name][1] += 1
    return dict(tally)


def _session_of(key, held, by_id) -> SessionFact:
    """A session of the activity under `key` (its strategy, module and kind are all the
    measures read from it)."""
    if key[0] == "catch-up":
        return by_id[key[1]]
    return next(s for s in held if s.kind == "planned" and (s.module, s.occurrence) == key[1:])


@settings(max_examples=20, deadline=None)
@given(programmes(), st.lists(days, min_size=1, max_size=5))
def test_cached_staff_lists_are_the_spells_on_the_day(facts, some_days):
    impl = Implementation(facts)
    for team_id in TEAMS:
        for day in some_days:
            assert list(impl.members(team_id, day)) == plain_members(facts, team_id, day)
            for audience in ("whole-team", "clinical", "managers"):
                wanted = impl.audience_ids(audience)
                plain = {s for s in plain_members(facts, team_id, day) if s in wanted}
                assert impl.expected_of(team_id, day, audience) == plain


@settings(max_examples=20, deadline=None)
@given(programmes())
def test_counted_attendance_is_the_person_by_person_count(facts):
    impl = Implementation(facts)
    plain = plain_tallies(impl)
    keys = {name for _, name in plain} | set(impl.by_strategy) | set(impl.by_module)
    for name in keys:
        tally = impl.tally(name)
        for staff_id in STAFF:
            came, expected = plain.get((staff_id, name), [0, 0])
            assert tally.came.get(staff_id, 0) == came, (staff_id, name)
            assert tally.expected.get(staff_id, 0) == expected, (staff_id, name)


@settings(max_examples=20, deadline=None)
@given(programmes())
def test_who_came_is_the_attended_marks_grouped_by_session(facts):
    grouped: dict[int, set[int]] = defaultdict(set)
    for (session_id, staff_id), status in facts.marks.items():
        if status in ATTENDED:
            grouped[session_id].add(staff_id)
    assert {k: set(v) for k, v in facts.came.items()} == grouped


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(1, 6)), min_size=1, max_size=40))
def test_exact_mean_in_whole_numbers_is_the_mean_of_fractions(pairs):
    shares = [(min(a, b), b) for a, b in pairs]
    assert mean_of(shares) == sum((Fraction(a, b) for a, b in shares), Fraction(0)) / len(shares)
