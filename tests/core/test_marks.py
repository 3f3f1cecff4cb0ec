"""Attendance rules: which sessions take a register, and how what was said becomes marks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from refocus_cli.core.marks import Overrides, Refusal, Replacement, Sheet, refusal
from refocus_cli.core.vocabulary import AttendanceStatus

PRESENT, LATE, ABSENT = AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT
NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def test_cancelled_and_future_sessions_are_refused():
    past, future = NOW - timedelta(days=1), NOW + timedelta(minutes=1)
    assert refusal("scheduled", past, NOW) is None
    assert refusal("held", past, NOW) is None
    assert refusal("cancelled", past, NOW) is Refusal.CANCELLED
    assert refusal("cancelled", future, NOW) is Refusal.CANCELLED
    assert refusal("scheduled", future, NOW) is Refusal.FUTURE


def test_the_same_person_twice_is_a_problem_only_with_two_statuses():
    sheet = Sheet()
    assert sheet.add("--present", 1, "Ann", PRESENT) is None
    assert sheet.add("reg.csv row 2", 1, "Ann", PRESENT) is None
    assert sheet.add("--late", 1, "Ann", LATE) == (
        "--late: Ann is already marked present (reg.csv row 2)"
    )
    assert sheet.marks == {1: PRESENT}


def test_all_present_but_the_excepted_and_the_rest_left_unmarked():
    sheet = Sheet()
    sheet.add("--late", 2, "Bo", LATE)
    assert sheet.finish([1, 2, 3, 4], all_present=True, away={3}) == ()
    assert sheet.marks == {2: LATE, 1: PRESENT, 3: ABSENT, 4: PRESENT}


def test_the_unmarked_in_expected_order_or_absent_with_rest_absent():
    named = Sheet()
    named.add("--present", 3, "Cy", PRESENT)
    assert named.finish([4, 3, 1]) == (4, 1)
    rest = Sheet()
    rest.add("--present", 3, "Cy", PRESENT)
    assert rest.finish([4, 3, 1], rest_absent=True) == ()
    assert rest.marks == {3: PRESENT, 4: ABSENT, 1: ABSENT}


def test_an_excepted_person_not_expected_is_still_marked_absent():
    sheet = Sheet()
    assert sheet.finish([1], away={9}) == (1,)
    assert sheet.marks == {9: ABSENT}


def test_bulk_options_fill_in_only_people_with_no_mark_on_record():
    # 1 and 2 are on record; --all-present and --rest-absent leave them as they are.
    everyone = Sheet()
    assert everyone.finish([1, 2, 3], all_present=True, on_record={1, 2}) == ()
    assert everyone.marks == {3: PRESENT}
    rest = Sheet()
    rest.add("--late", 2, "Bo", LATE)  # named: a change to a mark on record
    assert rest.finish([1, 2, 3, 4], rest_absent=True, on_record={1, 2}) == ()
    assert rest.marks == {2: LATE, 3: ABSENT, 4: ABSENT}
    listed = Sheet()
    assert listed.finish([1, 2, 3], on_record={2}) == (1, 3)
    excepted = Sheet()
    assert excepted.finish([1, 2], all_present=True, away={1}, on_record={1, 2}) == ()
    assert excepted.marks == {1: ABSENT}  # --except names the person


def test_each_override_allows_only_its_own_refusal():
    past, future = NOW - timedelta(days=1), NOW + timedelta(days=1)
    cancelled, ahead = Overrides(cancelled=True), Overrides(future=True)
    assert refusal("cancelled", past, NOW, cancelled) is None
    assert refusal("cancelled", past, NOW, ahead) is Refusal.CANCELLED
    assert refusal("scheduled", future, NOW, ahead) is None
    assert refusal("scheduled", future, NOW, cancelled) is Refusal.FUTURE
    # A cancelled session that has not begun needs both.
    assert refusal("cancelled", future, NOW, cancelled) is Refusal.FUTURE
    assert refusal("cancelled", future, NOW, Overrides(True, True)) is None
    forced = Overrides.forced()
    assert (forced.future, forced.cancelled, forced.replacement) == (True, True, Replacement.KEEP)
    assert Overrides.forced(Replacement.CANCEL).replacement is Replacement.CANCEL


@given(
    expected=st.lists(st.integers(1, 30), unique=True, max_size=20),
    on_record=st.sets(st.integers(1, 30)),
    named=st.dictionaries(st.integers(1, 30), st.sampled_from(list(AttendanceStatus))),
    away=st.sets(st.integers(1, 30)),
    all_present=st.booleans(),
    rest_absent=st.booleans(),
)
def test_only_named_people_change_a_mark_on_record(
    expected, on_record, named, away, all_present, rest_absent
):
    sheet = Sheet()
    for staff_id, status in named.items():
        sheet.add("--" + status, staff_id, f"person {staff_id}", status)
    unmarked = sheet.finish(
        expected,
        all_present=all_present,
        away=away if all_present else set(),
        rest_absent=rest_absent,
        on_record=on_record,
    )
    said = set(named) | (away if all_present else set())
    # A mark on record is written only for people named (or excepted).
    assert {i for i in sheet.marks if i in on_record} <= said
    # Everyone expected is marked now, or on record, or listed as unmarked; never two.
    for staff_id in expected:
        places = [staff_id in sheet.marks, staff_id in on_record and staff_id not in sheet.marks,
                  staff_id in unmarked]  # fmt: skip
        assert places.count(True) == 1
    assert list(unmarked) == [i for i in expected if i in unmarked]  # in expected order
    assert not (rest_absent and unmarked)
