"""The pure pieces under the reports and calendars: report view models, CSV cells and
the choice of a calendar's sessions."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refocus_cli.core.calendar import SessionChoice, choose_sessions
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.exports import csv_lines, plain
from refocus_cli.core.measure_facts import Facts, SessionFact, StaffFact, TeamFact
from refocus_cli.core.measure_participation import participation_view
from refocus_cli.core.measure_records import milestones_view, progress_view
from refocus_cli.core.measures import Implementation
from refocus_cli.core.spells import Spell

AS_OF = date(2027, 3, 1)


def _implementation() -> Implementation:
    """Two teams of two; team 1 held the first of two values sessions, team 2 none."""
    teams = {
        1: TeamFact(1, "One", "active", None, "W1"),
        2: TeamFact(2, "Two", "active", None, "W2"),
    }
    staff = {i: StaffFact(i, f"P{i}", is_manager=i in (10, 20)) for i in (10, 11, 20, 21)}
    spells = {i: [Spell(i // 10, date(2026, 1, 1), None)] for i in staff}
    sessions = [
        SessionFact(1, "working-practices", "values", "working-practices-training", 1, "planned",
                    "held", date(2027, 2, 1), (1,), "whole-team"),
        SessionFact(2, "working-practices", "values", "working-practices-training", 2, "planned",
                    "scheduled", date(2027, 4, 1), (1,), "whole-team"),
        SessionFact(3, "working-practices", "values", "working-practices-training", 1, "planned",
                    "scheduled", date(2027, 4, 2), (2,), "whole-team"),
    ]  # fmt: skip
    marks = {(1, 10): "present", (1, 11): "absent"}
    return Implementation(Facts(AS_OF, teams, staff, spells, sessions, marks))


def test_progress_view_keeps_the_json_keys_and_flattens_for_csv():
    view = progress_view(_implementation())
    record = view.as_record()
    assert list(record) == ["as_of", "teams"] and record["as_of"] == "2027-03-01"
    one = record["teams"][0]
    assert list(one) == [
        "id", "name", "cohort", "status", "ended_on", "stages", "flags", "scheduled"
    ]  # fmt: skip
    values = next(s for s in one["stages"] if s["stage"] == "working-practices")
    assert values == {
        "stage": "working-practices", "planned": 2, "held": 1, "cancelled": 0,
        "awaiting_register": 0, "attendance": 0.5, "reach": 0.5, "completed": 1, "staff": 2,
        "first": "2027-02-01", "last": "2027-04-01",
    }  # fmt: skip
    flat = view.flat()
    assert len(flat) == 2 * 4  # two teams, four stages
    assert list(flat[0])[:3] == ["team", "cohort", "stage"]


def test_a_cohort_narrows_every_view_and_appears_in_progress_json():
    impl = _implementation()
    progress = progress_view(impl, {2}, "W2")
    assert [t.name for t in progress.teams] == ["Two"]
    assert progress.as_record()["cohort"] == "W2"
    participation = participation_view(impl, {2})
    assert [p.team for p in participation.staff] == ["Two", "Two"]
    assert [t.name for t in participation.teams] == ["Two"]
    assert [m.team for m in milestones_view(impl, {1}).milestones] == ["One"]


def test_participation_rows_as_json_and_as_a_table():
    view = participation_view(_implementation())
    person = next(p for p in view.staff if p.id == 10)
    assert list(person.as_record()) == [
        "id", "name", "team", "left_on", "score", "engaged", "applicable", "strategies",
        "attended", "expected",
    ]  # fmt: skip
    row = person.table_row()
    # Only working-practices training has been held: it is the one strategy that applies.
    assert row["working-practices-training"] == 1 and row["information-session"] is None
    assert (row["engaged"], row["applicable"], row["score"]) == (1, 1, 1.0)
    assert list(view.as_record()) == ["as_of", "median", "split", "staff", "teams", "method"]


@given(st.sampled_from(["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx"]))
def test_formula_looking_cells_are_neutralised(text):
    header, row = csv_lines([{"a": text, "b": True}], [("a", "A"), ("b", "B")])
    assert header == ["a", "b"]
    assert row == ["'" + text, "yes"]


def test_plain_cells():
    assert plain(None) == "" and plain(False) == "no" and plain(["a", "b"]) == "a, b"
    assert plain(3) == 3


FILTERS = ("cohort", "team", "trainer", "staff")


@given(st.dictionaries(st.sampled_from(FILTERS), st.text(min_size=1)), st.booleans())
def test_exactly_one_filter_chooses_the_sessions(given_filters, every):
    args = [given_filters.get(name) for name in FILTERS]
    if len(given_filters) + every != 1:
        with pytest.raises(InvalidInput, match="exactly one of"):
            choose_sessions(*args, every)
        return
    chosen = choose_sessions(*args, every)
    if every:
        assert chosen == SessionChoice("all")
    else:
        ((kind, ref),) = given_filters.items()
        assert chosen == SessionChoice(kind, ref)
