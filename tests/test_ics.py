"""`refocus export ics`, read back by parsers refocus does not write with: ical, vobject, ics.

The programme runs from January 2027 for over a year, so its sessions straddle the
March and October clock changes; every event's start is checked in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import ics
import pytest
import vobject
from conftest import copy_database, on_database, succeeding
from hypothesis import given
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from refocus_cli.core.vtimezone import zone_changes
from refocus_cli.render.calendar import fold

REASON = 'Trainer ill; new date, "soon" – Zoë'
TEAM = 'Siobhán\'s "North", Zoë; 李 team'


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The programme, built once; each test gets a copy."""
    db = tmp_path_factory.mktemp("ics") / "built.db"

    ok = succeeding(on_database(db))

    ok("init", "Calendar Trust", "--start", "2027-01-11", "--tz", "Europe/London")
    ok("team", "add", TEAM)
    ok("team", "add", "South CMHT")
    for index, team in enumerate((TEAM, "South CMHT")):
        for n in range(3):
            ok("staff", "add", f"Person {index}{n}", "--team", team,
               "--email", f"p{index}{n}@nhs.example", "--start", "2026-01-01",
               *(["--manager"] if n == 0 else []))  # fmt: skip
    ok("trainer", "add", "Ruth Evans", "--email", "ruth@nhs.example")
    ok("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    ok("venue", "add", "Room 1, Old Building", "--capacity", "30")
    ok("cohort", "create", "WAVE1", "--team", TEAM, "--team", "South CMHT")
    ok("schedule", "WAVE1")
    return db


@pytest.fixture
def scheduled(built, cli, env_setup):
    copy_database(built, env_setup)
    return succeeding(cli)


def _export(ok, tmp_path, *args, name="out.ics"):
    target = tmp_path / name
    ok("export", "ics", *args, "-o", str(target))
    return target.read_text(encoding="utf-8")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _is_session(uid: str) -> bool:
    """Sessions' UIDs are their UUIDs; a measurement window's milestone is marked."""
    return not uid.startswith("window-")


def test_every_parser_reads_the_same_events_at_the_right_utc_times(scheduled, cli, tmp_path):
    text = _export(scheduled, tmp_path, "--cohort", "WAVE1")
    sessions = cli("sessions", "--json").stdout
    import json

    from icalendar import Calendar

    expected = {s["uuid"]: (_utc(s["start"]), _utc(s["end"])) for s in json.loads(sessions)}
    months = {start.month for start, _ in expected.values()}
    assert {1, 3, 4, 10, 11} <= months  # both sides of both clock changes
    # `schedule` added a baseline and a follow-up window: all-day milestones, the day
    # after the last as the (exclusive) end.
    listed = json.loads(cli("measure", "window", "list", "--json").stdout)
    assert sorted(w["kind"] for w in listed) == ["baseline", "follow-up"]
    windows = {
        (date.fromisoformat(w["from"]), date.fromisoformat(w["to"]) + timedelta(days=1))
        for w in listed
    }
    # The zone is defined by the file itself: rename it so no parser can look it up.
    private = text.replace("Europe/London", "Refocus/Test-Zone")
    strict = IcsCalendarStream.calendar_from_ics(private)
    assert len([e for e in strict.events if _is_session(e.uid)]) == len(expected)
    for event in strict.events:
        if not _is_session(event.uid):
            continue
        start, end = expected[event.uid.split("@")[0]]
        assert event.dtstart.astimezone(UTC) == start, event.summary
        assert event.dtend.astimezone(UTC) == end
    marks = [e for e in strict.events if not _is_session(e.uid)]
    assert {(e.dtstart, e.dtend) for e in marks} == windows and len(marks) == 2
    # vobject resolves a TZID from zones registered before the events are read: register
    # the file's own VTIMEZONE (built by dateutil from its rules), then read the events.
    from vobject.icalendar import registerTzid

    registerTzid("Refocus/Test-Zone", vobject.readOne(private).vtimezone.gettzinfo())
    loose = vobject.readOne(private)
    loose.validate()
    parsed = {e.uid.value.split("@")[0]: e for e in loose.vevent_list}
    assert {uid for uid in parsed if _is_session(uid)} == set(expected)
    for uuid, (start, _end) in expected.items():
        assert parsed[uuid].dtstart.value.astimezone(UTC) == start
    assert {
        (e.dtstart.value, e.dtend.value) for uid, e in parsed.items() if not _is_session(uid)
    } == windows
    third = ics.Calendar(text)
    assert {e.uid.split("@")[0] for e in third.events if _is_session(e.uid)} == set(expected)
    for event in third.events:
        if _is_session(event.uid):
            assert event.begin.datetime.astimezone(UTC) == expected[event.uid.split("@")[0]][0]
    assert {
        (e.begin.date(), e.end.date()) for e in third.events if not _is_session(e.uid)
    } == windows and all(e.all_day for e in third.events if not _is_session(e.uid))
    fourth = Calendar.from_ical(text).walk("VEVENT")
    assert {str(e["UID"]).split("@")[0] for e in fourth if _is_session(str(e["UID"]))} == set(
        expected
    )
    assert {
        (e.decoded("DTSTART"), e.decoded("DTEND")) for e in fourth if not _is_session(str(e["UID"]))
    } == windows


def test_timezone_is_in_rrule_form_and_matches_zoneinfo_through_the_year(scheduled, tmp_path):
    text = _export(scheduled, tmp_path, "--all")
    block = text.split("BEGIN:VTIMEZONE", 1)[1].split("END:VTIMEZONE", 1)[0]
    assert "RRULE:FREQ=YEARLY" in block and "RDATE" not in block
    assert block.count("BEGIN:DAYLIGHT") >= 1 and block.count("BEGIN:STANDARD") >= 1


@pytest.mark.parametrize(
    "zone", ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
)
def test_zone_rules_agree_with_zoneinfo_hour_by_hour(zone):
    """Evaluate the generated rules independently (dateutil via vobject) against zoneinfo."""
    from icalendar import Calendar

    from refocus_cli.render.calendar import _timezone

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//test//EN")
    calendar.add_component(_timezone(zone, 2026, 2028))
    parsed = vobject.readOne(calendar.to_ical().decode())
    rules = parsed.vtimezone.gettzinfo()
    real = ZoneInfo(zone)
    # refocus starts the rules a year before the first session: check from then on.
    moment = datetime(2027, 1, 1, tzinfo=UTC)
    while moment < datetime(2029, 1, 1, tzinfo=UTC):
        assert moment.astimezone(rules).utcoffset() == moment.astimezone(real).utcoffset(), moment
        moment += timedelta(hours=7)


def test_rule_changes_are_split_with_until():
    # New York moved its clock changes in 2007: two rules for each kind, the first ended.
    changes = zone_changes(ZoneInfo("America/New_York"), 2005, 2009)
    daylight = [c for c in changes if c.kind == "DAYLIGHT"]
    assert [c.byday for c in daylight] == ["1SU", "2SU"]
    assert [c.month for c in daylight] == [4, 3]
    assert daylight[0].until is not None and daylight[1].until is None


def test_reexport_keeps_uids_and_a_move_raises_the_sequence(scheduled, cli, tmp_path):
    import json

    first = _export(scheduled, tmp_path, "--team", TEAM, name="a.ics")
    again = _export(scheduled, tmp_path, "--team", TEAM, name="b.ics")
    uids = re.findall(r"^UID:(.+)$", first, flags=re.M)
    assert uids == re.findall(r"^UID:(.+)$", again, flags=re.M) and len(set(uids)) == len(uids)
    session = json.loads(cli("sessions", "--team", TEAM, "--json").stdout)[-1]
    start = datetime.fromisoformat(session["start"])
    scheduled("session", "move", str(session["id"]), "--to",
              (start + timedelta(days=7)).strftime("%Y-%m-%d %H:%M"))  # fmt: skip
    scheduled("session", "cancel", str(json.loads(cli("sessions", "--json").stdout)[0]["id"]),
              "--reason", REASON)  # fmt: skip
    moved = IcsCalendarStream.calendar_from_ics(
        _export(scheduled, tmp_path, "--team", TEAM, name="c.ics")
    )
    by_uid = {e.uid.split("@")[0]: e for e in moved.events}
    assert set(by_uid) == {u.split("@")[0] for u in uids}
    assert by_uid[session["uuid"]].sequence == session["sequence"] + 1
    assert by_uid[session["uuid"]].dtstart.astimezone(UTC) == (
        start + timedelta(days=7)
    ).astimezone(UTC)
    cancelled = [e for e in moved.events if e.status and e.status.value == "CANCELLED"]
    assert len(cancelled) == 1 and cancelled[0].summary.startswith("Cancelled: ")
    assert cancelled[0].description.startswith(f"THIS SESSION IS CANCELLED. {REASON}\n")
    dropped = _export(scheduled, tmp_path, "--team", TEAM, "--drop-cancelled", name="d.ics")
    assert dropped.count("BEGIN:VEVENT") == len(uids) - 1


def test_text_survives_the_round_trip_and_lines_fold_on_characters(scheduled, tmp_path):
    text = _export(scheduled, tmp_path, "--team", TEAM, "--alarm", "1d,30m")
    raw = (tmp_path / "out.ics").read_bytes()
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a fold never splits a character
    event = vobject.readOne(text).vevent_list[0]
    assert event.summary.value.endswith(f" - {TEAM}")
    assert event.location.value == "Room 1, Old Building"
    assert f"For {TEAM}" in event.description.value
    assert len(event.valarm_list) == 2


def test_bad_choices_are_refused_and_an_empty_selection_is_a_valid_calendar(
    scheduled, cli, tmp_path
):
    for args, words in [
        (["--team", "Nowhere"], "no team"),
        ([], "exactly one of"),
        (["--all", "--team", TEAM], "exactly one of"),
        (["--all", "--alarm", "soon"], "--alarm"),
    ]:
        done = cli("export", "ics", *args, "-o", str(tmp_path / "bad.ics"))
        assert done.exit_code == 1, args
        assert done.stderr.startswith("Error: ") and words in done.stderr.lower(), done.stderr
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "bad.ics").exists()
    scheduled("team", "add", "Empty Team")
    done = cli("export", "ics", "--team", "Empty Team", "-o", str(tmp_path / "empty.ics"))
    assert done.exit_code == 0 and "No sessions match" in done.stderr
    empty = IcsCalendarStream.calendar_from_ics((tmp_path / "empty.ics").read_text())
    assert empty.events == []


@given(st.text(max_size=400))
def test_folding_keeps_every_character_and_every_line_short(text):
    line = "DESCRIPTION:" + text.replace("\r", "").replace("\n", "")
    folded = fold(line)
    assert folded.endswith(b"\r\n")
    assert all(len(part) <= 75 for part in folded[:-2].split(b"\r\n"))
    assert folded[:-2].replace(b"\r\n ", b"").decode("utf-8") == line


def test_icalendar_reads_the_written_events_back_exactly(scheduled, tmp_path):
    from icalendar import Calendar

    text = _export(scheduled, tmp_path, "--team", TEAM)
    every = Calendar.from_ical(text).walk("VEVENT")
    events = [e for e in every if "milestone" not in e["CATEGORIES"].cats]
    assert len(every) - len(events) == 2  # the cohort's baseline and follow-up windows
    assert events and all(TEAM in str(e["SUMMARY"]) for e in events)
    assert any(str(e["SUMMARY"]).endswith(f" - {TEAM}") for e in events)
    assert all(e["DTSTART"].dt.tzinfo is not None for e in events)


def test_titles_name_stage_and_module_and_the_description_the_organiser(scheduled, tmp_path):
    text = _export(scheduled, tmp_path, "--team", "South CMHT", "--organiser", "co@nhs.example")
    events = [e for e in vobject.readOne(text).vevent_list if _is_session(e.uid.value)]
    titles = {e.summary.value.split(" (")[0].split(" - ")[0] for e in events}
    assert "REFOCUS Recovery and REFOCUS Workshop" in titles  # stage and module are one
    assert "REFOCUS Support for practice change: Team reflection session" in titles
    assert not any(t.startswith("REFOCUS REFOCUS") for t in titles)
    assert all("Organised by co@nhs.example." in e.description.value for e in events)
    assert not any(hasattr(e, "organizer") for e in events)  # only invitations have one


def test_descriptions_say_who_where_and_what_to_bring_in_plain_sentences(scheduled, tmp_path):
    text = _export(scheduled, tmp_path, "--all", "--organiser", "co@nhs.example")
    events = vobject.readOne(text).vevent_list
    workshop = next(e for e in events if "Workshop" in e.summary.value)
    assert workshop.description.value.splitlines() == [
        f"For {TEAM}, cohort WAVE1.",
        "Trainers: Ruth Evans (trainer) and Dai Morgan (lived-experience trainer).",
        "Venue: Room 1, Old Building.",
        "",
        "Please bring:",
        "One anonymised care plan, review letter or referral summary from your own work, "
        "with every identifying detail removed.",
        "Your diary, to check the dates of the working-practices modules.",
        "An open mind about where the team is now.",
        "",
        "Organised by co@nhs.example.",
    ], workshop.description.value
    for event in events:
        words = event.description.value
        title = event.summary.value.split(" - ")[0].removeprefix("REFOCUS ")
        assert title not in words, title  # the title is not said twice
        assert "refocus " not in words.lower() and "`" not in words, words  # no commands
        assert not any(line.startswith(("- ", "* ", "#")) for line in words.splitlines())
    managers = next(e for e in events if "manager reflection" in e.summary.value.lower())
    assert "progress and participation reports" in managers.description.value


def test_files_never_list_attendees_and_the_old_option_points_to_invite(scheduled, cli, tmp_path):
    text = _export(scheduled, tmp_path, "--all", "--organiser", "co@nhs.example")
    assert "METHOD:PUBLISH" in text  # RFC 5546: PUBLISH carries no ATTENDEE
    assert "\nATTENDEE" not in text and "\nORGANIZER" not in text
    done = cli("export", "ics", "--all", "--with-attendees", "-o", str(tmp_path / "w.ics"))
    assert done.exit_code == 1 and done.stderr.startswith("Error: ")
    assert "refocus invite" in done.stderr and not (tmp_path / "w.ics").exists()
