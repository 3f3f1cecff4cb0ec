"""Catch-up sessions come after a notice period (or from `--start`), people booked on one
are listed as booked (not as "nobody missed"), and catch-ups belong to the cohorts of the
people invited and are marked as catch-ups in the diary.

Issue 13: `catchup --schedule` booked a 7-hour workshop for tomorrow; afterwards
`catchup` said "Nobody has missed training"; `sessions --cohort` left catch-ups out.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from database_rows import every_row
from three_teams import ok

MARCH = "2027-03-01T09:00:00+00:00"  # a Monday: the cohort's workshops are past


def _joiners(cli) -> None:
    """North and South CMHT in WAVE1 (scheduled from 2027-01-11), two trainers, and a late
    joiner in each team, seen on 2027-03-01."""
    ok(cli, "init", "Catch-up Trust", "--start", "2027-01-11")
    for team in ("North CMHT", "South CMHT"):
        ok(cli, "team", "add", team)
        ok(cli, "staff", "add", f"Manager {team}", "--team", team, "--manager", "--start",
           "2026-01-01")  # fmt: skip
    ok(cli, "trainer", "add", "Ruth Evans")
    ok(cli, "trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    ok(cli, "cohort", "create", "WAVE1", "--team", "North CMHT", "--team", "South CMHT")
    ok(cli, "schedule", "WAVE1")
    for name, team in (("Late North", "North CMHT"), ("Late South", "South CMHT")):
        done = cli("staff", "add", name, "--team", team, "--start", "2027-02-20", env={
            "REFOCUS_NOW": MARCH})  # fmt: skip
        assert done.exit_code == 0, done


@pytest.fixture
def joiners(cli, from_template, monkeypatch):
    """The runner on 2027-03-01, two late joiners waiting for catch-ups."""
    from_template("catch-up-joiners", lambda: _joiners(cli))
    monkeypatch.setenv("REFOCUS_NOW", MARCH)
    return cli


def _catch_ups(cli, *filters: str) -> list[dict]:
    found = ok(cli, "sessions", "--json", *filters).json()
    return [s for s in found if s["kind"] == "catch-up"]


def _day(session: dict) -> date:
    return datetime.fromisoformat(session["start"]).date()


def test_catch_ups_wait_for_the_notice_period(joiners):
    planned = ok(joiners, "catchup", "--schedule")
    # Ten working days (the default notice) after Monday 1 March 2027.
    assert "from Mon 15 Mar 2027" in planned.stderr
    assert min(_day(s) for s in _catch_ups(joiners)) >= date(2027, 3, 15)


def test_the_programmes_notice_period_and_start_decide_the_first_day(joiners):
    ok(joiners, "programme", "set", "--notice-days", "3")
    ok(joiners, "catchup", "--schedule")
    assert min(_day(s) for s in _catch_ups(joiners)) >= date(2027, 3, 4)


def test_start_sets_the_first_day(joiners):
    ok(joiners, "catchup", "--schedule", "--start", "2027-04-12")
    assert min(_day(s) for s in _catch_ups(joiners)) >= date(2027, 4, 12)


def test_bad_starts_are_refused_and_nothing_is_written(joiners, env_setup):
    before = every_row(env_setup)
    for args, words in (
        (("--schedule", "--start", "2027-02-26"), "--start 2027-02-26 is in the past"),
        (("--start", "2027-04-12"), "add --schedule"),
        (("--schedule", "--start", "next week"), "--start"),
        (("--schedule", "--start", "2027-02-30"), "--start"),
    ):
        result = joiners("catchup", *args)
        assert result.exit_code == 1, (args, result)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and words in lines[0], result
        assert every_row(env_setup) == before, args


def test_people_booked_on_a_catch_up_are_listed_as_booked(joiners, monkeypatch):
    ok(joiners, "catchup", "--schedule")
    workshop = next(s for s in _catch_ups(joiners) if s["module"] == "recovery-workshop")
    shown = ok(joiners, "catchup", "--json").json()
    assert shown["missed"] == []
    booked = {(b["name"], b["module"]): b for b in shown["booked"]}
    assert booked[("Late North", "recovery-workshop")]["session"] == workshop["id"]
    assert booked[("Late South", "recovery-workshop")]["start"] == workshop["start"][:16].replace(
        "T", " "
    )
    table = ok(joiners, "catchup")
    assert "Nobody has missed" not in table.stderr
    assert "booked on a catch-up session" in table.stderr
    assert "Booked on catch-up sessions" in table.stdout and str(workshop["id"]) in table.stdout
    # After the workshop: whoever came has caught up; whoever did not is waiting again.
    monkeypatch.setenv("REFOCUS_NOW", workshop["end"])
    ok(joiners, "attend", str(workshop["id"]), "--present", "Late South", "--absent", "Late North")
    after = ok(joiners, "catchup", "--json").json()
    waiting = {(m["name"], m["module"]): m for m in after["missed"]}
    assert waiting[("Late North", "recovery-workshop")]["reason"] == (
        f"recorded as absent at catch-up session {workshop['id']}"
    )
    assert ("Late South", "recovery-workshop") not in waiting
    assert ("Late South", "recovery-workshop") not in {
        (b["name"], b["module"]) for b in after["booked"]
    }


def test_catch_ups_belong_to_the_cohorts_of_the_people_invited(joiners):
    ok(joiners, "catchup", "--schedule")
    catch_ups = _catch_ups(joiners)
    assert catch_ups
    assert [s["id"] for s in _catch_ups(joiners, "--cohort", "WAVE1")] == [
        s["id"] for s in catch_ups
    ]
    table = ok(joiners, "sessions", "--cohort", "WAVE1").stdout
    assert "recovery-workshop (catch-up)" in table
