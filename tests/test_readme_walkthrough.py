"""The README's walkthrough of a rollout runs exactly as written, line by line, on a
fresh database, with the files it names from `examples/` and no clock but the one the
README itself pins (`export REFOCUS_NOW=…` lines)."""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
EXPORT = re.compile(r"^export (\w+)=(\S+)$")


@dataclass(frozen=True)
class Step:
    """A line of the walkthrough: a refocus command, or `export NAME=VALUE` (`words`
    is then empty), with the environment the README has set by then."""

    words: tuple[str, ...]
    env: tuple[tuple[str, str], ...]
    text: str

    @property
    def is_command(self) -> bool:
        return bool(self.words)


def walkthrough(section: str = "## A rollout, step by step") -> list[Step]:
    """The lines of the first shell block under `section`, comments taken off."""
    block = README.split(section, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    steps, env = [], {}
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if not line or line.startswith("#"):
            continue
        exported = EXPORT.match(line)
        if exported:
            env[exported.group(1)] = exported.group(2)
            steps.append(Step((), tuple(env.items()), line))
        else:
            steps.append(Step(tuple(shlex.split(line)), tuple(env.items()), line))
    return steps


def in_readme_folder(tmp_path: Path) -> None:
    """Lay out what the walkthrough reads, as in the repository: the examples folder."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")


def run(cli, step: Step):
    done = cli(*step.words[1:], env=dict(step.env))
    assert done.exit_code == 0, (step.text, done.stderr)
    assert "Traceback" not in done.stderr
    return done


@pytest.fixture
def no_clock(monkeypatch):
    """Nothing pins "today" but the README: the suite's fixed clock is taken away."""
    monkeypatch.delenv("REFOCUS_NOW", raising=False)


def test_the_walkthrough_runs_as_typed(cli, tmp_path, no_clock):
    in_readme_folder(tmp_path)
    steps = walkthrough()
    commands = [step for step in steps if step.is_command]
    assert len(commands) > 30 and all(step.words[0] == "refocus" for step in commands)
    assert [step.text.split("=")[0] for step in steps[:2]] == [
        "export REFOCUS_DB",  # its own database, whatever the demo left in the folder
        "export REFOCUS_NOW",  # "today" is pinned first
    ]
    (tmp_path / "refocus.db").write_bytes(b"")  # as if the demo had been run here first
    shown: dict[str, str] = {}
    for step in commands:
        done = run(cli, step)
        shown[step.text] = done.stdout + done.stderr
    listing = next(out for text, out in shown.items() if text.startswith("refocus sessions "))
    moved = next(step for step in commands if step.words[1:3] == ("session", "move"))
    assert re.search(rf"^{moved.words[3]}\s", listing, re.MULTILINE), "a session shown before"
    register = run(cli, Step(("refocus", "session", "show", "1", "--json"), commands[-1].env, ""))
    marks = {mark["name"]: mark["status"] for mark in register.json()["attendance"]}
    assert marks["Łukasz Nowak"] == "absent" and marks["Pat Reid"] == "present"
    assert len(marks) == 1 + 11  # Hillview EIP's eleven on the day, and the visitor
    attendance = (tmp_path / "attendance.csv").read_text(encoding="utf-8")
    assert "Małgorzata Wiśniewska" in attendance  # typed "malgorzata wisniewska"
    page = (tmp_path / "steering-group.html").read_text(encoding="utf-8")
    assert "Southbank Rehabilitation" in page
    assert (tmp_path / "backups" / "2027-01-04.db").exists()
    assert (tmp_path / "southside.db").stat().st_size > 0 and not (
        tmp_path / "refocus.db"
    ).stat().st_size


def test_the_example_roster_is_what_its_script_makes():
    sys.path.insert(0, str(REPO / "examples"))
    try:
        from make_roster import roster_rows
    finally:
        sys.path.remove(str(REPO / "examples"))
    sheet = load_workbook(REPO / "examples" / "roster.xlsx", read_only=True).active
    rows = [tuple("" if cell is None else str(cell) for cell in row) for row in sheet.values]
    assert rows == roster_rows()
    teams = {row[1] for row in rows[1:]}
    assert len(teams) == 4 and 45 <= len(rows) - 1 <= 55
    assert any(not row[0].isascii() for row in rows[1:])  # names with accents
