"""Subscribed calendar feeds: `refocus feeds build|list|revoke|rotate|serve`.

Feeds are read back with icalendar and compared with what `sessions --json` and
`export ics` say for the same trainer, team, person and cohort. The server runs in a
thread of the test on a free port, built exactly as `feeds serve` builds it; one test
runs the installed command itself.
"""

from __future__ import annotations

import gzip
import http.client
import json
import signal
import socket
import subprocess
import threading
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from conftest import refocus_executable, succeeding, two_team_rollout


@pytest.fixture
def rollout(cli, from_template, tmp_path_factory):
    """Two teams of three, two trainers, cohort W1 planned; `ok` runs a command that must work."""
    folder = tmp_path_factory.mktemp("feeds-roster")
    from_template("feeds-two-teams", lambda: two_team_rollout(cli, folder, 3, "Feeds Trust"))

    ok = succeeding(cli)

    return ok


@pytest.fixture
def served(rollout, env_setup):
    """The feeds served live from this test's database, as `feeds serve` serves them."""
    from refocus_cli.render import feed_server
    from refocus_cli.services import feeds

    rollout("feeds", "build", "built")  # makes the tokens
    server = feed_server.start("127.0.0.1", 0, feeds.LiveFeeds(env_setup))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def _feeds(ok) -> dict[tuple[str, str], dict]:
    return {(f["kind"], f["owner"]): f for f in json.loads(ok("feeds", "list", "--json").stdout)}


def _get(port: int, path: str, method: str = "GET", **headers: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers)
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def _is_milestone(event) -> bool:
    """A measurement window's all-day milestone, told from a session as a calendar
    tells them: a date, not a time, and free time."""
    return type(event.decoded("dtstart")) is date


def _events(data: bytes) -> dict[str, tuple[datetime, datetime]]:
    """The feed's sessions (its measurement windows aside), by UID: (start, end) in UTC."""
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["method"]) == "PUBLISH"
    found = {}
    for event in calendar.walk("VEVENT"):
        assert "attendee" not in event and "organizer" not in event  # RFC 5546 PUBLISH
        if _is_milestone(event):
            continue
        start, end = (event.decoded(k).astimezone(UTC) for k in ("dtstart", "dtend"))
        found[str(event["uid"])] = (start, end)
    return found


def _windows(data: bytes) -> dict[str, tuple[date, date, str]]:
    """The feed's measurement windows, by UID: first day, last day and title."""
    found = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        if _is_milestone(event):
            assert str(event["transp"]) == "TRANSPARENT" and not event.walk("VALARM")
            last = event.decoded("dtend") - timedelta(days=1)  # DTEND is the day after
            found[str(event["uid"])] = (event.decoded("dtstart"), last, str(event["summary"]))
    return found


def _expected(ok, *filters: str) -> dict[str, tuple[datetime, datetime]]:
    sessions = json.loads(ok("sessions", *filters, "--json").stdout)
    return {
        f"{s['uuid']}@refocus.invalid": (
            datetime.fromisoformat(s["start"]).astimezone(UTC),
            datetime.fromisoformat(s["end"]).astimezone(UTC),
        )
        for s in sessions
        if s["status"] != "cancelled"
    }


def test_build_writes_a_feed_per_trainer_team_person_and_cohort(rollout, tmp_path):
    rollout("session", "cancel", str(json.loads(rollout("sessions", "--json").stdout)[-1]["id"]))
    built = rollout("feeds", "build", "out").stderr
    feeds = _feeds(rollout)
    assert "Wrote 11 feeds" in built and "(11 new; 0 revoked" in built
    assert sorted({kind for kind, _ in feeds}) == ["cohort", "staff", "team", "trainer"]
    assert len(feeds) == 2 + 2 + 6 + 1
    files = {path.name for path in (tmp_path / "out").iterdir()}
    assert files == {f"{feed['token']}.ics" for feed in feeds.values()}
    tokens = [feed["token"] for feed in feeds.values()]
    assert len(set(tokens)) == len(tokens) and all(len(token) >= 32 for token in tokens)

    def read(kind: str, owner: str) -> dict:
        return _events((tmp_path / "out" / f"{feeds[kind, owner]['token']}.ics").read_bytes())

    assert read("trainer", "Tess Trainer") == _expected(rollout, "--trainer", "Tess Trainer")
    assert read("team", "South CMHT") == _expected(rollout, "--team", "South CMHT")
    assert read("cohort", "W1") == _expected(rollout, "--cohort", "W1")
    rollout("export", "ics", "--staff", "North 0001", "-o", "north.ics")
    assert read("staff", "North 0001") == {
        uid: times
        for uid, times in _events((tmp_path / "north.ics").read_bytes()).items()
        if uid in _expected(rollout)  # the export keeps cancelled sessions, marked
    }

    again = rollout("feeds", "build", "out").stderr
    assert "Wrote 11 feeds" in again and "(0 new; 0 revoked" in again
    assert _feeds(rollout) == feeds
    revoked = rollout("feeds", "revoke", "--team", "South CMHT").stderr
    assert (
        f"Revoked the feed of team South CMHT (/feeds/{feeds['team', 'South CMHT']['token']}"
        in (revoked)
    )
    twice = rollout("feeds", "revoke", "--team", "South CMHT").stderr
    assert "Nothing to revoke: team South CMHT has no active feed." in twice
    rebuilt = rollout("feeds", "build", "out").stderr
    assert "(1 new; 0 revoked of people and teams who left; 1 files of revoked" in rebuilt
    assert not (tmp_path / "out" / f"{feeds['team', 'South CMHT']['token']}.ics").exists()
    rollout("staff", "leave", "North 0002", "--on", "2027-01-04")  # today: gone from today
    left = rollout("feeds", "build", "out").stderr
    assert "Wrote 10 feeds" in left and "(0 new; 1 revoked of people and teams who left" in left
    assert not (tmp_path / "out" / f"{feeds['staff', 'North 0002']['token']}.ics").exists()
    listed = json.loads(rollout("feeds", "list", "--revoked", "--json").stdout)
    assert len(listed) == 12 and sum(feed["revoked"] is not None for feed in listed) == 2
    full = rollout("feeds", "list", "--base-url", "https://cal.example.org/", "--json").stdout
    assert all(f["path"].startswith("https://cal.example.org/feeds/") for f in json.loads(full))


def test_served_feeds_are_current_conditional_and_compressed(rollout, served):
    port, feeds = served, _feeds(rollout)
    path = f"/feeds/{feeds['trainer', 'Len Lived']['token']}.ics"
    status, headers, body = _get(port, path)
    assert status == 200 and headers["content-type"] == "text/calendar; charset=utf-8"
    assert "max-age" in headers["cache-control"] and headers["vary"] == "Accept-Encoding"
    assert _events(body) == _expected(rollout, "--trainer", "Len Lived")
    etag = headers["etag"]

    status, again, nothing = _get(port, path, **{"If-None-Match": etag})
    assert (status, again["etag"], nothing) == (304, etag, b"")
    status, head, nothing = _get(port, path, "HEAD")
    assert (status, head["etag"], head["content-length"], nothing) == (
        200, etag, str(len(body)), b"",
    )  # fmt: skip
    status, zipped, packed = _get(port, path, **{"Accept-Encoding": "gzip, deflate"})
    assert status == 200 and zipped["content-encoding"] == "gzip"
    assert gzip.decompress(packed) == body and len(packed) < len(body) / 3
    assert _get(port, path, **{"If-None-Match": f"W/{zipped['etag']}"})[0] == 304

    session = json.loads(rollout("sessions", "--trainer", "Len Lived", "--json").stdout)[-1]
    moved_to = datetime.fromisoformat(session["start"]) + timedelta(days=7)
    rollout("session", "move", str(session["id"]), "--to", f"{moved_to:%Y-%m-%d %H:%M}")
    status, changed, body = _get(port, path, **{"If-None-Match": etag})
    assert status == 200 and changed["etag"] != etag
    uid = f"{session['uuid']}@refocus.invalid"
    assert _events(body)[uid][0] == moved_to.astimezone(UTC)
    assert _events(body) == _expected(rollout, "--trainer", "Len Lived")

    team = f"/feeds/{feeds['team', 'North CMHT']['token']}.ics"
    assert _events(_get(port, team)[2]) == _expected(rollout, "--team", "North CMHT")
    person = f"/feeds/{feeds['staff', 'South 0002']['token']}.ics"
    assert set(_events(_get(port, person)[2])) <= set(_expected(rollout, "--team", "South CMHT"))


def test_revoked_and_unknown_feeds_look_the_same_and_nothing_is_writable(rollout, served):
    port, feeds = served, _feeds(rollout)
    token = feeds["staff", "North 0000"]["token"]
    assert _get(port, f"/feeds/{token}.ics")[0] == 200
    rotated = rollout("feeds", "rotate", token).stderr
    assert "The feed of staff North 0000 is now at /feeds/" in rotated
    fresh = _feeds(rollout)["staff", "North 0000"]["token"]
    assert fresh != token and _get(port, f"/feeds/{fresh}.ics")[0] == 200
    gone = _get(port, f"/feeds/{token}.ics")
    unknown = _get(port, "/feeds/" + "A" * 32 + ".ics")
    assert gone[0] == unknown[0] == 404 and gone[2] == unknown[2]
    assert _get(port, "/")[0] == _get(port, "/feeds/../refocus.db")[0] == 404
    assert _get(port, f"/feeds/{fresh}.ics", "POST")[0] == 405
    assert _get(port, f"/feeds/{fresh}.ics", "DELETE")[1]["allow"] == "GET, HEAD"
    assert "refocus" == _get(port, "/")[1]["server"]


def test_the_serve_command_serves_until_interrupted(rollout, env_setup):
    rollout("feeds", "build", "built")
    token = _feeds(rollout)["cohort", "W1"]["token"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [refocus_executable(), "feeds", "serve", "--port", str(port), "--db", str(env_setup)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stderr.readline()
        assert "Serving 11 feeds (0 new, 0 revoked of people and teams who left) at " in line
        assert f"http://127.0.0.1:{port}/feeds/" in line
        status, _, body = _get(port, f"/feeds/{token}.ics")
        assert status == 200 and _events(body) == _expected(rollout, "--cohort", "W1")
    finally:
        server.send_signal(signal.SIGINT)
        _, rest = server.communicate(timeout=10)
    assert server.returncode == 0 and "Stopped." in rest


def test_bad_feed_requests_get_one_error_line(rollout, cli, tmp_path, served):
    (tmp_path / "a-file").write_text("")
    cases = [
        (("feeds", "revoke"), "name the feed by its token, or its owner"),
        (("feeds", "revoke", "nope"), "no active feed has the token 'nope'"),
        (("feeds", "revoke", "x", "--team", "North CMHT"), "name the feed by its token, or"),
        (("feeds", "revoke", "--team", "North CMHT", "--staff", "North 0000"), "name one owner"),
        (("feeds", "rotate", "--trainer", "Nobody Here"), "Nobody Here"),
        (("feeds", "build", "a-file"), "a-file is not a folder"),
        (("feeds", "serve", "--port", str(served)), f"cannot serve on 127.0.0.1:{served}"),
        (("feeds", "serve", "--host", "", "--check"), "--host needs an address"),
        (("feeds", "serve", "--host", "no.such.host.invalid", "--check"), "cannot serve on"),
        (("feeds", "list", "--base-url", "calendars"), "--base-url 'calendars' is not a web"),
        (("feeds", "list", "--base-url", "https://x.org/\x1b[31m"), "--base-url"),
        (("feeds", "build", "/proc/refocus-feeds"), "cannot make the folder /proc/refocus-feeds"),
    ]
    checked = cli("feeds", "serve", "--port", "0", "--check")
    assert checked.exit_code == 0 and "Ready to serve 11 feeds at http://127.0.0.1:" in (
        checked.stderr
    )
    for args, expected in cases:
        done = cli(*args)
        assert done.exit_code == 1, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and expected in lines[0], (
            args,
            done.stderr,
        )


def test_every_built_feed_is_the_feed_served(rollout, env_setup, monkeypatch):
    """`feeds build` works out everyone's sessions at once; each file must still be what
    `feeds serve` renders for that feed alone (catch-ups, a mover and a leaver included)."""
    from refocus_cli.services import feeds, manual
    from refocus_cli.services.context import system_clock
    from refocus_cli.store.database import open_store

    monkeypatch.setenv("REFOCUS_NOW", "2027-04-01T09:00:00+00:00")
    rollout("staff", "add", "Lola Late", "--team", "North CMHT", "--start", "2027-03-01")
    rollout("staff", "move", "South 0001", "--to", "North CMHT", "--on", "2027-03-15")
    rollout("staff", "leave", "North 0002", "--on", "2027-05-01")
    rollout("catchup", "--schedule")
    every = json.loads(rollout("sessions", "--json").stdout)
    assert any(s["kind"] == "catch-up" for s in every)
    rollout("feeds", "build", "out")
    store = open_store(env_setup, system_clock, "tester")
    try:
        curriculum = manual.curriculum(store, None)
        rows = feeds.feed_store.feeds(store)
        assert len(rows) == 2 + 2 + 7 + 1
        for row in rows:
            built = (env_setup.parent / "out" / f"{row.token}.ics").read_bytes()
            assert built == feeds.feed_document(store, row, curriculum), (row.kind, row.owner)
    finally:
        store.close()


def test_forgetting_a_person_or_retiring_a_trainer_stops_their_feed_at_once(rollout, cli, served):
    port, before = served, _feeds(rollout)
    person = f"/feeds/{before['staff', 'North 0001']['token']}.ics"
    trainer = f"/feeds/{before['trainer', 'Tess Trainer']['token']}.ics"
    assert _get(port, person)[0] == _get(port, trainer)[0] == 200

    forgot = rollout("staff", "forget", "North 0001", "--yes").stderr
    assert "1 calendar feed of theirs revoked" in forgot
    assert _get(port, person)[0] == 404  # no build or restart in between
    after = _feeds(rollout)
    assert ("staff", "Forgotten person 2") not in after and len(after) == len(before) - 1
    rebuilt = rollout("feeds", "build", "built").stderr
    assert "Wrote 10 feeds" in rebuilt and "(0 new;" in rebuilt and "1 files of revoked" in rebuilt

    # Every session over: Tess stays on their record, retired, and her feed stops now.
    removed = cli("trainer", "remove", "Tess Trainer", env={"REFOCUS_NOW": "2031-01-06T09:00Z"})
    assert removed.exit_code == 0 and "kept on the record" in removed.stderr, removed.stderr
    assert _get(port, trainer)[0] == 404
    revoked = json.loads(rollout("feeds", "list", "--revoked", "--json").stdout)
    assert {(f["kind"], f["owner"]) for f in revoked if f["revoked"]} == {
        ("staff", "Forgotten person 2"),
        ("trainer", "Tess Trainer"),
    }

    # A trainer no session names is deleted, and their feed with them.
    rollout("trainer", "add", "Ned New")
    rollout("feeds", "build", "built")
    ned = f"/feeds/{_feeds(rollout)['trainer', 'Ned New']['token']}.ics"
    assert _get(port, ned)[0] == 200
    rollout("trainer", "remove", "Ned New")
    assert _get(port, ned)[0] == 404
    assert "Ned New" not in rollout("feeds", "list", "--revoked", "--json").stdout
