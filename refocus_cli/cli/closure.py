"""`refocus closure …`: days with no sessions, beyond weekends and bank holidays."""

from __future__ import annotations

from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message
from refocus_cli.core.programme import clean_text
from refocus_cli.services.context import opened

app = typer.Typer(help="Add and list closure dates (no sessions on them).", no_args_is_help=True)


@app.command("add")
def add(
    day: Annotated[str, typer.Argument(help="The (first) closed day, YYYY-MM-DD.")],
    to: Annotated[
        str | None, typer.Option("--to", help="Last closed day, for a run of days.")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="e.g. training freeze.")] = "",
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Close a day, or a run of days, to sessions."""
    from refocus_cli.core.dates import parse_date
    from refocus_cli.services.organisation import close_days

    first = parse_date(day, "date")
    last = parse_date(to, "--to") if to is not None else first
    with opened(db) as store:
        close_days(store, first, last, clean_text(reason, "--reason"))
    message(f"Closed {first}" + (f" to {last}" if last != first else "") + " to sessions.")


@app.command("list")
def list_closures(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """List closure dates."""
    from refocus_cli.services.organisation import list_closures

    with opened(db) as store:
        closures = list_closures(store)
    emit(
        [closure.as_record() for closure in closures],
        [("date", "Date"), ("reason", "Reason")],
        as_json=as_json,
        as_csv=as_csv,
        empty="No closure dates.",
    )
