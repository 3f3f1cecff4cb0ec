"""Two teams of four with a plan, a few weeks in: where the attend tests start."""

from __future__ import annotations

import sqlite3

AFTER_FIRST_WEEKS = "2027-02-15T18:00:00+00:00"


def plan_two_teams(cli) -> list[dict]:
    """Two teams of four, scheduled from 2027-01-11: the sessions."""
    assert cli("init", "Attend Trust", "--start", "2027-01-11").exit_code == 0
    people = {
        "North CMHT": ["Nia North", "Ned North", "Nell North", "Noor North"],
        "South CMHT": ["Sam South", "Sid South", "Sue South", "Sol South"],
    }
    for team, names in people.items():
        cli("team", "add", team)
        for index, name in enumerate(names):
            extra = ["--manager"] if index == 0 else []
            email = name.lower().replace(" ", ".") + "@nhs.example"
            result = cli(
                "staff",
                "add",
                name,
                "--team",
                team,
                "--email",
                email,
                "--start",
                "2026-01-01",
                *extra,
            )
            assert result.exit_code == 0, result
    cli("trainer", "add", "Ruth Evans")
    cli("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    cli("cohort", "create", "WAVE1", "--team", "North CMHT", "--team", "South CMHT")
    assert cli("schedule", "WAVE1").exit_code == 0
    return cli("sessions", "--json", env={"REFOCUS_NOW": AFTER_FIRST_WEEKS}).json()


def start_planned(cli, monkeypatch, env_setup, from_template):
    """Two teams of four, scheduled from 2027-01-11 (built once); the clock a few weeks in.
    A test module's `planned` fixture returns this."""
    sessions = from_template("attend-planned", lambda: plan_two_teams(cli))
    monkeypatch.setenv("REFOCUS_NOW", AFTER_FIRST_WEEKS)
    return {"db": env_setup, "sessions": sessions}


def first(sessions, module, team):
    return next(s for s in sessions if s["module"] == module and team in s["teams"])


def marks(db, session_id):
    with sqlite3.connect(db) as conn:
        return dict(
            conn.execute(
                "SELECT coalesce(s.name, a.visitor), a.status FROM attendance a "
                "LEFT JOIN staff s ON s.id = a.staff_id WHERE a.session_id = ?",
                [session_id],
            ).fetchall()
        )
