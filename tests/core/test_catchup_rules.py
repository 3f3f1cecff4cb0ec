"""Who missed training: joiners, movers who had it elsewhere, absences."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from refocus_cli.core.catchup import (
    BookedGap,
    Delivered,
    Gap,
    Invitation,
    Person,
    as_seen_from_today,
    catch_up_groups,
    find_gaps,
    settle,
    waiting,
)
from refocus_cli.core.rollout import Booking, PlannedSession
from refocus_cli.core.spells import Spell
from refocus_cli.core.vocabulary import AttendanceStatus
from refocus_cli.core.workdays import WorkCalendar

WORKSHOP = [
    Delivered(1, "workshop", "recovery-workshop", date(2027, 1, 11), (1,)),
    Delivered(2, "workshop", "recovery-workshop", date(2027, 1, 12), (2,)),
    Delivered(3, "practice-change", "team-reflection", date(2027, 5, 3), (1,)),
]


def test_joiner_after_the_workshop_missed_it_but_not_reflection():
    people = [Person(10, "Ann", 1, "North")]
    spells = {10: [Spell(1, date(2027, 2, 1), None)]}
    gaps = find_gaps(people, spells, WORKSHOP)
    assert [(g.module, g.reason) for g in gaps] == [
        ("recovery-workshop", "joined North on 2027-02-01, after its 2027-01-11 session")
    ]


def test_mover_who_had_it_in_the_old_team_has_no_gap():
    people = [Person(11, "Bob", 1, "North")]
    spells = {11: [Spell(2, date(2026, 1, 1), date(2027, 2, 1)), Spell(1, date(2027, 2, 1), None)]}
    assert find_gaps(people, spells, WORKSHOP) == []


def test_member_on_the_day_who_was_absent_missed_it():
    people = [Person(12, "Cai", 1, "North")]
    spells = {12: [Spell(1, date(2026, 1, 1), None)]}
    assert find_gaps(people, spells, WORKSHOP) == []
    gaps = find_gaps(people, spells, WORKSHOP, missed_sessions={(12, 1)})
    assert [(g.module, g.reason) for g in gaps] == [
        ("recovery-workshop", "recorded as absent or excused")
    ]


def test_groups_respect_the_largest_group():
    gaps = [
        Gap(i, f"P{i}", i % 3, f"T{i % 3}", "workshop", "recovery-workshop", "") for i in range(7)
    ]
    groups = catch_up_groups(gaps, {"recovery-workshop": 3})["recovery-workshop"]
    assert [len(g) for g in groups] == [3, 3, 1]
    assert sorted(g.staff_id for group in groups for g in group) == list(range(7))


def test_a_joiner_whose_move_is_dated_later_is_still_a_joiner():
    people = [Person(13, "Dee", 1, "North")]
    spells = {13: [Spell(1, date(2027, 2, 1), date(2027, 9, 1)), Spell(2, date(2027, 9, 1), None)]}
    gaps = find_gaps(people, spells, WORKSHOP)
    assert [g.reason for g in gaps] == ["joined North on 2027-02-01, after its 2027-01-11 session"]


def _catch_up(module: str, occurrence: int, day: date, teams: tuple[int, ...]) -> PlannedSession:
    start = datetime.combine(day, datetime.min.time()).replace(hour=9)
    return PlannedSession(
        module, "coaching", "coaching-training", occurrence, 1, teams, 3, start,
        start + timedelta(hours=3), (7,), None,
    )  # fmt: skip


def test_nobody_is_invited_after_they_leave_nor_named_with_a_team_that_has_ended():
    # Ann stays; Bob leaves before the second session; Cai's team 2 merges into team 3
    # between the two sessions, so the second names team 3 for him.
    spells = {
        1: [Spell(1, date(2026, 1, 1), None)],
        2: [Spell(1, date(2026, 1, 1), date(2027, 3, 10))],
        3: [Spell(2, date(2026, 1, 1), date(2027, 3, 10)), Spell(3, date(2027, 3, 10), None)],
    }
    placed = [
        _catch_up("coaching", 1, date(2027, 3, 1), (1, 2)),
        _catch_up("coaching", 2, date(2027, 3, 15), (1, 2)),
    ]
    sessions, invitees = settle(placed, {("coaching", 1): (1, 2, 3)}, spells)
    assert invitees == {("coaching", 1): (1, 3)}
    assert [(s.team_ids, s.expected) for s in sessions] == [((1, 2), 2), ((1, 3), 2)]


def test_a_group_nobody_is_left_for_is_not_planned():
    spells = {2: [Spell(1, date(2026, 1, 1), date(2027, 3, 10))]}
    placed = [_catch_up("coaching", 1, date(2027, 3, 15), (1,))]
    assert settle(placed, {("coaching", 1): (2,)}, spells) == ([], {})


def test_who_is_waiting_who_is_booked_and_who_has_caught_up():
    gaps = [
        Gap(i, f"P{i}", 1, "North", "coaching", "coaching", "joined late") for i in (1, 2, 3, 4)
    ]
    first, second = datetime(2027, 4, 5, 9, 30), datetime(2027, 4, 12, 9, 30)
    invitations = [
        # 2: came to the first of two sessions, the second still to come: booked on it.
        Invitation(2, "coaching", 71, first, AttendanceStatus.PRESENT),
        Invitation(2, "coaching", 72, second, None),
        # 3: came to both: caught up.
        Invitation(3, "coaching", 71, first, AttendanceStatus.LATE),
        Invitation(3, "coaching", 72, second, AttendanceStatus.PRESENT),
        # 4: missed the first: waiting again, and why.
        Invitation(4, "coaching", 71, first, AttendanceStatus.ABSENT),
        Invitation(4, "coaching", 72, second, None),
    ]
    missed, booked = waiting(gaps, invitations)
    assert [(g.staff_id, g.reason) for g in missed] == [
        (1, "joined late"),
        (4, "recorded as absent at catch-up session 71"),
    ]
    assert booked == [BookedGap(gaps[1], 72, second)]


def test_a_notice_period_counts_working_days():
    easter = WorkCalendar(frozenset({date(2027, 3, 26), date(2027, 3, 29)}))
    assert easter.after(date(2027, 3, 1), 10) == date(2027, 3, 15)
    assert easter.after(date(2027, 3, 22), 5) == date(2027, 3, 31)  # Good Friday, Easter Monday
    assert (
        easter.after(date(2027, 3, 5), 0) == easter.after(date(2027, 3, 5), 1) == date(2027, 3, 8)
    )


def test_a_team_someone_joins_later_is_busy_for_their_team_today_from_that_day():
    """South (2) merges into North (1) on 13 Jan: for Ann, waiting in South today, North's
    sessions from the 13th are in her way; before it they are not, nor for anyone else."""
    gap = Gap(10, "Ann", 2, "South", "workshop", "recovery-workshop", "missed it")
    spells = {
        10: [Spell(2, date(2026, 1, 1), date(2027, 1, 13)), Spell(1, date(2027, 1, 13), None)]
    }
    before, after = (
        Booking(date(2027, 1, 12), ("am",), (), (1,)),
        Booking(date(2027, 1, 18), ("am",), (), (1,)),
    )
    other = Booking(date(2027, 1, 18), ("pm",), (), (3,))
    seen = as_seen_from_today([before, after, other], [gap], spells)
    assert [b.team_ids for b in seen] == [(1,), (1, 2), (3,)]


def test_someone_leaving_on_the_day_of_their_teams_session_is_not_called_absent():
    people = [Person(12, "Cat", 2, "South"), Person(13, "Dan", 2, "South")]
    spells = {
        12: [Spell(2, date(2026, 1, 1), date(2027, 1, 12))],  # leaves the day of the workshop
        13: [Spell(2, date(2026, 1, 1), None)],
    }
    gaps = find_gaps(people, spells, WORKSHOP, {(13, 2)})
    assert [(g.name, g.reason) for g in gaps] == [
        ("Cat", "not in South on the day of its 2027-01-12 session"),
        ("Dan", "recorded as absent or excused"),
    ]
