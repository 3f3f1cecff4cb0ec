"""`refocus catchup`: late joiners are found and offered mixed-team catch-up sessions."""

from __future__ import annotations


def _two_teams_scheduled(cli) -> None:
    """North and South CMHT, a manager each, two trainers, cohort WAVE1 scheduled."""
    assert cli("init", "Catch-up Trust", "--start", "2027-01-11").exit_code == 0
    for team in ("North CMHT", "South CMHT"):
        cli("team", "add", team)
        cli("staff", "add", f"Manager {team}", "--team", team, "--manager", "--start", "2026-01-01")
    cli("trainer", "add", "Ruth Evans")
    cli("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    cli("cohort", "create", "WAVE1", "--team", "North CMHT", "--team", "South CMHT")
    assert cli("schedule", "WAVE1").exit_code == 0


def test_late_joiners_get_catch_up_sessions(cli, monkeypatch):
    _two_teams_scheduled(cli)
    assert cli("catchup", "--json").json()["missed"] == []
    monkeypatch.setenv("REFOCUS_NOW", "2027-03-01T09:00:00+00:00")
    cli("staff", "add", "Late North", "--team", "North CMHT", "--start", "2027-02-20")
    cli("staff", "add", "Late South", "--team", "South CMHT", "--start", "2027-02-20")
    found = cli("catchup", "--json").json()["missed"]
    assert {(row["name"], row["module"]) for row in found} >= {
        ("Late North", "recovery-workshop"),
        ("Late South", "recovery-workshop"),
    }
    assert all(row["name"].startswith("Late") for row in found)
    only_north = cli("catchup", "--team", "North CMHT", "--json").json()["missed"]
    assert {row["name"] for row in only_north} == {"Late North"}
    planned = cli("catchup", "--schedule", "--json")
    assert planned.exit_code == 0, planned
    assert planned.json()["scheduled"]
    catch_ups = [s for s in cli("sessions", "--json").json() if s["kind"] == "catch-up"]
    workshop = [s for s in catch_ups if s["module"] == "recovery-workshop"]
    assert len(workshop) == 1 and sorted(workshop[0]["teams"]) == ["North CMHT", "South CMHT"]
    assert workshop[0]["expected"] == 2 and len(workshop[0]["trainers"]) == 2
    assert workshop[0]["start"] > "2027-03-01"
    assert cli("catchup", "--json").json()["missed"] == []


def test_a_merge_keeps_the_catch_up_sessions_its_people_need(cli, monkeypatch):
    _two_teams_scheduled(cli)
    monkeypatch.setenv("REFOCUS_NOW", "2027-03-01T09:00:00+00:00")
    cli("staff", "add", "Late North", "--team", "North CMHT", "--start", "2027-02-20")
    assert cli("catchup", "--schedule").exit_code == 0
    catch_ups = [s["id"] for s in cli("sessions", "--json").json() if s["kind"] == "catch-up"]
    assert catch_ups
    merged = cli("team", "merge", "North CMHT", "--into", "South CMHT", "--on", "2027-03-02")
    assert merged.exit_code == 0, merged
    for session_id in catch_ups:
        assert cli("session", "show", str(session_id), "--json").json()["status"] == "scheduled"
    # Late North still has a catch-up planned, so catchup does not list them again.
    assert "Late North" not in {m["name"] for m in cli("catchup", "--json").json()["missed"]}


def test_catch_up_sessions_reach_the_cohorts_calendar_and_say_so_in_the_pack(cli, monkeypatch):
    from pathlib import Path

    from pypdf import PdfReader

    _two_teams_scheduled(cli)
    monkeypatch.setenv("REFOCUS_NOW", "2027-03-01T09:00:00+00:00")
    cli("staff", "add", "Late North", "--team", "North CMHT", "--start", "2027-02-20")
    assert cli("catchup", "--schedule").exit_code == 0
    catch_ups = [s for s in cli("sessions", "--json").json() if s["kind"] == "catch-up"]
    assert catch_ups and all(s["cohort"] == "WAVE1" for s in catch_ups)
    assert cli("export", "ics", "--cohort", "WAVE1", "-o", "wave1.ics").exit_code == 0
    ics = Path("wave1.ics").read_text()
    for session in catch_ups:
        assert session["uuid"] in ics
    workshop = next(s for s in catch_ups if s["module"] == "recovery-workshop")
    assert cli("pack", str(workshop["id"]), "-o", "catch-up.pdf", "--only", "cover").exit_code == 0
    cover = PdfReader("catch-up.pdf").pages[0].extract_text()
    assert "Catch-up: Recovery and REFOCUS Workshop" in " ".join(cover.split())
