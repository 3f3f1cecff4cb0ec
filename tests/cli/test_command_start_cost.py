"""What every command pays before and after its own work: running one command imports the
cli modules of that command alone (`cli.app.app_for` looks commands up by name), and the
console script leaves what it built to the end of the process (`cli.app.main`)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from refocus_cli.cli.app import main

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


def test_the_console_script_leaves_its_objects_to_the_end_of_the_process(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["refocus", "--version"])
    try:
        with pytest.raises(SystemExit):
            main()
        assert capsys.readouterr().out.startswith("refocus ")
        # Frozen: the collector passes them over at exit instead of tearing them down.
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
