"""`refocus db …`: where the database is, upgrades, backups and checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.services.context import opened

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
    from refocus_cli.services.maintenance import back_up

    with opened(db) as store:
        made = back_up(store, file)
    if as_json:
        print_json(made.as_record())
    else:
        message(f"Backed up {db} to {file} ({made.bytes:,} bytes).")


@app.command("restore")
def restore(file: FileArg, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Replace the database with a backup, after checking the backup's integrity."""
    from refocus_cli.services.maintenance import restore as restore_backup

    report = restore_backup(file, db)
    if as_json:
        print_json(report.as_record())
    else:
        counts = report.counts
        message(f"Restored {db} from {file}: {counts['team']} teams, {counts['staff']} staff.")


@app.command("check")
def check(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Check integrity, foreign keys and orphan rows; exit 1 if anything is wrong."""
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
                f"{db}: integrity ok, foreign keys ok, no orphan rows (schema {report.schema})."
            )
    if not report.ok:
        raise DatabaseProblem(
            f"{db} has {len(report.problems)} problems: restore a backup "
            "with `refocus db restore FILE`"
        )
