"""Splitting a team too big for one room into groups, one session each."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Member:
    """Someone in a team being split: groups are made in name order."""

    id: int
    name: str


def near_equal_sizes(total: int, groups: int) -> list[int]:
    """How many go in each of `groups` groups: sizes differ by one at most, larger first."""
    base, extra = divmod(total, groups)
    return [base + (1 if index < extra else 0) for index in range(groups)]


def group_share(people: Sequence[Member], groups: int, index: int) -> frozenset[int]:
    """The ids in group `index` (from 0) of `groups` when `people` are split for one
    session: near-equal shares in name order, the first groups one larger."""
    ordered = sorted(people, key=lambda person: (person.name.lower(), person.id))
    sizes = near_equal_sizes(len(ordered), groups)
    start = sum(sizes[:index])
    return frozenset(person.id for person in ordered[start : start + sizes[index]])


def expected_in_group(
    team_then: Sequence[Member], team_now: Collection[int], groups: int, index: int
) -> frozenset[int]:
    """Who group `index` of `groups` expects, of the team on its own day (`team_now`).

    Each group takes its share of the team as it was on the first group's day
    (`team_then`), so that nobody is expected at two groups or at none when people
    join or leave between the groups' days; anyone who joined since goes to the last.
    """
    share = group_share(team_then, groups, index)
    if index == groups - 1:
        share |= frozenset(team_now) - {person.id for person in team_then}
    return share & frozenset(team_now)
