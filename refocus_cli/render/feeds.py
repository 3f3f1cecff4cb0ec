"""A subscribed calendar feed: the .ics export's rendering, plus how often to look again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from refocus_cli.core import calendar as cal

# How often subscribed calendars should fetch the feed again (RFC 7986 REFRESH-INTERVAL,
# and Outlook's X-PUBLISHED-TTL); a refocus default. Clients may poll less often
# (Google about twice a day, whatever the feed says).
REFRESH = "PT1H"


def feed_ics(
    sessions: Sequence[cal.CalendarSession],
    tz_name: str,
    *,
    name: str,
    years: tuple[int, int],
    stamp: datetime,
    milestones: Sequence[cal.CalendarMilestone] = (),
) -> bytes:
    """The sessions as a feed: METHOD:PUBLISH without attendees (RFC 5546), cancelled
    sessions left out (a subscribed calendar drops what the feed no longer holds, as it
    drops a measurement window removed), the windows as all-day milestones, and the same
    bytes for the same data (DTSTAMP is `stamp`, the latest change)."""
    from refocus_cli.render.calendar import render_ics

    data = render_ics(
        sessions, tz_name, name=name, years=years, drop_cancelled=True, now=stamp,
        milestones=milestones,
    )  # fmt: skip
    refresh = f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}\r\nX-PUBLISHED-TTL:{REFRESH}\r\n"
    return data.replace(b"METHOD:PUBLISH\r\n", b"METHOD:PUBLISH\r\n" + refresh.encode(), 1)
