"""The `refocus` command: the root app, where each of its commands is defined, and the one
error handler."""

from __future__ import annotations

import copy
import functools
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from refocus_cli import __version__
from refocus_cli.cli import coercion
from refocus_cli.core import bulk
from refocus_cli.core.errors import FileProblems, RefocusError
from refocus_cli.services.context import set_actor


class RefocusGroup(TyperGroup):
    """Turns every RefocusError, wherever raised, into `Error: …` and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FileProblems as exc:
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            _fail(str(exc))
        except RefocusError as exc:
            _fail(str(exc))


def _fail(text: str) -> None:
    print(f"Error: {text}", file=sys.stderr)
    raise typer.Exit(1)


# Typer reads each command function's parameters twice while it builds the app (for its
# options, then for its callback), evaluating every annotation both times; once is enough,
# and what it reads depends on the function alone.
typer.main.get_params_from_function = functools.cache(  # type: ignore[attr-defined]
    typer.utils.get_params_from_function
)
# Option values are checked without pydantic where none is needed (cli/coercion.py).
coercion.install()


def _version(value: bool) -> None:
    if value:
        print(f"refocus {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            envvar="REFOCUS_ACTOR",
            help="Who is making changes, for the audit log [default: your user name].",
        ),
    ] = None,
) -> None:
    """Plan and track a REFOCUS rollout: teams, staff, trainers, cohorts and sessions."""
    set_actor(actor)


@dataclass(frozen=True)
class Entry:
    """Where a command (a function) or a group (a Typer) of `refocus` is defined: an
    attribute of a module of refocus_cli.cli, and for a group, its commands defined in
    other modules, as (name, module, attribute)."""

    module: str
    attribute: str
    joined: tuple[tuple[str, str, str], ...] = ()


# Every command and group of `refocus`, in the order help lists them. They are looked up
# by name so that running one command imports only its own module (see app_for).
ENTRIES = {
    "init": Entry("programme", "init"),
    "programme": Entry("programme", "app"),
    "demo": Entry("demo", "demo"),
    "team": Entry("team", "app"),
    "staff": Entry("staff", "app"),
    "trainer": Entry("trainer", "app"),
    "venue": Entry("venue", "app"),
    "cohort": Entry("cohort", "app"),
    "manual": Entry("manual", "app"),
    "measure": Entry("measure", "app"),
    "schedule": Entry("schedule", "schedule"),
    "replan": Entry("schedule", "replan"),
    "catchup": Entry("catchup", "catchup"),
    "attend": Entry("attendance", "attend"),
    "evaluate": Entry("evaluate", "evaluate"),
    "progress": Entry("reports", "progress"),
    "report": Entry(
        "reports",
        "report_app",
        (
            ("outcomes", "outcomes", "report_outcomes"),
            ("evaluations", "evaluate", "report_evaluations"),
            ("delivery", "delivery", "report_delivery"),
        ),
    ),
    "export": Entry("reports", "export_app", (("ics", "calendars", "export_ics"),)),
    "publish": Entry("calendars", "publish_app", (("caldav", "calendars", "publish_caldav"),)),
    "feeds": Entry("feeds", "app"),
    "invite": Entry("invite", "invite"),
    "handout": Entry("documents", "handout"),
    "pack": Entry("documents", "pack"),
    "sessions": Entry("sessions", "sessions"),
    "session": Entry("sessions", "app", (("delivered", "delivery", "delivered"),)),
    "closure": Entry("closure", "app"),
    "db": Entry("database", "app"),
    "audit": Entry("audit", "audit"),
    "undo": Entry("undo", "undo"),
}


def _defined(module: str, attribute: str) -> Any:
    # __import__ rather than importlib.import_module: -X importtime times only the
    # former, and it is how this start-up is measured.
    return getattr(__import__(f"refocus_cli.cli.{module}", fromlist=[attribute]), attribute)


def _built(names: Iterable[str], sub: str | None = None) -> typer.Typer:
    """The root app (its options, help and error handling) with the named commands; a
    group keeps only its command `sub` when it has one of that name."""
    built = typer.Typer(
        cls=RefocusGroup,
        name="refocus",
        help="Plan and track a REFOCUS rollout: teams, staff, trainers, cohorts and sessions.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    built.callback()(root)
    for name in names:
        entry = ENTRIES[name]
        defined = _defined(entry.module, entry.attribute)
        if isinstance(defined, typer.Typer):
            built.add_typer(_group(entry, defined, sub), name=name)
        else:
            built.command(name)(defined)
    return built


def _group(entry: Entry, defined: typer.Typer, sub: str | None) -> typer.Typer:
    """A copy of a group, with its commands from other modules joined: the module's own
    group stays as it is, however many apps are built in one process (the tests build
    many). Given the name of one of its commands (or sub-groups), only that one."""
    names = [info.name for info in defined.registered_commands + defined.registered_groups]
    only = sub if sub in names + [command for command, _, _ in entry.joined] else None
    group = copy.copy(defined)
    group.registered_commands = [
        info for info in defined.registered_commands if only in (None, info.name)
    ]
    group.registered_groups = [
        info for info in defined.registered_groups if only in (None, info.name)
    ]
    for command, module, attribute in entry.joined:
        if only in (None, command):
            group.command(command)(_defined(module, attribute))
    return group


@functools.cache
def _whole_app() -> typer.Typer:
    return _built(ENTRIES)


def __getattr__(name: str) -> typer.Typer:
    """`app`, the whole app with every command, built when first asked for (help, the
    tests, the docs), so that the console script can build one command without it."""
    if name == "app":
        return _whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _command_at(argv: Sequence[str]) -> int | None:
    """Where the command the arguments name is, skipping the global --actor; None when
    they name none (`--help`, `--version`, nothing)."""
    skip = False
    for at, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg == "--actor":
            skip = True
        elif not arg.startswith("--actor="):
            return None if arg.startswith("-") else at
    return None


def named_command(argv: Sequence[str]) -> str | None:
    """The command the arguments name, skipping the global --actor; None when they name
    none (`--help`, `--version`, nothing)."""
    at = _command_at(argv)
    return None if at is None else argv[at]


def app_for(argv: Sequence[str]) -> typer.Typer:
    """The app with only the command the arguments name (or the whole app when they name
    none it knows), and of a group only the command named next (groups take no options,
    so it follows the group's name). Typer builds every command's options from its
    annotations when it starts, and each command's module imports what the command
    needs: one command's are enough to run it."""
    at = _command_at(argv)
    if at is None or argv[at] not in ENTRIES:
        return _whole_app()
    return _built([argv[at]], argv[at + 1] if at + 1 < len(argv) else None)


def main() -> NoReturn:
    """Console-script entry point: runs the command, then ends the process at once.

    Like mypy's hard exit, it flushes standard output and error and leaves without
    tearing Python down: no freeing of the objects a command made (a national report's
    several hundred thousand, kept for the purpose: core.bulk.outlive), of the imported
    modules, or a last garbage collection: the national `report outcomes` went from 1.37
    to 1.19 s (medians of 15 alternated runs). Every command closes
    its database and files itself. An error nobody caught still ends the usual way,
    with its traceback."""
    bulk.kept_until_exit = []
    try:
        app_for(sys.argv[1:])()
    except SystemExit as exc:
        _end(exc.code)
    _end(0)


def _end(code: object) -> NoReturn:
    """Flush what is written and end the process with `code` (sys.exit's meaning)."""
    if code is None or isinstance(code, int):
        status = code or 0
    else:
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone (`| head`), or a stream closed
            status = status or 1
    os._exit(status)
