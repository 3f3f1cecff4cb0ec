"""Calendars (.ics): RRULE-form time zones (built with icalendar), stable UIDs, SEQUENCE."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from refocus_cli.core import calendar as cal
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.core.vtimezone import zone_changes

if TYPE_CHECKING:
    from icalendar import Timezone


def _timezone(tz_name: str, first_year: int, last_year: int) -> Timezone:
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

    zone = Timezone()
    zone.add("tzid", tz_name)
    zone.add("x-lic-location", tz_name)
    for change in zone_changes(ZoneInfo(tz_name), first_year, last_year):
        part = TimezoneDaylight() if change.kind == "DAYLIGHT" else TimezoneStandard()
        part.add("dtstart", change.start)
        part.add("tzoffsetfrom", change.offset_from)
        part.add("tzoffsetto", change.offset_to)
        if change.name:
            part.add("tzname", change.name)
        if change.month is not None:
            rule = {"freq": "yearly", "bymonth": change.month, "byday": change.byday}
            if change.until is not None:
                rule["until"] = change.until
            part.add("rrule", vRecur(rule))
        zone.add_component(part)
    return zone


@functools.lru_cache(maxsize=16)
def _timezone_text(tz_name: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE as written, made once for the many invitations of a run."""
    return bytes(_timezone(tz_name, first_year, last_year).to_ical())


# Events are written directly rather than through icalendar's object model: for a
# national programme (20,000+ sessions) icalendar's per-property objects and
# character-by-character folding took about 0.4 ms per event; this writer follows the
# same rules (RFC 5545 text escaping, RFC 6868 parameter escaping, folding at 75
# octets on character boundaries) and the tests read its output back with four
# independent parsers (icalendar, ical, vobject, ics).


def _text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value, quoted, with RFC 6868 escapes for ^, newlines and quotes."""
    escaped = value.replace("^", "^^").replace("\r\n", "^n").replace("\n", "^n")
    return '"' + escaped.replace('"', "^'") + '"'


def fold(line: str) -> bytes:
    """One content line as octets, folded at 75 octets without splitting a character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # never cut inside a multi-byte character
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # continuation lines begin with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _duration(before: timedelta) -> str:
    minutes = int(before.total_seconds()) // 60
    if minutes % (24 * 60) == 0:
        return f"-P{minutes // (24 * 60)}D"
    hours, minutes = divmod(minutes, 60)
    return "-PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")


def address(person: cal.Person, **params: str) -> str:
    """A calendar user as a property value with its parameters: `;CN="Name";ROLE=…:mailto:…`."""
    extra = "".join(f";{key.upper().replace('_', '-')}={value}" for key, value in params.items())
    return f";CN={_param(person.name)}{extra}:mailto:{person.email}"


def event_lines(
    session: cal.CalendarSession,
    tz_name: str,
    *,
    stamp: datetime,
    alarms: Sequence[timedelta] = (),
    organiser: str | cal.Person | None = None,
    scheduling: Sequence[str] = (),
    status: bool = True,
) -> list[str]:
    """The content lines of one VEVENT (unfolded); `scheduling` adds an invitation's
    ORGANIZER and ATTENDEE lines, which only iTIP messages carry (render/itip.py), and
    `status` off leaves STATUS out (a CANCEL that uninvites one person, RFC 5546 3.2.5)."""
    cancelled = session.status == SessionStatus.CANCELLED
    lines = [
        "BEGIN:VEVENT",
        f"UID:{cal.uid(session)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"CREATED:{_utc(session.created)}",
        f"LAST-MODIFIED:{_utc(session.modified)}",
        f"SEQUENCE:{session.sequence}",
        f"DTSTART;TZID={tz_name}:{_local(session.start)}",
        f"DTEND;TZID={tz_name}:{_local(session.end)}",
        f"SUMMARY:{_text(cal.summary(session))}",
    ]
    where = cal.location(session)
    if where:
        lines.append(f"LOCATION:{_text(where)}")
    lead = cal.organiser(session, organiser)
    lines.append(f"DESCRIPTION:{_text(cal.description(session, lead))}")
    lines.append(f"CATEGORIES:REFOCUS,{_text(session.stage)}")
    if status:
        lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    lines.append(f"TRANSP:{'TRANSPARENT' if cancelled else 'OPAQUE'}")
    lines.extend(scheduling)
    if not cancelled:
        for before in alarms:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{_text(cal.summary(session))}",
                f"TRIGGER:{_duration(before)}",
                "END:VALARM",
            ]
    lines.append("END:VEVENT")
    return lines


def milestone_lines(milestone: cal.CalendarMilestone, *, stamp: datetime) -> list[str]:
    """The content lines of a measurement window's VEVENT: all-day dates (DTEND the day
    after the last, RFC 5545 3.6.1), free time, no reminders; a window is never edited,
    so its SEQUENCE stays 0."""
    return [
        "BEGIN:VEVENT",
        f"UID:{cal.milestone_uid(milestone)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"CREATED:{_utc(milestone.created)}",
        f"LAST-MODIFIED:{_utc(milestone.created)}",
        "SEQUENCE:0",
        f"DTSTART;VALUE=DATE:{milestone.first.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(milestone.last + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{_text(cal.milestone_summary(milestone))}",
        f"DESCRIPTION:{_text(cal.milestone_description(milestone))}",
        "CATEGORIES:REFOCUS,milestone",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def render_ics(
    sessions: Sequence[cal.CalendarSession],
    tz_name: str,
    *,
    name: str,
    years: tuple[int, int] | None,
    alarms: Sequence[timedelta] = (),
    organiser: str | cal.Person | None = None,
    drop_cancelled: bool = False,
    now: datetime | None = None,
    method: str | None = "PUBLISH",
    scheduling: Sequence[str] = (),
    status: bool = True,
    milestones: Sequence[cal.CalendarMilestone] = (),
) -> bytes:
    """A whole calendar; method=None for a CalDAV resource, which must not carry one.
    `scheduling` and `status` are for an iTIP message of one session (render/itip.py);
    `milestones` adds measurement windows as all-day events after the sessions; `years`
    None leaves the time zone out, for a calendar of all-day milestones alone."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        # No version here: an upgrade must not make every published event look changed.
        "PRODID:-//refocus//refocus//EN",
        "CALSCALE:GREGORIAN",
    ]
    if method:
        head.append(f"METHOD:{method}")
    head += [f"X-WR-CALNAME:{_text(name)}", f"X-WR-TIMEZONE:{tz_name}"]
    out = [fold(line) for line in head]
    if years is not None:
        out.append(_timezone_text(tz_name, *years))
    for session in sessions:
        if drop_cancelled and session.status == SessionStatus.CANCELLED:
            continue
        lines = event_lines(
            session,
            tz_name,
            stamp=stamp,
            alarms=alarms,
            organiser=organiser,
            scheduling=scheduling,
            status=status,
        )
        out.extend(fold(line) for line in lines)
    for milestone in milestones:
        out.extend(fold(line) for line in milestone_lines(milestone, stamp=stamp))
    out.append(fold("END:VCALENDAR"))
    return b"".join(out)
