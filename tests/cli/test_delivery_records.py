"""Delivery records: who delivered a held session and what was covered, and the fidelity
report per stage and team (issue 17's delivery records)."""

from __future__ import annotations

from three_teams import ok, plan_three_teams

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.readers.manual import load_curriculum


def _planned(cli, from_template) -> list[dict]:
    from_template("three-teams-planned", lambda: plan_three_teams(cli))
    return ok(cli, "sessions", "--json").json()


def _first(sessions: list[dict], module: str, team: str) -> dict:
    return next(s for s in sessions if s["module"] == module and team in s["teams"])


def _parts(module: str) -> list[str]:
    curriculum: Curriculum = load_curriculum(None)
    return [a.title for a in curriculum.module(module).content.activities]


def test_a_held_session_records_who_delivered_it_and_what_was_covered(cli, from_template):
    sessions = _planned(cli, from_template)
    workshop = _first(sessions, "recovery-workshop", "North CMHT")
    ok(cli, "attend", str(workshop["id"]), "--all-present", "--future")
    parts = _parts("recovery-workshop")
    done = ok(
        cli, "session", "delivered", str(workshop["id"]),
        "--by", "Ruth Evans", "--covered", "1", "--covered", parts[2].upper(), "--json",
    ).json()  # fmt: skip
    assert done["delivered_by"] == ["Ruth Evans"] and done["covered"] == [parts[0], parts[2]]
    assert done["as_planned"] is (set(workshop["trainers"]) == {"Ruth Evans"})
    said = ok(cli, "session", "delivered", str(workshop["id"]), "--covered-all").stderr
    assert f"all {len(parts)} parts covered" in said and "Ruth Evans" in said
    entries = ok(cli, "audit", "--json").json()
    assert [e["action"] for e in entries].count("deliver") == 2


def test_the_delivery_report_counts_as_planned_co_delivered_and_covered(cli, from_template):
    """North's and South's workshops are held; North's lead came without the lived-experience
    co-trainer and covered only part 1; South's was delivered as planned, every part covered.
    Workshop, all teams: 2 held; as planned 1 of 2 = 50 %; co-delivered 1 of 2 = 50 %
    (the workshop is co-delivered in the curriculum); all parts 1 of 2 = 50 %."""
    sessions = _planned(cli, from_template)
    north = _first(sessions, "recovery-workshop", "North CMHT")
    south = _first(sessions, "recovery-workshop", "South CMHT")
    for session in (north, south):
        ok(cli, "attend", str(session["id"]), "--all-present", "--future")
    lead = north["trainers"][0]
    ok(cli, "session", "delivered", str(north["id"]), "--by", lead, "--covered", "1")
    ok(cli, "session", "delivered", str(south["id"]), "--covered-all")
    rows = ok(cli, "report", "delivery", "--json").json()["rows"]
    overall = next(r for r in rows if r["stage"] == "workshop" and r["team"] == "All teams")
    assert (overall["held"], overall["as_planned"], overall["co_delivered"]) == (2, 50.0, 50.0)
    assert (overall["fully_covered"], overall["coverage_recorded"]) == (50.0, 2)
    by_team = {r["team"]: r for r in rows if r["stage"] == "workshop" and r["team"] != "All teams"}
    assert (
        by_team["North CMHT"]["as_planned"] == 0.0 and by_team["South CMHT"]["as_planned"] == 100.0
    )
    assert by_team["North CMHT"]["missed_parts"] == {p: 1 for p in _parts("recovery-workshop")[1:]}
    shown = cli("report", "delivery", env={"COLUMNS": "80"})
    table = shown.stdout
    assert shown.exit_code == 0
    assert "All teams" in table and "50%" in table and "North CMHT" in table


def test_bad_delivery_input_is_refused_and_writes_nothing(cli, from_template):
    sessions = _planned(cli, from_template)
    workshop = _first(sessions, "recovery-workshop", "North CMHT")
    sid = str(workshop["id"])
    not_held = cli("session", "delivered", sid, "--covered-all")
    assert not_held.exit_code == 1 and "not held" in not_held.stderr
    ok(cli, "attend", sid, "--all-present", "--future")
    cases = [
        (["--covered", "99"], "is not a part of recovery-workshop: give a number or title from 1 "),
        (["--covered", "1", "--covered-all"], "not both"),
        ([], "say who delivered the session"),
        (["--by", "Nobody Known"], "Nobody Known"),
    ]
    for args, expected in cases:
        refused = cli("session", "delivered", sid, *args)
        assert refused.exit_code == 1 and expected in refused.stderr, (args, refused.stderr)
        assert refused.stderr.startswith("Error: ") and "Traceback" not in refused.stderr
    entries = ok(cli, "audit", "--json").json()
    assert "deliver" not in [e["action"] for e in entries]


def test_attend_records_the_delivery_with_the_register_or_neither(cli, from_template):
    sessions = _planned(cli, from_template)
    workshop = _first(sessions, "recovery-workshop", "East CMHT")
    sid = str(workshop["id"])
    refused = cli("attend", sid, "--all-present", "--future", "--delivered-by", "Nobody Known")
    assert refused.exit_code == 1 and "Nobody Known" in refused.stderr
    assert ok(cli, "session", "show", sid, "--json").json()["status"] == "scheduled"
    recorded = ok(
        cli, "attend", sid, "--all-present", "--future",
        "--delivered-by", workshop["trainers"][0], "--covered-all", "--json",
    ).json()  # fmt: skip
    parts = _parts("recovery-workshop")
    assert recorded["delivery"]["covered"] == parts and recorded["now_held"] == 1
    assert recorded["delivery"]["delivered_by"] == [workshop["trainers"][0]]
    told = ok(cli, "attend", sid, "--all-present", "--future", "--covered", "2").stderr
    assert f"1 of {len(parts)} parts covered, not: {parts[0]}" in told


def test_a_delivery_record_is_undone_step_by_step(cli, from_template):
    sessions = _planned(cli, from_template)
    workshop = _first(sessions, "recovery-workshop", "South CMHT")
    sid = str(workshop["id"])
    ok(cli, "attend", sid, "--all-present", "--future")
    ok(cli, "session", "delivered", sid, "--by", "Ruth Evans", "--covered", "1")
    ok(cli, "session", "delivered", sid, "--covered-all")

    def shown() -> tuple:
        rows = ok(cli, "report", "delivery", "--json").json()["rows"]
        row = next(r for r in rows if r["stage"] == "workshop" and r["team"] == "All teams")
        return row["delivery_recorded"], row["coverage_recorded"], row["fully_covered"]

    assert shown() == (1, 1, 100.0)
    ok(cli, "undo", "--yes")
    assert shown() == (1, 1, 0.0)  # back to part 1 only
    ok(cli, "undo", "--yes")
    assert shown() == (0, 0, None)  # no record: taken as delivered as planned
