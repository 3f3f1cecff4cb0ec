"""`refocus venue …`: rooms and their capacity."""

from __future__ import annotations

from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.core.programme import clean_name, clean_text
from refocus_cli.services.context import opened

app = typer.Typer(help="Add, list, correct and remove venues.", no_args_is_help=True)
VenueArg = Annotated[str, typer.Argument(help="Venue id or name.")]

MAX_CAPACITY = 10_000


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The venue's name.")],
    capacity: Annotated[
        int, typer.Option("--capacity", help="How many people it seats.", min=1, max=MAX_CAPACITY)
    ],
    site: Annotated[str, typer.Option("--site", help="Which site it is on.")] = "",
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Add a venue with its capacity."""
    from refocus_cli.services.venues import add_venue

    with opened(db) as store:
        venue = add_venue(store, clean_name(name, "venue"), capacity, clean_text(site, "--site"))
    if as_json:
        print_json(venue.as_record())
    else:
        message(f"Added venue {venue.name} (id {venue.id}, seats {venue.capacity}).")


@app.command("list")
def list_venues(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """List venues."""
    from refocus_cli.services.venues import list_venues

    with opened(db) as store:
        venues = list_venues(store)
    emit(
        [venue.as_record() for venue in venues],
        [("id", "Id"), ("name", "Venue"), ("site", "Site"), ("capacity", "Capacity")],
        as_json=as_json,
        as_csv=as_csv,
        empty="No venues yet: add one with `refocus venue add`.",
    )


@app.command("edit")
def edit(
    venue: VenueArg,
    name: Annotated[str | None, typer.Option("--name", help="The venue's new name.")] = None,
    capacity: Annotated[
        int | None,
        typer.Option("--capacity", help="How many people it seats.", min=1, max=MAX_CAPACITY),
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="Which site it is on.")] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Correct a venue's name, capacity or site; sessions to come must still fit."""
    from refocus_cli.services.venues import edit_venue

    new_name = clean_name(name, "venue") if name is not None else None
    new_site = clean_text(site, "--site") if site is not None else None
    with opened(db) as store:
        edited = edit_venue(store, venue, new_name, capacity, new_site)
    if as_json:
        print_json(edited.as_record())
    else:
        message(edited.words())


@app.command("remove")
def remove(venue: VenueArg, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Remove a venue entered by mistake; refused while sessions to come are booked there."""
    from refocus_cli.services.venues import remove_venue

    with opened(db) as store:
        removed = remove_venue(store, venue)
    if as_json:
        print_json(removed.as_record())
    else:
        message(removed.said())
