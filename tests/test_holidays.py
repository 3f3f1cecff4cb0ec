"""Public holidays of any country or subdivision the `holidays` package knows (issue 18).

Each programme starts its cohort on a public holiday of its own region, which must be
skipped, and a session cannot be moved onto it; the same day is a working day in
England, so the skip comes from the region and not from the calendar.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

STAGES = "workshop,working-practices,coaching,practice-change"


def _one_team_plan(cli, region: str, tz: str, start: date) -> list[dict]:
    for args in (
        ("init", "Programme", "--tz", tz, "--region", region, "--start", start.isoformat()),
        ("team", "add", "Harbour Team"),
        ("staff", "add", "Aoife Byrne", "--team", "Harbour Team", "--start", "2026-01-01"),
        ("trainer", "add", "Tess Trainer", "--stages", STAGES),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", STAGES),
        ("cohort", "create", "W1", "--team", "Harbour Team"),
        ("schedule", "W1", "--start", start.isoformat()),
    ):
        done = cli(*args)
        assert done.exit_code == 0, (args, done.stderr)
    return json.loads(cli("sessions", "--json").stdout)


@pytest.mark.parametrize(
    ("region", "tz", "holiday"),
    [
        ("ie", "Europe/Dublin", date(2027, 3, 17)),  # St Patrick's Day, a Wednesday
        ("au-nsw", "Australia/Sydney", date(2027, 1, 26)),  # Australia Day, a Tuesday
        ("us-ny", "America/New_York", date(2027, 11, 25)),  # Thanksgiving, 4th Thursday
    ],
)
def test_a_programme_skips_its_own_regions_holiday(cli, region, tz, holiday):
    sessions = _one_team_plan(cli, region, tz, holiday)
    days = [date.fromisoformat(s["start"][:10]) for s in sessions]
    assert days[0] == holiday + timedelta(days=1)  # the next working day
    assert holiday not in days
    moved = cli("session", "move", str(sessions[1]["id"]), "--to", f"{holiday} 10:00")
    assert moved.exit_code == 1 and "bank holiday" in moved.stderr, moved.stderr
    assert json.loads(cli("programme", "show", "--json").stdout)["region"] == region


def test_the_same_day_is_a_working_day_in_england(cli):
    sessions = _one_team_plan(cli, "england", "Europe/London", date(2027, 3, 17))
    assert sessions[0]["start"].startswith("2027-03-17")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("gb-eng", "england"),  # the first release's four names stay the keys
        ("Northern Ireland", "northern-ireland"),
        ("IE", "ie"),
        ("Ireland", "ie"),
        ("AU_NSW", "au-nsw"),
        ("united states", "us"),
    ],
)
def test_regions_are_typed_as_codes_names_or_the_old_names(cli, typed, stored):
    assert cli("init", "Programme", "--region", typed).exit_code == 0
    assert json.loads(cli("programme", "show", "--json").stdout)["region"] == stored


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("irland", "ie (Ireland)"), ("au-nsx", "au-nsw"), ("englnd", "england")],
)
def test_an_unknown_region_lists_close_matches_and_makes_no_database(
    cli, env_setup, typed, suggested
):
    done = cli("init", "Programme", "--region", typed)
    assert done.exit_code == 1 and done.stderr.startswith("Error: unknown region")
    assert suggested in done.stderr and "Traceback" not in done.stderr
    assert not env_setup.exists()
