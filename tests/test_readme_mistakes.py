"""The README's "Putting mistakes right" commands run as written, after the walkthrough's
first steps (those typed before it moves "today" on to "Weeks later")."""

from __future__ import annotations

import re
import shlex

from test_readme_walkthrough import README, in_readme_folder, no_clock, run, walkthrough

__all__ = ["no_clock"]  # the fixture, used by name below


def mistakes() -> list[list[str]]:
    """The commands of the README's "Putting mistakes right" block."""
    block = README.split("## Putting mistakes right", 1)[1].split("```sh\n", 1)[1]
    block = block.split("```", 1)[0]
    lines = (re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines())
    return [shlex.split(line) for line in lines if line and not line.startswith("#")]


def test_the_corrections_run_on_the_walkthrough(cli, tmp_path, no_clock):
    in_readme_folder(tmp_path)
    steps = walkthrough()
    clocks = [i for i, step in enumerate(steps) if step.text.startswith("export REFOCUS_NOW=")]
    clock_moves = clocks[1]  # "Weeks later"
    for step in steps[:clock_moves]:
        if step.is_command:
            run(cli, step)
    env = dict(steps[clock_moves - 1].env)
    corrections = mistakes()
    assert len(corrections) > 10 and all(command[0] == "refocus" for command in corrections)
    for command in corrections:
        done = cli(*command[1:], env=env)
        assert done.exit_code == 0, (command, done.stderr)
    zoe = cli("staff", "show", "Zoë Adams", "--json", env=env).json()["person"]
    assert (zoe["role"], zoe["clinical"], zoe["clinical_guessed"]) == ("senior nurse", True, False)
    dai = {t["name"]: t for t in cli("trainer", "list", "--json", env=env).json()}["Dai Morgan"]
    assert [(p["from_date"], p["to_date"]) for p in dai["unavailable"]] == [
        ("2027-02-01", "2027-02-07")
    ]
    assert cli("programme", "show", "--json", env=env).json()["follow_up_date"] == "2028-03-31"
