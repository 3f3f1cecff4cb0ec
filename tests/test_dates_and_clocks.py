"""Dates people type are bounded to 2000–2100; clock changes are refused or resolved, never
guessed (issue 16, items 8 and 9). Each traceback the issue found has its regression here,
reproduced on a small programme rather than the demo."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from refocus_cli.core.dates import (
    FIRST_DAY,
    LAST_DAY,
    parse_date,
    parse_datetime,
    parse_sheet_date,
    wall_clock_to_utc,
)
from refocus_cli.core.errors import InvalidInput
from refocus_cli.resources import manual_dir

OUT_OF_RANGE = "is outside the years 2000–2100 that refocus accepts: "
GIVE = "give a date from 2000-01-01 to 2100-12-31"


def _refused(result, said: str) -> None:
    assert result.exit_code == 1, result
    lines = result.stderr.rstrip("\n").split("\n")
    assert lines[-1] == f"Error: {said}", result
    assert "Traceback" not in result.stdout + result.stderr


def _small_programme(cli, tz: str, start: str) -> list[dict]:
    for args in (
        ("init", "Clock Trust", "--tz", tz),
        ("team", "add", "North CMHT"),
        ("staff", "add", "Ann Lee", "--team", "North CMHT"),
        ("trainer", "add", "Tess Trainer"),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", "workshop"),
        ("cohort", "create", "W1", "--team", "North CMHT"),
        ("schedule", "--cohort", "W1", "--start", start),
    ):
        assert cli(*args).exit_code == 0, args
    return cli("sessions", "--json").json()


@pytest.fixture
def london(cli, from_template):
    return from_template("h16-london", lambda: _small_programme(cli, "Europe/London", "2027-01-11"))


@pytest.mark.parametrize(
    ("args", "said"),
    [
        # The three tracebacks: OverflowError, ValueError, StopIteration.
        (("session", "move", "{last}", "--to", "9999-12-31 23:59"), "--to 9999-12-31"),
        (("report", "html", "--on", "9999-12-31", "-o", "r.html"), "--on 9999-12-31"),
        (("report", "html", "--on", "0001-01-01", "-o", "r.html"), "--on 0001-01-01"),
        (("progress", "--on", "1999-12-31"), "--on 1999-12-31"),
        (("staff", "add", "Bo Diaz", "--team", "North CMHT", "--start", "2101-01-01"),
         "--start 2101-01-01"),
        (("trainer", "unavailable", "Tess Trainer", "--from", "1999-12-31", "--to", "2000-01-02"),
         "--from 1999-12-31"),
        (("closure", "add", "2101-01-01"), "date 2101-01-01"),
    ],
)  # fmt: skip
def test_dates_outside_2000_to_2100_are_refused_clearly(london, cli, args, said):
    args = tuple(arg.replace("{last}", str(london[-1]["id"])) for arg in args)
    _refused(cli(*args), f"{said} {OUT_OF_RANGE}{GIVE}")


@pytest.mark.parametrize("day", ["2000-01-01", "2100-12-31"])
def test_the_report_draws_its_timeline_at_either_end_of_the_range(london, cli, tmp_path, day):
    """--on 2000-01-01 spans 27 years: the timeline once ran out of tick spacings
    (StopIteration); it now labels every second or fifth year instead."""
    done = cli("report", "html", "--on", day, "-o", str(tmp_path / "report.html"))
    assert done.exit_code == 0, done
    html = (tmp_path / "report.html").read_text()
    assert "2027" in html and "Rollout timeline" in html


def test_a_roster_start_date_outside_the_range_is_a_row_problem(london, cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,team,start\nBo Diaz,North CMHT,31/12/1899\n")
    result = cli("staff", "import", str(roster))
    assert result.exit_code == 1, result
    assert result.stderr.split("\n")[0] == f"  row 2: start date 1899-12-31 {OUT_OF_RANGE}{GIVE}"


def test_the_parsers_accept_the_range_and_nothing_beyond():
    assert (FIRST_DAY, LAST_DAY) == (date(2000, 1, 1), date(2100, 12, 31))
    assert parse_date("2000-01-01") == FIRST_DAY and parse_date("2100-12-31") == LAST_DAY
    assert parse_sheet_date("31/12/2100") == LAST_DAY
    assert parse_datetime("2100-12-31 23:59") == datetime(2100, 12, 31, 23, 59)
    for parse, text in [
        (parse_date, "1999-12-31"),
        (parse_date, "2101-01-01"),
        (parse_sheet_date, "01/01/0001"),
        (parse_datetime, "9999-12-31 23:59"),
        (parse_datetime, "0001-01-01 00:00 +01:00"),
    ]:
        with pytest.raises(InvalidInput, match="is outside the years 2000–2100"):
            parse(text)


# --- clock changes --------------------------------------------------------------------


def test_a_time_in_cairos_spring_forward_gap_is_refused():
    """Egypt moves its clocks from 00:00 to 01:00 on the last Friday of April (2027-04-30)."""
    cairo = ZoneInfo("Africa/Cairo")
    with pytest.raises(InvalidInput) as raised:
        wall_clock_to_utc(datetime(2027, 4, 30, 0, 30), cairo, "--to")
    assert str(raised.value) == (
        "--to 2027-04-30 00:30 does not exist in Africa/Cairo: the clocks go forward then; "
        "choose a time outside the skipped hour"
    )
    assert wall_clock_to_utc(datetime(2027, 4, 30, 1, 0), cairo) == datetime(
        2027, 4, 29, 22, 0, tzinfo=UTC
    )


def test_a_time_in_a_repeated_hour_needs_its_offset():
    """Cairo goes back from 24:00 to 23:00 on 2027-10-28: 23:30 happens twice."""
    cairo = ZoneInfo("Africa/Cairo")
    with pytest.raises(InvalidInput, match='say which with its offset, "2027-10-28 23:30 '
                       r'\+03:00" or "2027-10-28 23:30 \+02:00"'):  # fmt: skip
        wall_clock_to_utc(parse_datetime("2027-10-28 23:30"), cairo)
    first = wall_clock_to_utc(parse_datetime("2027-10-28 23:30 +03:00"), cairo)
    second = wall_clock_to_utc(parse_datetime("2027-10-28 23:30 +02:00"), cairo)
    assert (first.hour, first.minute, second.hour, second.minute) == (20, 30, 21, 30)


@pytest.fixture
def jerusalem(cli, from_template, tmp_path):
    """Israel moves its clocks on a Friday (2028-03-24, 02:00 to 03:00), a working day in
    England; a manual whose working hours run all day lets a session cross the gap."""
    sessions = from_template(
        "h16-jerusalem", lambda: _small_programme(cli, "Asia/Jerusalem", "2028-04-03")
    )
    night = tmp_path / "night-manual"
    shutil.copytree(manual_dir(), night)
    curriculum = night / "curriculum.toml"
    curriculum.write_text(
        curriculum.read_text()
        .replace('day_start = "09:00"', 'day_start = "00:00"')
        .replace('day_end = "17:00"', 'day_end = "23:59"')
    )
    return sessions, night


def test_a_session_moved_across_the_gap_keeps_its_length(jerusalem, cli):
    sessions, night = jerusalem
    workshop = sessions[0]  # seven hours, 09:30–16:30
    assert workshop["module"] == "recovery-workshop"
    moved = cli("session", "move", str(workshop["id"]), "--to", "2028-03-24 00:30",
                "--manual", str(night))  # fmt: skip
    assert moved.exit_code == 0, moved
    shown = cli("session", "show", str(workshop["id"]), "--json").json()
    # Seven hours after 00:30 (+02:00) is 08:30 (+03:00): the skipped hour is not lost
    # from the session, as it was when the end was worked out on the wall clock (07:30).
    assert shown["start"] == "2028-03-24T00:30:00+02:00"
    assert shown["end"] == "2028-03-24T08:30:00+03:00"


def test_a_session_moved_into_the_gap_is_refused_and_stays(jerusalem, cli, env_setup):
    sessions, night = jerusalem
    workshop = sessions[0]
    result = cli("session", "move", str(workshop["id"]), "--to", "2028-03-24 02:30",
                 "--manual", str(night))  # fmt: skip
    _refused(
        result,
        "--to 2028-03-24 02:30 does not exist in Asia/Jerusalem: the clocks go forward then; "
        "choose a time outside the skipped hour",
    )
    shown = cli("session", "show", str(workshop["id"]), "--json").json()
    assert (shown["start"], shown["sequence"]) == (workshop["start"], workshop["sequence"])


@pytest.mark.parametrize(
    ("now", "said"),
    [
        ("garbage", "$REFOCUS_NOW 'garbage' is not an ISO date and time: set it like "
         "2027-01-04T09:00:00Z, or unset it to use the clock"),
        ("9999-12-31T23:59:59+00:00", f"$REFOCUS_NOW 9999-12-31 {OUT_OF_RANGE}{GIVE}"),
    ],
)  # fmt: skip
def test_a_bad_refocus_now_is_refused_not_a_traceback(london, cli, now, said):
    _refused(cli("team", "list", env={"REFOCUS_NOW": now}), said)
