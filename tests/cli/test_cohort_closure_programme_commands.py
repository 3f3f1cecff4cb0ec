"""Putting mistakes right in the plan's frame: a team added to a cohort or taken out of it,
closures opened again, and the programme's settings."""

from __future__ import annotations

import pytest
from database_rows import every_row, last_audit, query, sequences

STAGES = "workshop,working-practices,coaching,practice-change"


@pytest.fixture
def planned(programme):
    """North and South CMHT (one person each) in cohort W1, planned; West CMHT in none."""
    for args in (
        ("staff", "add", "Ann North", "--team", "North CMHT", "--start", "2026-01-01"),
        ("staff", "add", "Dee South", "--team", "South CMHT", "--start", "2026-01-01"),
        ("team", "add", "West CMHT"),
        ("team", "add", "East CMHT"),
        ("trainer", "add", "Tess Trainer", "--stages", STAGES),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", STAGES),
        ("cohort", "create", "W1", "--team", "North CMHT", "--team", "South CMHT"),
        ("cohort", "create", "W2", "--team", "East CMHT"),
        ("schedule", "--cohort", "W1"),
    ):
        done = programme(*args)
        assert done.exit_code == 0, (args, done)
    return programme


def _refused(cli, db, *args, words, code=1):
    before = every_row(db)
    result = cli(*args)
    assert result.exit_code == code, (args, result)
    assert words in result.stderr, (args, result.stderr)
    assert every_row(db) == before, args


def test_cohort_add_team_adds_and_says_to_replan(planned, env_setup):
    added = planned("cohort", "add-team", "W1", "West CMHT")
    assert added.exit_code == 0, added
    assert "run `refocus replan --cohort W1` to plan them" in added.stderr
    shown = planned("cohort", "show", "W1", "--json").json()
    assert [t["name"] for t in shown["team_list"]] == ["North CMHT", "South CMHT", "West CMHT"]
    assert last_audit(env_setup, "add-teams")["new"] == {"teams": ["West CMHT"]}
    _refused(
        planned, env_setup, "cohort", "add-team", "W1", "East CMHT", words="already in cohort W2"
    )
    _refused(
        planned, env_setup, "cohort", "add-team", "W1", "West CMHT", words="already in cohort W1"
    )
    _refused(planned, env_setup, "cohort", "add-team", "W9", "West CMHT", words="no cohort")
    _refused(planned, env_setup, "cohort", "add-team", "W1", "Nowhere", words="no team")
    planned("team", "disband", "East CMHT", "--on", "2027-01-04")
    planned("team", "add", "Gone CMHT")
    planned("team", "disband", "Gone CMHT")
    _refused(
        planned, env_setup, "cohort", "add-team", "W1", "Gone CMHT", words="choose an active team"
    )


def test_cohort_remove_team_releases_its_sessions_as_a_disband_does(planned, env_setup):
    before = sequences(env_setup)
    north = {
        i
        for (i,) in query(
            env_setup,
            "SELECT session_id FROM session_team WHERE team_id = 1 AND session_id IN "
            "(SELECT id FROM session WHERE start_utc >= '2027-02-01')",
        )
    }
    shared = {
        i
        for (i,) in query(
            env_setup, "SELECT session_id FROM session_team GROUP BY session_id HAVING count(*) > 1"
        )
    } & north
    assert north and shared
    taken = planned("cohort", "remove-team", "W1", "North CMHT", "--on", "2027-02-01", "--json")
    assert taken.exit_code == 0, taken
    result = taken.json()
    assert result["sessions_cancelled"] == len(north - shared)
    assert result["sessions_left"] == len(shared)
    statuses = dict(query(env_setup, "SELECT id, status FROM session"))
    assert all(statuses[i] == "cancelled" for i in north - shared)
    assert all(statuses[i] == "scheduled" for i in shared)
    assert query(env_setup, "SELECT count(*) FROM session_team WHERE team_id = 1 AND session_id IN "
                 f"({','.join(map(str, shared))})") == [(0,)]  # fmt: skip
    after = sequences(env_setup)
    assert all(after[i] == before[i] + 1 for i in north)
    assert all(after[i] == before[i] for i in set(before) - north)
    earlier = _earlier_north(env_setup)
    assert earlier and all(statuses[i] == "scheduled" for i in earlier)  # before the date: kept
    shown = planned("cohort", "show", "W1", "--json").json()  # today: still in, leaving
    assert {t["name"]: t["scheduled"] for t in shown["team_list"]} == {
        "North CMHT": "leaves the cohort on 2027-02-01",
        "South CMHT": None,
    }
    shown = planned("cohort", "show", "W1", "--on", "2027-02-01", "--json").json()
    assert [t["name"] for t in shown["team_list"]] == ["South CMHT"]
    replanned = planned("replan", "--cohort", "W1", "--json")  # nothing comes back for the leaver
    assert replanned.exit_code == 0, replanned
    assert query(env_setup, "SELECT count(*) FROM session_team st JOIN session s ON "
                 "s.id = st.session_id WHERE st.team_id = 1 AND s.status = 'scheduled' "
                 "AND s.start_utc >= '2027-02-01'") == [(0,)]  # fmt: skip
    assert last_audit(env_setup, "remove-team")["old"] == {"team": "North CMHT"}
    notes = {
        note for (note,) in query(env_setup, "SELECT note FROM session WHERE status = 'cancelled'")
    }
    assert notes == {"team left the cohort"}
    _refused(
        planned, env_setup, "cohort", "remove-team", "W1", "North CMHT", "--on", "2027-02-01",
        words="is not in cohort W1",
    )  # fmt: skip
    _refused(
        planned, env_setup, "cohort", "remove-team", "W1", "South CMHT", "--on", "someday",
        words="not a valid date",
    )  # fmt: skip


def _earlier_north(db):
    return {
        i
        for (i,) in query(
            db,
            "SELECT session_id FROM session_team WHERE team_id = 1 AND session_id IN "
            "(SELECT id FROM session WHERE start_utc < '2027-02-01')",
        )
    }


def test_closures_are_added_either_way_and_removed(planned, env_setup):
    assert planned("closure", "add", "--from", "2027-08-02", "--to", "2027-08-04").exit_code == 0
    assert (
        planned(
            "closure", "add", "2027-12-24", "--to", "2027-12-27", "--reason", "Christmas"
        ).exit_code
        == 0
    )
    assert planned("closure", "add", "2028-01-03").exit_code == 0
    days = [c["date"] for c in planned("closure", "list", "--json").json()]
    assert days[:3] == ["2027-08-02", "2027-08-03", "2027-08-04"] and len(days) == 8
    removed = planned("closure", "remove", "2027-08-03", "--to", "2027-08-10", "--json")
    assert removed.exit_code == 0 and removed.json() == {"opened": ["2027-08-03", "2027-08-04"]}
    assert planned("closure", "remove", "--from", "2027-12-25", "--to", "2027-12-25").exit_code == 0
    days = [c["date"] for c in planned("closure", "list", "--json").json()]
    assert days == ["2027-08-02", "2027-12-24", "2027-12-26", "2027-12-27", "2028-01-03"]
    entry = last_audit(env_setup, "open")
    assert entry["old"] == {"closed": ["2027-12-25: Christmas"]}
    _refused(
        planned, env_setup, "closure", "remove", "2027-09-01", words="no day 2027-09-01 is closed"
    )
    _refused(
        planned, env_setup, "closure", "remove", "2027-08-02", "--from", "2027-08-02",
        words="give the first day once",
    )  # fmt: skip
    _refused(planned, env_setup, "closure", "remove", words="give the day")
    _refused(planned, env_setup, "closure", "add", "--to", "2027-09-01", words="give the day")
    _refused(
        planned, env_setup, "closure", "remove", "2027-08-05", "--to", "2027-08-01",
        words="before 2027-08-05",
    )  # fmt: skip


def test_programme_settings(planned, env_setup):
    shown = planned("programme", "show", "--json").json()
    assert (shown["follow_up_date"], shown["notice_days"]) == (None, 10)
    changed = planned("programme", "set", "--follow-up", "2028-01-31", "--notice-days", "5")
    assert changed.exit_code == 0, changed
    assert "follow up none → 2028-01-31; notice days 10 → 5" in changed.stderr
    shown = planned("programme", "show", "--json").json()
    assert (shown["follow_up_date"], shown["notice_days"]) == ("2028-01-31", 5)
    assert "2028-01-31" in planned("programme", "show").stdout
    entry = last_audit(env_setup, "edit")
    assert (entry["entity"], entry["old"], entry["new"]) == (
        "programme",
        {"follow_up": None, "notice_days": 10},
        {"follow_up": "2028-01-31", "notice_days": 5},
    )
    _refused(planned, env_setup, "programme", "set", words="nothing to change")
    _refused(planned, env_setup, "programme", "set", "--follow-up", "2026-12-01", words="not after")
    _refused(
        planned, env_setup, "programme", "set", "--follow-up", "next year", words="not a valid date"
    )
    _refused(
        planned,
        env_setup,
        "programme",
        "set",
        "--notice-days",
        "-1",
        words="greater than or equal to 0",
        code=2,
    )
    assert planned("init", "Again").exit_code == 1  # `refocus init` is where it was


def test_a_new_holiday_region_changes_the_working_days_of_plans_made_after(cli, env_setup):
    """St Patrick's Day is a working day in England and a public holiday in Ireland."""
    for args in (
        ("init", "Region Trust", "--start", "2027-03-17"),
        ("team", "add", "North CMHT"),
        ("staff", "add", "Ann North", "--team", "North CMHT", "--start", "2026-01-01"),
        ("trainer", "add", "Tess Trainer", "--stages", STAGES),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", STAGES),
        ("cohort", "create", "Wave 1", "--team", "North CMHT"),
        ("schedule", "--cohort", "Wave 1"),
    ):
        assert cli(*args).exit_code == 0, args
    before = cli("sessions", "--json").json()
    first = before[0]
    assert first["start"].startswith("2027-03-17")

    changed = cli("programme", "set", "--region", "Ireland")
    assert changed.exit_code == 0, changed.stderr
    said = " ".join(changed.stderr.split())
    assert "Changed programme Region Trust (id 1): region england → ie." in said
    assert "Plans made from now on" in said and "sessions already planned were not moved" in said
    assert f"1 session still to come falls on its holidays: session {first['id']} (Wed 17 Mar" in (
        said
    )
    assert "run `refocus replan --cohort 'Wave 1'` to move it." in said
    assert cli("sessions", "--json").json() == before  # nothing moved by itself
    assert cli("programme", "show", "--json").json()["region"] == "ie"
    entry = last_audit(env_setup, "edit")
    assert (entry["entity"], entry["old"], entry["new"]) == (
        "programme",
        {"region": "england"},
        {"region": "ie"},
    )
    again = cli("programme", "set", "--region", "IE")
    assert "Nothing changed" in again.stderr

    assert cli("replan", "--cohort", "Wave 1").exit_code == 0
    after = {s["id"]: s["start"][:10] for s in cli("sessions", "--json").json()}
    assert after[first["id"]] > "2027-03-17" and "2027-03-17" not in after.values()
    shown = cli("programme", "set", "--region", "au-nsw", "--json").json()
    assert (shown["region"], shown["changes"][0]["new"]) == ("au-nsw", "au-nsw")
    assert isinstance(shown["sessions_on_holidays"], list)

    _refused(cli, env_setup, "programme", "set", "--region", "irland", words="did you mean ie")
    _refused(cli, env_setup, "programme", "set", "--region", "au-nws", words="au-nsw")
    _refused(cli, env_setup, "programme", "set", "--region", "", words="unknown region ''")
    _refused(
        cli, env_setup, "programme", "set", "--region", "ie", "--notice-days", "-1", code=2,
        words="greater than or equal to 0",
    )  # fmt: skip


def _cohorts(cli, *args):
    """Each team's cohort, as a report's --json gives it."""
    return {t["name"]: t["cohort"] for t in cli(*args, "--json").json()["teams"]}


def test_the_reports_name_the_cohort_a_team_is_in_on_their_date(planned):
    assert planned("cohort", "remove-team", "W1", "North CMHT", "--on", "2027-02-01").exit_code == 0
    # Leaving W1, in no other cohort: W1, before the day it leaves and after.
    for on in ("2027-01-20", "2027-03-01"):
        assert _cohorts(planned, "progress", "--on", on)["North CMHT"] == "W1"
    assert planned("cohort", "create", "W3", "--team", "North CMHT").exit_code == 0
    # In W3 too: W3, where it stays, as `team list` shows it after the day it left W1.
    for report in (("progress",), ("report", "participation", "--include-unfinished")):
        for on in ("2027-01-20", "2027-03-01"):
            cohorts = _cohorts(planned, *report, "--on", on)
            assert cohorts == {"North CMHT": "W3", "South CMHT": "W1", "West CMHT": None,
                               "East CMHT": "W2"}, (report, on)  # fmt: skip
    listed = {t["name"]: t["cohort"] for t in planned("team", "list", "--json").json()}
    assert listed["North CMHT"] == "W1, W3"  # today, before it leaves W1
