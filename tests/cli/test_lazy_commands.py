"""Running one command imports the cli modules of that command alone (`cli.app.app_for`
looks commands up by name), so every command starts without the others' imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

# What every command imports: the app, the shared options and the printing.
COMMON = {"app", "options", "output"}
# reports defines the report group and imports its participation table.
REPORTS = COMMON | {"reports", "participation_table"}

# Print which refocus_cli.cli modules building the app for ARGV imported, one a line.
PROBE = """
import sys
import typer.main
from refocus_cli.cli.app import app_for
typer.main.get_command(app_for(sys.argv[1:]))
print("\\n".join(sorted(m for m in sys.modules if m.startswith("refocus_cli.cli."))))
"""


def _cli_modules_imported(*argv: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True
    )
    return {name.removeprefix("refocus_cli.cli.") for name in done.stdout.split()}


@pytest.mark.parametrize(
    ("argv", "modules"),
    [
        (["team", "list"], COMMON | {"team"}),
        (["report", "outcomes"], REPORTS | {"outcomes"}),
        # The whole group: its commands live in reports, outcomes, evaluate and delivery.
        (["report", "--help"], REPORTS | {"outcomes", "evaluate", "delivery"}),
    ],
)
def test_one_command_imports_only_its_own_cli_modules(argv, modules):
    assert _cli_modules_imported(*argv) == modules
