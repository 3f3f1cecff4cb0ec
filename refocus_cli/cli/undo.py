"""`refocus undo`: reverse your last change, when that is safe."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_json
from refocus_cli.core.display import show_moment
from refocus_cli.core.errors import InvalidInput
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.undo import Undone

SHOWN = 12  # steps listed before "and N more"


def undo(
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask for confirmation (for scripts).")
    ] = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Undo your last change (one command's), when nothing since depends on it; shows
    what it will do and asks first."""
    from refocus_cli.services import undo as undo_service

    if not yes and not _on_terminal():
        raise InvalidInput("there is no terminal to ask on: add --yes to undo your last change")
    with opened(db) as store:
        if not yes:
            planned = undo_service.preview(store, manual)
            _tell(planned)
            if not typer.confirm("Undo it?", default=False, err=True):
                message("Nothing was undone.")
                raise typer.Exit(1)
        done = undo_service.undo(store, None if yes else planned.change_id, manual)
    if as_json:
        print_json(
            {
                "change": done.change_id,
                "actor": done.actor,
                "at": done.at,
                "what": done.what,
                "steps": list(done.steps),
            }
        )
    elif yes:
        _tell(done)
    else:
        message(f"Undone change {done.change_id}.")


def _on_terminal() -> bool:
    return sys.stdin.isatty()


def _tell(found: Undone) -> None:
    verb = "Undid" if found.applied else "Undo"
    when = show_moment(found.at)  # already local
    message(f"{verb} change {found.change_id}, by {found.actor} on {when}: {found.what}.")
    for step in found.steps[:SHOWN]:
        message(f"  - {step}")
    if len(found.steps) > SHOWN:
        message(f"  ... and {len(found.steps) - SHOWN} more")
