"""Time-zone definitions in the RRULE form every calendar client understands.

Outlook reads only a yearly rule (RRULE) in a VTIMEZONE and ignores definitions that
list each change as an RDATE, which is what generic builders emit. So the rule is
worked out here from the zoneinfo database: for each year the calendar spans, find the
two clock changes, describe each as "the n-th (or last) weekday of the month at this
local time", and merge consecutive years that follow the same rule.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# A year's clock change as a rule: (kind, month, byday, local time before it).
Rule = tuple[str, int, str, time]
# The rule, the local time before the change, offsets before and after, the zone's
# name after, and the UTC instant.
Observed = tuple[Rule, datetime, timedelta, timedelta, str, datetime]


@dataclass(frozen=True)
class Change:
    """One kind of clock change (to summer time, or back to standard time)."""

    kind: str  # DAYLIGHT or STANDARD
    start: datetime  # local wall-clock time of the first change, before it happens
    offset_from: timedelta
    offset_to: timedelta
    name: str
    month: int | None = None  # None: the offset never changes (no RRULE)
    byday: str | None = None  # e.g. "-1SU" (last Sunday) or "2SU"
    until: datetime | None = None  # UTC; None: the rule still holds


def _offset(tz: tzinfo, moment: datetime) -> timedelta:
    return moment.astimezone(tz).utcoffset() or timedelta(0)


def _changes_in(tz: tzinfo, year: int) -> list[tuple[datetime, timedelta, timedelta, str]]:
    """(UTC instant, offset before, offset after, name after) for each change in a year."""
    found = []
    hour = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=6)
    before = _offset(tz, hour)
    while hour < end:
        after_time = hour + step
        after = _offset(tz, after_time)
        if after != before:
            low, high = hour, after_time  # the change is in (low, high]
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset(tz, middle) == before:
                    low = middle
                else:
                    high = middle
            instant = high.replace(second=0, microsecond=0)
            found.append((instant, before, after, instant.astimezone(tz).tzname() or ""))
            before = after
        hour = after_time
    return found


def _byday(local: datetime) -> str:
    weekday = WEEKDAYS[local.weekday()]
    last_day = calendar.monthrange(local.year, local.month)[1]
    if local.day + 7 > last_day:
        return f"-1{weekday}"
    return f"{(local.day - 1) // 7 + 1}{weekday}"


def zone_changes(tz: tzinfo, first_year: int, last_year: int) -> list[Change]:
    """The observances of a VTIMEZONE covering first_year..last_year."""
    per_year: list[tuple[int, list[Observed]]] = []
    for year in range(first_year, last_year + 1):
        rules: list[Observed] = []
        for instant, before, after, name in _changes_in(tz, year):
            local_before = (instant + before).replace(tzinfo=None)
            kind = "DAYLIGHT" if after > before else "STANDARD"
            rule: Rule = (kind, local_before.month, _byday(local_before), local_before.time())
            rules.append((rule, local_before, before, after, name, instant))
        per_year.append((year, rules))
    if all(not rules for _, rules in per_year):
        moment = datetime(first_year, 1, 1, 12, tzinfo=UTC)
        offset = _offset(tz, moment)
        return [
            Change(
                "STANDARD",
                datetime(1970, 1, 1),
                offset,
                offset,
                moment.astimezone(tz).tzname() or "",
            )
        ]
    changes: list[Change] = []
    open_rules: dict[str, Change] = {}
    for _year, rules in per_year:
        seen = set()
        for (kind, month, byday, _clock), local, before, after, name, instant in rules:
            seen.add(kind)
            current = open_rules.get(kind)
            if (
                current is not None
                and current.month == month
                and current.byday == byday
                and current.start.time() == local.time()
                and (current.offset_from, current.offset_to) == (before, after)
            ):
                open_rules[kind] = replace(current, until=instant)
                continue
            if current is not None:
                changes.append(current)
            open_rules[kind] = Change(kind, local, before, after, name, month, byday, instant)
        for kind in list(open_rules):
            if kind not in seen:  # the zone stopped changing clocks this year
                changes.append(open_rules.pop(kind))
    # The rules in force at the end run on with no UNTIL.
    for change in open_rules.values():
        changes.append(replace(change, until=None))
    return sorted(changes, key=lambda c: (c.start, c.kind))
