"""Runs of days, both ends included: a trainer's leave, a closure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """The days from `first` to `last`, both included."""

    first: date
    last: date

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share a day."""
        return self.first <= other.last and other.first <= self.last

    def without(self, taken: Period) -> tuple[Period, ...]:
        """What is left of this period once the days of `taken` are removed: all of it,
        nothing, one trimmed period, or two when `taken` falls in its middle."""
        if not self.overlaps(taken):
            return (self,)
        left = []
        if self.first < taken.first:
            left.append(Period(self.first, taken.first - ONE_DAY))
        if taken.last < self.last:
            left.append(Period(taken.last + ONE_DAY, self.last))
        return tuple(left)

    def words(self) -> str:
        """e.g. "2027-02-01 to 2027-02-12", or one date for a single day."""
        return str(self.first) if self.first == self.last else f"{self.first} to {self.last}"
