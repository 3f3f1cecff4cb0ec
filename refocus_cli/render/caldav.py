"""Sessions as CalDAV resources: one calendar object per session, marked as refocus's.

Every resource refocus PUTs carries two properties in its event:
`X-REFOCUS-PROGRAMME`, the programme's UUID, so that refocus only ever deletes events of
the programme publishing (never another programme's sharing the calendar, nor people's);
and `X-REFOCUS-HASH`, a digest of the exact calendar refocus rendered for it (and the
programme), because servers re-serialise what they store (Radicale through vobject,
others their own way), so their bytes cannot be compared with ours. How a publish uses
them is in render/caldav_sync.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from refocus_cli.core.calendar import UID_DOMAIN, CalendarMilestone, CalendarSession
from refocus_cli.core.vocabulary import SessionStatus

HASH_PROPERTY = "X-REFOCUS-HASH"
PROGRAMME_PROPERTY = "X-REFOCUS-PROGRAMME"
FIELDS = ("UID", "SEQUENCE", "SUMMARY", "DTSTART", "LAST-MODIFIED", HASH_PROPERTY)


@dataclass(frozen=True)
class SessionEvent:
    """One session as a resource: its UID, SEQUENCE, and a whole VCALENDAR for it; or a
    measurement window's all-day milestone (`id` None, `start` its first day)."""

    id: int | None
    uid: str
    sequence: int
    cancelled: bool
    ics: bytes
    summary: str
    start: datetime | date

    @property
    def resource(self) -> str:
        """The resource's file name in the calendar collection."""
        return self.uid.removesuffix(f"@{UID_DOMAIN}") + ".ics"


def session_events(
    sessions: list[CalendarSession],
    timezone: str,
    programme: str,
    today: date,
    *,
    alarms: Sequence[timedelta] = (),
) -> list[SessionEvent]:
    """Each session as its own calendar object (with the time zone it uses).

    A resource depends on its session alone (DTSTAMP is the session's last change, the
    time zone covers the session's own years), so an unchanged session gives the same
    bytes whatever else was chosen or changed. Sessions sharing both are rendered as one
    calendar and cut into resources, which is byte for byte what rendering each alone
    gives, without building the same VTIMEZONE hundreds of times.
    """
    from collections import defaultdict

    from refocus_cli.core import calendar as cal
    from refocus_cli.render.calendar import render_ics

    groups: dict[tuple[tuple[int, int], datetime], list[CalendarSession]] = defaultdict(list)
    for session in sessions:
        years = cal.first_and_last_year([session], today)
        groups[years, session.modified].append(session)
    resources: dict[int, bytes] = {}
    for (years, modified), group in groups.items():
        data = render_ics(
            group, timezone, name=programme, years=years, alarms=alarms, now=modified,
            method=None,
        )  # fmt: skip
        resources.update(zip((s.id for s in group), _one_calendar_each(data), strict=True))
    return [
        SessionEvent(
            s.id,
            cal.uid(s),
            s.sequence,
            s.status == SessionStatus.CANCELLED,
            resources[s.id],
            cal.summary(s),
            s.start,
        )
        for s in sessions
    ]


def milestone_events(
    milestones: Sequence[CalendarMilestone], timezone: str, programme: str
) -> list[SessionEvent]:
    """Each measurement window as its own calendar object: all-day, so without a time
    zone, and stamped with the window's making, so the same window always gives the same
    bytes. A window is never edited (one is removed and another added), so its SEQUENCE
    is 0 unless the server's copy has a higher one (render/caldav_sync.py)."""
    from refocus_cli.core import calendar as cal
    from refocus_cli.render.calendar import render_ics

    return [
        SessionEvent(
            None,
            cal.milestone_uid(m),
            0,
            False,
            render_ics(
                [],
                timezone,
                name=programme,
                years=None,
                now=m.created,
                method=None,
                milestones=[m],
            ),  # fmt: skip
            cal.milestone_summary(m),
            m.first,
        )
        for m in milestones
    ]


def _one_calendar_each(data: bytes) -> list[bytes]:
    """A calendar of several events cut into one calendar per event, in order."""
    head, _, rest = data.partition(b"BEGIN:VEVENT\r\n")
    body, _, tail = rest.rpartition(b"END:VEVENT\r\n")
    return [
        head + b"BEGIN:VEVENT\r\n" + event + b"END:VEVENT\r\n" + tail
        for event in body.split(b"END:VEVENT\r\nBEGIN:VEVENT\r\n")
    ]


def marked(ics: bytes, programme: str) -> tuple[bytes, str]:
    """The resource to PUT (our calendar with the programme's UUID and the digest in its
    event) and the digest, which covers the programme too."""
    import hashlib

    digest = hashlib.sha256(programme.encode() + b"\n" + ics).hexdigest()[:32]
    marker = b"BEGIN:VEVENT\r\n"
    lines = f"{PROGRAMME_PROPERTY}:{programme}\r\n{HASH_PROPERTY}:{digest}\r\n"
    return ics.replace(marker, marker + lines.encode(), 1), digest


def with_sequence(data: bytes, sequence: int) -> bytes:
    """The resource with its event's SEQUENCE set to `sequence`."""
    import re

    return re.sub(rb"\r\nSEQUENCE:\d+\r\n", f"\r\nSEQUENCE:{sequence}\r\n".encode(), data, count=1)


def event_fields(data: bytes | str) -> dict[str, str | None]:
    """UID, SEQUENCE, SUMMARY, DTSTART, LAST-MODIFIED, X-REFOCUS-HASH and
    X-REFOCUS-PROGRAMME of the (first) VEVENT of a calendar object (None where absent)."""
    import re

    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    fields: dict[str, str | None] = dict.fromkeys((*FIELDS, PROGRAMME_PROPERTY))
    nesting: list[str] = []
    for line in unfolded.splitlines():
        name, value = _property(line)
        if name in ("BEGIN", "END"):
            if name == "BEGIN":
                nesting.append(value.upper())
            elif nesting:
                if nesting.pop() == "VEVENT":
                    break
        elif nesting and nesting[-1] == "VEVENT" and name in fields:
            fields[name] = value.strip()
    return fields


def _property(line: str) -> tuple[str, str]:
    """A content line's name (upper case) and value: the text after the first ':' that is
    not inside a quoted parameter."""
    quoted = False
    name_end = None
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ";" and name_end is None:
            name_end = index
        elif char == ":" and not quoted:
            return line[: index if name_end is None else name_end].upper(), line[index + 1 :]
    return "", ""
