"""`replan` changes as little as it can: a trainer or venue swapped on the same date before a
move within the week, before a move later; never a trainer who is away, was taken off a
cancelled session that day, or teaches elsewhere then; every change listed from → to.

Issue 13: `session cancel 14 --reason "trainer ill"` then `replan` put the replacement
with the same trainer and moved 18 sessions; five days of one trainer's leave moved 33
of 49 sessions out to the following February; the table showed neither the trainer
changes nor the new session's id.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from database_rows import every_row, last_audit, sequences
from three_teams import day_of, ok, plan_three_teams, standing

from refocus_cli.core.display import show_day


@pytest.fixture
def planned(cli, from_template):
    """The runner on a stored plan for WAVE1 (North, South and East CMHT) from 2027-01-11."""
    from_template("three-teams-planned", lambda: plan_three_teams(cli))
    return cli


def _sessions(cli) -> dict[int, dict]:
    return {s["id"]: s for s in ok(cli, "sessions", "--json").json()}


def _refused(cli, db, *args: str, words: str) -> None:
    before = every_row(db)
    result = cli(*args)
    assert result.exit_code == 1, (args, result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and words in lines[0], result
    assert every_row(db) == before, args


def _single_trainer_session(sessions: dict[int, dict], after: date) -> dict:
    return next(
        s
        for s in sorted(sessions.values(), key=lambda s: s["start"])
        if len(s["trainers"]) == 1 and day_of(s) > after and s["module"] == "values-and-preferences"
    )


def test_a_trainer_cancelled_as_unavailable_is_replaced_by_another_on_the_same_day(
    planned, env_setup
):
    before = _sessions(planned)
    target = _single_trainer_session(before, date(2027, 1, 18))
    ill = target["trainers"][0]
    done = ok(
        planned, "session", "cancel", str(target["id"]), "--reason", "trainer ill",
        "--trainer-unavailable",
    )  # fmt: skip
    assert f"Recorded {ill} as unavailable on {show_day(day_of(target))}" in done.stderr
    leave = last_audit(env_setup, "unavailable")
    assert leave["new"]["reason"] == f"unavailable for session {target['id']}"
    assert leave["new"]["from"] == leave["new"]["to"] == day_of(target).isoformat()
    result = ok(planned, "replan", "--cohort", "WAVE1", "--json").json()
    (change,) = result["changes"]
    assert change["new"] and change["replaces"] == target["id"] and change["id"] not in before
    assert change["from"] == change["to"] == target["start"][:16].replace("T", " ")
    assert change["changed"] == ["new", "trainer"]
    assert change["trainers_from"] == [ill] and ill not in change["trainers"]
    after = _sessions(planned)
    assert after[change["id"]]["start"] == target["start"]
    # Nothing else changed: not one other calendar entry gets an update.
    assert {i: s for i, s in after.items() if i not in (target["id"], change["id"])} == {
        i: s for i, s in before.items() if i != target["id"]
    }


def test_who_was_unavailable_must_be_said_when_a_session_has_two_trainers(planned, env_setup):
    sessions = _sessions(planned)
    workshop = next(s for s in sessions.values() if s["module"] == "recovery-workshop")
    assert len(workshop["trainers"]) == 2
    session = str(workshop["id"])
    _refused(
        planned, env_setup, "session", "cancel", session, "--trainer-unavailable",
        words="say who is unavailable with --trainer NAME",
    )  # fmt: skip
    _refused(
        planned, env_setup, "session", "cancel", session, "--trainer", workshop["trainers"][0],
        words="add --trainer-unavailable",
    )  # fmt: skip
    stranger = next(
        t for s in sessions.values() for t in s["trainers"] if t not in workshop["trainers"]
    )
    _refused(
        planned, env_setup, "session", "cancel", session, "--trainer-unavailable",
        "--trainer", stranger, words=f"{stranger} does not deliver session {session}",
    )  # fmt: skip
    _refused(
        planned, env_setup, "session", "cancel", session, "--trainer-unavailable",
        "--trainer", "Nobody Atall", words="no trainer",
    )  # fmt: skip
    lead = workshop["trainers"][0]
    done = ok(
        planned, "session", "cancel", session, "--trainer-unavailable", "--trainer", lead,
        "--json",
    )  # fmt: skip
    assert done.json()["trainers_unavailable"] == [lead]
    assert done.json()["status"] == "cancelled"


def test_a_weeks_leave_swaps_trainers_on_the_same_dates_and_moves_nothing_else(planned, env_setup):
    before = _sessions(planned)
    monday = date(2027, 2, 1)
    friday = monday + timedelta(days=4)
    week = [s for s in before.values() if monday <= day_of(s) <= friday]
    ruth = [s for s in week if "Ruth Evans" in s["trainers"]]
    assert ruth, "Ruth teaches that week"
    ok(planned, "trainer", "unavailable", "Ruth Evans", "--from", str(monday), "--to", str(friday))
    sequence = sequences(env_setup)
    changes = ok(planned, "replan", "--cohort", "WAVE1", "--json").json()["changes"]
    assert sorted(c["id"] for c in changes) == sorted(s["id"] for s in ruth)
    after = _sessions(planned)
    for change in changes:
        assert "Ruth Evans" in change["trainers_from"] and "Ruth Evans" not in change["trainers"]
        assert change["from"] == change["to"] and "date" not in change["changed"]
        assert after[change["id"]]["sequence"] == sequence[change["id"]] + 1
    unchanged = {i for i in before if i not in {c["id"] for c in changes}}
    assert all(after[i] == before[i] for i in unchanged)
    # The table tells each change as from → to, with the session's id.
    table = ok(planned, "replan", "--cohort", "WAVE1", "--dry-run")
    assert "Nothing to repair" in table.stderr


def test_the_repair_table_names_each_change_from_and_to(planned):
    before = _sessions(planned)
    target = _single_trainer_session(before, date(2027, 1, 18))
    ok(planned, "session", "cancel", str(target["id"]), "--reason", "snow")
    table = ok(planned, "replan", "--cohort", "WAVE1", "--dry-run")
    assert f"(new, for {target['id']})" in table.stdout
    assert "→" in table.stdout and "cancelled" in table.stdout
    assert "Would change 0 sessions" in table.stderr and "add 1" in table.stderr
    dry = ok(planned, "replan", "--cohort", "WAVE1", "--dry-run", "--json").json()["changes"]
    (change,) = dry
    assert change["changed"] == ["new", "date"] and change["to"] > change["from"]
    # Put back within its week, after the day it was called off; the next module stays.
    moved_to = date.fromisoformat(change["to"][:10])
    assert (
        day_of(target) < moved_to <= day_of(target) + timedelta(days=6 - day_of(target).weekday())
    )
    stored = ok(planned, "replan", "--cohort", "WAVE1", "--json").json()["changes"]
    assert stored == dry, "a dry run names the ids the new sessions will get"


def test_a_team_added_to_a_cohort_is_planned_and_nothing_else_changes(planned):
    ok(planned, "team", "add", "West CMHT", "--site", "West")
    ok(planned, "staff", "add", "Manager West", "--team", "West CMHT", "--manager")
    ok(planned, "cohort", "add-team", "WAVE1", "West CMHT")
    before = _sessions(planned)
    changes = ok(planned, "replan", "--cohort", "WAVE1", "--json").json()["changes"]
    assert changes and all(c["new"] and c["teams"] == ["West CMHT"] for c in changes)
    assert all(c["why"] == "new in the cohort" and c["replaces"] is None for c in changes)
    after = _sessions(planned)
    assert {i: after[i] for i in before} == before
    west = standing(planned, "West CMHT")
    assert {s["stage"] for s in west} == {
        "workshop", "working-practices", "coaching", "practice-change"
    }  # fmt: skip
    assert min(west, key=lambda s: s["start"])["module"] == "recovery-workshop"
    assert ok(planned, "replan", "--cohort", "WAVE1").stderr.startswith("Nothing to repair")
