"""`refocus trainer …`: who delivers which stages, and when they cannot."""

from __future__ import annotations

from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.core.dates import parse_date
from refocus_cli.core.programme import STAGES, clean_email, clean_name, clean_text, stage_keys
from refocus_cli.services.context import opened

app = typer.Typer(
    help="Add and list trainers; record when they are unavailable.", no_args_is_help=True
)


def _rows(trainers: list[dict]) -> list[dict]:
    return [
        {**t, "unavailable": [f"{p['from_date']}..{p['to_date']}" for p in t["unavailable"]]}
        for t in trainers
    ]


TRAINER_COLUMNS = [
    ("id", "Id"),
    ("name", "Trainer"),
    ("email", "Email"),
    ("lived_experience", "Lived experience"),
    ("stages", "Stages"),
    ("unavailable", "Unavailable"),
]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Full name.")],
    email: Annotated[
        str | None, typer.Option("--email", help="Email for calendar invitations.")
    ] = None,
    lived_experience: Annotated[
        bool,
        typer.Option("--lived-experience", help="A lived-experience trainer, for co-delivery."),
    ] = False,
    stages: Annotated[
        str,
        typer.Option("--stages", help=f"Comma-separated stages they deliver: {','.join(STAGES)}."),
    ] = ",".join(STAGES),
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Add a trainer and the stages they deliver."""
    from refocus_cli.store import trainers

    trainer_name = clean_name(name, "trainer")
    address = clean_email(email)
    keys = stage_keys(stages)
    with opened(db) as store:
        record = trainers.add(store, trainer_name, address, lived_experience, keys)
    if as_json:
        print_json(record)
    else:
        message(
            f"Added trainer {record['name']} (id {record['id']}): {', '.join(record['stages'])}."
        )


@app.command("list")
def list_trainers(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """List trainers with their stages and unavailable dates."""
    from refocus_cli.store import trainers

    with opened(db) as store:
        records = trainers.listing(store)
    emit(
        records if as_json else _rows(records),
        TRAINER_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        empty="No trainers yet: add one with `refocus trainer add NAME`.",
    )


@app.command("unavailable")
def unavailable(
    trainer: Annotated[str, typer.Argument(help="Trainer id, email or unique name.")],
    start: Annotated[str, typer.Option("--from", help="First day away, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day away, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option("--reason", help="e.g. annual leave.")] = "",
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Record days a trainer cannot deliver (both dates included)."""
    from refocus_cli.store import trainers

    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    with opened(db) as store:
        record = trainers.unavailable(store, trainer, first, last, clean_text(reason, "--reason"))
    if as_json:
        print_json(record)
    else:
        message(f"{record['name']} is unavailable {first} to {last}.")
