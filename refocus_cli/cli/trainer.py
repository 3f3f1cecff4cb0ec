"""`refocus trainer …`: who delivers which stages, and when they cannot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.core.dates import parse_date
from refocus_cli.core.display import show_period
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.programme import STAGES, clean_email, clean_name, clean_text, stage_keys
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.trainers import Trainer

app = typer.Typer(
    help="Add, list, correct and remove trainers; record when they are unavailable or available.",
    no_args_is_help=True,
)
TrainerArg = Annotated[str, typer.Argument(help="Trainer id, email or unique name.")]


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
    from refocus_cli.services.trainers import add_trainer

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
    from refocus_cli.services.trainers import list_trainers

    with opened(db) as store:
        trainers = list_trainers(store)
    emit(
        [trainer.as_record() if as_json else _row(trainer) for trainer in trainers],
        TRAINER_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        empty="No trainers yet: add one with `refocus trainer add NAME`.",
        optional=("email",),
    )


@app.command("unavailable")
def unavailable(
    trainer: TrainerArg,
    start: Annotated[str, typer.Option("--from", help="First day away, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day away, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option("--reason", help="e.g. annual leave.")] = "",
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Record days a trainer cannot deliver (both dates included)."""
    from refocus_cli.services.trainers import trainer_away

    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    with opened(db) as store:
        away = trainer_away(store, trainer, first, last, clean_text(reason, "--reason"))
    if as_json:
        print_json(away.as_record())
    else:
        message(f"{away.name} is unavailable {show_period(first, last)}.")


@app.command("available")
def available(
    trainer: TrainerArg,
    start: Annotated[str, typer.Option("--from", help="First day they can deliver, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period, YYYY-MM-DD.")],
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Take days out of a trainer's recorded leave (overlapping leave is trimmed or split)."""
    from refocus_cli.services.trainers import trainer_available

    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    with opened(db) as store:
        taken = trainer_available(store, trainer, first, last)
    if as_json:
        print_json(taken.as_record())
        return
    rest = ", ".join(taken.left) or "none"
    message(
        f"{taken.trainer} is available {taken.removed}: leave {', '.join(taken.changed)} "
        f"changed; what is left of it: {rest}."
    )


@app.command("edit")
def edit(
    trainer: TrainerArg,
    name: Annotated[str | None, typer.Option("--name", help="Their full name.")] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Email for calendar invitations.")
    ] = None,
    stages: Annotated[
        str | None,
        typer.Option("--stages", help=f"Comma-separated stages they deliver: {','.join(STAGES)}."),
    ] = None,
    lived_experience: Annotated[
        bool | None,
        typer.Option(
            "--lived-experience/--no-lived-experience",
            help="Whether they are a lived-experience trainer.",
        ),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Correct a trainer's name, email, stages or lived-experience flag; what they are
    booked for on sessions to come cannot be taken away."""
    from refocus_cli.services.trainers import edit_trainer

    new_name = clean_name(name, "trainer") if name is not None else None
    if email is not None and clean_email(email) is None:
        raise InvalidInput("--email cannot be empty: give their email")
    keys = stage_keys(stages) if stages is not None else None
    with opened(db) as store:
        edited = edit_trainer(store, trainer, new_name, clean_email(email), keys, lived_experience)
    if as_json:
        print_json(edited.as_record())
    else:
        message(edited.words())


@app.command("remove")
def remove(trainer: TrainerArg, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Remove a trainer entered by mistake; refused while they are booked on sessions to come."""
    from refocus_cli.services.trainers import remove_trainer

    with opened(db) as store:
        removed = remove_trainer(store, trainer)
    if as_json:
        print_json(removed.as_record())
    else:
        message(removed.said())
