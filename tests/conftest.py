"""Every test gets its own database file, a fixed clock and a plain terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refocus_cli.cli.app import app

FIXED_NOW = "2027-01-04T09:00:00+00:00"  # a Monday, before the demo programme starts


@pytest.fixture(autouse=True)
def env_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "refocus.db"
    monkeypatch.setenv("REFOCUS_DB", str(db))
    monkeypatch.setenv("REFOCUS_NOW", FIXED_NOW)
    monkeypatch.setenv("REFOCUS_ACTOR", "tester")
    monkeypatch.delenv("REFOCUS_MANUAL", raising=False)  # the shipped curriculum
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.chdir(tmp_path)
    return db


class Result:
    """What a command did: exit code, stdout, stderr."""

    def __init__(self, exit_code: int, stdout: str, stderr: str, exception: BaseException | None):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.exception = exception

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"<Result {self.exit_code} stdout={self.stdout!r} stderr={self.stderr!r}>"


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run refocus in-process through Typer's runner: cli("team", "list", "--json")."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        outcome = runner.invoke(app, list(args), input=input, catch_exceptions=True)
        if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
            raise outcome.exception
        return Result(outcome.exit_code, outcome.stdout, outcome.stderr, outcome.exception)

    return run


def refocus_executable() -> str:
    """The installed `refocus` console script, as a user would type it."""
    beside = Path(sys.executable).parent / "refocus"
    found = str(beside) if beside.exists() else shutil.which("refocus")
    if not found:
        raise RuntimeError("the refocus command is not installed: pip install -e '.[test]'")
    return found


@pytest.fixture
def sh() -> Callable[..., subprocess.CompletedProcess]:
    """Run the installed `refocus` command in a subprocess: sh("team", "list")."""
    executable = refocus_executable()

    def run(*args: str, input: str | None = None, env: dict | None = None):
        return subprocess.run(
            [executable, *args],
            input=input,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=120,
        )

    return run


@pytest.fixture
def programme(cli) -> Callable[..., Result]:
    """A database with a programme, two teams, and the runner to go on with."""
    assert cli("init", "Test Programme", "--start", "2027-01-11").exit_code == 0
    assert cli("team", "add", "North CMHT", "--site", "North", "--kind", "CMHT").exit_code == 0
    assert cli("team", "add", "South CMHT", "--site", "South", "--kind", "CMHT").exit_code == 0
    return cli


def two_team_rollout(cli, folder: Path, per_team: int, programme: str) -> None:
    """North and South CMHT with `per_team` staff each (North ids first), two trainers
    who deliver every stage, and cohort W1 scheduled, all through the CLI."""
    assert cli("init", programme, "--start", "2027-01-11").exit_code == 0
    roster = ["name,team,start"]
    for team in ("North CMHT", "South CMHT"):
        assert cli("team", "add", team).exit_code == 0
        roster += [f"{team[:5]} {n:04d},{team},2026-01-01" for n in range(per_team)]
    (folder / "roster.csv").write_text("\n".join(roster) + "\n")
    assert cli("staff", "import", str(folder / "roster.csv")).exit_code == 0
    stages = "workshop,working-practices,coaching,practice-change"
    for args in (
        ("trainer", "add", "Tess Trainer", "--stages", stages),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", stages),
        ("cohort", "create", "W1", "--team", "North CMHT", "--team", "South CMHT"),
        ("schedule", "W1"),
    ):
        assert cli(*args).exit_code == 0, args
