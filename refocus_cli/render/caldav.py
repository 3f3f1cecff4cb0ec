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

from dataclasses import dataclass
from pathlib import Path

from refocus_cli.core.calendar import UID_DOMAIN
from refocus_cli.core.errors import Conflict, InvalidInput, NotFound, RefocusError

TIMEOUT_SECONDS = 30
HASH_PROPERTY = "X-REFOCUS-HASH"
DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"

RESOURCE_TYPE_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>"""

EVENTS_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter>
  </C:filter>
</C:calendar-query>"""


class CalDavProblem(RefocusError):
    """The calendar server cannot be used as asked; the message says what to check."""


@dataclass(frozen=True)
class Target:
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
        return self.uid.removesuffix(f"@{UID_DOMAIN}") + ".ics"


@dataclass(frozen=True)
class StoredEvent:
    """What the server holds for one UID: where, its ETag, and the fields we compare."""

    href: str
    etag: str | None
    digest: str | None
    last_modified: str | None


def session_events(store, manual: Path | None, choice: str, ref: str | None, *, alarm=None):
    """Each chosen session as its own calendar object (with the time zone it uses).

    A resource depends on its session alone (DTSTAMP is the session's last change, the
    time zone covers the session's own years), so an unchanged session gives the same
    bytes whatever else was chosen or changed. Sessions sharing both are rendered as one
    calendar and cut into resources, which is byte for byte what rendering each alone
    gives, without building the same VTIMEZONE hundreds of times.
    """
    from collections import defaultdict

    from refocus_cli.core import calendar as cal
    from refocus_cli.render.calendar import render_ics
    from refocus_cli.store import calendar, overrides

    alarms = cal.parse_alarms(alarm)
    curriculum = overrides.curriculum(store, manual)
    sessions = calendar.calendar_sessions(store, curriculum, choice, ref)
    programme = store.programme()
    groups = defaultdict(list)
    for session in sessions:
        years = calendar.first_and_last_year([session], store.today())
        groups[years, session.modified].append(session)
    resources = {}
    for (years, modified), group in groups.items():
        data = render_ics(
            group,
            programme["timezone"],
            name=programme["name"],
            years=years,
            alarms=alarms,
            now=modified,
            method=None,
        )
        resources.update(zip((s.id for s in group), _one_calendar_each(data), strict=True))
    return [
        SessionEvent(s.id, cal.uid(s), s.sequence, s.status == "cancelled", resources[s.id])
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


def publish(target: Target, events: list[SessionEvent]) -> dict:
    """Make the calendar at `target` hold `events`, sending only what changed."""
    from urllib.parse import quote, urlsplit

    base = _calendar_home(target.url)
    collection = base
    if target.calendar is not None:
        name = target.calendar.strip().strip("/")
        if not name:
            raise InvalidInput("--calendar needs a name, e.g. --calendar refocus")
        collection = base + quote(name, safe="") + "/"
    with _Server(collection, target.user, target.password) as server:
        kinds = _resource_types(server, collection)
        if kinds is None and target.calendar is None:
            raise NotFound(
                f"{collection} does not exist on the server: check the address, or give the "
                "address of your calendars' folder and --calendar NAME to make a calendar there"
            )
        if kinds is None:
            home = _resource_types(server, base)
            if home is None:
                raise NotFound(
                    f"{base} does not exist on the server: check the address of your "
                    "calendars' folder (often https://HOST/dav/calendars/USER/ or similar)"
                )
            if "calendar" in home:
                raise InvalidInput(f"{base} is a calendar itself: publish to it without --calendar")
            _make_calendar(server, collection, name)
            stored = {}
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


def _send_changes(server, folder: str, events: list[SessionEvent], stored) -> dict:
    from urllib.parse import quote

    outcome = {"calendar": server.url, "created": [], "updated": [], "removed": [], "unchanged": 0}

    def sent() -> int:
        return len(outcome["created"]) + len(outcome["updated"]) + len(outcome["removed"])

    for event in events:
        data, digest = with_digest(event.ics)
        held = stored.get(event.uid)
        what = f"session {event.id} ({event.uid})"
        if held is None:
            href = folder + quote(event.resource)
            server.write("PUT", href, what, sent(), data, {"If-None-Match": "*"})
            outcome["created"].append(event.uid)
        elif held.digest == digest and held.last_modified == event_fields(data)["LAST-MODIFIED"]:
            outcome["unchanged"] += 1
        else:
            server.write("PUT", held.href, what, sent(), data, _if_match(held))
            outcome["updated"].append(event.uid)
    chosen = {event.uid for event in events}
    for uid, held in stored.items():
        if uid.endswith(f"@{UID_DOMAIN}") and uid not in chosen:
            what = f"the event {uid}, whose session is no longer chosen"
            server.write("DELETE", held.href, what, sent(), None, _if_match(held))
            outcome["removed"].append(uid)
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


def event_fields(data: bytes | str) -> dict[str, str]:
    """UID, LAST-MODIFIED and X-REFOCUS-HASH of the (first) VEVENT of a calendar object."""
    import re

    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    fields = {"UID": "", "LAST-MODIFIED": None, HASH_PROPERTY: None}
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


def _calendar_home(url: str) -> str:
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


def _resource_types(server: _Server, url: str) -> set[str] | None:
    """The DAV resource types at `url` (e.g. {"collection", "calendar"}); None if absent."""
    status, reason, body = server.request("PROPFIND", url, RESOURCE_TYPE_QUERY, {"Depth": "0"})
    if status == 404:
        return None
    server.check(status, reason, "PROPFIND", url, expected=(207,))
    for _href, props in _multistatus(body, url):
        types = props.get(f"{DAV}resourcetype")
        if types is not None:
            return {child.tag.rpartition("}")[2] for child in types}
    raise _not_caldav(url, status, reason)


def _make_calendar(server: _Server, url: str, name: str) -> None:
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


def _stored_events(server: _Server, url: str) -> dict[str, StoredEvent]:
    """Every event in the calendar, by UID, from one calendar-query REPORT."""
    from urllib.parse import urljoin, urlsplit

    status, reason, body = server.request("REPORT", url, EVENTS_QUERY, {"Depth": "1"})
    server.check(status, reason, "REPORT", url, expected=(207,))
    stored = {}
    for href, props in _multistatus(body, url):
        data = props.get(f"{CALDAV}calendar-data")
        if data is None or not data.text:
            continue
        fields = event_fields(data.text)
        if not fields["UID"]:
            continue
        etag = props.get(f"{DAV}getetag")
        stored[fields["UID"]] = StoredEvent(
            href=urlsplit(urljoin(url, href)).path,
            etag=etag.text.strip() if etag is not None and etag.text else None,
            digest=fields[HASH_PROPERTY],
            last_modified=fields["LAST-MODIFIED"],
        )
    return stored


def _multistatus(body: bytes, url: str):
    """(href, {property tag: element}) for each response, keeping 200 OK properties only."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise _not_caldav(url, 207, "Multi-Status with an unreadable body") from None
    if root.tag != f"{DAV}multistatus":
        raise _not_caldav(url, 207, "Multi-Status with an unexpected body")
    for response in root.iter(f"{DAV}response"):
        href = response.findtext(f"{DAV}href", "").strip()
        props = {}
        for propstat in response.iter(f"{DAV}propstat"):
            if " 200 " in propstat.findtext(f"{DAV}status", "") + " ":
                for prop in propstat.iter(f"{DAV}prop"):
                    props.update({child.tag: child for child in prop})
        yield href, props


def _not_caldav(url: str, status: int, reason: str) -> CalDavProblem:
    return CalDavProblem(
        f"{url} did not answer as a CalDAV server ({status} {reason}): check that it is the "
        "address of a calendar, or of the folder holding your calendars, on a CalDAV server"
    )


class _Server:
    """One HTTP(S) connection to the calendar's host, reused for every request."""

    def __init__(self, url: str, user: str | None, password: str | None):
        import base64
        from urllib.parse import urlsplit

        self.url = url
        self.parts = urlsplit(url)
        self.user = user
        self.headers = {"User-Agent": "refocus"}
        if user:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"
        self.connection = None
        self.moved_to = None

    def __enter__(self) -> _Server:
        import http.client

        kind = (
            http.client.HTTPSConnection
            if self.parts.scheme == "https"
            else http.client.HTTPConnection
        )
        self.connection = kind(self.parts.hostname, self.parts.port, timeout=TIMEOUT_SECONDS)
        return self

    def __exit__(self, *_exc) -> None:
        self.connection.close()

    @property
    def address(self) -> str:
        default = 443 if self.parts.scheme == "https" else 80
        return f"{self.parts.hostname}:{self.parts.port or default}"

    def request(self, method: str, url: str, body: bytes | None = None, headers=None):
        """(status, reason, body) of one request; network failures become CalDavProblem."""
        import http.client
        import socket
        import ssl
        from urllib.parse import urlsplit

        path = urlsplit(url).path or "/"
        headers = {**self.headers, **(headers or {})}
        if body is not None:
            headers.setdefault("Content-Type", "application/xml; charset=utf-8")
        try:
            try:
                return self._exchange(method, path, body, headers)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # a kept-alive connection the server had closed: once more, on a new one
                self.connection.close()
                return self._exchange(method, path, body, headers)
        except socket.gaierror:
            raise CalDavProblem(
                f"cannot find the server {self.parts.hostname}: check the address in {self.url}"
            ) from None
        except ConnectionRefusedError:
            raise CalDavProblem(
                f"nothing answers at {self.address}: check the address and port in {self.url}, "
                "and that the server is running"
            ) from None
        except TimeoutError:
            raise CalDavProblem(
                f"{self.address} did not answer within {TIMEOUT_SECONDS} s: check the address, "
                "your network (or VPN), and that the server is running"
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise CalDavProblem(
                f"the certificate of {self.parts.hostname} is not trusted ({exc.verify_message}): "
                "check the address, or ask the server's administrator"
            ) from None
        except (ssl.SSLError, http.client.HTTPException) as exc:
            raise CalDavProblem(
                f"{self.address} did not answer as a web server should ({exc}): check the "
                "address, and whether it starts https:// or http://"
            ) from None
        except OSError as exc:
            raise CalDavProblem(
                f"cannot reach {self.address} ({exc.strerror or exc}): check the address, "
                "your network, and that the server is running"
            ) from None

    def _exchange(self, method: str, path: str, body: bytes | None, headers: dict):
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        self.moved_to = response.getheader("Location")
        return response.status, response.reason, response.read()

    def check(self, status, reason, method, url, *, expected, making=False) -> None:
        """Raise the error that explains an answer other than `expected`."""
        if status in expected:
            return
        said = f"{status} {reason}"
        if status == 401:
            if self.user:
                raise CalDavProblem(
                    f"the server refused user {self.user!r} and this password ({said}): check "
                    "--user and the password ($REFOCUS_CALDAV_PASSWORD, or the one typed)"
                )
            raise CalDavProblem(
                f"{url} asks for a user name and password ({said}): give --user NAME "
                "(the password comes from $REFOCUS_CALDAV_PASSWORD, else it is asked for)"
            )
        if status == 403:
            who = f"user {self.user!r}" if self.user else "this user"
            action = "make a calendar at" if making else "use"
            raise CalDavProblem(
                f"the server does not let {who} {action} {url} ({said}): check the user name "
                "and that this user may write there"
            )
        if 300 <= status < 400:
            raise CalDavProblem(
                f"{url} has moved to {self.moved_to or 'another address'} ({said}): "
                "publish to that address"
            )
        if method == "PROPFIND" and (200 <= status < 300 or status in (400, 405, 501)):
            raise _not_caldav(url, status, reason)
        if making and status == 409:
            raise NotFound(f"cannot make {url} ({said}): the folder it goes in does not exist")
        raise CalDavProblem(f"the server answered {method} {url} with {said}")

    def write(self, method, href, what: str, done: int, data, preconditions) -> None:
        """PUT or DELETE one resource; 412 means someone else changed it meanwhile."""
        headers = dict(preconditions)
        if data is not None:
            headers["Content-Type"] = "text/calendar; charset=utf-8"
        status, reason, _ = self.request(method, href, data, headers)
        if status in (200, 201, 204) or (method == "DELETE" and status == 404):
            return
        sent = f"{done} change{'s' if done != 1 else ''} had been sent before it"
        if status == 412:
            raise Conflict(
                f"{what} changed on the server while publishing ({status} {reason}), so it was "
                f"not overwritten; {sent}: run the command again to publish against the "
                "current state"
            )
        try:
            self.check(status, reason, method, href, expected=())
        except CalDavProblem as exc:
            raise CalDavProblem(f"{exc} (publishing {what}; {sent})") from None
