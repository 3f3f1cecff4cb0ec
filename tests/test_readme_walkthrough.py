"""The README's walk-through of a rollout runs as written, command by command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from openpyxl import Workbook

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


LATER = "2027-04-30T17:00:00+00:00"  # "Weeks later" in the README: the first sessions are past


def walkthrough() -> list[tuple[list[str], bool]]:
    """The commands, each with whether the README says it is typed weeks later."""
    block = README.split("## A rollout, step by step", 1)[1].split("```sh\n", 1)[1]
    block = block.split("```", 1)[0]
    commands, later = [], False
    for line in block.splitlines():
        later = later or line.startswith("# ") and "Weeks later" in line
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            commands.append((shlex.split(line), later))
    return commands


def test_the_walkthrough_runs(cli, tmp_path):
    sheet = Workbook()
    rows = sheet.active
    rows.append(["Full name", "Team", "Email", "Job title", "Manager", "Start date"])
    rows.append(["Zoë Adams", "Riverside CMHT", "z.adams@nhs.example", "nurse", "no", "01/09/2026"])
    rows.append(["Ben Okafor", "Hillview EIP", "b.okafor@nhs.example", "psychiatrist", "yes", ""])
    rows.append(["Łukasz Nowak", "Hillview EIP", "", "social worker", "", "2026-10-01"])
    sheet.save(tmp_path / "roster.xlsx")
    (tmp_path / "backups").mkdir()
    (tmp_path / "register.csv").write_text(
        "Name,Status\nBen Okafor,P\nŁukasz Nowak,apologies\n", encoding="utf-8"
    )
    commands = walkthrough()
    assert len(commands) > 20 and all(command[0] == "refocus" for command, _ in commands)
    assert any(later for _, later in commands)
    for command, later in commands:
        done = cli(*command[1:], env={"REFOCUS_NOW": LATER} if later else None)
        assert done.exit_code == 0, (command, done.stderr)
        assert "Traceback" not in done.stderr
    page = (tmp_path / "steering-group.html").read_text(encoding="utf-8")
    assert "Riverside CMHT" in page
    assert "Pat Reid" in (tmp_path / "attendance.csv").read_text(encoding="utf-8")
