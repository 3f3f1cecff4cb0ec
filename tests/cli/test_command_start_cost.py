"""What every command pays before and after its own work: running one command imports the
cli modules of that command alone (`cli.app.app_for` looks commands up by name), and the
console script leaves what it built to the end of the process (`cli.app.main`)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

import pytest

from refocus_cli.cli.app import main
from refocus_cli.core import bulk
from refocus_cli.core.measures import Implementation

# What every command imports: the app, its checks of option values, the shared options
# and the printing.
COMMON = {"app", "coercion", "options", "output"}
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


class Ended(Exception):
    """Raised in place of ending the process, so the test goes on."""


def _console(monkeypatch, *argv: str) -> int:
    """Run the console script's main() on argv in-process; the status it ended with."""
    statuses: list[int] = []

    def end(status: int) -> None:
        statuses.append(status)
        raise Ended

    monkeypatch.setattr(os, "_exit", end)
    monkeypatch.setattr(bulk, "kept_until_exit", None)  # put back after the test
    monkeypatch.setattr(sys, "argv", ["refocus", *argv])
    try:
        with pytest.raises(Ended):
            main()
    finally:
        gc.enable()
    return statuses[0]


@pytest.mark.parametrize(
    ("argv", "status", "out", "err"),
    [
        (["--version"], 0, "refocus ", ""),
        (["team", "show", "Nowhere"], 1, "", "Error: "),
        (["team", "frobnicate"], 2, "", "Usage: "),
    ],
)
def test_the_console_script_ends_with_its_status_and_all_it_printed(
    monkeypatch, capsys, argv, status, out, err
):
    assert _console(monkeypatch, *argv) == status
    printed = capsys.readouterr()
    assert printed.out.startswith(out) and printed.err.startswith(err)


def test_a_report_run_as_the_console_script_keeps_its_measures_to_the_end(
    programme, monkeypatch, capsys
):
    assert _console(monkeypatch, "report", "participation", "--json") == 0
    assert json.loads(capsys.readouterr().out)["teams"]
    kept = bulk.kept_until_exit
    assert kept and isinstance(kept[0], Implementation)  # never freed: the process ends
