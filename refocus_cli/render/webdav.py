"""A small WebDAV/CalDAV client over the standard library's http.client: one connection,
timeouts, and every network or server failure turned into a CalDavProblem that says
what to check. `render/caldav.py` decides what to send; this module sends it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from refocus_cli.core.errors import Conflict, InvalidInput, NotFound, RefocusError

if TYPE_CHECKING:
    import http.client
    from xml.etree.ElementTree import Element

TIMEOUT_SECONDS = 30
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
    """The DAV resource types at `url` (e.g. {"collection", "calendar"}); None if absent."""
    status, reason, body = server.request("PROPFIND", url, RESOURCE_TYPE_QUERY, {"Depth": "0"})
    if status == 404:
        return None
    server.check(status, reason, "PROPFIND", url, expected=(207,))
    for _href, props in multistatus(body, url):
        types = props.get(f"{DAV}resourcetype")
        if types is not None:
            return {child.tag.rpartition("}")[2] for child in types}
    raise _not_caldav(url, status, reason)


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


def multistatus(body: bytes, url: str) -> Iterator[tuple[str, dict[str, Element]]]:
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
        props: dict[str, Element] = {}
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


class Server:
    """One HTTP(S) connection to the calendar's host, reused for every request."""

    def __init__(self, url: str, user: str | None, password: str | None) -> None:
        import base64
        from urllib.parse import urlsplit

        self.url = url
        self.parts = urlsplit(url)
        if not self.parts.hostname:
            raise InvalidInput(f"{url!r} is not a server address: it names no host")
        self.host: str = self.parts.hostname
        self.user = user
        self.headers = {"User-Agent": "refocus"}
        if user:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"
        self.connection: http.client.HTTPConnection | None = None
        self.moved_to: str | None = None

    def __enter__(self) -> Server:
        import http.client

        kind = (
            http.client.HTTPSConnection
            if self.parts.scheme == "https"
            else http.client.HTTPConnection
        )
        self.connection = kind(self.host, self.parts.port, timeout=TIMEOUT_SECONDS)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.connection is not None:
            self.connection.close()

    @property
    def address(self) -> str:
        """host:port, as a network error names it."""
        default = 443 if self.parts.scheme == "https" else 80
        return f"{self.host}:{self.parts.port or default}"

    def _connected(self) -> http.client.HTTPConnection:
        if self.connection is None:
            raise RuntimeError("a Server sends requests inside `with Server(...)` only")
        return self.connection

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str, bytes]:
        """(status, reason, body) of one request; network failures become CalDavProblem."""
        import http.client
        import socket
        import ssl
        from urllib.parse import urlsplit

        path = urlsplit(url).path or "/"
        sent = {**self.headers, **(headers or {})}
        if body is not None:
            sent.setdefault("Content-Type", "application/xml; charset=utf-8")
        try:
            try:
                return self._exchange(method, path, body, sent)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # a kept-alive connection the server had closed: once more, on a new one
                self._connected().close()
                return self._exchange(method, path, body, sent)
        except socket.gaierror:
            raise CalDavProblem(
                f"cannot find the server {self.host}: check the address in {self.url}"
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
                f"the certificate of {self.host} is not trusted ({exc.verify_message}): "
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

    def _exchange(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, bytes]:
        connection = self._connected()
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        self.moved_to = response.getheader("Location")
        return response.status, response.reason, response.read()

    def check(
        self,
        status: int,
        reason: str,
        method: str,
        url: str,
        *,
        expected: tuple[int, ...],
        making: bool = False,
    ) -> None:
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

    def write(
        self,
        method: str,
        href: str,
        what: str,
        done: int,
        data: bytes | None,
        preconditions: Mapping[str, str],
    ) -> None:
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
