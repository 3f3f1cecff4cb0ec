"""Splitting a team into groups: everyone in exactly one, shares as equal as can be,
and people who join between the groups' days go to the last group."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from refocus_cli.core.groups import Member, expected_in_group, group_share, near_equal_sizes

names = st.sampled_from(["Ann", "ann", "Bo", "Cy", "Di", "Zoë", "Ed", "ed"])
teams = st.lists(names, max_size=40).map(
    lambda drawn: [Member(index + 1, name) for index, name in enumerate(drawn)]
)


def test_seven_people_in_two_groups():
    team = [Member(i, name) for i, name in enumerate(["Gu", "Bo", "Mo", "Cy", "Fi", "Di", "Ed"])]
    first, second = (group_share(team, 2, index) for index in range(2))
    # Name order; the first group takes the odd one: Bo Cy Di Ed | Fi Gu Mo.
    assert {m.name for m in team if m.id in first} == {"Bo", "Cy", "Di", "Ed"}
    assert {m.name for m in team if m.id in second} == {"Fi", "Gu", "Mo"}


def test_sizes():
    assert near_equal_sizes(7, 2) == [4, 3]
    assert near_equal_sizes(10, 4) == [3, 3, 2, 2]
    assert near_equal_sizes(2, 3) == [1, 1, 0]


@settings(max_examples=200, deadline=None)
@given(teams, st.integers(min_value=1, max_value=6))
def test_everyone_lands_in_exactly_one_group_of_near_equal_size(team, groups):
    shares = [group_share(team, groups, index) for index in range(groups)]
    assert sorted(i for share in shares for i in share) == sorted(m.id for m in team)
    sizes = [len(share) for share in shares]
    assert max(sizes) - min(sizes) <= 1
    assert sizes == sorted(sizes, reverse=True)  # the first groups are the larger


@settings(max_examples=200, deadline=None)
@given(teams, st.integers(min_value=1, max_value=6), st.data())
def test_joiners_go_to_the_last_group_and_leavers_to_none(team, groups, data):
    ids = [m.id for m in team]
    leavers = set(data.draw(st.lists(st.sampled_from(ids), unique=True)) if ids else [])
    joiners = set(range(1000, 1000 + data.draw(st.integers(0, 5))))
    team_now = (set(ids) - leavers) | joiners
    expected = [expected_in_group(team, team_now, groups, index) for index in range(groups)]
    assert sorted(i for share in expected for i in share) == sorted(team_now)
    assert joiners <= expected[-1]
    for index, share in enumerate(expected):
        assert share - joiners == group_share(team, groups, index) - leavers
