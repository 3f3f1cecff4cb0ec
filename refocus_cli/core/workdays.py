"""Working days: no weekends, no bank holidays of the programme's region, no closures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from refocus_cli.core.programme import REGIONS


def bank_holidays(region: str, years: Iterable[int]) -> dict[date, str]:
    """Bank holidays of a UK nation (england, wales, scotland, northern-ireland) by date."""
    import holidays  # imported here: it is slow to load and only scheduling needs it

    found = holidays.country_holidays("GB", subdiv=REGIONS[region], years=list(years))
    return dict(found.items())


@dataclass(frozen=True)
class WorkCalendar:
    """Which days sessions may be held on."""

    closed: frozenset[date]

    def is_working(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def on_or_after(self, day: date) -> date:
        """The first working day on or after `day`."""
        while not self.is_working(day):
            day += timedelta(days=1)
        return day

    def after(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (the next one for a count of 0 or 1)."""
        for _ in range(max(count, 1)):
            day = self.on_or_after(day + timedelta(days=1))
        return day

    def working_days(self, first: date, last: date) -> list[date]:
        """Every working day from `first` to `last`, both included."""
        days, day = [], first
        while day <= last:
            if self.is_working(day):
                days.append(day)
            day += timedelta(days=1)
        return days


def work_calendar(
    region: str, closures: Iterable[date], first: date, years: int = 3
) -> WorkCalendar:
    """The calendar from `first` for `years` years, with bank holidays and closure dates."""
    holidays_by_date = bank_holidays(region, range(first.year, first.year + years + 1))
    return WorkCalendar(frozenset(holidays_by_date) | frozenset(closures))
