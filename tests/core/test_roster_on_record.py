"""Roster checking against what is on record: ended teams, emails given, people already there."""

from __future__ import annotations

from datetime import date

import pytest

from refocus_cli.core.errors import FileProblems
from refocus_cli.core.roster import (
    EndedTeam,
    KnownPerson,
    RosterContext,
    check_roster,
)
from refocus_cli.core.tabular import Table

START = date(2027, 1, 4)
HEADERS = ["Name", "Team", "Email"]
ON_RECORD = RosterContext(
    teams={"north cmht": "North CMHT"},
    ended_teams={
        "south cmht": EndedTeam("South CMHT", "2027-02-01", merged_into="North CMHT"),
        "rehab": EndedTeam("Rehab", "2027-03-01"),
    },
    by_email={"ann.lee@nhs.example": KnownPerson("Ann Lee", "North CMHT", 7)},
    without_email={("bo kay", "north cmht"): (8,), ("cy dee", "north cmht"): (9, 10)},
)


def _check(*rows: list[str]):
    table = Table("roster.csv", HEADERS, [(n, cells) for n, cells in enumerate(rows, start=2)])
    return check_roster(table, ON_RECORD, START)


def test_an_ended_team_says_what_became_of_it():
    with pytest.raises(FileProblems) as raised:
        _check(["Dee Eve", "South CMHT", ""], ["Fay Gee", "rehab", ""])
    assert raised.value.problems == [
        "row 2: team 'South CMHT' was merged into North CMHT on 2027-02-01: use 'North CMHT'",
        "row 3: team 'rehab' was disbanded on 2027-03-01: give these staff an active team",
    ]


def test_rows_describing_people_on_record_add_no_one():
    plan = _check(
        ["ann lee", "north cmht", "Ann.Lee@nhs.example"],
        ["Bo Kay", "North CMHT", ""],
        ["Cy Dee", "North CMHT", ""],
    )
    assert plan.to_add == [] and [e.row for e in plan.unchanged] == [2, 3, 4]


def test_an_email_goes_to_the_one_person_on_record_without_one():
    plan = _check(["Bo Kay", "North CMHT", "bo@nhs.example"])
    [given] = plan.emails_added
    assert (given.staff_id, given.entry.row, given.entry.email) == (8, 2, "bo@nhs.example")
    assert plan.to_add == []


def test_two_people_of_one_name_without_email_get_a_new_record_not_a_guess():
    # A third Cy Dee in North CMHT is a duplicate name, imported only when allowed.
    with pytest.raises(FileProblems) as raised:
        _check(["Cy Dee", "North CMHT", "cy@nhs.example"])
    assert raised.value.problems == [
        "row 2: North CMHT already has someone called Cy Dee (id 9 on record): "
        "if they are two people, import with --allow-duplicate-names; if one, remove the row"
    ]
    table = Table("roster.csv", HEADERS, [(2, ["Cy Dee", "North CMHT", "cy@nhs.example"])])
    plan = check_roster(table, ON_RECORD, START, allow_duplicate_names=True)
    assert plan.emails_added == [] and [e.email for e in plan.to_add] == ["cy@nhs.example"]


def test_an_email_on_record_for_someone_else_is_refused():
    with pytest.raises(FileProblems) as raised:
        _check(["Ann Other", "North CMHT", "ann.lee@nhs.example"])
    assert raised.value.problems == [
        "row 2: email ann.lee@nhs.example already belongs to Ann Lee (id 7) in team North CMHT: "
        "use `refocus staff move` for a change of team"
    ]
