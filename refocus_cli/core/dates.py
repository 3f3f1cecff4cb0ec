"""Dates and times as people type them, and the clock."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from refocus_cli.core.errors import InvalidInput

Clock = Callable[[], datetime]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def system_clock() -> datetime:
    """Now, as an aware UTC datetime; `REFOCUS_NOW` (ISO-8601) fixes it for tests and demos."""
    fixed = os.environ.get("REFOCUS_NOW")
    if fixed:
        moment = datetime.fromisoformat(fixed)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    return datetime.now(UTC)


def parse_date(text: str, what: str = "date") -> date:
    """An ISO date such as 2027-03-02."""
    value = text.strip()
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(f"{what} {text!r} is not a valid date: use YYYY-MM-DD, e.g. 2027-03-02")


def parse_sheet_date(text: str) -> date:
    """A date from a spreadsheet: ISO (2027-03-02) or UK day-first (02/03/2027)."""
    value = text.strip()
    if _ISO_DATE.match(value):
        return date.fromisoformat(value)
    match = _UK_DATE.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
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


_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$")


def parse_datetime(text: str, what: str = "time") -> datetime:
    """A wall-clock time as people type it, e.g. "2027-03-02 10:00" (naive, local)."""
    match = _DATETIME.match(text.strip())
    if match:
        try:
            day = date.fromisoformat(match.group(1))
            return datetime(day.year, day.month, day.day, int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise InvalidInput(f'{what} {text!r} is not a date and time: use "YYYY-MM-DD HH:MM"')
