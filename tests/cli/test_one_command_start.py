"""The console script builds only the command it is given (`cli.app.app_for`): each
command must come out exactly as the whole app builds it, and anything that names no
command it knows must get the whole app (help, --version, a typo)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer

from refocus_cli.cli.app import app, app_for, named_command

WHOLE = typer.main.get_command(app)
NAMES = sorted(WHOLE.commands)  # type: ignore[attr-defined]


def _shown(value: Any) -> Any:
    """A parameter's attribute as text, without the addresses objects print with."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


def _info(command: Any) -> dict:
    """What a user can see of a command: its help, every parameter, its subcommands."""
    params = [
        (type(p).__name__, {key: _shown(value) for key, value in vars(p).items()})
        for p in command.params
    ]
    info = {"class": type(command).__name__, "help": command.help, "params": params}
    info["commands"] = {name: _info(sub) for name, sub in getattr(command, "commands", {}).items()}
    return info


# What the whole app shows, worked out once for every test below.
WHOLE_INFO = _info(WHOLE)


@pytest.mark.parametrize("name", NAMES)
def test_each_command_is_built_as_the_whole_app_builds_it(name):
    one = typer.main.get_command(app_for(["--actor", "Ann", name, "--help"]))
    assert list(one.commands) == [name]  # type: ignore[attr-defined]
    whole = WHOLE_INFO
    alone = _info(one)
    assert alone["commands"][name] == whole["commands"][name]
    # The root keeps its own options (--actor, --version) and settings.
    assert {k: v for k, v in alone.items() if k != "commands"} == {
        k: v for k, v in whole.items() if k != "commands"
    }


GROUPED = [
    (group, sub)
    for group, command in WHOLE.commands.items()  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {})
]


@pytest.mark.parametrize(("group", "sub"), GROUPED)
def test_a_group_keeps_only_the_command_named_after_it(group, sub):
    one = typer.main.get_command(app_for([group, sub, "--help"]))
    whole = WHOLE_INFO["commands"][group]
    alone = _info(one)["commands"][group]
    assert alone["commands"] == {sub: whole["commands"][sub]}
    assert {k: v for k, v in alone.items() if k != "commands"} == {
        k: v for k, v in whole.items() if k != "commands"
    }


@pytest.mark.parametrize("after", [[], ["--help"], ["lsit"]])
def test_a_group_named_without_one_of_its_commands_keeps_them_all(after):
    one = typer.main.get_command(app_for(["team", *after]))
    assert _info(one)["commands"] == {"team": WHOLE_INFO["commands"]["team"]}


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["team", "list"], "team"),
        (["--actor", "Ann Lee", "attend", "3"], "attend"),
        (["--actor=Ann", "schedule", "W1"], "schedule"),
        (["--help"], None),
        (["--version"], None),
        (["--actor", "Ann"], None),
        ([], None),
    ],
)
def test_the_command_named_is_found_past_the_global_options(argv, name):
    assert named_command(argv) == name


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["tema", "list"], []])
def test_help_version_and_unknown_names_get_the_whole_app(argv):
    assert app_for(argv) is app


def test_reading_each_function_once_builds_the_same_app(monkeypatch):
    # cli/app.py caches what Typer reads of each command function (it reads it twice).
    cached = _info(typer.main.get_command(app))
    assert typer.main.get_params_from_function is not typer.utils.get_params_from_function
    monkeypatch.setattr(
        typer.main, "get_params_from_function", typer.utils.get_params_from_function
    )
    assert _info(typer.main.get_command(app)) == cached
