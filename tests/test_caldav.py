"""`refocus publish caldav` against a real Radicale server.

Radicale runs as a child process on a free port of 127.0.0.1 with its own storage folder.
The commands run in-process. Requests go through a small proxy in this process that
records every method the command sends (so "no writes" is counted, not inferred) and
can act between two of them (to make a real 412). Events are read back with CalDAV and
parsed with icalendar.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

import icalendar
import pytest
from conftest import ENVIRONMENT, copy_database, invoke

from refocus_cli.render import caldav, webdav

USER, PASSWORD = "coordinator", "correct horse"
WRITES = {"PUT", "DELETE", "MKCALENDAR", "MKCOL", "PROPPATCH"}
DAV, CALDAV = "{DAV:}", "{urn:ietf:params:xml:ns:caldav}"
ALL_EVENTS = b"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><D:getetag/><C:calendar-data/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter>
</C:filter></C:calendar-query>"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_radicale(folder: Path, auth: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    auth_lines = "type = none"
    rights = "authenticated"  # with auth none: anyone may write below the top level
    if auth == "htpasswd":
        (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
        auth_lines = (
            f"type = htpasswd\nhtpasswd_filename = {folder / 'users'}\n"
            "htpasswd_encryption = plain\ndelay = 0"
        )
        rights = "owner_only"
    config = folder / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\n{auth_lines}\n[rights]\ntype = {rights}\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        "[web]\ntype = none\n"
        "[logging]\nlevel = warning\n"
    )
    log = (folder / "radicale.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)], stdout=log, stderr=log
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"Radicale did not start:\n{(folder / 'radicale.log').read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("OPTIONS", "/")
            connection.getresponse().read()
            return server, port
        except OSError:
            time.sleep(0.05)
    server.kill()
    pytest.fail("Radicale did not answer within 15 s")


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


class Proxy:
    """Forwards to Radicale, recording (method, path); `before` runs ahead of forwarding."""

    def __init__(self, upstream: int):
        self.upstream = upstream
        self.seen: list[tuple[str, str]] = []
        self.before: Callable[[str, str], None] | None = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Forward)
        self.server.proxy = self
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def writes(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path in self.seen if method in WRITES]


class _Forward(BaseHTTPRequestHandler):
    def _forward(self) -> None:
        proxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        proxy.seen.append((self.command, self.path))
        if proxy.before is not None:
            proxy.before(self.command, self.path)
        upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        upstream.request(self.command, self.path, body, headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in ("connection", "content-length", "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_DELETE = do_OPTIONS = _forward
    do_PROPFIND = do_REPORT = do_MKCALENDAR = do_MKCOL = do_PROPPATCH = _forward

    def log_message(self, *args) -> None:
        pass


class Stub(BaseHTTPRequestHandler):
    """A web server that is not a CalDAV server: one fixed answer to everything."""

    answer = (200, "OK", b"<html><body>Welcome</body></html>", None)

    def _reply(self) -> None:
        status, reason, body, location = self.answer
        self.send_response(status, reason)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PROPFIND = do_REPORT = do_PUT = do_MKCALENDAR = _reply

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    """A Radicale with htpasswd users, seen through a counting proxy."""
    server, port = _start_radicale(tmp_path_factory.mktemp("radicale"), "htpasswd")
    proxy = Proxy(port)
    yield proxy
    proxy.server.shutdown()
    _stop(server)


@pytest.fixture(scope="module")
def open_radicale(tmp_path_factory):
    """A Radicale that asks for no password, with a folder /shared/ to put calendars in."""
    server, port = _start_radicale(tmp_path_factory.mktemp("radicale-open"), "none")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("MKCOL", "/shared/")
    assert connection.getresponse().status == 201
    yield f"http://127.0.0.1:{port}"
    _stop(server)


@pytest.fixture
def stub():
    """Start a stub web server answering (status, reason, body) to every request."""
    servers = []

    def start(status: int, reason: str, body: bytes = b"", location: str | None = None) -> str:
        handler = type("Answer", (Stub,), {"answer": (status, reason, body, location)})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/dav/"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One team's whole rollout, built once; tests get a copy."""
    db = tmp_path_factory.mktemp("caldav-db") / "built.db"
    for args in (
        ["init", "CalDAV Trust", "--start", "2027-01-11"],
        ["team", "add", "North CMHT", "--site", "North"],
        ["staff", "add", "Nia North", "--team", "North CMHT", "--email", "nia@nhs.example",
         "--manager", "--start", "2026-01-01"],
        ["trainer", "add", "Ruth Evans", "--email", "ruth@nhs.example"],
        ["trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching"],
        ["cohort", "create", "WAVE1", "--team", "North CMHT"],
        ["schedule", "WAVE1"],
    ):  # fmt: skip
        done = invoke(args, env={**ENVIRONMENT, "REFOCUS_DB": str(db)})
        assert done.exit_code == 0, (args, done.stderr)
    return db


@pytest.fixture
def scheduled(built, env_setup, cli):
    """The built programme as this test's database; `ok` runs a command that must succeed."""
    copy_database(built, env_setup)

    def ok(*args):
        done = cli(*args, env={"REFOCUS_CALDAV_PASSWORD": PASSWORD})
        assert done.exit_code == 0, (args, done.stderr)
        return done

    return ok


@pytest.fixture
def calendar_name(request) -> str:
    return request.node.name.removeprefix("test_")[:40]


def _publish(ok, url: str, *args: str) -> dict:
    return json.loads(ok("publish", "caldav", url, *args, "--json").stdout)


def _dump(db: Path) -> list[str]:
    """Everything the database holds, as SQL: equal dumps, unchanged database."""
    connection = sqlite3.connect(db)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _fails(cli, *args: str, password: str | None = PASSWORD) -> str:
    """Run a command that must fail as a user error; its one line of error."""
    env = {"REFOCUS_CALDAV_PASSWORD": password} if password is not None else {}
    done = cli(*args, env=env)
    assert done.exit_code == 1, done
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


def _dav(base: str, method: str, path: str, body: bytes | None = None, headers=None):
    """One request as the coordinator, not through refocus: (status, headers, body)."""
    port = int(base.rsplit(":", 1)[1])
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            method, path, body, {"Authorization": f"Basic {token}", **(headers or {})}
        )
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def _events(base: str, folder: str) -> dict[str, dict]:
    """Every event in a calendar, by UID, read back with a calendar-query and icalendar."""
    status, _, body = _dav(base, "REPORT", folder, ALL_EVENTS, {"Depth": "1"})
    assert status == 207
    found = {}
    for response in ElementTree.fromstring(body).iter(f"{DAV}response"):
        data = response.find(f".//{CALDAV}calendar-data")
        event = icalendar.Calendar.from_ical(data.text).walk("VEVENT")[0]
        found[str(event["uid"])] = {
            "href": response.findtext(f"{DAV}href"),
            "etag": response.findtext(f".//{DAV}getetag"),
            "start": event.decoded("dtstart").astimezone(UTC),
            "end": event.decoded("dtend").astimezone(UTC),
            "sequence": int(event["sequence"]),
            "status": str(event["status"]),
            "summary": str(event["summary"]),
            "ics": data.text,
        }
    return found


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_publish_sends_only_changes_and_reads_back_in_utc(
    scheduled, radicale, calendar_name, env_setup
):
    sessions = json.loads(scheduled("sessions", "--json").stdout)
    home, folder = f"{radicale.url}/{USER}/", f"/{USER}/{calendar_name}/"
    publish = ("--calendar", calendar_name, "--user", USER)
    before = _dump(env_setup)

    first = _publish(scheduled, home, *publish)
    assert first["calendar"] == f"{radicale.url}{folder}"
    assert len(first["created"]) == len(sessions) and first["unchanged"] == 0
    assert first["updated"] == [] and first["removed"] == []
    read = _events(radicale.url, folder)
    assert set(read) == {f"{s['uuid']}@refocus.invalid" for s in sessions}
    for session in sessions:  # winter and summer (BST) sessions alike
        event = read[f"{session['uuid']}@refocus.invalid"]
        assert (event["start"], event["end"]) == (_utc(session["start"]), _utc(session["end"]))
        assert event["href"] == f"{folder}{session['uuid']}.ics"

    radicale.seen.clear()
    again = _publish(scheduled, home, *publish)
    assert radicale.writes() == []
    assert again["created"] == again["updated"] == again["removed"] == []
    assert again["unchanged"] == len(sessions)
    assert {uid: e["etag"] for uid, e in _events(radicale.url, folder).items()} == {
        uid: e["etag"] for uid, e in read.items()
    }
    assert _dump(env_setup) == before  # publishing reads the database, never writes it

    practice = next(s for s in sessions if s["stage"] == "working-practices")
    moved_to = _utc(practice["start"]) + timedelta(days=1)
    scheduled("session", "move", str(practice["id"]), "--to", f"{moved_to:%Y-%m-%d %H:%M}")
    radicale.seen.clear()
    moved = _publish(scheduled, home, *publish)
    uid = f"{practice['uuid']}@refocus.invalid"
    assert moved["updated"] == [uid] and moved["created"] == [] and moved["removed"] == []
    assert radicale.writes() == [("PUT", f"{folder}{practice['uuid']}.ics")]
    event = _events(radicale.url, folder)[uid]
    assert event["start"] == moved_to and event["sequence"] > read[uid]["sequence"]

    last = sessions[-1]
    scheduled("session", "cancel", str(last["id"]), "--reason", "Trainer ill")
    cancelled = _publish(scheduled, home, *publish)
    uid = f"{last['uuid']}@refocus.invalid"
    assert cancelled["updated"] == [uid] and cancelled["unchanged"] == len(sessions) - 1
    event = _events(radicale.url, folder)[uid]
    assert event["status"] == "CANCELLED" and event["summary"].startswith("Cancelled: ")
    assert event["sequence"] > read[uid]["sequence"]


def test_an_edit_made_on_the_server_is_put_right(scheduled, radicale, calendar_name):
    home, folder = f"{radicale.url}/{USER}/", f"/{USER}/{calendar_name}/"
    publish = ("--calendar", calendar_name, "--user", USER)
    _publish(scheduled, home, *publish)
    uid, event = next(iter(_events(radicale.url, folder).items()))
    edited = event["ics"].replace("SUMMARY:", "SUMMARY:Moved to the pub - ", 1)
    edited = edited.replace("LAST-MODIFIED:2027", "LAST-MODIFIED:2028", 1)  # as clients do
    status, _, _ = _dav(radicale.url, "PUT", event["href"], edited.encode())
    assert status in (201, 204)

    again = _publish(scheduled, home, *publish)
    assert again["updated"] == [uid]
    assert _events(radicale.url, folder)[uid]["summary"] == event["summary"]


def test_the_calendar_mirrors_the_sessions_chosen_and_others_events_stay(
    scheduled, radicale, calendar_name
):
    home, folder = f"{radicale.url}/{USER}/", f"/{USER}/{calendar_name}/"
    publish = ("--calendar", calendar_name, "--user", USER)
    everything = _publish(scheduled, home, *publish)
    party = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//EN\r\nBEGIN:VEVENT\r\n"
        "UID:party@example.org\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270301T170000Z\r\n"
        "DTEND:20270301T190000Z\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\nSUMMARY:Leaving party\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    status, _, _ = _dav(radicale.url, "PUT", f"{folder}party.ics", party.encode())
    assert status == 201
    dai = json.loads(scheduled("sessions", "--trainer", "Dai Morgan", "--json").stdout)
    assert 0 < len(dai) < len(everything["created"])

    only_dai = _publish(scheduled, home, *publish, "--trainer", "Dai Morgan")
    kept = {f"{s['uuid']}@refocus.invalid" for s in dai}
    assert only_dai["unchanged"] == len(dai) and only_dai["created"] == []
    assert set(only_dai["removed"]) == set(everything["created"]) - kept
    assert set(_events(radicale.url, folder)) == kept | {"party@example.org"}


def test_publishing_without_a_password_and_straight_to_a_calendar(scheduled, open_radicale, cli):
    made = _publish(scheduled, f"{open_radicale}/shared/", "--calendar", "Wave 1")
    assert made["calendar"] == f"{open_radicale}/shared/Wave%201/"
    direct = _publish(scheduled, made["calendar"])
    assert direct["unchanged"] == len(made["created"]) > 0
    assert "is a folder on the server, not a calendar: give --calendar NAME" in _fails(
        cli, "publish", "caldav", f"{open_radicale}/shared/"
    )
    assert "Wave%201/ is a calendar itself: publish to it without --calendar" in _fails(
        cli, "publish", "caldav", made["calendar"], "--calendar", "inside"
    )
    assert f"{open_radicale}/elsewhere/ does not exist on the server" in _fails(
        cli, "publish", "caldav", f"{open_radicale}/elsewhere/", "--calendar", "Wave 1"
    )
    assert f"{open_radicale}/shared/Wave%202/ does not exist on the server" in _fails(
        cli, "publish", "caldav", f"{open_radicale}/shared/Wave%202/"
    )


def test_a_change_made_on_the_server_meanwhile_stops_the_publish(
    scheduled, radicale, calendar_name, env_setup, cli
):
    home, folder = f"{radicale.url}/{USER}/", f"/{USER}/{calendar_name}/"
    publish = ("publish", "caldav", home, "--calendar", calendar_name, "--user", USER)
    _publish(scheduled, home, *publish[3:])
    session = json.loads(scheduled("sessions", "--json").stdout)[-1]
    scheduled("session", "cancel", str(session["id"]))

    def someone_edits_it_first(method: str, path: str) -> None:
        if method == "PUT":
            radicale.before = None
            _, _, data = _dav(radicale.url, "GET", path)
            edited = data.replace(b"SUMMARY:", b"SUMMARY:Edited - ", 1)
            assert _dav(radicale.url, "PUT", path, edited)[0] == 204

    radicale.before = someone_edits_it_first
    before = _dump(env_setup)
    error = _fails(cli, *publish)
    assert f"session {session['id']} ({session['uuid']}@refocus.invalid) changed on the server" in (
        error
    )
    assert "412 Precondition Failed" in error and "run the command again" in error
    assert _dump(env_setup) == before
    uid = f"{session['uuid']}@refocus.invalid"
    assert _events(radicale.url, folder)[uid]["summary"].startswith("Edited - ")

    again = _publish(scheduled, home, *publish[3:])  # the next run puts refocus's version
    assert again["updated"] == [uid]


def test_bad_servers_and_passwords_get_one_error_line(scheduled, radicale, stub, cli, env_setup):
    before = _dump(env_setup)
    home = f"{radicale.url}/{USER}/"
    closed_port = _free_port()
    cases = [
        (("--user", USER), "wrong", "refused user 'coordinator' and this password (401"),
        ((), None, "asks for a user name and password (401 Unauthorized): give --user"),
    ]
    for args, password, expected in cases:
        error = _fails(cli, "publish", "caldav", home, "--calendar", "x", *args, password=password)
        assert expected in error
    assert f"nothing answers at 127.0.0.1:{closed_port}: check the address" in _fails(
        cli, "publish", "caldav", f"http://127.0.0.1:{closed_port}/dav/"
    )
    assert "cannot find the server calendar.no-such-host.invalid" in _fails(
        cli, "publish", "caldav", "https://calendar.no-such-host.invalid/dav/"
    )
    web_page = stub(200, "OK", b"<html>Welcome</html>")
    assert f"{web_page} did not answer as a CalDAV server (200 OK)" in _fails(
        cli, "publish", "caldav", web_page
    )
    busy = stub(503, "Service Unavailable")
    assert f"answered PROPFIND {busy} with 503 Service Unavailable" in _fails(
        cli, "publish", "caldav", busy
    )
    moved = stub(301, "Moved Permanently", location="https://dav.example.org/")
    assert f"{moved} has moved to https://dav.example.org/ (301 Moved Permanently)" in _fails(
        cli, "publish", "caldav", moved
    )
    assert "is not a server address" in _fails(cli, "publish", "caldav", "ftp://example.org/")
    assert _dump(env_setup) == before


def test_a_server_that_never_answers_times_out(monkeypatch):
    with socket.socket() as silent:  # accepts connections (backlog) and never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setattr(webdav, "TIMEOUT_SECONDS", 0.3)
        target = caldav.Target(f"http://127.0.0.1:{silent.getsockname()[1]}/", None, None, None)
        with pytest.raises(caldav.CalDavProblem, match="did not answer within 0.3 s"):
            caldav.publish(target, [])


def test_the_digest_survives_a_server_rewriting_the_event():
    ics = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@refocus.invalid\r\n"
        b"LAST-MODIFIED:20270104T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    data, digest = caldav.with_digest(ics)
    rewritten = data.decode().replace("\r\n", "\n").replace("UID:a@", "UID:a\n @")  # refolded
    assert caldav.event_fields(rewritten) == {
        "UID": "a@refocus.invalid",
        "LAST-MODIFIED": "20270104T090000Z",
        "X-REFOCUS-HASH": digest,
    }


def test_each_resource_is_what_rendering_its_session_alone_gives(scheduled, env_setup, monkeypatch):
    from conftest import FIXED_NOW

    from refocus_cli.core.calendar import parse_alarms
    from refocus_cli.render.calendar import render_ics
    from refocus_cli.services.manual import curriculum
    from refocus_cli.store import calendar
    from refocus_cli.store.database import open_store

    sessions = json.loads(scheduled("sessions", "--json").stdout)
    monkeypatch.setenv("REFOCUS_NOW", "2027-01-05T10:00:00+00:00")
    scheduled("session", "cancel", str(sessions[3]["id"]))  # a later change: another DTSTAMP
    store = open_store(env_setup, lambda: datetime.fromisoformat(FIXED_NOW), "tester")
    try:
        chosen = calendar.calendar_sessions(store, curriculum(store), "all", None)
        programme = store.programme()
        events = caldav.session_events(
            chosen, programme["timezone"], programme["name"], store.today(),
            alarms=parse_alarms("1d"),
        )  # fmt: skip
        alone = [
            render_ics(
                [session],
                programme["timezone"],
                name=programme["name"],
                years=(session.start.year - 1, session.end.year),
                alarms=parse_alarms("1d"),
                now=session.modified,
                method=None,
            )
            for session in chosen
        ]
    finally:
        store.close()
    assert [event.ics for event in events] == alone
    assert len({session.modified for session in chosen}) > 1
    assert sum(event.cancelled for event in events) == 1
