"""The median split that dichotomises the compared teams into high and low
implementation, with a stated rule for teams that tie at the median, and the date the
comparison is made on.

The trial split intervention teams at the median of their team scores (the lead
author's account); how ties at the median were placed is not published, so the rule
is refocus's, and a programme may change it (`--ties`).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction


class TieRule(StrEnum):
    """Where teams whose score equals the median go."""

    LOW = "low"  # the classic rule: only teams above the median are high
    HIGH = "high"  # only teams below the median are low
    SPLIT_BY_RANK = "split-by-rank"  # halves as near equal as ties allow (the default)


DEFAULT_TIE_RULE = TieRule.SPLIT_BY_RANK

TIE_RULES: dict[TieRule, str] = {
    TieRule.SPLIT_BY_RANK: (
        "teams are ranked by score and cut into two halves as near equal in size as ties "
        "allow: teams with the same score are never separated, and the teams tied at the "
        "median join the half that leaves the two groups nearer in size (the low half "
        "when it makes no difference, as in the classic rule)"
    ),
    TieRule.LOW: "teams above the median are high; teams at or below it are low",
    TieRule.HIGH: "teams at or above the median are high; teams below it are low",
}


@dataclass(frozen=True)
class Split:
    """High and low groups (team ids), the median, and the teams scoring exactly it."""

    median: Fraction | None
    high: frozenset[int]
    low: frozenset[int]
    at_median: frozenset[int]

    def level(self, team_id: int) -> str | None:
        """'high', 'low', or None for a team that was not split."""
        if team_id in self.high:
            return "high"
        return "low" if team_id in self.low else None


def _ties_go_high(above: int, at: int, below: int, rule: TieRule) -> bool:
    """Whether the teams at the median join the high group under `rule`."""
    if rule is TieRule.LOW:
        return False
    if rule is TieRule.HIGH:
        return True
    # The block of tied teams goes where the two groups end nearer in size; low on a draw.
    return abs(above + at - below) < abs(above - below - at)


def split_at_median(scores: Mapping[int, Fraction], rule: TieRule = DEFAULT_TIE_RULE) -> Split:
    """Dichotomise teams (id -> score) at the median of their scores under `rule`.
    Fewer than two teams are not split (a split of one team says nothing)."""
    if len(scores) < 2:
        median = statistics.median(scores.values()) if scores else None
        return Split(median, frozenset(), frozenset(), frozenset())
    median = statistics.median(scores.values())
    above = frozenset(t for t, s in scores.items() if s > median)
    below = frozenset(t for t, s in scores.items() if s < median)
    at = frozenset(scores) - above - below
    if _ties_go_high(len(above), len(at), len(below), rule):
        return Split(median, above | at, below, at)
    return Split(median, above, below | at, at)


class SplitDateSource(StrEnum):
    """Where the date the teams are compared on came from."""

    ON = "--on"
    FOLLOW_UP = "the programme's follow-up date"
    TODAY = "today"


@dataclass(frozen=True)
class SplitDate:
    """The day the teams are compared on, where it came from, and a note when it is not
    the declared follow-up date."""

    day: date
    source: SplitDateSource
    note: str | None = None

    @property
    def described(self) -> str:
        """Where the date came from, in words."""
        return f"{self.source}; {self.note}" if self.note else str(self.source)


def split_date(on: date | None, follow_up: date | None, today: date) -> SplitDate:
    """The day to compare teams on: the date asked for (--on), else the programme's
    follow-up date once it has come, else today, saying why."""
    if on is not None:
        return SplitDate(on, SplitDateSource.ON)
    if follow_up is not None and follow_up <= today:
        return SplitDate(follow_up, SplitDateSource.FOLLOW_UP)
    if follow_up is not None:
        return SplitDate(
            today, SplitDateSource.TODAY, f"the follow-up date {follow_up} is still to come"
        )
    return SplitDate(
        today,
        SplitDateSource.TODAY,
        "no follow-up date declared: set one with refocus programme set --follow-up DATE",
    )
