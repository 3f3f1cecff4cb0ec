"""The docs cannot drift from the commands."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from refocus_cli.cli.app import app

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()


def _commands(command, path):
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in subcommands.items():
            yield from _commands(sub, [*path, name])
    else:
        yield " ".join(path), command


COMMANDS = dict(_commands(typer.main.get_command(app), ["refocus"]))


def test_every_command_has_help_text():
    missing = [path for path, command in COMMANDS.items() if not (command.help or "").strip()]
    assert missing == []


def test_every_command_is_in_the_readme_reference():
    reference = README.split("## Command reference", 1)[1]
    missing = [path for path in COMMANDS if f"`{path}" not in reference]
    assert missing == [], f"add these to the README command reference: {missing}"


def test_the_readme_reference_names_only_real_commands():
    reference = README.split("## Command reference", 1)[1].split("\n## ", 1)[0]
    named = {
        " ".join(re.findall(r"^[a-z][a-z-]*(?: [a-z][a-z-]*)?", match)[0].split()[:2])
        for match in re.findall(r"^\| `refocus ([a-z -]+)", reference, flags=re.M)
    }
    known = {path.removeprefix("refocus ") for path in COMMANDS}
    # A three-word command (`measure window add`) is named by its first two words.
    known |= {" ".join(path.split()[:2]) for path in known}
    assert named <= known, named - known


def test_ci_runs_the_readme_commands():
    fences = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    install_and_test = next(block for block in fences if "pytest" in block)
    assert install_and_test.strip() in (REPO / ".ci" / "run").read_text()
    first = fences[0].strip()
    assert first.endswith("refocus demo") and "pip install -e ." in first
