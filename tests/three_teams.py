"""A small stored plan many replan and session tests start from: three teams in WAVE1."""

from __future__ import annotations

from datetime import date, datetime

TEAMS = ("North CMHT", "South CMHT", "East CMHT")


def ok(cli, *args: str):
    """Run a command that must succeed, and return its result."""
    result = cli(*args)
    assert result.exit_code == 0, (args, result)
    return result


def plan_three_teams(cli) -> None:
    """Three teams of seven in WAVE1, three trainers (one with lived experience), a room,
    and WAVE1 scheduled from 2027-01-11."""
    ok(cli, "init", "Endings Trust", "--start", "2027-01-11")
    for team in TEAMS:
        ok(cli, "team", "add", team, "--site", team.split()[0])
        ok(cli, "staff", "add", f"Manager {team}", "--team", team, "--manager")
        for n in range(6):
            ok(cli, "staff", "add", f"Nurse {n} {team}", "--team", team)
    ok(cli, "trainer", "add", "Ruth Evans")
    ok(cli, "trainer", "add", "Sam Price")
    ok(cli, "trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    ok(cli, "venue", "add", "North Room", "--capacity", "30", "--site", "North")
    ok(cli, "cohort", "create", "WAVE1", *(arg for team in TEAMS for arg in ("--team", team)))
    ok(cli, "schedule", "WAVE1")


def day_of(session: dict) -> date:
    """A session's local date."""
    return datetime.fromisoformat(session["start"]).date()


def standing(cli, team: str) -> list[dict]:
    """A team's sessions that are not cancelled."""
    found = ok(cli, "sessions", "--team", team, "--json").json()
    return [s for s in found if s["status"] != "cancelled"]
