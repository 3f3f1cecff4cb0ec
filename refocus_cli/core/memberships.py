"""Dated memberships and team endings seen from one day: what holds then, what is to come.

A membership's `end` is the first day the person is no longer in the team: a move on
1 July ends the old membership and starts the new one on 1 July, and a team merged
or disbanded on 1 July has no staff from that day. Views show a day as it is on that
day; a change dated later is shown as scheduled ("moves to X on …"), never as done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from refocus_cli.core.vocabulary import TeamStatus


class Standing(StrEnum):
    """Where a membership stands on the day viewed."""

    PAST = "past"
    CURRENT = "current"
    SCHEDULED = "scheduled"


@dataclass(frozen=True)
class Stint:
    """One membership: a person in a team from `start` until the day before `end`."""

    team_id: int
    team: str
    start: date
    end: date | None
    end_reason: str | None = None

    def covers(self, day: date) -> bool:
        """Whether the person is in the team on `day`."""
        return self.start <= day and (self.end is None or day < self.end)

    def standing(self, day: date) -> Standing:
        """Over, going on, or still to come on `day`."""
        if self.start > day:
            return Standing.SCHEDULED
        return Standing.CURRENT if self.covers(day) else Standing.PAST


def stint_on(stints: Iterable[Stint], day: date) -> Stint | None:
    """The membership that holds on `day`, if any."""
    return next((stint for stint in stints if stint.covers(day)), None)


def has_left(left_on: date | None, day: date) -> bool:
    """Whether someone who leaves on `left_on` has gone by `day` (their last day is the one
    before)."""
    return left_on is not None and left_on <= day


def upcoming_changes(stints: Sequence[Stint], day: date, left_on: date | None) -> list[str]:
    """What is scheduled for a person after `day`, in date order and plain words:
    "joins X on …", "moves to X on …", "leaves on …", "X disbands on …"."""
    ordered = sorted(stints, key=lambda stint: stint.start)
    starts = {stint.start: stint for stint in ordered}
    changes: list[tuple[date, str]] = []
    for index, stint in enumerate(ordered):
        if stint.start > day:
            before = next((s for s in ordered[:index] if s.end == stint.start), None)
            changes.append((stint.start, _arrival(stint, before)))
        if stint.end is not None and stint.end > day and stint.end not in starts:
            changes.append((stint.end, _departure(stint)))
    if left_on is not None and left_on > day and not any(on == left_on for on, _ in changes):
        changes.append((left_on, f"leaves on {left_on}"))
    return [words for _, words in sorted(changes, key=lambda change: change[0])]


def _arrival(stint: Stint, before: Stint | None) -> str:
    if before is None:
        return f"joins {stint.team} on {stint.start}"
    if before.end_reason == TeamStatus.MERGED:
        return f"moves to {stint.team} on {stint.start} ({before.team} merges into it)"
    return f"moves to {stint.team} on {stint.start}"


def _departure(stint: Stint) -> str:
    if stint.end_reason == "left":
        return f"leaves on {stint.end}"
    if stint.end_reason == TeamStatus.DISBANDED:
        return f"{stint.team} disbands on {stint.end}"
    return f"leaves {stint.team} on {stint.end}"


@dataclass(frozen=True)
class TeamOnDay:
    """A team's standing on one day, and its ending when that is still to come."""

    status: TeamStatus
    ended_on: str | None
    merged_into: str | None
    scheduled: str | None


def team_on(
    status: TeamStatus, ended_on: date | None, merged_into: str | None, day: date
) -> TeamOnDay:
    """A team as it stands on `day`: a merge or disband dated later is only scheduled."""
    if status == TeamStatus.ACTIVE or ended_on is None:
        return TeamOnDay(TeamStatus.ACTIVE, None, None, None)
    if ended_on <= day:
        return TeamOnDay(status, ended_on.isoformat(), merged_into, None)
    if status == TeamStatus.MERGED:
        return TeamOnDay(TeamStatus.ACTIVE, None, None, f"merges into {merged_into} on {ended_on}")
    return TeamOnDay(TeamStatus.ACTIVE, None, None, f"disbands on {ended_on}")
