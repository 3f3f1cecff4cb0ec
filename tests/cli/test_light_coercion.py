"""Option values checked without pydantic (cli/coercion.py) come out exactly as typer's
own checks give them: the same value, or the same error, for every option of every
command that is checked that way. A typer release that changes either fails here."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import typer.main
from conftest import modules_loaded
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param

from refocus_cli.cli import coercion
from refocus_cli.cli.app import app

WHOLE = typer.main.get_command(app)


def _options(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, Any, Any]]:
    """(where, the command, the parameter) for every parameter of every command."""
    found = [(" ".join(path) + " " + param.name, command, param) for param in command.params]
    for name, sub in getattr(command, "commands", {}).items():
        found += _options(sub, (*path, name))
    return found


OPTIONS = [
    (where, command, param)
    for where, command, param in _options(WHOLE)
    if coercion.light_param(param.type_descriptor) is not None
]


def _samples(annotation: Any, tmp_path: Path) -> list[Any]:
    """Values a command line, an environment variable or a default could give."""
    a_file = tmp_path / "roster.csv"
    a_file.write_text("name\n")
    if annotation is bool:
        return [True, False]
    if annotation is str:
        return ["", " North CMHT ", "Siobhán Kelly-Okafor", "--team", "a\nb", "x" * 500]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        values = [member.value for member in annotation]
        return [*values, *(v.upper() for v in values), "bogus", "", *annotation]
    if isinstance(annotation, type) and issubclass(annotation, Path):
        typed = ["", ".", "refocus.db", "no/such/file.csv", "a//b.db", f"{a_file}/", "./x.db"]
        typed += ["./no/such/file.csv", f"{tmp_path}/", f"{tmp_path}//roster.csv"]
        return [*typed, str(a_file), str(tmp_path), a_file, tmp_path]
    return [(), ("one",), ("one", "two"), ["é"]]  # a list of text


def _outcome(runtime: Any, value: Any, param: Any, ctx: Context) -> tuple[str, Any]:
    try:
        got = runtime.coerce(value, param=param, ctx=ctx)
    except BadParameter as exc:
        # pydantic puts its own words before a check's message; the light check does not
        return "error", exc.format_message().replace("Value error, ", "")
    return type(got).__name__, got


def test_nearly_every_option_is_checked_without_pydantic():
    every = _options(WHOLE)
    assert len(OPTIONS) >= 0.95 * len(every)
    kinds = {type(coercion.light_param(p.type_descriptor)).__name__ for _, _, p in OPTIONS}
    assert kinds == {"_Text", "_Flag", "_Texts", "_Path", "_Choice"}


def test_each_option_gets_what_typers_own_check_gives(tmp_path):
    for where, command, param in OPTIONS:  # one test: 490 would cost more than they check
        descriptor = param.type_descriptor
        light = coercion.light_param(descriptor)
        theirs = build_runtime_param(descriptor)  # typer's own, with pydantic
        ctx = Context(command)
        for value in _samples(descriptor.annotation, tmp_path):
            value = (value,) if param.multiple and not isinstance(value, list | tuple) else value
            assert _outcome(light, value, param, ctx) == _outcome(theirs, value, param, ctx), (
                where,
                value,
            )


def test_a_value_of_another_type_is_left_to_typers_own_check():
    # Bytes for a text option (an odd platform's command line): typer decodes them.
    option = next(p for _, _, p in OPTIONS if p.type_descriptor.annotation is str)
    light = coercion.light_param(option.type_descriptor)
    assert light.coerce(b"North CMHT", param=option, ctx=Context(WHOLE)) == "North CMHT"


@pytest.mark.parametrize(
    "args", [["team", "list"], ["report", "outcomes"], ["report", "participation", "--json"]]
)
def test_a_command_with_options_of_those_kinds_never_loads_pydantic(programme, args):
    done, loaded = modules_loaded(args, {"pydantic", "pydantic_core"})
    assert done.returncode == 0, done.stderr
    assert loaded == []
