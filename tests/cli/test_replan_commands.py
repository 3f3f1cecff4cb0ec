"""`refocus replan`: cancellations and new unavailability repaired, held sessions untouched."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest


def _plan(cli) -> None:
    assert cli("init", "Replan Trust", "--start", "2027-01-11").exit_code == 0
    for team in ("North CMHT", "South CMHT"):
        cli("team", "add", team, "--site", team.split()[0])
        cli("staff", "add", f"Manager {team}", "--team", team, "--manager")
        for n in range(6):
            cli("staff", "add", f"Nurse {n} {team}", "--team", team)
    cli("trainer", "add", "Ruth Evans")
    cli("trainer", "add", "Sam Price")
    cli("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    cli("venue", "add", "North Room", "--capacity", "20", "--site", "North")
    cli("cohort", "create", "WAVE1", "--team", "North CMHT", "--team", "South CMHT")
    assert cli("schedule", "--cohort", "WAVE1").exit_code == 0


@pytest.fixture
def planned(cli, from_template):
    """Two teams in WAVE1, two trainers and a lived-experience trainer, a stored plan."""
    from_template("replan-planned", lambda: _plan(cli))
    return cli


def _sessions(cli):
    return {s["id"]: s for s in cli("sessions", "--json").json()}


def _start(session) -> datetime:
    return datetime.fromisoformat(session["start"])


def test_nothing_to_repair(planned):
    before = _sessions(planned)
    result = planned("replan", "--cohort", "WAVE1")
    assert result.exit_code == 0 and "Nothing to repair" in result.stderr
    assert _sessions(planned) == before


def test_a_cancelled_session_is_replaced_later_and_only_its_team_moves(planned):
    before = _sessions(planned)
    workshop = next(s for s in before.values() if s["module"] == "recovery-workshop")
    team = workshop["teams"][0]
    assert planned("session", "cancel", str(workshop["id"]), "--reason", "snow").exit_code == 0
    dry = planned("replan", "--cohort", "WAVE1", "--dry-run", "--json")
    assert dry.exit_code == 0
    assert _sessions(planned) == {**before, workshop["id"]: _sessions(planned)[workshop["id"]]}
    result = planned("replan", "--cohort", "WAVE1", "--json")
    assert result.json()["changes"] == dry.json()["changes"]
    after = _sessions(planned)
    added = [s for i, s in after.items() if i not in before]
    assert len(added) == 1 and added[0]["module"] == "recovery-workshop"
    assert added[0]["teams"] == [team]
    assert _start(added[0]).date() > _start(workshop).date()
    assert after[workshop["id"]]["status"] == "cancelled"
    # The other team moves only where it shares a session (mixed coaching) with this one.
    shared = min(_start(s) for s in before.values() if len(s["teams"]) > 1)
    for session_id, old in before.items():
        new = after[session_id]
        if team not in old["teams"] and _start(old) < shared:
            assert (new["start"], new["sequence"]) == (old["start"], old["sequence"])
        elif new["start"] != old["start"] and session_id != workshop["id"]:
            assert new["sequence"] == old["sequence"] + 1
    # The repaired team still does its stages in order: nothing before the new workshop.
    mine = [s for s in after.values() if team in s["teams"] and s["status"] != "cancelled"]
    assert min(mine, key=_start)["module"] == "recovery-workshop"
    assert planned("replan", "--cohort", "WAVE1").stderr.startswith("Nothing to repair")


def test_new_unavailability_moves_the_trainers_sessions_and_held_ones_stay(planned, env_setup):
    before = _sessions(planned)
    first = min(before.values(), key=_start)
    held = sorted(before.values(), key=_start)[1]
    conn = sqlite3.connect(env_setup)
    conn.execute("UPDATE session SET status = 'held' WHERE id = ?", [held["id"]])
    conn.commit()
    conn.close()
    lead = first["trainers"][0]
    day = _start(first).date().isoformat()
    planned("trainer", "unavailable", lead, "--from", day, "--to", day)
    result = planned("replan", "--cohort", "WAVE1", "--json")
    assert result.exit_code == 0, result
    moved_ids = {change["id"] for change in result.json()["changes"]}
    assert first["id"] in moved_ids and held["id"] not in moved_ids
    after = _sessions(planned)
    assert after[held["id"]]["start"] == held["start"] and after[held["id"]]["status"] == "held"
    # Moving as little as possible: another trainer on the same day will do.
    assert lead not in after[first["id"]]["trainers"]
    assert after[first["id"]]["sequence"] == first["sequence"] + 1
    on_leave = [
        s
        for s in after.values()
        if lead in s["trainers"]
        and _start(s).date() == date.fromisoformat(day)
        and s["status"] != "cancelled"
    ]
    assert on_leave == []


def test_replan_bad_input(planned):
    assert planned("replan", "--cohort", "NOPE").exit_code == 1
    planned("team", "add", "East CMHT")
    planned("cohort", "create", "WAVE2", "--team", "East CMHT")
    unplanned = planned("replan", "--cohort", "WAVE2")
    assert unplanned.exit_code == 1 and "no plan yet" in unplanned.stderr
