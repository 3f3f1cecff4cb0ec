"""A small rollout to record outcomes in, built through the CLI: two teams in WAVE1
(North: Ann Lee, Bob Roe; South: Cy Dee), scheduled from 2027-01-11 with its default
measurement windows, and commands run after its workshops."""

from __future__ import annotations

from pathlib import Path

SETUP = "2027-01-04T09:00:00+00:00"
LATER = "2027-01-20T18:00:00+00:00"  # after the workshops of WAVE1


def build(cli) -> dict[str, int]:
    """Build the rollout (at SETUP); its first workshop session by team."""
    at = {"env": {"REFOCUS_NOW": SETUP}}
    for args in (
        ("init", "Outcomes Trust", "--start", "2027-01-11"),
        ("team", "add", "North"),
        ("team", "add", "South"),
        ("staff", "add", "Ann Lee", "--team", "North"),
        ("staff", "add", "Bob Roe", "--team", "North"),
        ("staff", "add", "Cy Dee", "--team", "South"),
        ("trainer", "add", "Tess Trainer"),
        ("trainer", "add", "Lew Lived", "--lived-experience"),
        ("cohort", "create", "WAVE1", "--team", "North", "--team", "South"),
        ("schedule", "WAVE1", "--start", "2027-01-11"),
    ):
        assert cli(*args, **at).exit_code == 0, args
    sessions = cli("sessions", "--json", **at).json()
    return {
        s["teams"][0]: s["id"]
        for s in sessions
        if s["stage"] == "workshop" and s["occurrence"] == 1 and len(s["teams"]) == 1
    }


def run(cli, *args: str, actor: str = "lead", now: str = LATER):
    """A command as `actor`, at `now`."""
    return cli(*args, env={"REFOCUS_NOW": now, "REFOCUS_ACTOR": actor})


def ok(cli, *args: str, actor: str = "lead", now: str = LATER):
    """A command that must work."""
    done = run(cli, *args, actor=actor, now=now)
    assert done.exit_code == 0, (args, done.stdout, done.stderr)
    return done


def csv(folder: Path, name: str, text: str) -> str:
    """A file of `text`; its path."""
    path = folder / name
    path.write_text(text)
    return str(path)
