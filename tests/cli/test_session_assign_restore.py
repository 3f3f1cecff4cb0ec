"""`session assign` (other trainers or another venue) and `session restore` (a cancellation
undone): checked as a move is, audited old → new, SEQUENCE raised, told in plain words;
refused in one line with nothing written."""

from __future__ import annotations

import sqlite3

import pytest
from database_rows import every_row, last_audit
from three_teams import ok, plan_three_teams

# In the plan: 1 East's workshop (Ruth Evans and Dai Morgan, 2027-01-11); 5 North's
# values-and-preferences (Ruth Evans, 2027-01-19 09:30, North Room); 8 North's strengths
# (2027-01-26); 19 and 20 East's and North's team reflections, both 2027-03-09 14:00
# (Sam Price and Ruth Evans); 22 East's supervision reflection, run by the team itself.


@pytest.fixture
def planned(cli, from_template):
    """The runner on a stored plan for WAVE1 (North, South and East CMHT) from 2027-01-11."""
    from_template("three-teams-planned", lambda: plan_three_teams(cli))
    return cli


def _session(cli, session_id: int) -> dict:
    return ok(cli, "session", "show", str(session_id), "--json").json()


def _refused(cli, db, *args: str, words: str) -> str:
    before = every_row(db)
    result = cli(*args)
    assert result.exit_code == 1, (args, result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result
    assert words in lines[0], (words, lines[0])
    assert every_row(db) == before, args
    return lines[0]


def test_the_plan_is_as_the_tests_say(planned):
    values = _session(planned, 5)
    assert (values["module"], values["teams"], values["trainers"], values["venue"]) == (
        "values-and-preferences", ["North CMHT"], ["Ruth Evans"], "North Room"
    )  # fmt: skip
    assert values["start"].startswith("2027-01-19T09:30")
    assert _session(planned, 1)["trainers"] == ["Ruth Evans", "Dai Morgan"]
    assert [_session(planned, i)["trainers"] for i in (19, 20)] == [["Sam Price"], ["Ruth Evans"]]
    assert _session(planned, 19)["start"] == _session(planned, 20)["start"]
    assert _session(planned, 22)["trainers"] == []


def test_assign_another_trainer_and_venue(planned, env_setup):
    before = _session(planned, 5)
    done = ok(planned, "session", "assign", "5", "--trainer", "Sam Price")
    assert done.stderr.strip() == (
        "Session 5 (values-and-preferences, Tue 19 Jan 2027, 09:30–13:00): "
        "trainers Ruth Evans → Sam Price."
    )
    after = _session(planned, 5)
    assert after["trainers"] == ["Sam Price"] and after["sequence"] == before["sequence"] + 1
    entry = last_audit(env_setup, "assign")
    assert entry["entity_id"] == 5
    assert (entry["old"], entry["new"]) == (
        {"trainers": [1], "venue": "North Room"},
        {"trainers": [2], "venue": "North Room"},
    )
    ok(planned, "venue", "add", "Hall", "--capacity", "40", "--site", "South")
    moved = ok(planned, "session", "assign", "5", "--venue", "Hall", "--json").json()
    assert moved["venue"] == "Hall" and moved["changes"] == ["venue North Room → Hall"]
    workshop = ok(
        planned, "session", "assign", "1", "--trainer", "Sam Price", "--trainer", "Dai Morgan"
    )  # fmt: skip
    assert "trainers Ruth Evans, Dai Morgan → Sam Price, Dai Morgan" in workshop.stderr


def test_assign_refuses_what_breaks_a_rule(planned, env_setup):
    def refused(*args: str, words: str) -> str:
        return _refused(planned, env_setup, "session", "assign", *args, words=words)

    refused("5", words="say what to assign")
    refused("5", "--trainer", "Ruth Evans", words="nothing to change")
    refused("5", "--trainer", "Dai Morgan", words="Dai Morgan does not deliver working-practices")
    refused("19", "--trainer", "Ruth Evans", words="trainer Ruth Evans is in session 20")
    refused("1", "--trainer", "Ruth Evans", words="co-delivered")
    refused("5", "--trainer", "Sam Price", "--trainer", "sam price", words="named twice")
    refused("22", "--trainer", "Ruth Evans", words="run by the team's own people")
    refused("5", "--trainer", "Nobody Atall", words="no trainer")
    refused("5", "--venue", "Nowhere", words="no venue")
    refused("999", "--trainer", "Sam Price", words="no session with id 999")
    ok(planned, "trainer", "unavailable", "Sam Price", "--from", "2027-01-19", "--to", "2027-01-19")
    refused("5", "--trainer", "Sam Price", words="trainer Sam Price is unavailable then")
    ok(planned, "venue", "add", "Tiny", "--capacity", "2")
    refused("5", "--venue", "Tiny", words="venue Tiny seats 2; 7 are expected")
    ok(planned, "session", "cancel", "8")
    refused("8", "--trainer", "Sam Price", words="restore it first")
    conn = sqlite3.connect(env_setup)
    conn.execute("UPDATE session SET status = 'held' WHERE id = 1")
    conn.commit()
    conn.close()
    refused("1", "--venue", "Tiny", words="it keeps who delivered it")


def test_restore_undoes_a_cancellation(planned, env_setup):
    before = _session(planned, 5)
    ok(planned, "session", "cancel", "5", "--reason", "snow")
    done = ok(planned, "session", "restore", "5")
    assert done.stderr.strip() == (
        "Session 5 (values-and-preferences, Tue 19 Jan 2027, 09:30–13:00): "
        "status cancelled → scheduled."
    )
    after = _session(planned, 5)
    assert after["status"] == "scheduled" and after["sequence"] == before["sequence"] + 2
    assert (after["start"], after["trainers"], after["venue"]) == (
        before["start"], before["trainers"], before["venue"]
    )  # fmt: skip
    entry = last_audit(env_setup, "restore")
    assert (entry["old"], entry["new"]) == ({"status": "cancelled"}, {"status": "scheduled"})
    assert ok(planned, "replan", "--cohort", "WAVE1").stderr.startswith("Nothing to repair")


def test_restore_takes_back_the_leave_cancelling_as_unavailable_recorded(planned):
    ok(planned, "session", "cancel", "5", "--trainer-unavailable")
    done = ok(planned, "session", "restore", "5", "--json").json()
    assert done["changes"] == [
        "status cancelled → scheduled",
        "Ruth Evans no longer unavailable on 2027-01-19",
    ]
    ruth = next(t for t in ok(planned, "trainer", "list", "--json").json() if t["id"] == 1)
    assert "2027-01-19" not in str(ruth)


def test_restore_refuses_when_its_place_is_taken_or_gone(planned, env_setup, monkeypatch):
    def refused(session: str, words: str) -> str:
        return _refused(planned, env_setup, "session", "restore", session, words=words)

    refused("5", words="session 5 is scheduled, not cancelled: nothing to restore")
    ok(planned, "session", "cancel", "5", "--reason", "snow")
    replaced = ok(planned, "replan", "--cohort", "WAVE1", "--json").json()["changes"][0]["id"]
    refused("5", words=f"session {replaced} (")
    refused("5", words=f"now stands in for session 5: cancel {replaced} first")
    # Its slot taken: with the replacement cancelled, strengths moved into its morning.
    ok(planned, "session", "cancel", str(replaced))
    ok(planned, "session", "move", "8", "--to", "2027-01-19 09:30")
    line = refused("5", words="cannot restore session 5")
    assert "trainer Ruth Evans is in session 8" in line and "team North CMHT" in line
    # A team ended since.
    ok(planned, "session", "cancel", "20")
    ok(planned, "team", "disband", "North CMHT", "--on", "2027-03-01")
    refused("20", words="team North CMHT was disbanded on 2027-03-01")
    # The past.
    ok(planned, "session", "cancel", "4")
    monkeypatch.setenv("REFOCUS_NOW", "2027-02-01T09:00:00+00:00")
    refused("4", words="which has passed")
