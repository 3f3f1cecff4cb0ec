"""Who missed training: joiners, movers who had it elsewhere, absences."""

from __future__ import annotations

from datetime import date

from refocus_cli.core.catchup import Delivered, Gap, Person, Spell, catch_up_groups, find_gaps

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
