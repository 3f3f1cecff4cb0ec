"""Working days: no weekends, no public holidays of the programme's region, no closures.

A region is any country or subdivision the `holidays` package knows, stored as its
lower-case code ("ie", "au-nsw", "us-ny"); the four UK nations keep the names the first
release stored ("england", "wales", "scotland", "northern-ireland"), and "gb-eng" and
the like are stored as those names, so one place has one key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.programme import REGIONS

UK_NATIONS = {f"gb-{code.lower()}": name for name, code in REGIONS.items()}


def _key(text: str) -> str:
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def _words(class_name: str) -> str:
    """A `holidays` class name as words: "UnitedKingdom" -> "United Kingdom"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)


@dataclass(frozen=True)
class KnownRegions:
    """What `holidays` knows: each region key with its (country, subdivision), country
    names and alpha-3 codes ("ireland", "irl") with the key each stands for, and each
    country key's name for messages."""

    regions: dict[str, tuple[str, str | None]]
    aliases: dict[str, str]
    titles: dict[str, str]


@functools.cache
def known_regions() -> KnownRegions:
    """Every country and subdivision the `holidays` package has, plus the UK nations."""
    import holidays  # imported here: it is slow to load and few commands need it
    from holidays.registry import COUNTRIES

    supported = holidays.list_supported_countries()
    known = KnownRegions({}, {}, {})
    for class_name, code, alpha3, *other_names in COUNTRIES.values():
        key, title = code.lower(), _words(class_name)
        known.regions[key] = (code, None)
        known.titles[key] = title
        for subdivision in supported.get(code, ()):
            known.regions[f"{key}-{_key(subdivision)}"] = (code, subdivision)
        for alias in (alpha3, title, *other_names):  # e.g. "GBR", "United Kingdom", "UK"
            if not alias.startswith("Holidays"):
                known.aliases[_key(_words(alias))] = key
    for name, code in REGIONS.items():
        known.regions[name] = ("GB", code)
    return known


def holiday_region(text: str) -> str:
    """A holiday region as stored, from what a user typed: a UK nation's name, a country
    code or name ("ie", "ireland"), or country-subdivision ("au-nsw", "us-ny")."""
    key = _key(text)
    key = UK_NATIONS.get(key, key)
    if key in REGIONS:
        return key
    known = known_regions()
    key = known.aliases.get(key, key)
    if key in known.regions:
        return key
    hint = ", ".join(_close_regions(key, known))
    raise InvalidInput(
        f"unknown region {text!r}: "
        + (f"did you mean {hint}? " if hint else "")
        + "For its public holidays use a country code or name (ie, ireland), a country and "
        "subdivision (au-nsw, us-ny, gb-eng) or england, wales, scotland, northern-ireland"
    )


def _close_regions(key: str, known: KnownRegions) -> list[str]:
    """The regions a mistyped key most likely meant, each with its country's name."""
    import difflib  # only an error needs it

    country, _, subdivision = key.partition("-")
    if subdivision and country in known.titles:
        within = [k for k in known.regions if k.startswith(f"{country}-")]
        close = difflib.get_close_matches(key, within, n=6, cutoff=0.5) or within[:12]
    else:
        names = difflib.get_close_matches(key, list(known.aliases), n=4, cutoff=0.7)
        close = [known.aliases[n] for n in names]
        if len(key) <= 3:  # a code: compare codes too
            close += difflib.get_close_matches(key, list(known.titles), n=3, cutoff=0.5)
        close += difflib.get_close_matches(key, list(REGIONS), n=2, cutoff=0.7)
    chosen = list(dict.fromkeys(close))
    return [f"{c} ({known.titles[c]})" if c in known.titles else c for c in chosen]


def bank_holidays(region: str, years: Iterable[int]) -> dict[date, str]:
    """Public holidays of a stored region (england, ie, au-nsw, …) by date."""
    import holidays  # imported here: it is slow to load and only scheduling needs it

    # The UK nations need no look-up of every country (a fifth of a second).
    place: tuple[str, str | None] = (
        ("GB", REGIONS[region]) if region in REGIONS else known_regions().regions[region]
    )
    country, subdivision = place
    found = holidays.country_holidays(country, subdiv=subdivision, years=list(years))
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
