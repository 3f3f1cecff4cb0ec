"""`refocus trainer …`: who delivers which stages, and when they cannot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.core.dates import parse_date
from refocus_cli.core.programme import STAGES, clean_email, clean_name, clean_text, stage_keys
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.organisation import Trainer

app = typer.Typer(
    help="Add and list trainers; record when they are unavailable.", no_args_is_help=True
)


def _row(trainer: Trainer) -> dict[str, Any]:
    """A trainer for a table or CSV: each unavailable period as FROM..TO."""
    periods = [f"{period.from_date}..{period.to_date}" for period in trainer.unavailable]
    return {**trainer.as_record(), "unavailable": periods}


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
    from refocus_cli.services.organisation import add_trainer

    trainer_name = clean_name(name, "trainer")
    address = clean_email(email)
    keys = stage_keys(stages)
    with opened(db) as store:
        trainer = add_trainer(store, trainer_name, address, lived_experience, keys)
    if as_json:
        print_json(trainer.as_record())
    else:
        message(f"Added trainer {trainer.name} (id {trainer.id}): {', '.join(trainer.stages)}.")


@app.command("list")
def list_trainers(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """List trainers with their stages and unavailable dates."""
    from refocus_cli.services.organisation import list_trainers

    with opened(db) as store:
        trainers = list_trainers(store)
    emit(
        [trainer.as_record() if as_json else _row(trainer) for trainer in trainers],
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
    from refocus_cli.services.organisation import trainer_away

    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    with opened(db) as store:
        away = trainer_away(store, trainer, first, last, clean_text(reason, "--reason"))
    if as_json:
        print_json(away.as_record())
    else:
        message(f"{away.name} is unavailable {first} to {last}.")
