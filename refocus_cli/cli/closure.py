"""`refocus closure …`: days with no sessions, beyond weekends and bank holidays."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.core.dates import parse_date
from refocus_cli.core.display import show_period
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.programme import clean_text
from refocus_cli.services.context import opened

app = typer.Typer(
    help="Add, list and remove closure dates (no sessions on them).", no_args_is_help=True
)
DayArg = Annotated[str | None, typer.Argument(help="The (first) day, YYYY-MM-DD (or give --from).")]
FromOpt = Annotated[
    str | None, typer.Option("--from", help="First day, for a run of days (or give DATE).")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day, for a run of days.")]


def _days(day: str | None, start: str | None, to: str | None) -> tuple[date, date]:
    """The run of days typed as `DATE [--to DATE]` or `--from DATE [--to DATE]`."""
    if day is not None and start is not None:
        raise InvalidInput(f"give the first day once: {day} or --from {start}, not both")
    if day is None and start is None:
        raise InvalidInput("give the day, or the first day with --from DATE (and --to DATE)")
    first = parse_date(day, "date") if day is not None else parse_date(start or "", "--from")
    last = parse_date(to, "--to") if to is not None else first
    return first, last


def _span(first: date, last: date) -> str:
    return show_period(first, last)


@app.command("add")
def add(
    day: DayArg = None,
    start: FromOpt = None,
    to: ToOpt = None,
    reason: Annotated[str, typer.Option("--reason", help="e.g. training freeze.")] = "",
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Close a day, or a run of days, to sessions."""
    from refocus_cli.services.organisation import close_days

    first, last = _days(day, start, to)
    with opened(db) as store:
        close_days(store, first, last, clean_text(reason, "--reason"))
    message(f"Closed {_span(first, last)} to sessions.")


@app.command("remove")
def remove(
    day: DayArg = None,
    start: FromOpt = None,
    to: ToOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Open again a day, or a run of days, closed by mistake."""
    from refocus_cli.services.organisation import open_days

    first, last = _days(day, start, to)
    with opened(db) as store:
        opened_days = open_days(store, first, last)
    if as_json:
        print_json({"opened": opened_days})
    else:
        count = len(opened_days)
        message(
            f"Opened {count} closed {'day' if count == 1 else 'days'} in {_span(first, last)} "
            "to sessions again."
        )


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
