"""Dates and times as people type them, and the clock."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from refocus_cli.core.errors import InvalidInput

Clock = Callable[[], datetime]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

# Every date people give refocus lies in these years (a refocus default): a rollout runs
# for years, not centuries, and dates far off (0001-01-01, 9999-12-31) only overflow the
# arithmetic of plans, timelines and time zones.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def in_range(day: date, what: str = "date") -> date:
    """`day`, if it lies in the years refocus accepts (2000–2100), else a clear refusal."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(
            f"{what} {day.isoformat()} is outside the years {FIRST_DAY.year}–{LAST_DAY.year} "
            f"that refocus accepts: give a date from {FIRST_DAY} to {LAST_DAY}"
        )
    return day


def parse_date(text: str, what: str = "date") -> date:
    """An ISO date such as 2027-03-02, in the years 2000–2100."""
    value = text.strip()
    if _ISO_DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return in_range(day, what)
    raise InvalidInput(f"{what} {text!r} is not a valid date: use YYYY-MM-DD, e.g. 2027-03-02")


def parse_sheet_date(text: str, what: str = "date") -> date:
    """A date from a spreadsheet: ISO (2027-03-02) or UK day-first (02/03/2027), in the
    years 2000–2100 (InvalidInput outside them; ValueError for what is not a date)."""
    value = text.strip()
    if _ISO_DATE.match(value):
        return in_range(date.fromisoformat(value), what)
    match = _UK_DATE.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return in_range(date(year, month, day), what)
    raise ValueError(value)


def zone(name: str) -> tzinfo:
    """The IANA time zone called `name`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise InvalidInput(
            f"unknown time zone {name!r}: use an IANA name such as Europe/London"
        ) from None


def local_today(clock: Clock, tz: tzinfo) -> date:
    """Today's date in the programme's time zone."""
    return clock().astimezone(tz).date()


def iso_utc(moment: datetime) -> str:
    """A UTC timestamp as stored in the database."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?:\s*(Z|[+-]\d{2}:?\d{2}))?$")


def parse_datetime(text: str, what: str = "time") -> datetime:
    """A wall-clock time as people type it, e.g. "2027-03-02 10:00" (naive, local).

    An offset may follow ("2027-10-31 01:30 +01:00") to say which of a repeated hour is
    meant; the result is then aware, and `wall_clock_to_utc` checks the offset fits.
    """
    match = _DATETIME.match(text.strip())
    if match:
        try:
            day = in_range(date.fromisoformat(match.group(1)), what)
            moment = datetime(
                day.year, day.month, day.day, int(match.group(2)), int(match.group(3))
            )
            offset = match.group(4)
            if offset:
                moment = datetime.fromisoformat(
                    f"{moment:%Y-%m-%dT%H:%M}{'+00:00' if offset == 'Z' else offset}"
                )
            return moment
        except ValueError:
            pass
    raise InvalidInput(f'{what} {text!r} is not a date and time: use "YYYY-MM-DD HH:MM"')


def wall_clock_to_utc(local: datetime, tz: tzinfo, what: str = "time") -> datetime:
    """A wall-clock time in `tz` as an aware UTC datetime: the one way local times are stored.

    A time the clocks skip (the spring-forward gap) is refused; a time the clocks pass
    twice (the autumn repeated hour) is refused unless it carries the offset that says
    which one is meant. An aware `local` must carry one of that wall time's offsets.
    """
    naive = local.replace(tzinfo=None, fold=0)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    shown = f"{naive:%Y-%m-%d %H:%M}"
    zone_name = str(tz)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise InvalidInput(
            f"{what} {shown} does not exist in {zone_name}: the clocks go forward then; "
            "choose a time outside the skipped hour"
        )
    offsets = {first.utcoffset() or timedelta(), second.utcoffset() or timedelta()}
    if local.tzinfo is not None and local.utcoffset() != first.utcoffset():
        if local.utcoffset() not in offsets:
            raise InvalidInput(
                f"{what} {shown} is not at offset {_offset_text(local.utcoffset())} in "
                f"{zone_name}: leave the offset out"
            )
        return second.astimezone(UTC)
    if local.tzinfo is None and len(offsets) > 1:
        choices = " or ".join(
            f'"{shown} {_offset_text(offset)}"' for offset in sorted(offsets, reverse=True)
        )
        raise InvalidInput(
            f"{what} {shown} happens twice in {zone_name} (the clocks go back then): "
            f"say which with its offset, {choices}"
        )
    return first.astimezone(UTC)


def day_start_utc(day: date, tz: tzinfo) -> datetime:
    """The first instant of `day` in `tz`, as aware UTC (a day may start after a gap)."""
    midnight = datetime.combine(day, datetime.min.time())
    start = midnight.replace(tzinfo=tz).astimezone(UTC)
    if start.astimezone(tz).date() != day:  # midnight skipped: the day starts at the gap's end
        start = start.astimezone(tz).replace(tzinfo=None).replace(tzinfo=tz).astimezone(UTC)
    return start


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
