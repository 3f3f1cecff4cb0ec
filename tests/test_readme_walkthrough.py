"""The README's walk-through of a rollout runs as written, command by command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from openpyxl import Workbook

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def walkthrough() -> list[list[str]]:
    block = README.split("## A rollout, step by step", 1)[1].split("```sh\n", 1)[1]
    block = block.split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            commands.append(shlex.split(line))
    return commands


def test_the_walkthrough_runs(sh, tmp_path):
    sheet = Workbook()
    rows = sheet.active
    rows.append(["Full name", "Team", "Email", "Job title", "Manager", "Start date"])
    rows.append(["Zoë Adams", "Riverside CMHT", "z.adams@nhs.example", "nurse", "no", "01/09/2026"])
    rows.append(["Ben Okafor", "Hillview EIP", "b.okafor@nhs.example", "psychiatrist", "yes", ""])
    rows.append(["Łukasz Nowak", "Hillview EIP", "", "social worker", "", "2026-10-01"])
    sheet.save(tmp_path / "roster.xlsx")
    (tmp_path / "backups").mkdir()
    commands = walkthrough()
    assert len(commands) > 20 and all(command[0] == "refocus" for command in commands)
    for command in commands:
        done = sh(*command[1:])
        assert done.returncode == 0, (command, done.stderr)
        assert "Traceback" not in done.stderr
