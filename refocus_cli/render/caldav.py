"""Publishing sessions to a CalDAV server, one resource per session (placeholder)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from refocus_cli.core.calendar import UID_DOMAIN


@dataclass(frozen=True)
class Target:
    url: str
    calendar: str | None
    user: str | None
    password: str | None


@dataclass(frozen=True)
class SessionEvent:
    """One session as a resource: its UID, SEQUENCE, and a whole VCALENDAR for it."""

    uid: str
    sequence: int
    cancelled: bool
    ics: bytes

    @property
    def resource(self) -> str:
        return self.uid.removesuffix(f"@{UID_DOMAIN}") + ".ics"


def session_events(store, manual: Path | None, choice: str, ref: str | None, *, alarm=None):
    """Each chosen session as its own calendar object (with the time zone it uses)."""
    from refocus_cli.core import calendar as cal
    from refocus_cli.render.calendar import render_ics
    from refocus_cli.store import calendar, overrides

    alarms = cal.parse_alarms(alarm)
    curriculum = overrides.curriculum(store, manual)
    sessions = calendar.calendar_sessions(store, curriculum, choice, ref)
    programme = store.programme()
    years = calendar.first_and_last_year(sessions, store.today())
    events = []
    for session in sessions:
        data = render_ics(
            [session],
            programme["timezone"],
            name=programme["name"],
            years=years,
            alarms=alarms,
            now=session.modified,  # DTSTAMP fixed by the session, so unchanged = same bytes
            method=None,
        )
        events.append(
            SessionEvent(cal.uid(session), session.sequence, session.status == "cancelled", data)
        )
    return events


def publish(target: Target, events: list[SessionEvent]) -> dict:
    raise NotImplementedError("CalDAV publishing is being written")
