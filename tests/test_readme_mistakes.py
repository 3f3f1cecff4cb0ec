"""The README's "Putting mistakes right" commands run as written, after the walkthrough's
first steps (those typed before "Weeks later")."""

from __future__ import annotations

import re
import shlex

from openpyxl import Workbook
from test_readme_walkthrough import README, walkthrough


def mistakes() -> list[list[str]]:
    """The commands of the README's "Putting mistakes right" block."""
    block = README.split("## Putting mistakes right", 1)[1].split("```sh\n", 1)[1]
    block = block.split("```", 1)[0]
    lines = (re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines())
    return [shlex.split(line) for line in lines if line and not line.startswith("#")]


def test_the_corrections_run_on_the_walkthrough(cli, tmp_path):
    sheet = Workbook()
    rows = sheet.active
    rows.append(["Full name", "Team", "Email", "Job title", "Manager", "Start date"])
    rows.append(["Zoë Adams", "Riverside CMHT", "z.adams@nhs.example", "nurse", "no", "01/09/2026"])
    rows.append(["Ben Okafor", "Hillview EIP", "b.okafor@nhs.example", "psychiatrist", "yes", ""])
    sheet.save(tmp_path / "roster.xlsx")
    (tmp_path / "backups").mkdir()
    for command, later in walkthrough():
        if later:
            break
        done = cli(*command[1:])
        assert done.exit_code == 0, (command, done.stderr)
    corrections = mistakes()
    assert len(corrections) > 10 and all(command[0] == "refocus" for command in corrections)
    for command in corrections:
        done = cli(*command[1:])
        assert done.exit_code == 0, (command, done.stderr)
    zoe = cli("staff", "show", "Zoë Adams", "--json").json()["person"]
    assert (zoe["role"], zoe["clinical"], zoe["clinical_guessed"]) == ("senior nurse", True, False)
    dai = {t["name"]: t for t in cli("trainer", "list", "--json").json()}["Dai Morgan"]
    assert [(p["from_date"], p["to_date"]) for p in dai["unavailable"]] == [
        ("2027-02-01", "2027-02-07")
    ]
    assert cli("programme", "show", "--json").json()["follow_up_date"] == "2028-03-31"
