"""Nothing is planned for a team on or after the day it ends, nor for someone after they leave.

Issue 13: after a disband or a merge, `replan` put back the ended team's sessions that
the ending had cancelled (16 for the demo's disbanded team, 11 after a merge dated
later), so every replan after an ending corrupted the plan.
"""

from __future__ import annotations

from datetime import date

import pytest
from three_teams import TEAMS, day_of, ok, plan_three_teams, standing


@pytest.fixture
def planned(cli, from_template):
    """The runner on a stored plan for WAVE1 (North, South and East CMHT) from 2027-01-11."""
    from_template("three-teams-planned", lambda: plan_three_teams(cli))
    return cli


def test_replan_adds_nothing_for_a_team_disbanded_later(planned):
    ok(planned, "team", "disband", "North CMHT", "--on", "2027-03-01")
    before = standing(planned, "North CMHT")
    assert before and max(day_of(s) for s in before) < date(2027, 3, 1)
    repair = ok(planned, "replan", "--cohort", "WAVE1", "--json").json()
    assert [c for c in repair["changes"] if "North CMHT" in c["teams"]] == []
    assert standing(planned, "North CMHT") == before
    assert ok(planned, "replan", "--cohort", "WAVE1").stderr.startswith("Nothing to repair")


def test_replan_adds_nothing_for_a_merged_team_after_the_merge(planned):
    ok(planned, "team", "merge", "South CMHT", "--into", "North CMHT", "--on", "2027-04-01")
    before = standing(planned, "South CMHT")
    assert before and all(day_of(s) < date(2027, 4, 1) for s in before)
    dry = ok(planned, "replan", "--cohort", "WAVE1", "--dry-run", "--json").json()
    assert [c for c in dry["changes"] if "South CMHT" in c["teams"]] == []
    ok(planned, "replan", "--cohort", "WAVE1")
    assert all(day_of(s) < date(2027, 4, 1) for s in standing(planned, "South CMHT"))
    # Its people carry on with the team they join, whose plan is untouched.
    assert standing(planned, "North CMHT")


def test_a_disbanded_teams_cancellation_before_the_end_is_still_replaced_before_it(planned):
    ok(planned, "team", "disband", "East CMHT", "--on", "2027-09-01")
    workshop = next(s for s in standing(planned, "East CMHT") if s["module"] == "recovery-workshop")
    ok(planned, "session", "cancel", str(workshop["id"]), "--reason", "snow")
    changes = ok(planned, "replan", "--cohort", "WAVE1", "--json").json()["changes"]
    added = [c for c in changes if c["module"] == "recovery-workshop"]
    assert len(added) == 1 and added[0]["teams"] == ["East CMHT"]
    assert all(day_of(s) < date(2027, 9, 1) for s in standing(planned, "East CMHT"))


def test_schedule_leaves_out_a_team_whose_ending_is_dated_later(cli):
    ok(cli, "init", "Endings Trust", "--start", "2027-01-11")
    for team in TEAMS:
        ok(cli, "team", "add", team)
        ok(cli, "staff", "add", f"Manager {team}", "--team", team, "--manager")
    ok(cli, "trainer", "add", "Ruth Evans")
    ok(cli, "trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    ok(cli, "cohort", "create", "WAVE1", *(arg for team in TEAMS for arg in ("--team", team)))
    ok(cli, "team", "disband", "East CMHT", "--on", "2027-06-01")
    ok(cli, "schedule", "--cohort", "WAVE1")
    assert standing(cli, "East CMHT") == []
    assert standing(cli, "North CMHT") and standing(cli, "South CMHT")


def test_the_demo_replans_nothing_for_its_disbanded_team(cli, tmp_path):
    ok(cli, "demo", "--out", str(tmp_path / "demo-files"))
    ended = [t for t in ok(cli, "team", "list", "--json").json() if t["status"] == "disbanded"]
    assert len(ended) == 1
    changes = ok(cli, "replan", "--cohort", "WAVE1", "--dry-run", "--json").json()["changes"]
    assert [c for c in changes if ended[0]["name"] in c["teams"]] == []
