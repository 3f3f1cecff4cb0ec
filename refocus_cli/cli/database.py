"""`refocus db …`: where the database is, upgrades, backups and checks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.core.errors import InvalidInput
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.maintenance import Contents, RestorePlan

app = typer.Typer(
    help="Database path, migrations, backup, restore and check.", no_args_is_help=True
)

FileArg = Annotated[Path, typer.Argument(help="Backup file.")]


@app.command("path")
def path(db: DbOpt = DEFAULT_DB) -> None:
    """Print the path of the database refocus would use."""
    print(db.resolve())


@app.command("migrate")
def migrate(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Bring the database up to this version's schema (opening it does this too)."""
    from refocus_cli.services.maintenance import schema_state

    with opened(db) as store:
        state = schema_state(store)
    if as_json:
        print_json(state.as_record())
        return
    message(f"{db} is at schema {state.schema} ({len(state.applied)} migrations applied).")
    if state.clinical_guessed:
        message(
            f"The upgrade guessed from job titles whether {len(state.clinical_guessed)} people "
            "are clinical (listed below): check each and record it with `refocus staff edit "
            "PERSON --clinical` or `--no-clinical`; `refocus staff list --clinical-guessed` "
            "lists those still guessed."
        )
        emit(
            [
                {**person.as_record(), "clinical": "yes" if person.clinical else "no"}
                for person in state.clinical_guessed
            ],
            [
                ("id", "Id"),
                ("name", "Name"),
                ("team", "Team"),
                ("role", "Role"),
                ("clinical", "Guessed clinical"),
            ],
            title="Clinical flag guessed",
        )


@app.command("backup")
def backup(file: FileArg, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Copy the database safely, even while others are writing to it."""
    from refocus_cli.render.files import check_output, is_standard_output, make_folder
    from refocus_cli.services.maintenance import back_up

    if is_standard_output(file):
        raise InvalidInput("a backup is a database file: give the path to write it to")
    check_output(file)
    with opened(db) as store:
        make_folder(file.parent)  # `db backup backups/2027-07-01.db` makes backups/
        made = back_up(store, file)
    if as_json:
        print_json(made.as_record())
    else:
        message(f"Backed up {db} to {file} ({made.bytes:,} bytes).")


@app.command("restore")
def restore(
    file: FileArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Replace the database with a backup, checked whole first; the replaced one is kept."""
    from refocus_cli.services.maintenance import restore as restore_backup

    restored = restore_backup(file, db, (lambda _plan: True) if yes else _confirm_restore)
    if restored is None:
        message("Nothing was restored.")
        raise typer.Exit(1)
    if as_json:
        print_json(restored.as_record())
        return
    counts = restored.report.counts
    upgraded = (
        f", upgraded from schema {restored.plan.backup_schema}" if restored.plan.migrated else ""
    )
    teams = f"{counts['team']} team{'' if counts['team'] == 1 else 's'}"
    message(f"Restored {db} from {file}: {teams}, {counts['staff']} staff{upgraded}.")
    if restored.kept:
        message(f"The database it replaced is kept, private, as {restored.kept}.")


def _contents(contents: Contents | None) -> str:
    if contents is None:
        return "no readable database"
    last = f", last change {contents.last_change[:10]}" if contents.last_change else ""
    return f"{contents.staff} staff, {contents.sessions} sessions{last}"


def _confirm_restore(plan: RestorePlan) -> bool:
    """Ask at the terminal before replacing the database; refuse when nobody can answer."""
    if not sys.stdin.isatty():
        raise InvalidInput(
            f"restoring replaces the database at {plan.target} and there is no terminal "
            "to ask on: add --yes to go ahead (the replaced database is kept beside it)"
        )
    question = (
        f"Replace the database at {plan.target} ({_contents(plan.replacing)}) "
        f"with {plan.source} ({_contents(plan.restoring)})?"
    )
    return typer.confirm(question, default=False, err=True)


@app.command("check")
def check(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Check integrity, the schema (anything refocus does not define), foreign keys and
    orphan rows; exit 1 if anything is wrong."""
    from refocus_cli.core.errors import DatabaseProblem
    from refocus_cli.services.maintenance import check as check_database

    with opened(db) as store:
        report = check_database(store)
    if as_json:
        print_json(report.as_record())
    else:
        for line in report.problems:
            message(f"problem: {line}")
        for line in report.notices:
            message(f"note: {line}")
        if report.ok:
            message(
                f"{db}: integrity ok, schema as refocus defines it, foreign keys ok, "
                f"no orphan rows (schema {report.schema})."
            )
    if not report.ok:
        raise DatabaseProblem(
            f"{db} has {len(report.problems)} problems: restore a backup "
            "with `refocus db restore FILE`"
        )
