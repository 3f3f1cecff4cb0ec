"""Publishing sessions to a CalDAV server, one resource per session; only changes are sent.

How a publish goes (RFC 4791 over the standard library's http.client, one connection):

1. PROPFIND (Depth 0) the calendar: `URL/NAME/` with --calendar NAME, else URL itself.
   Missing with --calendar: it is made with MKCALENDAR (extended MKCOL, RFC 5689, if the
   server refuses that method) once URL is known to exist.
2. One REPORT calendar-query (Depth 1) reads every event there with its ETag and data.
3. Each session is compared with what the server holds under its UID. Every resource we
   PUT carries `X-REFOCUS-HASH`, a digest of the exact calendar refocus rendered for it.
   Servers re-serialise what they store (Radicale through vobject, others their own
   way), so comparing bytes would see a change every time; a digest of our own bytes,
   carried inside the event, survives that. A session is unchanged, and gets no write,
   when the server's copy has our digest *and* our LAST-MODIFIED: calendar clients
   update LAST-MODIFIED when someone edits an event, so such an edit is put right on
   the next publish. New sessions are PUT with `If-None-Match: *`, changed ones with
   `If-Match: <etag>`, so nothing written by someone else since step 2 is overwritten
   (412 stops the publish with an error).
4. The calendar mirrors the sessions chosen, as an exported .ics file does: a refocus
   event there (UID ending in `@refocus.invalid`) whose session is not among them any
   more is deleted, with `If-Match`, and reported as removed. Cancelled sessions stay,
   as STATUS:CANCELLED events, like in the .ics export. Events refocus did not write
   are never touched. So publish each selection (--cohort, --team, ...) to its own
   calendar.

Only the database is read; nothing in it changes, whatever the server answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from refocus_cli.core.calendar import UID_DOMAIN, CalendarSession
from refocus_cli.core.errors import InvalidInput, NotFound
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.render import webdav
from refocus_cli.render.webdav import CalDavProblem  # noqa: F401 - part of this module's API

HASH_PROPERTY = "X-REFOCUS-HASH"


@dataclass(frozen=True)
class Target:
    """Where to publish: the address, the calendar under it, and who logs in."""

    url: str
    calendar: str | None
    user: str | None
    password: str | None


@dataclass(frozen=True)
class SessionEvent:
    """One session as a resource: its UID, SEQUENCE, and a whole VCALENDAR for it."""

    id: int
    uid: str
    sequence: int
    cancelled: bool
    ics: bytes

    @property
    def resource(self) -> str:
        """The resource's file name in the calendar collection."""
        return self.uid.removesuffix(f"@{UID_DOMAIN}") + ".ics"


@dataclass
class Published:
    """What a publish did: the calendar's address, the UIDs created, updated and
    removed, and how many events were already as they should be."""

    calendar: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def sent(self) -> int:
        """Changes sent so far."""
        return len(self.created) + len(self.updated) + len(self.removed)

    def as_record(self) -> dict[str, Any]:
        """The outcome as `--json` prints it."""
        return {
            "calendar": self.calendar,
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class StoredEvent:
    """What the server holds for one UID: where, its ETag, and the fields we compare."""

    href: str
    etag: str | None
    digest: str | None
    last_modified: str | None


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
            s.id, cal.uid(s), s.sequence, s.status == SessionStatus.CANCELLED, resources[s.id]
        )
        for s in sessions
    ]


def _one_calendar_each(data: bytes) -> list[bytes]:
    """A calendar of several events cut into one calendar per event, in order."""
    head, _, rest = data.partition(b"BEGIN:VEVENT\r\n")
    body, _, tail = rest.rpartition(b"END:VEVENT\r\n")
    return [
        head + b"BEGIN:VEVENT\r\n" + event + b"END:VEVENT\r\n" + tail
        for event in body.split(b"END:VEVENT\r\nBEGIN:VEVENT\r\n")
    ]


def publish(target: Target, events: list[SessionEvent]) -> Published:
    """Make the calendar at `target` hold `events`, sending only what changed."""
    from urllib.parse import quote, urlsplit

    base = webdav.calendar_home(target.url)
    collection = base
    if target.calendar is not None:
        name = target.calendar.strip().strip("/")
        if not name:
            raise InvalidInput("--calendar needs a name, e.g. --calendar refocus")
        collection = base + quote(name, safe="") + "/"
    with webdav.Server(collection, target.user, target.password) as server:
        kinds = webdav.resource_types(server, collection)
        if kinds is None and target.calendar is None:
            raise NotFound(
                f"{collection} does not exist on the server: check the address, or give the "
                "address of your calendars' folder and --calendar NAME to make a calendar there"
            )
        if kinds is None:
            home = webdav.resource_types(server, base)
            if home is None:
                raise NotFound(
                    f"{base} does not exist on the server: check the address of your "
                    "calendars' folder (often https://HOST/dav/calendars/USER/ or similar)"
                )
            if "calendar" in home:
                raise InvalidInput(f"{base} is a calendar itself: publish to it without --calendar")
            webdav.make_calendar(server, collection, name)
            stored: dict[str, StoredEvent] = {}
        elif "calendar" not in kinds:
            raise InvalidInput(
                f"{collection} is a folder on the server, not a calendar: "
                + (
                    "choose another --calendar name"
                    if target.calendar
                    else "give --calendar NAME to publish to a calendar in it"
                )
            )
        else:
            stored = _stored_events(server, collection)
        return _send_changes(server, urlsplit(collection).path, events, stored)


def _send_changes(
    server: webdav.Server, folder: str, events: list[SessionEvent], stored: dict[str, StoredEvent]
) -> Published:
    from urllib.parse import quote

    outcome = Published(server.url)
    for event in events:
        data, digest = with_digest(event.ics)
        held = stored.get(event.uid)
        what = f"session {event.id} ({event.uid})"
        if held is None:
            href = folder + quote(event.resource)
            server.write("PUT", href, what, outcome.sent, data, {"If-None-Match": "*"})
            outcome.created.append(event.uid)
        elif held.digest == digest and held.last_modified == event_fields(data)["LAST-MODIFIED"]:
            outcome.unchanged += 1
        else:
            server.write("PUT", held.href, what, outcome.sent, data, _if_match(held))
            outcome.updated.append(event.uid)
    chosen = {event.uid for event in events}
    for uid, held in stored.items():
        if uid.endswith(f"@{UID_DOMAIN}") and uid not in chosen:
            what = f"the event {uid}, whose session is no longer chosen"
            server.write("DELETE", held.href, what, outcome.sent, None, _if_match(held))
            outcome.removed.append(uid)
    return outcome


def _if_match(held: StoredEvent) -> dict[str, str]:
    # If-Match compares strongly (RFC 9110), so a weak ETag could never match: send none.
    if not held.etag or held.etag.startswith("W/"):
        return {}
    return {"If-Match": held.etag}


def with_digest(ics: bytes) -> tuple[bytes, str]:
    """The resource to PUT (our calendar with X-REFOCUS-HASH in its event) and the digest."""
    import hashlib

    digest = hashlib.sha256(ics).hexdigest()[:32]  # 47-octet line, no folding needed
    marker = b"BEGIN:VEVENT\r\n"
    data = ics.replace(marker, marker + f"{HASH_PROPERTY}:{digest}\r\n".encode(), 1)
    return data, digest


def event_fields(data: bytes | str) -> dict[str, str | None]:
    """UID, LAST-MODIFIED and X-REFOCUS-HASH of the (first) VEVENT of a calendar object."""
    import re

    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    fields: dict[str, str | None] = {"UID": "", "LAST-MODIFIED": None, HASH_PROPERTY: None}
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


def _stored_events(server: webdav.Server, url: str) -> dict[str, StoredEvent]:
    """Every event in the calendar, by UID, from one calendar-query REPORT."""
    from urllib.parse import urljoin, urlsplit

    status, reason, body = server.request("REPORT", url, webdav.EVENTS_QUERY, {"Depth": "1"})
    server.check(status, reason, "REPORT", url, expected=(207,))
    stored: dict[str, StoredEvent] = {}
    for href, props in webdav.multistatus(body, url):
        data = props.get(f"{webdav.CALDAV}calendar-data")
        if data is None or not data.text:
            continue
        fields = event_fields(data.text)
        uid = fields["UID"]
        if not uid:
            continue
        etag = props.get(f"{webdav.DAV}getetag")
        stored[uid] = StoredEvent(
            href=urlsplit(urljoin(url, href)).path,
            etag=etag.text.strip() if etag is not None and etag.text else None,
            digest=fields[HASH_PROPERTY],
            last_modified=fields["LAST-MODIFIED"],
        )
    return stored
