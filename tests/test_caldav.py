"""`refocus publish caldav` against two real CalDAV servers, Radicale and Xandikos.

Each server runs as a child process on a free port of 127.0.0.1 with its own storage
folder, started once per module; the behaviour tests run against both (Xandikos keeps
its calendars in git and reports a missing collection as a 207 Multi-Status holding a
404, Radicale with a plain 404). Commands run in-process. Requests go through a small
proxy in this process that records every method the command sends (so "no writes" is
counted, not inferred) and can act between two of them (to make a real 412, or to stall
a request past the deadline). Events are read back with CalDAV and parsed with
icalendar. A hostile web server in a thread sends oversized and trickling answers.
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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

import icalendar
import pytest
from conftest import ENVIRONMENT, copy_database, invoke

from refocus_cli.render import caldav

USER, PASSWORD = "coordinator", "correct horse"
WRITES = {"PUT", "DELETE", "MKCALENDAR", "MKCOL", "PROPPATCH"}
DAV, CALDAV = "{DAV:}", "{urn:ietf:params:xml:ns:caldav}"
ALL_EVENTS = b"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><D:getetag/><C:calendar-data/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter>
</C:filter></C:calendar-query>"""
PARTY = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//EN\r\nBEGIN:VEVENT\r\n"
    "UID:party@example.org\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270301T170000Z\r\n"
    "DTEND:20270301T190000Z\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\nSUMMARY:Leaving party\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _started(command: list[str], port: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    server = subprocess.Popen(command, stdout=log, stderr=log)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"{command[2]} did not start:\n{log_path.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("OPTIONS", "/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    pytest.fail(f"{command[2]} did not answer within 20 s")


def _start_radicale(folder: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    config = folder / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = htpasswd\n"
        f"htpasswd_filename = {folder / 'users'}\nhtpasswd_encryption = plain\ndelay = 0\n"
        f"[rights]\ntype = owner_only\n[storage]\nfilesystem_folder = {folder / 'store'}\n"
        "[web]\ntype = none\n[logging]\nlevel = warning\n"
    )
    command = [sys.executable, "-m", "radicale", "--config", str(config)]
    return _started(command, port, folder / "radicale.log"), port


def _start_xandikos(folder: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    command = [
        sys.executable, "-m", "xandikos", "serve", "-d", str(folder / "store"), "--defaults",
        "-l", "127.0.0.1", "-p", str(port), "--no-detect-systemd",
    ]  # fmt: skip
    return _started(command, port, folder / "xandikos.log"), port


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


class Proxy:
    """Forwards to a server, recording (method, path); `before` runs ahead of forwarding
    and, by returning True, drops the request instead (the connection is closed)."""

    def __init__(self, upstream: int):
        self.upstream = upstream
        self.seen: list[tuple[str, str]] = []
        self.before: Callable[[str, str], bool | None] | None = None
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
        if proxy.before is not None and proxy.before(self.command, self.path):
            self.close_connection = True
            return
        upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        upstream.request(self.command, self.path, body, headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in (
                "connection",
                "content-length",
                "date",
                "server",
                "transfer-encoding",
            ):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_DELETE = do_OPTIONS = _forward
    do_PROPFIND = do_REPORT = do_MKCALENDAR = do_MKCOL = do_PROPPATCH = _forward

    def log_message(self, *args) -> None:
        pass


@dataclass
class Dav:
    """A running CalDAV server as the tests use it, seen through a counting proxy."""

    name: str
    proxy: Proxy
    home_path: str  # the folder holding the user's calendars
    login: tuple[str, ...]  # what `publish caldav` needs to log in

    @property
    def home(self) -> str:
        return self.proxy.url + self.home_path

    def folder(self, calendar: str) -> str:
        return f"{self.home_path}{calendar}/"

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        """One request as the coordinator, not through refocus: (status, headers, body)."""
        port = self.proxy.upstream
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        kind = "text/calendar" if method == "PUT" else "application/xml"
        sent = {"Authorization": f"Basic {token}", "Content-Type": kind, **(headers or {})}
        try:
            connection.request(method, path, body, sent)
            answer = connection.getresponse()
            return answer.status, dict(answer.getheaders()), answer.read()
        finally:
            connection.close()

    def events(self, folder: str) -> dict[str, dict]:
        """Every event in a calendar, by UID, read back with a calendar-query and icalendar."""
        status, _, body = self.request("REPORT", folder, ALL_EVENTS, {"Depth": "1"})
        assert status == 207
        found = {}
        for response in ElementTree.fromstring(body).iter(f"{DAV}response"):
            data = response.find(f".//{CALDAV}calendar-data")
            event = icalendar.Calendar.from_ical(data.text).walk("VEVENT")[0]
            start, end = event.decoded("dtstart"), event.decoded("dtend")
            if isinstance(start, datetime):  # a session; a window's milestone is all-day
                start, end = start.astimezone(UTC), end.astimezone(UTC)
            found[str(event["uid"])] = {
                "href": response.findtext(f"{DAV}href"),
                "etag": response.findtext(f".//{DAV}getetag"),
                "start": start,
                "end": end,
                "transp": str(event.get("transp", "")),
                "sequence": int(event["sequence"]),
                "status": str(event["status"]),
                "summary": str(event["summary"]),
                "programme": str(event.get("x-refocus-programme", "")),
                "ics": data.text,
            }
        return found


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    """Radicale with htpasswd users."""
    server, port = _start_radicale(tmp_path_factory.mktemp("radicale"))
    proxy = Proxy(port)
    yield Dav("radicale", proxy, f"/{USER}/", ("--user", USER))
    proxy.server.shutdown()
    _stop(server)


@pytest.fixture(scope="module")
def xandikos(tmp_path_factory):
    """Xandikos, which asks for no password (it expects a proxy in front to do that)."""
    server, port = _start_xandikos(tmp_path_factory.mktemp("xandikos"))
    proxy = Proxy(port)
    yield Dav("xandikos", proxy, "/user/calendars/", ())
    proxy.server.shutdown()
    _stop(server)


@pytest.fixture(params=["radicale", "xandikos"])
def dav(request) -> Dav:
    """Each CalDAV server in turn (both started once per module)."""
    server = request.getfixturevalue(request.param)
    server.proxy.seen.clear()
    server.proxy.before = None
    return server


def _build(db: Path, name: str, start: str) -> Path:
    for args in (
        ["init", name, "--start", start],
        ["team", "add", "North CMHT", "--site", "North"],
        ["staff", "add", "Nia North", "--team", "North CMHT", "--email", "nia@nhs.example",
         "--manager", "--start", "2026-01-01"],
        ["trainer", "add", "Ruth Evans", "--email", "ruth@nhs.example"],
        ["trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching"],
        # fewer sessions than the manual's 23, so that publishing stays quick
        ["manual", "set", "team-reflection", "--sessions", "2"],
        ["manual", "set", "supervision-reflection", "--sessions", "1"],
        ["cohort", "create", "WAVE1", "--team", "North CMHT"],
        ["schedule", "WAVE1"],
    ):  # fmt: skip
        done = invoke(args, env={**ENVIRONMENT, "REFOCUS_DB": str(db)})
        assert done.exit_code == 0, (args, done.stderr)
    return db


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One team's whole rollout (10 sessions), built once; tests get a copy."""
    return _build(tmp_path_factory.mktemp("caldav-db") / "built.db", "CalDAV Trust", "2027-01-11")


@pytest.fixture
def scheduled(built, env_setup, cli):
    """The built programme as this test's database; `ok` runs a command that must succeed."""
    copy_database(built, env_setup)

    def ok(*args, db: Path | None = None):
        env = {"REFOCUS_CALDAV_PASSWORD": PASSWORD}
        if db is not None:
            env["REFOCUS_DB"] = str(db)
        done = cli(*args, env=env)
        assert done.exit_code == 0, (args, done.stderr)
        return done

    return ok


@pytest.fixture
def calendar_name(request) -> str:
    return request.node.name.removeprefix("test_").replace("[", "-").rstrip("]")[:40]


def _publish(ok, dav: Dav, calendar: str, *args: str, **kw) -> dict:
    command = ("publish", "caldav", dav.home, "--calendar", calendar, *dav.login, *args)
    return json.loads(ok(*command, "--json", **kw).stdout)


def _dump(db: Path, leave_out: str = "caldav_event") -> list[str]:
    """Everything the database holds, as SQL (but `leave_out`'s rows): equal dumps, equal data."""
    connection = sqlite3.connect(db)
    try:
        return [line for line in connection.iterdump() if f'INTO "{leave_out}"' not in line]
    finally:
        connection.close()


def _fails(cli, *args: str, password: str | None = PASSWORD) -> str:
    """Run a command that must fail as a user error; its one line of error."""
    env = {"REFOCUS_CALDAV_PASSWORD": password}
    done = cli(*args, env=env)
    assert done.exit_code == 1, done
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _uid(session: dict) -> str:
    return f"{session['uuid']}@refocus.invalid"


def _windows(db: Path) -> set[str]:
    """The UIDs of the measurement windows' milestones (`schedule` made a baseline and a
    follow-up window), which every publish of the whole programme holds too."""
    connection = sqlite3.connect(db)
    try:
        return {f"window-{u}@refocus.invalid" for (u,) in connection.execute(
            "SELECT uuid FROM measure_window"
        )}  # fmt: skip
    finally:
        connection.close()


def test_publish_sends_only_changes_and_reads_back_in_utc(scheduled, dav, calendar_name, env_setup):
    sessions = json.loads(scheduled("sessions", "--json").stdout)
    folder = dav.folder(calendar_name)
    before = _dump(env_setup)

    windows = _windows(env_setup)
    first = _publish(scheduled, dav, calendar_name)
    assert first["calendar"] == f"{dav.proxy.url}{folder}"
    assert len(first["created"]) == len(sessions) + len(windows) == len(sessions) + 2
    assert first["updated"] == first["removed"] == first["edited_on_server"] == []
    assert first["unchanged"] == 0
    read = dav.events(folder)
    assert set(read) == {_uid(s) for s in sessions} | windows
    programme = sqlite3.connect(env_setup).execute("SELECT uuid FROM programme").fetchone()[0]
    for session in sessions:  # winter and summer (BST) sessions alike
        event = read[_uid(session)]
        assert (event["start"], event["end"]) == (_utc(session["start"]), _utc(session["end"]))
        assert event["href"].endswith(f"{folder}{session['uuid']}.ics")
        assert event["programme"] == programme

    dav.proxy.seen.clear()
    again = _publish(scheduled, dav, calendar_name)
    assert dav.proxy.writes() == []
    assert [m for m, _ in dav.proxy.seen] == ["PROPFIND", "PROPFIND"]  # no event is read
    assert again["created"] == again["updated"] == again["removed"] == []
    assert again["unchanged"] == len(sessions) + len(windows)
    assert {uid: e["etag"] for uid, e in dav.events(folder).items()} == {
        uid: e["etag"] for uid, e in read.items()
    }
    assert _dump(env_setup) == before  # only what was written to the server is stored

    practice = next(s for s in sessions if s["stage"] == "working-practices")
    moved_to = _utc(practice["start"]) + timedelta(days=1)
    scheduled("session", "move", str(practice["id"]), "--to", f"{moved_to:%Y-%m-%d %H:%M}")
    dav.proxy.seen.clear()
    moved = _publish(scheduled, dav, calendar_name)
    assert moved["updated"] == [_uid(practice)] and moved["created"] == moved["removed"] == []
    assert dav.proxy.writes() == [("PUT", f"{folder}{practice['uuid']}.ics")]
    event = dav.events(folder)[_uid(practice)]
    assert event["start"] == moved_to and event["sequence"] > read[_uid(practice)]["sequence"]

    last = sessions[-1]
    scheduled("session", "cancel", str(last["id"]), "--reason", "Trainer ill")
    cancelled = _publish(scheduled, dav, calendar_name)
    assert cancelled["updated"] == [_uid(last)]
    assert cancelled["unchanged"] == len(sessions) - 1 + len(windows)
    event = dav.events(folder)[_uid(last)]
    assert event["status"] == "CANCELLED" and event["summary"].startswith("Cancelled: ")
    assert event["sequence"] > read[_uid(last)]["sequence"]


def test_a_dry_run_lists_the_changes_and_sends_and_stores_nothing(
    scheduled, dav, calendar_name, env_setup, cli
):
    sessions = json.loads(scheduled("sessions", "--json").stdout)
    folder = dav.folder(calendar_name)
    before = _dump(env_setup, leave_out="nothing")
    publish = ("publish", "caldav", dav.home, "--calendar", calendar_name, *dav.login)

    windows = _windows(env_setup)
    planned = json.loads(scheduled(*publish, "--dry-run", "--json").stdout)
    assert planned["dry_run"] is True
    assert set(planned["created"]) == {_uid(s) for s in sessions} | windows
    assert dav.proxy.writes() == []
    status, _, body = dav.request("PROPFIND", folder, headers={"Depth": "0"})
    assert status == 404 or (status == 207 and b" 404 Not Found<" in body)  # not made
    assert _dump(env_setup, leave_out="nothing") == before

    _publish(scheduled, dav, calendar_name)
    dai = json.loads(scheduled("sessions", "--trainer", "Dai Morgan", "--json").stdout)
    scheduled("session", "cancel", str(dai[0]["id"]))
    stored = _dump(env_setup, leave_out="nothing")
    dav.proxy.seen.clear()
    shown = scheduled(*publish, "--trainer", "Dai Morgan", "--dry-run")
    assert dav.proxy.writes() == [] and _dump(env_setup, leave_out="nothing") == stored
    # Dai's calendar keeps the windows of the cohort Dai trains: unchanged, not listed
    gone = [s for s in sessions if s["id"] not in {d["id"] for d in dai}]
    assert f"would create 0, update 1 and delete {len(gone)} events" in shown.stderr
    table = [line.split()[:2] for line in shown.stdout.splitlines()[2:]]
    assert table == [["update", str(dai[0]["id"])]] + [["delete", str(s["id"])] for s in gone]
    assert len(dav.events(folder)) == len(sessions) + len(windows)


def test_windows_are_all_day_milestones_and_a_removed_one_is_deleted(
    scheduled, dav, calendar_name, env_setup
):
    folder = dav.folder(calendar_name)
    windows = {
        w["kind"]: w for w in json.loads(scheduled("measure", "window", "list", "--json").stdout)
    }
    uids = _windows(env_setup)
    _publish(scheduled, dav, calendar_name)
    held = dav.events(folder)
    marks = {uid: held[uid] for uid in uids}
    assert {(e["start"], e["end"]) for e in marks.values()} == {
        (date.fromisoformat(w["from"]), date.fromisoformat(w["to"]) + timedelta(days=1))
        for w in windows.values()
    }  # all-day, DTEND the day after the last
    assert {e["summary"] for e in marks.values()} == {
        "REFOCUS baseline measures (WAVE1)", "REFOCUS follow-up measures (WAVE1)"
    }  # fmt: skip
    for uid, event in marks.items():
        assert event["transp"] == "TRANSPARENT" and event["sequence"] == 0
        assert event["href"].endswith(folder + uid.removesuffix("@refocus.invalid") + ".ics")
        assert "BEGIN:VTIMEZONE" not in event["ics"]  # all-day: no zone to carry

    # Someone edits the follow-up on the server (SEQUENCE raised to 3): as a session's
    # edit, it is left alone, and replaced only with --overwrite, at SEQUENCE 3 + 1.
    baseline, follow_up = sorted(uids, key=lambda u: marks[u]["start"])
    edited = marks[follow_up]["ics"].replace("SUMMARY:", "SUMMARY:Ask Jo - ", 1)
    edited = edited.replace("SEQUENCE:0", "SEQUENCE:3", 1)
    assert dav.request("PUT", marks[follow_up]["href"], edited.encode())[0] in (201, 204)

    # The team's calendar names the team: the (unedited) baseline is updated in place.
    dav.proxy.seen.clear()
    named = _publish(scheduled, dav, calendar_name, "--team", "North CMHT")
    assert named["updated"] == [baseline] and named["edited_on_server"] == [follow_up]
    assert named["created"] == named["removed"] == []
    assert dav.proxy.writes() == [("PUT", marks[baseline]["href"])]
    again = dav.events(folder)
    assert again[baseline]["summary"] == "Baseline measures: North CMHT (REFOCUS cohort WAVE1)"
    assert again[baseline]["href"] == marks[baseline]["href"]
    assert again[baseline]["sequence"] == 0  # a window's dates never change
    assert again[follow_up]["summary"].startswith("Ask Jo - ")

    # A window removed is deleted at the next publish; the dry run says so first.
    scheduled("measure", "window", "remove", str(windows["baseline"]["id"]))
    shown = scheduled("publish", "caldav", dav.home, "--calendar", calendar_name, *dav.login,
                      "--team", "North CMHT", "--dry-run")  # fmt: skip
    assert "would create 0, update 0 and delete 1 events" in shown.stderr
    day = date.fromisoformat(windows["baseline"]["from"])
    row = shown.stdout.splitlines()[2]
    assert row.split()[:2] == ["delete", "window"] and f" {day.day} " in row
    dav.proxy.seen.clear()
    gone = _publish(scheduled, dav, calendar_name, "--team", "North CMHT", "--overwrite")
    assert gone["removed"] == [baseline] and gone["updated"] == [follow_up]
    assert sorted(dav.proxy.writes()) == [
        ("DELETE", marks[baseline]["href"]), ("PUT", marks[follow_up]["href"])
    ]  # fmt: skip
    final = dav.events(folder)
    assert set(final) == set(again) - {baseline}
    assert final[follow_up]["summary"] == "Follow-up measures: North CMHT (REFOCUS cohort WAVE1)"
    assert final[follow_up]["sequence"] == 4


def test_an_edit_made_on_the_server_is_left_alone_unless_overwrite(scheduled, dav, calendar_name):
    folder = dav.folder(calendar_name)
    _publish(scheduled, dav, calendar_name)
    uid, event = next((u, e) for u, e in dav.events(folder).items() if "window-" not in u)
    # A colleague's edit that keeps LAST-MODIFIED and refocus's own properties, and
    # raises SEQUENCE above refocus's.
    edited = event["ics"].replace("SUMMARY:", "SUMMARY:Moved to the pub - ", 1)
    edited = edited.replace(f"SEQUENCE:{event['sequence']}", "SEQUENCE:5", 1)
    assert dav.request("PUT", event["href"], edited.encode())[0] in (201, 204)

    dav.proxy.seen.clear()
    kept = _publish(scheduled, dav, calendar_name)
    assert kept["edited_on_server"] == [uid] and kept["updated"] == []
    assert dav.proxy.writes() == []
    assert dav.events(folder)[uid]["summary"].startswith("Moved to the pub - ")

    mine = _publish(scheduled, dav, calendar_name, "--overwrite")
    assert mine["updated"] == [uid] and mine["edited_on_server"] == []
    now = dav.events(folder)[uid]
    assert now["summary"] == event["summary"]
    assert now["sequence"] == 6  # the server's 5 + 1: SEQUENCE never goes down
    assert _publish(scheduled, dav, calendar_name)["unchanged"] == len(dav.events(folder))


@pytest.fixture(scope="module")
def neighbour(tmp_path_factory):
    """A second programme, built once; tests get a copy."""
    return _build(tmp_path_factory.mktemp("other") / "other.db", "Neighbouring Trust", "2027-02-01")


def test_two_programmes_share_a_calendar_and_delete_only_their_own(
    scheduled, dav, calendar_name, neighbour, tmp_path, env_setup
):
    other = tmp_path / "other.db"
    copy_database(neighbour, other)
    folder = dav.folder(calendar_name)
    ours = _publish(scheduled, dav, calendar_name)
    theirs = _publish(scheduled, dav, calendar_name, db=other)
    assert theirs["removed"] == [] and len(theirs["created"]) == len(ours["created"])
    assert dav.request("PUT", f"{folder}party.ics", PARTY.encode())[0] == 201
    dai = json.loads(scheduled("sessions", "--trainer", "Dai Morgan", "--json").stdout)
    assert 5 < len(ours["created"]) - len(dai)

    narrowed = _publish(scheduled, dav, calendar_name, "--trainer", "Dai Morgan", "--yes")
    kept = {_uid(s) for s in dai} | _windows(env_setup)  # Dai trains the windows' cohort
    assert set(narrowed["removed"]) == set(ours["created"]) - kept
    assert set(dav.events(folder)) == kept | set(theirs["created"]) | {"party@example.org"}
    assert _publish(scheduled, dav, calendar_name, db=other)["unchanged"] == len(theirs["created"])


def test_many_deletions_need_yes_and_a_change_meanwhile_stops_the_publish(
    scheduled, dav, calendar_name, env_setup, cli
):
    folder = dav.folder(calendar_name)
    publish = ("publish", "caldav", dav.home, "--calendar", calendar_name, *dav.login)
    everything = _publish(scheduled, dav, calendar_name)
    dav.proxy.seen.clear()
    error = _fails(cli, *publish, "--trainer", "Dai Morgan")
    assert "nothing was published: it would delete" in error and "give --yes" in error
    assert dav.proxy.writes() == [] and len(dav.events(folder)) == len(everything["created"])

    session = json.loads(scheduled("sessions", "--json").stdout)[-1]
    scheduled("session", "cancel", str(session["id"]))

    def someone_edits_it_first(method: str, path: str) -> None:
        if method == "PUT":
            dav.proxy.before = None
            _, _, data = dav.request("GET", path)
            edited = data.replace(b"SUMMARY:", b"SUMMARY:Edited - ", 1)
            assert dav.request("PUT", path, edited)[0] in (201, 204)

    dav.proxy.before = someone_edits_it_first
    before = _dump(env_setup)
    error = _fails(cli, *publish)
    assert f"session {session['id']} ({_uid(session)}) changed on the server" in error
    assert "412 Precondition Failed" in error and "run the command again" in error
    assert _dump(env_setup) == before
    assert dav.events(folder)[_uid(session)]["summary"].startswith("Edited - ")

    again = _publish(scheduled, dav, calendar_name)  # the edit is seen as one
    assert again["edited_on_server"] == [_uid(session)]
    assert _publish(scheduled, dav, calendar_name, "--overwrite")["updated"] == [_uid(session)]


def test_a_publish_stopped_at_its_deadline_is_completed_by_the_next(
    scheduled, radicale, calendar_name, cli, env_setup
):
    dav = radicale  # the deadline is the client's own: one server shows it
    sessions = json.loads(scheduled("sessions", "--json").stdout)
    folder = dav.folder(calendar_name)
    puts = []

    def stall_the_fourth_put(method: str, path: str) -> bool:
        if method == "PUT":
            puts.append(path)
            if len(puts) == 4:
                time.sleep(1.5)
                return True  # never forwarded: the server never sees it
        return False

    dav.proxy.before = stall_the_fourth_put
    started = time.monotonic()
    error = _fails(
        cli, "publish", "caldav", dav.home, "--calendar", calendar_name, *dav.login,
        "--deadline", "1",
    )  # fmt: skip
    assert time.monotonic() - started < 1.5
    assert "the publish did not finish within 1 s (--deadline): run it again" in error
    sent = int(error.split(" change")[-2].rsplit("; ", 1)[1])  # "...; 3 changes had been sent"
    assert sent <= 3 and len(dav.events(folder)) == sent
    stored = sqlite3.connect(env_setup).execute("SELECT count(*) FROM caldav_event").fetchone()
    assert stored == (sent,)

    dav.proxy.before = None
    rest = _publish(scheduled, dav, calendar_name)
    windows = _windows(env_setup)
    assert len(rest["created"]) == len(sessions) + len(windows) - sent
    assert rest["unchanged"] == sent and rest["edited_on_server"] == []
    assert set(dav.events(folder)) == {_uid(s) for s in sessions} | windows


def test_missing_calendars_and_folders_are_recognised(scheduled, xandikos, cli):
    # Xandikos answers PROPFIND on a missing collection with 207 holding a 404.
    home = xandikos.home
    made = _publish(scheduled, xandikos, "Wave 1")
    assert made["calendar"] == f"{home}Wave%201/"
    direct = json.loads(scheduled("publish", "caldav", made["calendar"], "--json").stdout)
    assert direct["unchanged"] == len(made["created"]) > 0
    assert "is a folder on the server, not a calendar: give --calendar NAME" in _fails(
        cli, "publish", "caldav", home
    )
    assert "Wave%201/ is a calendar itself: publish to it without --calendar" in _fails(
        cli, "publish", "caldav", made["calendar"], "--calendar", "inside"
    )
    elsewhere = f"{xandikos.proxy.url}/elsewhere/"
    assert f"{elsewhere} does not exist on the server" in _fails(
        cli, "publish", "caldav", elsewhere, "--calendar", "Wave 1"
    )
    assert f"{home}Wave%202/ does not exist on the server" in _fails(
        cli, "publish", "caldav", f"{home}Wave%202/"
    )


class Hostile(BaseHTTPRequestHandler):
    """A web server that answers too much (`flood`) or too slowly (`trickle`)."""

    protocol_version = "HTTP/1.1"
    mode = "trickle"

    def _reply(self) -> None:
        self.send_response(207, "Multi-Status")
        self.send_header("Content-Type", "application/xml")
        try:
            if self.mode == "trickle":  # one byte at a time, each well within a read timeout
                self.send_header("Content-Length", "100000")
                self.end_headers()
                for _ in range(100000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.3)
            else:  # no length given: it just keeps coming
                self.send_header("Connection", "close")
                self.end_headers()
                block = b"<x>" + b"a" * 65530 + b"</x>"
                while True:
                    self.wfile.write(block)
        except OSError:
            pass  # the client hung up, as it should

    do_PROPFIND = _reply

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def hostile():
    """Start a hostile web server in this process; its address."""
    servers = []

    def start(mode: str) -> str:
        handler = type("Answer", (Hostile,), {"mode": mode})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/dav/"

    yield start
    for server in servers:
        server.shutdown()


def test_slow_and_endless_answers_stop_at_the_limits(scheduled, hostile, cli, env_setup):
    before = _dump(env_setup, leave_out="nothing")
    trickle = hostile("trickle")
    started = time.monotonic()
    error = _fails(cli, "publish", "caldav", trickle, "--timeout", "0.8")
    assert 0.8 <= time.monotonic() - started < 2
    assert "did not finish answering within 0.8 s (--timeout)" in error
    assert "or give a longer --timeout" in error

    flood = hostile("flood")
    started = time.monotonic()
    error = _fails(cli, "publish", "caldav", flood)
    assert "answered /dav/ with more than 50 MB" in error and "stopped reading" in error
    assert time.monotonic() - started < 10
    assert _dump(env_setup, leave_out="nothing") == before


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


def test_bad_servers_and_passwords_get_one_error_line(scheduled, radicale, stub, cli, env_setup):
    before = _dump(env_setup, leave_out="nothing")
    home = radicale.home
    cases = [
        (("--user", USER), "wrong", "refused user 'coordinator' and this password (401"),
        ((), None, "asks for a user name and password (401 Unauthorized): give --user"),
        (("--user", USER), None, "no password for coordinator: set REFOCUS_CALDAV_PASSWORD"),
    ]
    for args, password, expected in cases:
        error = _fails(cli, "publish", "caldav", home, "--calendar", "x", *args, password=password)
        assert expected in error
    closed_port = _free_port()
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
    assert "--timeout" in cli("publish", "caldav", home, "--timeout", "0").stderr
    assert "--deadline" in cli("publish", "caldav", home, "--deadline", "0").stderr
    assert _dump(env_setup, leave_out="nothing") == before


def test_the_digest_survives_a_server_rewriting_the_event():
    ics = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@refocus.invalid\r\nSEQUENCE:2\r\n"
        b"LAST-MODIFIED:20270104T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    data, digest = caldav.marked(ics, "programme-1")
    assert caldav.marked(ics, "programme-2")[1] != digest
    rewritten = data.decode().replace("\r\n", "\n").replace("UID:a@", "UID:a\n @")  # refolded
    fields = caldav.event_fields(rewritten)
    assert (fields["UID"], fields["SEQUENCE"], fields["X-REFOCUS-HASH"]) == (
        "a@refocus.invalid", "2", digest,
    )  # fmt: skip
    assert fields["X-REFOCUS-PROGRAMME"] == "programme-1"
    assert caldav.event_fields(caldav.with_sequence(data, 7))["SEQUENCE"] == "7"


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


def test_many_deletions_are_confirmed_on_a_terminal(scheduled, radicale, calendar_name, env_setup):
    import os

    from conftest import refocus_executable

    everything = _publish(scheduled, radicale, calendar_name)
    command = [
        refocus_executable(), "publish", "caldav", radicale.home, "--calendar", calendar_name,
        "--user", USER, "--trainer", "Dai Morgan", "--db", str(env_setup),
    ]  # fmt: skip
    env = {**os.environ, "REFOCUS_CALDAV_PASSWORD": PASSWORD}

    def answer(reply: bytes) -> subprocess.CompletedProcess:
        terminal, typist = os.openpty()  # standard input is a terminal; the answer is typed
        try:
            os.write(typist, reply)
            return subprocess.run(
                command, stdin=terminal, capture_output=True, text=True, env=env, timeout=60
            )
        finally:
            os.close(terminal)
            os.close(typist)

    declined = answer(b"n\n")
    assert declined.returncode == 1 and "Delete these" in declined.stderr
    assert "  would delete session " in declined.stderr
    assert "nothing was published" in declined.stderr
    assert len(radicale.events(radicale.folder(calendar_name))) == len(everything["created"])
    accepted = answer(b"y\n")
    assert accepted.returncode == 0, accepted.stderr
    assert " removed" in accepted.stderr
    assert len(radicale.events(radicale.folder(calendar_name))) < len(everything["created"]) - 5
