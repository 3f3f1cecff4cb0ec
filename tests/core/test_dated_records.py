"""Properties of the pure parts of putting mistakes right and of dated views: taking days
out of leave, memberships and team endings seen from any day, edits in words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refocus_cli.core.attendance_summary import summarise
from refocus_cli.core.edits import changes, wanted
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.memberships import Stint, stint_on, team_on, upcoming_changes
from refocus_cli.core.periods import Period
from refocus_cli.core.vocabulary import TeamStatus

FIRST = date(2027, 1, 1)
days = st.integers(min_value=0, max_value=60).map(lambda n: FIRST + timedelta(days=n))


@st.composite
def periods(draw):
    first, last = sorted((draw(days), draw(days)))
    return Period(first, last)


def _days_of(period: Period) -> set[date]:
    return {period.first + timedelta(days=n) for n in range((period.last - period.first).days + 1)}


@given(periods(), periods())
def test_taking_days_out_of_leave_removes_exactly_those_days(leave, taken):
    left = leave.without(taken)
    assert len(left) <= 2
    covered = [day for part in left for day in _days_of(part)]
    assert len(covered) == len(set(covered))  # the parts do not overlap
    assert set(covered) == _days_of(leave) - _days_of(taken)
    assert all(part.first <= part.last for part in left)
    assert list(left) == sorted(left, key=lambda part: part.first)


def test_taking_days_out_in_words():
    leave = Period(date(2027, 5, 10), date(2027, 5, 21))
    assert [p.words() for p in leave.without(Period(date(2027, 5, 12), date(2027, 5, 12)))] == [
        "2027-05-10 to 2027-05-11",
        "2027-05-13 to 2027-05-21",
    ]
    assert leave.without(Period(date(2027, 5, 1), date(2027, 6, 1))) == ()
    assert leave.without(Period(date(2027, 6, 1), date(2027, 6, 2))) == (leave,)


@st.composite
def careers(draw):
    """A person's memberships: one after another, each team different from the last, the
    last maybe ended by leaving, a disband or nothing."""
    count = draw(st.integers(min_value=1, max_value=4))
    starts = sorted(draw(st.lists(days, min_size=count, max_size=count, unique=True)))
    teams = [draw(st.integers(min_value=1, max_value=3)) for _ in starts]
    for index in range(1, len(teams)):
        if teams[index] == teams[index - 1]:
            teams[index] = teams[index] % 3 + 1
    ending = draw(st.sampled_from([None, "left", "disbanded"]))
    end = draw(days.filter(lambda day: day > starts[-1])) if ending else None
    stints = []
    for index, (start, team) in enumerate(zip(starts, teams, strict=True)):
        following = starts[index + 1] if index + 1 < len(starts) else None
        reason = "moved" if following else ending
        stints.append(Stint(team, f"Team {team}", start, following or end, reason))
    return stints, (end if ending == "left" else None)


@given(careers(), days)
def test_a_day_shows_one_team_and_what_comes_after(career, day):
    stints, left_on = career
    here = [stint for stint in stints if stint.covers(day)]
    assert len(here) <= 1 and stint_on(stints, day) == (here[0] if here else None)
    scheduled = upcoming_changes(stints, day, left_on)
    dates = [date.fromisoformat(words[-10:]) for words in scheduled if words[-10:][0] == "2"]
    assert dates == sorted(dates) and all(on > day for on in dates)
    future_starts = [stint for stint in stints if stint.start > day]
    endings = [
        s for s in stints if s.end and s.end > day and s.end not in {t.start for t in stints}
    ]
    assert len(scheduled) == len(future_starts) + len(endings)
    if left_on and left_on > day:
        assert scheduled[-1] == f"leaves on {left_on}"


def test_a_merge_is_told_as_the_move_it_makes():
    stints = [
        Stint(2, "Hillview EIP", date(2026, 1, 1), date(2027, 7, 1), "merged"),
        Stint(1, "Riverside CMHT", date(2027, 7, 1), None),
    ]
    assert upcoming_changes(stints, date(2026, 12, 1), None) == [
        "moves to Riverside CMHT on 2027-07-01 (Hillview EIP merges into it)"
    ]
    assert upcoming_changes(stints, date(2027, 7, 1), None) == []
    joining = [Stint(1, "Riverside CMHT", date(2027, 2, 1), None)]
    assert upcoming_changes(joining, date(2027, 1, 4), None) == [
        "joins Riverside CMHT on 2027-02-01"
    ]


@given(st.sampled_from([TeamStatus.MERGED, TeamStatus.DISBANDED]), days, days)
def test_a_team_ends_on_its_day_and_not_before(status, ended, day):
    standing = team_on(
        status, ended, "Riverside CMHT" if status == TeamStatus.MERGED else None, day
    )
    if day < ended:
        assert (standing.status, standing.ended_on, standing.merged_into) == (
            TeamStatus.ACTIVE,
            None,
            None,
        )
        assert standing.scheduled is not None and standing.scheduled.endswith(str(ended))
    else:
        assert (standing.status, standing.ended_on, standing.scheduled) == (
            status,
            str(ended),
            None,
        )
    assert team_on(TeamStatus.ACTIVE, None, None, day).scheduled is None


def test_an_edit_names_what_it_changes():
    with pytest.raises(InvalidInput, match="give at least one of --name, --site"):
        wanted({"name": None, "site": None}, "a team")
    found = changes(
        {"name": "North", "site": "N"}, wanted({"name": "North", "site": "X"}, "a team")
    )
    assert [change.words() for change in found] == ["site N → X"]


def test_attendance_is_summed_stage_by_stage():
    summary = summarise(
        [
            ("coaching", "present"),
            ("workshop", "late"),
            ("workshop", "absent"),
            ("coaching", "excused"),
        ]
    )
    assert (summary.marked, summary.attended, summary.excused, summary.absent) == (4, 2, 1, 1)
    assert [line.stage for line in summary.by_stage] == ["workshop", "coaching"]
    assert summarise([]).words() == "no sessions marked yet"
