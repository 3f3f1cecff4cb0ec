"""Invitation emails: an iTIP object (RFC 5546) for one session and one person, in an
iMIP message (RFC 6047) that Outlook, Gmail, Apple Mail and Thunderbird show as an
invitation.

The message is laid out as Google Calendar sends its own, which every one of those
clients reads: multipart/mixed holding a multipart/alternative (plain text, HTML, and
the `text/calendar; method=…` part, the one Outlook acts on) and the same calendar as
an `invite.ics` attachment for clients and webmail that only offer attachments.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from refocus_cli.core import calendar as cal
from refocus_cli.core.display import show_moment, show_span
from refocus_cli.core.itip import Attendee, Method, Outgoing, Sender
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.render.calendar import address, fold, render_ics
from refocus_cli.resources import templates_dir

if TYPE_CHECKING:
    from email.message import EmailMessage

    import jinja2


@dataclass(frozen=True)
class Letter:
    """What the text and HTML parts of an invitation say."""

    greeting: str
    opening: str
    title: str
    when: str
    details: tuple[str, ...]  # the calendar event's description: who, venue, what to bring
    sender: str


WITHDRAWN = "REFOCUS session taken out of the plan"


def when(session: cal.CalendarSession | None, start: datetime) -> str:
    """A session's day and hours as people read them: "Tue 2 Mar 2027, 09:30–16:30" (a
    session taken out of the plan: its start only, all that was kept)."""
    return show_moment(start) if session is None else show_span(session.start, session.end)


def title(session: cal.CalendarSession | None) -> str:
    """What a message calls its session: the event's title."""
    return f"Cancelled: {WITHDRAWN}" if session is None else cal.summary(session)


def itip_object(
    session: cal.CalendarSession | None,
    message: Outgoing,
    sender: Sender,
    tz_name: str,
    *,
    years: tuple[int, int],
    now: datetime,
    rsvp: bool = False,
) -> bytes:
    """The iCalendar object of one message: METHOD REQUEST or CANCEL, the organiser, and
    the one person it goes to as the only ATTENDEE, at the message's SEQUENCE."""
    organiser = cal.Person(sender.name, sender.email, "organiser")
    attendee = cal.Person(message.attendee.name, message.recipient, message.attendee.kind)
    params = {"role": message.attendee.role}
    if message.method == Method.REQUEST:
        params |= {"partstat": "NEEDS-ACTION", "rsvp": "TRUE" if rsvp else "FALSE"}
    scheduling = ["ORGANIZER" + address(organiser), "ATTENDEE" + address(attendee, **params)]
    if session is None:
        return _withdrawn_object(message, scheduling, now)
    event = dataclasses.replace(session, sequence=message.sequence)
    # A CANCEL for a session that still takes place uninvites this person: RFC 5546
    # 3.2.5 then forbids STATUS, which would otherwise say the event goes ahead.
    whole_event = message.method == Method.REQUEST or session.status == SessionStatus.CANCELLED
    return render_ics(
        [event],
        tz_name,
        name=cal.summary(session),
        years=years,
        organiser=organiser,
        now=now,
        method=str(message.method),
        scheduling=scheduling,
        status=whole_event,
    )


def _withdrawn_object(message: Outgoing, scheduling: list[str], now: datetime) -> bytes:
    """The CANCEL of a session no longer in the database: its UID, SEQUENCE and start are
    all RFC 5546 3.2.5 asks for, and all that is known of it."""

    def utc(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//refocus//refocus//EN",
        "METHOD:CANCEL",
        "BEGIN:VEVENT",
        f"UID:{message.uid}",
        f"DTSTAMP:{utc(now)}",
        f"SEQUENCE:{message.sequence}",
        f"DTSTART:{utc(datetime.fromisoformat(message.start_utc))}",
        f"SUMMARY:Cancelled: {WITHDRAWN}",
        "STATUS:CANCELLED",
        *scheduling,
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return b"".join(fold(line) for line in lines)


def letter(
    session: cal.CalendarSession | None, message: Outgoing, sender: Sender, start: datetime
) -> Letter:
    """The words around the calendar part, for the person it goes to."""
    if session is None:
        opening = "It has been taken out of the plan: please remove it from your calendar."
    elif _readdressed(message):
        opening = (
            "Your invitations now go to your new email address: please remove this one "
            "from this calendar."
        )
    elif message.method == Method.CANCEL and session.status == SessionStatus.CANCELLED:
        opening = "This session is cancelled: please remove it from your calendar."
    elif message.method == Method.CANCEL:
        opening = "You are no longer expected at this session: please remove it from your calendar."
    elif message.update:
        opening = "This session has changed: your calendar is updated with the details below."
    else:
        opening = "You are invited to this REFOCUS session."
    organiser = cal.Person(sender.name, sender.email, "organiser")
    details = "" if session is None else cal.description(session, organiser)
    lines = tuple(line for line in details.splitlines() if not line.startswith("THIS SESSION"))
    return Letter(
        greeting=f"Dear {message.attendee.name},",
        opening=opening,
        title=title(session),
        when=when(session, start),
        details=lines,
        sender=sender.name,
    )


def subject(session: cal.CalendarSession | None, message: Outgoing, start: datetime) -> str:
    """The message's subject: what happened, the session and when."""
    if _readdressed(message):
        word = "Moved to your new address"
    elif message.method == Method.CANCEL:
        kept = session is not None and session.status != SessionStatus.CANCELLED
        word = "No longer needed" if kept else "Cancelled"
    else:
        word = "Updated invitation" if message.update else "Invitation"
    return f"{word}: {title(session).removeprefix('Cancelled: ')} ({when(session, start)})"


def _readdressed(message: Outgoing) -> bool:
    """A CANCEL to the address a person was invited at, which is no longer theirs (their
    invitation goes to their new address, named as the attendee's email)."""
    now = message.attendee.email
    return message.method == Method.CANCEL and now is not None and now != message.recipient


@functools.cache
def _environment() -> jinja2.Environment:
    """One environment a run, so each template is compiled once, not once a message."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=jinja2.select_autoescape(["html.j2"]),
    )


def _bodies(words: Letter) -> tuple[str, str]:
    env = _environment()
    text = env.get_template("invitation.txt.j2").render(letter=words)
    html = env.get_template("invitation.html.j2").render(letter=words)
    return text, html


def email_message(
    session: cal.CalendarSession | None,
    message: Outgoing,
    sender: Sender,
    calendar: bytes,
    *,
    now: datetime,
    start: datetime,
) -> EmailMessage:
    """The whole email: headers (non-ASCII names encoded, RFC 2047), the letter as text
    and HTML, and the calendar as the invitation part and as an attachment."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    to: Attendee = message.attendee
    email = EmailMessage()
    email["Subject"] = subject(session, message, start)
    email["From"] = Address(sender.name, addr_spec=sender.email)
    email["To"] = Address(to.name, addr_spec=message.recipient)
    email["Date"] = format_datetime(now)
    email["Message-ID"] = make_msgid("refocus", domain=sender.domain)
    text, html = _bodies(letter(session, message, sender, start))
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    method = str(message.method)
    email.add_alternative(calendar.decode("utf-8"), subtype="calendar", params={"method": method})
    email.add_attachment(calendar, maintype="application", subtype="ics", filename="invite.ics")
    return email
