"""Reading typed-up sign-in registers: statuses as people write them, problems by row."""

from __future__ import annotations

import pytest

from refocus_cli.core.errors import FileProblems, InvalidInput
from refocus_cli.core.register import read_register, status_of
from refocus_cli.core.tabular import Table


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("P", "present"),
        (" yes ", "present"),
        ("Late", "late"),
        ("left early", "left-early"),
        ("Left_Early", "left-early"),
        ("apologies", "excused"),
        ("DNA", "absent"),
        ("a", "absent"),
    ],
)
def test_statuses_as_trainers_write_them(typed, status):
    assert status_of(typed) == status


def test_an_unknown_status_says_which_are_known():
    with pytest.raises(InvalidInput, match="use present, late, left-early, excused or absent"):
        status_of("maybe")


def test_every_bad_row_is_reported_together():
    table = Table(
        "reg.csv",
        ["Session", "Full name", "Attendance"],
        [
            (2, ["12", "Ann", "P"]),
            (3, ["12", "", "P"]),
            (4, ["x", "Bo", "P"]),
            (5, ["12", "Cy", "?"]),
        ],
    )
    with pytest.raises(FileProblems) as caught:
        read_register(table)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["row 3", "row 4", "row 5"]


def test_a_register_needs_name_and_status_columns():
    with pytest.raises(FileProblems) as caught:
        read_register(Table("reg.csv", ["who"], [(2, ["Ann"])]))
    assert "missing required column 'name'" in caught.value.problems[0]
    assert "missing required column 'status'" in caught.value.problems[1]


def test_visitor_and_session_columns_are_read():
    table = Table(
        "r.csv", ["name", "status", "visitor", "session"], [(2, ["Pat  Reid", "P", "yes", "7"])]
    )
    (line,) = read_register(table)
    assert (line.person, line.status, line.visitor, line.session) == (
        "Pat Reid",
        "present",
        True,
        "7",
    )


def test_short_rows_read_as_blank_cells():
    table = Table(
        "r.csv",
        ["name", "status", "notes", "visitor"],
        [(2, ["Pat Reid", "late"]), (3, ["Ann Lee"])],
    )
    with pytest.raises(FileProblems) as caught:
        read_register(table)
    assert caught.value.problems == [
        "row 3: unknown status '': use present, late, left-early, excused or absent"
    ]
    (line,) = read_register(Table("r.csv", table.headers, table.rows[:1]))
    assert (line.person, line.status, line.visitor, line.session) == (
        "Pat Reid",
        "late",
        False,
        None,
    )
