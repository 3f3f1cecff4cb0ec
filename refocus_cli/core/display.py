"""Dates and times as people read them: local, with the weekday ("Tue 24 Feb 2027, 10:00").

Every message and table that shows a day or a time to a person goes through here, so
the whole tool speaks one way. Programs get ISO-8601 (`--json`, `--csv`) instead. The
names are English and fixed, not the machine's locale, so output is the same everywhere.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _aware(moment: datetime | str, tz: tzinfo | None) -> datetime:
    """`moment` (a datetime or ISO-8601) in `tz`; without `tz`, as given (its own offset,
    or a wall-clock time already local)."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if tz is None:
        return value
    if value.tzinfo is None:
        raise ValueError(f"a time to show in a time zone needs its offset: {moment!r}")
    return value.astimezone(tz)


def show_day(day: date | datetime | str | None, tz: tzinfo | None = None) -> str:
    """A day with its weekday: "Tue 24 Feb 2027" (no day: ""). A moment (a datetime, or
    ISO-8601 with a time) shows its day in `tz`, the programme's time zone, if given."""
    if day is None:
        return ""
    value = day
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else _aware(value, tz)
    elif isinstance(value, datetime):
        value = _aware(value, tz)
    return f"{WEEKDAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"


def show_moment(moment: datetime | str, tz: tzinfo | None = None) -> str:
    """A moment in the programme's time zone `tz`: "Tue 24 Feb 2027, 10:00"."""
    local = _aware(moment, tz)
    return f"{show_day(local)}, {local:%H:%M}"


def show_span(start: datetime | str, end: datetime | str, tz: tzinfo | None = None) -> str:
    """A session's time: "Tue 24 Feb 2027, 10:00–13:30", with both days if it ends on another."""
    first, last = _aware(start, tz), _aware(end, tz)
    if first.date() == last.date():
        return f"{show_moment(first)}–{last:%H:%M}"
    return f"{show_moment(first)} – {show_moment(last)}"


def show_period(first: date | str, last: date | str | None) -> str:
    """A run of days: "Mon 2 Aug 2027 to Fri 13 Aug 2027", or the one day."""
    if last is None or str(first) == str(last):
        return show_day(first)
    return f"{show_day(first)} to {show_day(last)}"
