"""One HTTP(S) connection to a calendar server, with the publish's deadline and the
response size limit (see render/webdav.py), turning every failure into a CalDavProblem."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from refocus_cli.core.errors import Conflict, InvalidInput, NotFound
from refocus_cli.render.webdav import (
    CHUNK_BYTES,
    MAX_RESPONSE_BYTES,
    CalDavProblem,
    Deadline,
    not_caldav,
)

if TYPE_CHECKING:
    import http.client


class Server:
    """One HTTP(S) connection to the calendar's host, reused for every request."""

    def __init__(
        self, url: str, user: str | None, password: str | None, deadline: Deadline
    ) -> None:
        import base64
        from urllib.parse import urlsplit

        self.url = url
        self.parts = urlsplit(url)
        if not self.parts.hostname:
            raise InvalidInput(f"{url!r} is not a server address: it names no host")
        self.host: str = self.parts.hostname
        self.user = user
        self.deadline = deadline
        self.headers = {"User-Agent": "refocus"}
        if user:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"
        self.connection: http.client.HTTPConnection | None = None
        self.moved_to: str | None = None
        self.etag: str | None = None
        self.cut_off = False

    def __enter__(self) -> Server:
        import http.client

        kind = (
            http.client.HTTPSConnection
            if self.parts.scheme == "https"
            else http.client.HTTPConnection
        )
        self.connection = kind(self.host, self.parts.port, timeout=self.deadline.request_seconds)
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
                if self.cut_off:
                    raise
                # a kept-alive connection the server had closed: once more, on a new one
                self._connected().close()
                return self._exchange(method, path, body, sent)
        except (OSError, ssl.SSLError, http.client.HTTPException) as exc:
            if self.cut_off or isinstance(exc, TimeoutError) or not self.deadline.remaining():
                self._connected().close()
                raise self._too_late() from None
            raise self._unreachable(exc) from None

    def _too_late(self) -> CalDavProblem:
        if not self.deadline.remaining():
            return CalDavProblem(
                f"the publish did not finish within {self.deadline.seconds:g} s (--deadline): "
                "run it again to carry on where it stopped, or give a longer --deadline"
            )
        return CalDavProblem(
            f"{self.address} did not finish answering within {self.deadline.request_seconds:g} "
            "s (--timeout): check the address, your network (or VPN) and that the server is "
            "running, or give a longer --timeout"
        )

    def _unreachable(self, exc: Exception) -> CalDavProblem:
        import http.client
        import socket
        import ssl

        if isinstance(exc, socket.gaierror):
            return CalDavProblem(
                f"cannot find the server {self.host}: check the address in {self.url}"
            )
        if isinstance(exc, ConnectionRefusedError):
            return CalDavProblem(
                f"nothing answers at {self.address}: check the address and port in {self.url}, "
                "and that the server is running"
            )
        if isinstance(exc, ssl.SSLCertVerificationError):
            return CalDavProblem(
                f"the certificate of {self.host} is not trusted ({exc.verify_message}): "
                "check the address, or ask the server's administrator"
            )
        if isinstance(exc, ssl.SSLError | http.client.HTTPException):
            return CalDavProblem(
                f"{self.address} did not answer as a web server should ({exc}): check the "
                "address, and whether it starts https:// or http://"
            )
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return CalDavProblem(
            f"cannot reach {self.address} ({reason}): check the address, "
            "your network, and that the server is running"
        )

    def _exchange(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, bytes]:
        connection = self._connected()
        remaining = self.deadline.for_request()
        if not remaining:
            raise TimeoutError
        connection.timeout = remaining
        if connection.sock is not None:
            connection.sock.settimeout(remaining)
        # A socket timeout bounds each read, not the whole answer: the watchdog does.
        watchdog = threading.Timer(remaining, self._cut_off)
        watchdog.daemon = True
        watchdog.start()
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            self.moved_to = response.getheader("Location")
            self.etag = response.getheader("ETag")
            return response.status, response.reason, self._read(response, path)
        finally:
            watchdog.cancel()

    def _cut_off(self) -> None:
        import socket

        self.cut_off = True
        sock = self.connection.sock if self.connection is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed: nothing is waiting on it

    def _read(self, response: http.client.HTTPResponse, path: str) -> bytes:
        """The answer's body, read in chunks up to MAX_RESPONSE_BYTES."""
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
            raise self._too_long(path)
        chunks, size = [], 0
        while chunk := response.read1(CHUNK_BYTES):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise self._too_long(path)
            chunks.append(chunk)
            if response.length == 0:
                break
        if self.cut_off:  # the watchdog ended the answer early
            raise TimeoutError
        # read1 leaves an answer of known length unfinished at its end; read() finishes
        # it (nothing is left to read) so that the connection can be used again.
        response.read()
        return b"".join(chunks)

    def _too_long(self, path: str) -> CalDavProblem:
        self._connected().close()
        limit = MAX_RESPONSE_BYTES // (1024 * 1024)
        return CalDavProblem(
            f"{self.address} answered {path} with more than {limit} MB, more than any calendar "
            "needs, so refocus stopped reading: check that the address is your calendar server"
        )

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
            raise not_caldav(url, status, reason)
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
    ) -> str | None:
        """PUT or DELETE one resource; the ETag the server gave the PUT, if it said.
        412 means someone else changed it meanwhile."""
        headers = dict(preconditions)
        if data is not None:
            headers["Content-Type"] = "text/calendar; charset=utf-8"
        sent = f"{done} change{'s' if done != 1 else ''} had been sent before it"
        try:
            status, reason, _ = self.request(method, href, data, headers)
        except CalDavProblem as exc:
            raise CalDavProblem(f"{exc} (publishing {what}; {sent})") from None
        if status in (200, 201, 204) or (method == "DELETE" and status == 404):
            return self.etag
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
        return None
