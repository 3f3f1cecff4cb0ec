"""`refocus feeds serve`: calendar feeds over HTTP, read-only, from the standard library's
ThreadingHTTPServer.

Only `GET` and `HEAD` of `/feeds/TOKEN.ics` are answered; every other path, and an
unknown or revoked token alike, gets the same 404 (so the server tells nobody which
tokens exist). Feeds carry a strong ETag (one per encoding) and are answered 304 to a
matching If-None-Match without being rendered; gzip is used when the client accepts it.
Nothing about a request is logged (a feed's address is its password). Put it behind the
organisation's reverse proxy for TLS (see the README).
"""

from __future__ import annotations

import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from refocus_cli.core.errors import InvalidInput, RefocusError

FEED = re.compile(r"^/feeds/([A-Za-z0-9_-]{16,128})\.ics$")
CACHE_CONTROL = "private, max-age=300, must-revalidate"
NOT_FOUND = b"No such calendar feed.\n"


class Document(Protocol):
    """A rendered feed."""

    @property
    def etag(self) -> str: ...

    @property
    def body(self) -> bytes: ...

    @property
    def gzipped(self) -> bytes: ...


class Feeds(Protocol):
    """Where the server gets feeds from (services.feeds.LiveFeeds)."""

    def etag(self, token: str) -> str | None: ...

    def document(self, token: str) -> Document | None: ...

    def release(self) -> None: ...


class FeedServer(ThreadingHTTPServer):
    """The server: one thread per connection, kept alive between requests."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], feeds: Feeds) -> None:
        self.feeds = feeds
        super().__init__(address, FeedHandler)


def start(host: str, port: int, feeds: Feeds) -> FeedServer:
    """A server listening on host:port (port 0: any free one); run it with serve_forever."""
    from refocus_cli.core.text import clean_text

    if not clean_text(host, "--host"):
        raise InvalidInput("--host needs an address, e.g. 127.0.0.1 (0.0.0.0: every one)")
    try:
        return FeedServer((host, port), feeds)
    except (OSError, UnicodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise RefocusError(
            f"cannot serve on {host}:{port} ({reason}): choose another --port, "
            "or check that --host names this machine"
        ) from None


class FeedHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD of a feed; anything else is refused."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # an idle kept-alive connection is closed after this
    server: FeedServer

    def version_string(self) -> str:
        """The Server header: no versions to fingerprint."""
        return "refocus"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _refuse(self) -> None:
        self._send(405, b"Only GET and HEAD.\n", {"Allow": "GET, HEAD"}, True)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815

    def _answer(self, *, send_body: bool) -> None:
        import sys

        match = FEED.match(self.path.split("?", 1)[0])
        try:
            if match is None:
                self._send(404, NOT_FOUND, {}, send_body)
                return
            token = match.group(1)
            gzip = _accepts_gzip(self.headers.get("Accept-Encoding", ""))
            wanted = self.headers.get("If-None-Match")
            if wanted is not None:
                etag = self.server.feeds.etag(token)
                if etag is not None and _matches(wanted, etag):
                    self._send(304, b"", self._headers(etag, gzip), False)
                    return
            document = self.server.feeds.document(token)
            if document is None:
                self._send(404, NOT_FOUND, {}, send_body)
                return
            body = document.gzipped if gzip else document.body
            headers = self._headers(document.etag, gzip)
            headers["Content-Type"] = "text/calendar; charset=utf-8"
            headers["Content-Disposition"] = 'inline; filename="refocus.ics"'
            self._send(200, body, headers, send_body)
        except Exception as exc:  # noqa: BLE001 - a failure answers 500, the server goes on
            print(
                f"Error: a feed could not be served ({type(exc).__name__}: {exc})", file=sys.stderr
            )
            self._send(500, b"The feed could not be made; try again later.\n", {}, send_body)

    def _headers(self, etag: str, gzip: bool) -> dict[str, str]:
        headers = {"Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
        headers["ETag"] = etag[:-1] + '-gz"' if gzip else etag
        if gzip:
            headers["Content-Encoding"] = "gzip"
        return headers

    def _send(self, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
        self.send_response(status)
        if status != 304:
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def finish(self) -> None:
        super().finish()
        self.server.feeds.release()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Nothing is logged: a request's path holds the feed's token."""


def _accepts_gzip(header: str) -> bool:
    """Whether Accept-Encoding takes gzip (and not with q=0)."""
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _matches(wanted: str, etag: str) -> bool:
    """Whether If-None-Match names this feed's ETag, in either encoding (weak
    comparison, RFC 9110 13.1.2: proxies that compress mark ETags weak)."""
    if wanted.strip() == "*":
        return True
    base = etag.strip('"')
    for tag in wanted.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if tag in (base, base + "-gz"):
            return True
    return False
