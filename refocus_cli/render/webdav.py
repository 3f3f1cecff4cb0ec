"""A small WebDAV/CalDAV client over the standard library's http.client: one connection,
a deadline and a size limit, and every network or server failure turned into a
CalDavProblem that says what to check. `render/caldav_sync.py` decides what to send;
this module sends it.

Limits: every request must be answered in full within `--timeout` (default 60 s),
however slowly a server sends its answer (a watchdog closes the socket at the deadline,
so a server trickling a byte now and then cannot hold it open); the whole publish must
end within `--deadline` (default an hour: a first publish of a trust's 800 sessions to
a local Radicale took over a minute); and no answer may be longer than
MAX_RESPONSE_BYTES (read in chunks; reading stops there).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from refocus_cli.core.errors import InvalidInput, RefocusError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from refocus_cli.render.webdav_connection import Server

DEFAULT_TIMEOUT_SECONDS = 60.0  # each request (refocus defaults)
DEFAULT_DEADLINE_SECONDS = 3600.0  # the whole publish
# No honest answer comes near this: the largest, a national programme's calendar listing
# with ETags, is a few MB; a calendar-multiget batch of events is well under 1 MB.
MAX_RESPONSE_BYTES = 50 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"

RESOURCE_TYPE_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>"""

ETAG_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getetag/></D:prop></D:propfind>"""


class CalDavProblem(RefocusError):
    """The calendar server cannot be used as asked; the message says what to check."""


@dataclass
class Deadline:
    """When a publish must be done by (`seconds` from when it starts or restarts), and
    how long any one request may take (`request_seconds`)."""

    seconds: float = DEFAULT_DEADLINE_SECONDS
    request_seconds: float = DEFAULT_TIMEOUT_SECONDS
    ends_at: float = field(init=False)

    def __post_init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        """Start counting again (after waiting for a person to confirm)."""
        self.ends_at = time.monotonic() + self.seconds

    def remaining(self) -> float:
        """Seconds left for the whole publish, never below zero."""
        return max(0.0, self.ends_at - time.monotonic())

    def for_request(self) -> float:
        """Seconds the next request may take."""
        return min(self.remaining(), self.request_seconds)


def calendar_home(url: str) -> str:
    """The address typed, checked, with a final slash (a calendar or folder of calendars)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        raise InvalidInput(f"{url!r} is not a server address: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            f"{url!r} is not a server address: give one starting https:// (or http://), "
            "e.g. https://cloud.example.org/remote.php/dav/calendars/USER/"
        )
    if parts.username or parts.password:
        raise InvalidInput(
            "put the user name in --user and the password in $REFOCUS_CALDAV_PASSWORD, "
            "not in the address"
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def resource_types(server: Server, url: str) -> set[str] | None:
    """The DAV resource types at `url` (e.g. {"collection", "calendar"}); None if absent.

    Servers say "absent" in two ways: a plain 404, or (Xandikos) a 207 Multi-Status
    whose response, or whose every property, has the status 404.
    """
    status, reason, body = server.request("PROPFIND", url, RESOURCE_TYPE_QUERY, {"Depth": "0"})
    if status == 404:
        return None
    server.check(status, reason, "PROPFIND", url, expected=(207,))
    for answer in multistatus(body, url):
        types = answer.props.get(f"{DAV}resourcetype")
        if types is not None:
            return {child.tag.rpartition("}")[2] for child in types}
        if answer.missing:
            return None
    raise not_caldav(url, status, reason)


def make_calendar(server: Server, url: str, name: str) -> None:
    """MKCALENDAR, else the extended MKCOL of servers that only offer that (RFC 5689)."""
    from xml.sax.saxutils import escape

    props = (
        f"<D:prop><D:displayname>{escape(name)}</D:displayname>"
        '<C:supported-calendar-component-set><C:comp name="VEVENT"/>'
        "</C:supported-calendar-component-set></D:prop>"
    )
    spaces = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"'
    body = f'<?xml version="1.0" encoding="utf-8"?><C:mkcalendar {spaces}><D:set>{props}'
    body += "</D:set></C:mkcalendar>"
    status, reason, _ = server.request("MKCALENDAR", url, body.encode())
    if status in (400, 405, 501):
        typed = props.replace(
            "<D:prop>", "<D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype>"
        )
        body = f'<?xml version="1.0" encoding="utf-8"?><D:mkcol {spaces}><D:set>{typed}'
        body += "</D:set></D:mkcol>"
        status, reason, _ = server.request("MKCOL", url, body.encode())
        server.check(status, reason, "MKCOL", url, expected=(201,), making=True)
        return
    server.check(status, reason, "MKCALENDAR", url, expected=(201,), making=True)


@dataclass(frozen=True)
class Answer:
    """One <response> of a Multi-Status: its href, its properties found (200), and
    whether the server said the resource or every property asked for is missing (404)."""

    href: str
    props: dict[str, Element]
    missing: bool


def multistatus(body: bytes, url: str) -> Iterator[Answer]:
    """Each response of a Multi-Status body, in order."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise not_caldav(url, 207, "Multi-Status with an unreadable body") from None
    if root.tag != f"{DAV}multistatus":
        raise not_caldav(url, 207, "Multi-Status with an unexpected body")
    for response in root.iter(f"{DAV}response"):
        href = response.findtext(f"{DAV}href", "").strip()
        props: dict[str, Element] = {}
        statuses = [_code(response.findtext(f"{DAV}status", ""))]
        for propstat in response.iter(f"{DAV}propstat"):
            code = _code(propstat.findtext(f"{DAV}status", ""))
            statuses.append(code)
            if code == 200:
                for prop in propstat.iter(f"{DAV}prop"):
                    props.update({child.tag: child for child in prop})
        missing = not props and 404 in statuses
        yield Answer(href, props, missing)


def _code(status_line: str) -> int | None:
    """The number in an `HTTP/1.1 404 Not Found` status line."""
    words = status_line.split()
    return int(words[1]) if len(words) > 1 and words[1].isdigit() else None


def not_caldav(url: str, status: int, reason: str) -> CalDavProblem:
    """The error for an answer no CalDAV server gives."""
    return CalDavProblem(
        f"{url} did not answer as a CalDAV server ({status} {reason}): check that it is the "
        "address of a calendar, or of the folder holding your calendars, on a CalDAV server"
    )
