"""Calendars (.ics) built with icalendar: RRULE-form time zones, stable UIDs, SEQUENCE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from refocus_cli import __version__
from refocus_cli.core import calendar as cal
from refocus_cli.core.vtimezone import zone_changes


def _timezone(tz_name: str, first_year: int, last_year: int):
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


def _address(person: cal.Person, role: str | None = None):
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = person.name
    if role:
        address.params["role"] = role
    return address


def event(
    session: cal.CalendarSession,
    *,
    stamp: datetime,
    alarms: list[timedelta] = (),
    with_attendees: bool = False,
    organiser: str | None = None,
):
    from icalendar import Alarm, Event

    item = Event()
    item.add("uid", cal.uid(session))
    item.add("dtstamp", stamp)
    item.add("created", session.created.astimezone(UTC))
    item.add("last-modified", session.modified.astimezone(UTC))
    item.add("sequence", session.sequence)
    item.add("dtstart", session.start)
    item.add("dtend", session.end)
    item.add("summary", cal.summary(session))
    where = cal.location(session)
    if where:
        item.add("location", where)
    item.add("description", cal.description(session))
    item.add("categories", ["REFOCUS", session.stage])
    cancelled = session.status == "cancelled"
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    item.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    lead = cal.organiser(session, organiser)
    if lead is not None and lead.email:
        item.add("organizer", _address(lead))
    if with_attendees:
        for trainer in session.trainers:
            if trainer.email:
                item.add("attendee", _address(trainer, "CHAIR"), encode=0)
        for person in session.attendees:
            if person.email:
                item.add("attendee", _address(person, "REQ-PARTICIPANT"), encode=0)
    if not cancelled:
        for before in alarms:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", cal.summary(session))
            alarm.add("trigger", -before)
            item.add_component(alarm)
    return item


def render_ics(
    sessions: list[cal.CalendarSession],
    tz_name: str,
    *,
    name: str,
    years: tuple[int, int],
    alarms: list[timedelta] = (),
    with_attendees: bool = False,
    organiser: str | None = None,
    drop_cancelled: bool = False,
    now: datetime | None = None,
    method: str | None = "PUBLISH",
) -> bytes:
    """A whole calendar; method=None for a CalDAV resource, which must not carry one."""
    from icalendar import Calendar

    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", f"-//refocus//refocus {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tz_name)
    calendar.add_component(_timezone(tz_name, *years))
    for session in sessions:
        if drop_cancelled and session.status == "cancelled":
            continue
        calendar.add_component(
            event(
                session,
                stamp=stamp,
                alarms=alarms,
                with_attendees=with_attendees,
                organiser=organiser,
            )
        )
    return calendar.to_ical()
