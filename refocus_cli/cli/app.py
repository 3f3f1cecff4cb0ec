"""The `refocus` command: the root app, its sub-commands, and the one error handler."""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from refocus_cli import __version__
from refocus_cli.cli import (
    attendance,
    audit,
    calendars,
    catchup,
    closure,
    cohort,
    database,
    delivery,
    demo,
    documents,
    evaluate,
    feeds,
    invite,
    manual,
    measure,
    outcomes,
    programme,
    reports,
    schedule,
    sessions,
    staff,
    team,
    trainer,
    undo,
    venue,
)
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

app = typer.Typer(
    cls=RefocusGroup,
    name="refocus",
    help="Plan and track a REFOCUS rollout: teams, staff, trainers, cohorts and sessions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"refocus {__version__}")
        raise typer.Exit()


@app.callback()
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


app.command("init")(programme.init)
app.add_typer(programme.app, name="programme")
app.command("demo")(demo.demo)
app.add_typer(team.app, name="team")
app.add_typer(staff.app, name="staff")
app.add_typer(trainer.app, name="trainer")
app.add_typer(venue.app, name="venue")
app.add_typer(cohort.app, name="cohort")
app.add_typer(manual.app, name="manual")
app.add_typer(measure.app, name="measure")
app.command("schedule")(schedule.schedule)
app.command("replan")(schedule.replan)
app.command("catchup")(catchup.catchup)
app.command("attend")(attendance.attend)
app.command("evaluate")(evaluate.evaluate)
app.command("progress")(reports.progress)
reports.report_app.command("outcomes")(outcomes.report_outcomes)
reports.report_app.command("evaluations")(evaluate.report_evaluations)
reports.report_app.command("delivery")(delivery.report_delivery)
app.add_typer(reports.report_app, name="report")
reports.export_app.command("ics")(calendars.export_ics)
app.add_typer(reports.export_app, name="export")
calendars.publish_app.command("caldav")(calendars.publish_caldav)
app.add_typer(calendars.publish_app, name="publish")
app.add_typer(feeds.app, name="feeds")
app.command("invite")(invite.invite)
app.command("handout")(documents.handout)
app.command("pack")(documents.pack)
app.command("sessions")(sessions.sessions)
sessions.app.command("delivered")(delivery.delivered)
app.add_typer(sessions.app, name="session")
app.add_typer(closure.app, name="closure")
app.add_typer(database.app, name="db")
app.command("audit")(audit.audit)
app.command("undo")(undo.undo)


def named_command(argv: Sequence[str]) -> str | None:
    """The command the arguments name, skipping the global --actor; None when they name
    none (`--help`, `--version`, nothing)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--actor":
            skip = True
        elif not arg.startswith("--actor="):
            return None if arg.startswith("-") else arg
    return None


def app_for(argv: Sequence[str]) -> typer.Typer:
    """The app with only the command the arguments name (or the whole app when they name
    none it knows). Typer builds every command's options from its annotations when it
    starts, a third of the start-up: one command's are enough to run it."""
    name = named_command(argv)
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    one = copy.copy(app)
    one.registered_commands, one.registered_groups = commands, groups
    return one


def main() -> None:
    """Console-script entry point."""
    app_for(sys.argv[1:])()
