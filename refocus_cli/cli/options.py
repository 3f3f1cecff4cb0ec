"""Options shared by many commands, defined once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

# The help says where the value comes from, so click's own "[env var: …; default: …]"
# is left off: repeated, it wrapped into a ragged second and third line.
DbOpt = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="REFOCUS_DB",
        help="Database (else $REFOCUS_DB or ./refocus.db).",
        dir_okay=True,
        show_envvar=False,
        show_default=False,
    ),
]
DEFAULT_DB = Path("refocus.db")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (stable keys, ISO-8601 dates).")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV.")]
OnOpt = Annotated[
    str | None,
    typer.Option("--on", help="Date it takes effect, YYYY-MM-DD [default: today]."),
]
ManualOpt = Annotated[
    Path | None,
    typer.Option(
        "--manual",
        envvar="REFOCUS_MANUAL",
        help="Curriculum folder (else $REFOCUS_MANUAL, else the manual shipped with refocus).",
        file_okay=False,
        show_envvar=False,
    ),
]
CohortArg = Annotated[
    str | None,
    typer.Argument(help="Cohort id or name (deprecated here: use --cohort).", show_default=False),
]
CohortOpt = Annotated[str | None, typer.Option("--cohort", help="Cohort id or name.")]


def pick_cohort(positional: str | None, option: str | None) -> str | None:
    """The cohort named by --cohort or, as before, by the argument; both must name the
    same one."""
    if positional is not None and option is not None and positional != option:
        raise typer.BadParameter(
            f"names cohort {option!r} but the argument names {positional!r}: give one",
            param_hint="--cohort",
        )
    return option if option is not None else positional


def needed_cohort(positional: str | None, option: str | None) -> str:
    """As `pick_cohort`, for a command that cannot go without one."""
    chosen = pick_cohort(positional, option)
    if chosen is None:
        raise typer.BadParameter("which cohort? give --cohort NAME", param_hint="--cohort")
    return chosen


def note_positional_cohort(positional: str | None, option: str | None, command: str) -> None:
    """After a command that was given its cohort as an argument: --cohort is the way now.
    (Said once the command has done its work, so an error stays one line.)"""
    if positional is not None and option is None:
        print(
            f"Note: `refocus {command} {positional}` still works, but the cohort is given "
            f"as --cohort everywhere now: `refocus {command} --cohort {positional}`.",
            file=sys.stderr,
        )
