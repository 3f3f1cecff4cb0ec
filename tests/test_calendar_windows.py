"""Measurement windows as all-day milestones in every calendar refocus makes of a cohort,
a team or a person: `export ics` for each choice, and subscribed feeds built and served.

The programme: North and South CMHT in cohort W1 (whose `schedule` offered a baseline
and a follow-up window), East CMHT in no cohort, a programme-wide follow-up window, a
person joining North after the baseline, and a trainer with no sessions. Calendars are
read back with icalendar and with `ical`, a strict parser refocus does not write with.
"""

from __future__ import annotations

import http.client
import json
import threading
from datetime import date, timedelta

import icalendar
import pytest
from conftest import succeeding, two_team_rollout
from ical.calendar_stream import IcsCalendarStream

PROGRAMME_WIDE = ("2029-03-01", "2029-03-31")  # after W1's follow-up (January 2028)


@pytest.fixture
def windows(cli, from_template, tmp_path_factory):
    """The programme above; `ok` runs a command that must work, and `ids` names the
    windows: baseline and follow-up of W1, and the programme-wide one."""
    folder = tmp_path_factory.mktemp("feeds-roster")

    ok = succeeding(cli)

    # the programme of tests/test_feeds.py (built once for both), and on top of it:
    from_template("feeds-two-teams", lambda: two_team_rollout(cli, folder, 3, "Feeds Trust"))
    ok("team", "add", "East CMHT")
    ok("staff", "add", "East Person", "--team", "East CMHT", "--start", "2026-01-01")
    later = {"REFOCUS_NOW": "2027-03-01T09:00:00+00:00"}
    ok("staff", "add", "Lola Late", "--team", "North CMHT", "--start", "2027-03-01", env=later)
    ok("trainer", "add", "Ned New")
    ok("measure", "window", "add", "follow-up", "--from", PROGRAMME_WIDE[0],
       "--to", PROGRAMME_WIDE[1])  # fmt: skip
    listed = json.loads(ok("measure", "window", "list", "--json").stdout)
    ids = {
        ("all" if w["cohort"] is None else w["kind"]): (
            w["id"], date.fromisoformat(w["from"]), date.fromisoformat(w["to"])
        )
        for w in listed
    }  # fmt: skip
    assert set(ids) == {"baseline", "follow-up", "all"}
    return ok, ids


def _milestones(data: bytes) -> dict[str, tuple[date, date, str, str]]:
    """The calendar's all-day milestones by UID: first and last day, title, description;
    read with icalendar and checked against `ical`'s reading."""
    text = data.decode("utf-8")
    found = {}
    for event in icalendar.Calendar.from_ical(text).walk("VEVENT"):
        start = event.decoded("dtstart")
        if type(start) is not date:
            continue  # a session
        assert str(event["transp"]) == "TRANSPARENT" and str(event["status"]) == "CONFIRMED"
        assert not event.walk("VALARM") and int(event["sequence"]) == 0
        assert "milestone" in event["categories"].cats
        last = event.decoded("dtend") - timedelta(days=1)  # DTEND is the day after
        found[str(event["uid"])] = (start, last, str(event["summary"]), str(event["description"]))
    strict = IcsCalendarStream.calendar_from_ics(text)
    assert {
        e.uid: (e.dtstart, e.dtend - timedelta(days=1), e.summary, e.description)
        for e in strict.events
        if type(e.dtstart) is date
    } == found
    return found


def _spans(found: dict[str, tuple[date, date, str, str]]) -> dict[tuple[date, date], str]:
    return {(first, last): title for first, last, title, _ in found.values()}


def test_each_calendar_shows_the_windows_of_its_cohorts_as_all_day_milestones(windows, tmp_path):
    from refocus_cli.readers.measures import load_measures

    ok, ids = windows
    base, follow, every = (ids[k][1:] for k in ("baseline", "follow-up", "all"))

    def exported(*choice: str) -> dict[str, tuple[date, date, str, str]]:
        target = tmp_path / "out.ics"
        done = ok("export", "ics", *choice, "--alarm", "1d", "-o", str(target))
        found = _milestones(target.read_bytes())
        count = len(found)
        assert f"{count} measurement window{'s' if count != 1 else ''}" in done.stderr or not count
        return found

    whole = exported("--all")
    assert _spans(whole) == {
        base: "REFOCUS baseline measures (W1)",
        follow: "REFOCUS follow-up measures (W1)",
        every: "REFOCUS follow-up measures (all teams)",
    }
    assert _spans(exported("--cohort", "W1")) == _spans(whole)
    assert _spans(exported("--trainer", "Tess Trainer")) == _spans(whole)  # trains W1
    assert _spans(exported("--team", "South CMHT")) == {
        base: "Baseline measures: South CMHT (REFOCUS cohort W1)",
        follow: "Follow-up measures: South CMHT (REFOCUS cohort W1)",
        every: "Follow-up measures: South CMHT (REFOCUS, all teams)",
    }
    north = exported("--staff", "North 0001")
    assert _spans(north) == {
        base: "Baseline measures: North CMHT (REFOCUS cohort W1)",
        follow: "Follow-up measures: North CMHT (REFOCUS cohort W1)",
        every: "Follow-up measures: North CMHT (REFOCUS, all teams)",
    }
    # joined North after the baseline: not measured at baseline, measured at follow-up
    assert set(_spans(exported("--staff", "Lola Late"))) == {follow, every}
    assert _spans(exported("--team", "East CMHT")) == {
        every: "Follow-up measures: East CMHT (REFOCUS, all teams)"
    }
    assert set(_spans(exported("--staff", "East Person"))) == {every}
    assert exported("--trainer", "Ned New") == {}

    # The same window is the same event everywhere (one UID), and says what to collect:
    # the names manual/measures.toml gives, staff's and service users' apart.
    assert set(north) == set(whole)
    measures = load_measures(None).measures
    for _first, _last, _title, description in whole.values():
        assert "This is not a session: there is nothing to attend." in description
        for measure in measures:
            assert measure.name in description
        assert "Staff complete: " in description and "anonymously" in description


def _get(port: int, path: str, **headers: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.getheader("ETag") or "", answer.read()
    finally:
        connection.close()


def test_feeds_show_the_windows_and_drop_a_removed_one(windows, env_setup, tmp_path):
    from refocus_cli.render import feed_server
    from refocus_cli.services import feeds, manual
    from refocus_cli.services.context import system_clock
    from refocus_cli.store.database import open_store

    ok, ids = windows
    ok("feeds", "build", "out")
    listed = {
        (f["kind"], f["owner"]): f["token"]
        for f in json.loads(ok("feeds", "list", "--json").stdout)
    }

    def built(kind: str, owner: str) -> dict[str, tuple[date, date, str, str]]:
        return _milestones((tmp_path / "out" / f"{listed[kind, owner]}.ics").read_bytes())

    def export(kind: str, owner: str) -> dict[str, tuple[date, date, str, str]]:
        ok("export", "ics", f"--{kind}", owner, "-o", "x.ics")
        return _milestones((tmp_path / "x.ics").read_bytes())

    owners = [("team", "South CMHT"), ("team", "East CMHT"), ("staff", "Lola Late"),
              ("staff", "North 0000"), ("trainer", "Tess Trainer"), ("trainer", "Ned New"),
              ("cohort", "W1")]  # fmt: skip
    for owner in owners:
        assert built(*owner) == export(*owner), owner
    assert len(built("staff", "North 0000")) == 3 and len(built("staff", "Lola Late")) == 2

    # Each feed written at once is the feed served alone (the windows' owners worked out
    # for everyone together, or for one feed).
    store = open_store(env_setup, system_clock, "tester")
    try:
        curriculum = manual.curriculum(store, None)
        for row in feeds.feed_store.feeds(store):
            alone = feeds.feed_document(store, row, curriculum)
            assert (tmp_path / "out" / f"{row.token}.ics").read_bytes() == alone, row.owner
    finally:
        store.close()

    server = feed_server.start("127.0.0.1", 0, feeds.LiveFeeds(env_setup))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        path = f"/feeds/{listed['team', 'North CMHT']}.ics"
        status, etag, body = _get(server.server_port, path)
        assert status == 200 and len(_milestones(body)) == 3
        baseline = ids["baseline"]
        ok("measure", "window", "remove", str(baseline[0]))
        status, fresh, body = _get(server.server_port, path, **{"If-None-Match": etag})
        assert status == 200 and fresh != etag  # a removed window is a change
        assert {(first, last) for first, last, _, _ in _milestones(body).values()} == {
            ids["follow-up"][1:],
            ids["all"][1:],
        }
    finally:
        server.shutdown()
        server.server_close()
    ok("feeds", "build", "out")
    assert baseline[1:] not in _spans(built("team", "North CMHT"))
    assert len(built("staff", "North 0000")) == 2


def test_a_served_feed_changes_when_the_manual_is_edited(windows, env_setup, tmp_path):
    """The ETag covers the manual's files: what a window asks to collect comes from
    measures.toml, and a session's title from the curriculum."""
    import shutil

    from refocus_cli.render import feed_server
    from refocus_cli.resources import manual_dir
    from refocus_cli.services import feeds

    ok, _ = windows
    ok("feeds", "build", "out")
    token = next(
        f["token"]
        for f in json.loads(ok("feeds", "list", "--json").stdout)
        if (f["kind"], f["owner"]) == ("team", "North CMHT")
    )
    manual = tmp_path / "manual"
    shutil.copytree(manual_dir(), manual)
    server = feed_server.start("127.0.0.1", 0, feeds.LiveFeeds(env_setup, manual))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    path = f"/feeds/{token}.ics"
    try:
        status, etag, body = _get(server.server_port, path)
        assert status == 200 and b"Staff recovery-promotion behaviour" in body
        assert _get(server.server_port, path, **{"If-None-Match": etag})[0] == 304
        measures = manual / "measures.toml"
        measures.write_text(
            measures.read_text(encoding="utf-8").replace(
                'name = "Staff recovery-promotion behaviour"', 'name = "Staff recovery practice"'
            ),
            encoding="utf-8",
        )
        status, fresh, body = _get(server.server_port, path, **{"If-None-Match": etag})
        assert status == 200 and fresh != etag
        assert b"Staff recovery practice" in body and b"recovery-promotion" not in body
        modules = manual / "modules" / "strengths.toml"
        modules.write_text(modules.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        status, third, _ = _get(server.server_port, path, **{"If-None-Match": fresh})
        assert status == 200 and third not in (etag, fresh)  # any file of the manual
        assert _get(server.server_port, path, **{"If-None-Match": third})[0] == 304
    finally:
        server.shutdown()
        server.server_close()
