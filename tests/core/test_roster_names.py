"""A name a roster gives twice is refused unless --allow-duplicate-names (issue 16, item 10)."""

from __future__ import annotations

from datetime import date

import pytest

from refocus_cli.core.errors import FileProblems
from refocus_cli.core.roster import KnownPerson, RosterContext, check_roster
from refocus_cli.core.tabular import Table

START = date(2027, 1, 4)
ON_RECORD = RosterContext(
    teams={"north cmht": "North CMHT", "south cmht": "South CMHT"},
    by_email={"ann.lee@nhs.example": KnownPerson("Ann Lee", "North CMHT", 7)},
    without_email={("bo kay", "south cmht"): (8,)},
)
SAME_TEAM = "if they are two people, import with --allow-duplicate-names; if one, remove the row"
NO_EMAIL = (
    "and without an email for each refocus cannot tell one person from two: give each their "
    "email, import with --allow-duplicate-names if they are two people, or, for one person, "
    "remove the row (`refocus staff move` changes a team)"
)


def _table(*rows: tuple[str, str, str]) -> Table:
    cells = [(n, list(row)) for n, row in enumerate(rows, start=2)]
    return Table("roster.csv", ["name", "team", "email"], cells)


def _problems(*rows: tuple[str, str, str]) -> list[str]:
    with pytest.raises(FileProblems) as raised:
        check_roster(_table(*rows), ON_RECORD, START)
    return raised.value.problems


def test_one_name_twice_in_a_team_is_refused_once_at_the_later_row():
    assert _problems(
        ("Cy Dee", "North CMHT", ""),
        ("Di Eve", "North CMHT", ""),
        ("Cy Dee", "north cmht", ""),
    ) == [f"row 4: North CMHT already has someone called Cy Dee (row 2): {SAME_TEAM}"]


def test_names_are_compared_without_case_accents_or_spaces():
    assert _problems(("Zoë Adams", "North CMHT", ""), ("zoe  ADAMS", "North CMHT", "")) == [
        f"row 3: North CMHT already has someone called zoe ADAMS (row 2): {SAME_TEAM}"
    ]


def test_two_emails_do_not_make_one_name_in_one_team_unambiguous():
    """refocus finds people by name: two Cy Dees in one team need the user to say so."""
    problems = _problems(("Cy Dee", "North CMHT", "cy.a@nhs.example"),
                         ("Cy Dee", "North CMHT", "cy.b@nhs.example"))  # fmt: skip
    assert problems == [f"row 3: North CMHT already has someone called Cy Dee (row 2): {SAME_TEAM}"]


def test_a_name_taken_in_the_team_on_record_is_refused():
    assert _problems(("Ann Lee", "North CMHT", "ann.lee2@nhs.example")) == [
        f"row 2: North CMHT already has someone called Ann Lee (id 7 on record): {SAME_TEAM}"
    ]


def test_one_name_in_two_teams_is_fine_when_each_has_an_email():
    plan = check_roster(
        _table(("Cy Dee", "North CMHT", "cy.a@nhs.example"),
               ("Cy Dee", "South CMHT", "cy.b@nhs.example"),
               ("Ann Lee", "South CMHT", "ann.other@nhs.example")),
        ON_RECORD,
        START,
    )  # fmt: skip
    assert [entry.row for entry in plan.to_add] == [2, 3, 4] and plan.duplicate_names == []


def test_one_name_in_two_teams_without_an_email_for_each_is_refused():
    assert _problems(
        ("Cy Dee", "North CMHT", "cy.a@nhs.example"),
        ("Cy Dee", "South CMHT", ""),
        ("Bo Kay", "North CMHT", ""),
    ) == [  # fmt: skip
        f"row 3: Cy Dee (South CMHT) has the name of someone in North CMHT (row 2), {NO_EMAIL}",
        "row 4: Bo Kay (North CMHT) has the name of someone in South CMHT (id 8 on record), "
        + NO_EMAIL,
    ]


def test_allowed_they_are_imported_each_with_a_warning():
    plan = check_roster(
        _table(("Cy Dee", "North CMHT", ""), ("Cy Dee", "North CMHT", ""),
               ("Bo Kay", "North CMHT", "")),
        ON_RECORD,
        START,
        allow_duplicate_names=True,
    )  # fmt: skip
    assert [entry.row for entry in plan.to_add] == [2, 3, 4]
    assert plan.duplicate_names == [
        "row 3: Cy Dee (North CMHT) was imported as a different person from the Cy Dee in "
        "North CMHT (row 2); name them by id or email from now on",
        "row 4: Bo Kay (North CMHT) was imported as a different person from the Bo Kay in "
        "South CMHT (id 8 on record); name them by id or email from now on",
    ]


def test_rows_describing_people_on_record_are_not_duplicates_of_them():
    plan = check_roster(
        _table(("Ann Lee", "North CMHT", "ann.lee@nhs.example"), ("Bo Kay", "South CMHT", "")),
        ON_RECORD,
        START,
    )
    assert plan.to_add == [] and len(plan.unchanged) == 2 and plan.duplicate_names == []
