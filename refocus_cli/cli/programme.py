"""`refocus init` (a new programme in a new database file) and `refocus programme show|set`
(its settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt
from refocus_cli.cli.output import message, print_json, print_record
from refocus_cli.core.dates import parse_date, zone
from refocus_cli.core.programme import DEFAULT_REGION, DEFAULT_TIMEZONE, clean_name
from refocus_cli.core.workdays import holiday_region
from refocus_cli.services.context import opened

app = typer.Typer(help="Show and change the programme's settings.", no_args_is_help=True)
MAX_NOTICE_DAYS = 365
PROGRAMME_FIELDS = [
    ("name", "Programme"),
    ("timezone", "Time zone"),
    ("region", "Holidays"),
    ("start_date", "Starts"),
    ("follow_up_date", "Follow-up"),
    ("notice_days", "Catch-up notice (working days)"),
    ("organisation", "Organisation"),
    ("signatory", "Signs certificates"),
    ("signatory_role", "Signatory's role"),
    ("logo_type", "Logo"),
]


def init(
    name: Annotated[
        str, typer.Argument(help='The programme\'s name, e.g. "Southside Trust REFOCUS 2027".')
    ],
    tz: Annotated[
        str, typer.Option("--tz", help="Time zone sessions are shown in.")
    ] = DEFAULT_TIMEZONE,
    region: Annotated[
        str,
        typer.Option(
            "--region",
            help="Public holidays: england, wales, scotland, northern-ireland, or any "
            "country or subdivision code, e.g. ie, au-nsw, us-ny.",
        ),
    ] = DEFAULT_REGION,
    start: Annotated[
        str | None, typer.Option("--start", help="First day of the rollout, YYYY-MM-DD.")
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Create a database for a new programme (private to you: mode 0600)."""
    title = clean_name(name, "programme")
    zone(tz)
    region = holiday_region(region)
    start_date = parse_date(start, "--start") if start is not None else None
    from refocus_cli.services.organisation import start_programme

    with opened(db, create=True) as store:
        record = start_programme(store, title, tz, region, start_date).as_record()
    if as_json:
        print_json(record)
        return
    print_record(
        {**record, "db": str(db)},
        [
            ("name", "Programme"),
            ("timezone", "Time zone"),
            ("region", "Holidays"),
            ("start_date", "Starts"),
            ("db", "Database"),
        ],
    )
    message(
        "Next: add teams (`refocus team add`), staff (`refocus staff import roster.csv`), "
        "trainers and a cohort."
    )


@app.command("show")
def show(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Show the programme and its settings."""
    from refocus_cli.services.organisation import show_programme

    with opened(db) as store:
        record = show_programme(store).as_record()
    if as_json:
        print_json(record)
    else:
        print_record(record, PROGRAMME_FIELDS)


@app.command("set")
def set_settings(
    follow_up: Annotated[
        str | None,
        typer.Option(
            "--follow-up", help="The follow-up date participation is compared at, YYYY-MM-DD."
        ),
    ] = None,
    notice_days: Annotated[
        int | None,
        typer.Option(
            "--notice-days",
            help="Working days of notice before a catch-up session [default: 10].",
            min=0,
            max=MAX_NOTICE_DAYS,
        ),
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", help='Printed on certificates ("" for none).'),
    ] = None,
    signatory: Annotated[
        str | None,
        typer.Option(
            "--signatory",
            help='Who signs certificates for the organisation: "NAME, ROLE" ("" for none).',
        ),
    ] = None,
    logo: Annotated[
        Path | None,
        typer.Option(
            "--logo",
            help="A PNG, JPEG or SVG logo for certificates (under 1 MB); kept in the database.",
            dir_okay=False,
        ),
    ] = None,
    no_logo: Annotated[
        bool, typer.Option("--no-logo", help="Take the logo off certificates.")
    ] = False,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="Public holidays, as for `init --region` (e.g. england, ie, au-nsw); plans "
            "made after keep to them, sessions already planned are not moved.",
        ),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Change the programme's settings: the follow-up date, the catch-up notice period,
    the public holidays' region, and what certificates print (organisation, signatory,
    logo)."""
    from refocus_cli.services.organisation import sessions_on_holidays, set_programme

    follow_up_date = parse_date(follow_up, "--follow-up") if follow_up is not None else None
    with opened(db) as store:
        edited = set_programme(
            store,
            follow_up_date,
            notice_days,
            organisation=organisation,
            signatory=signatory,
            logo=logo,
            no_logo=no_logo,
            region=region,
        )
        moved = any(change.field == "region" for change in edited.changes)
        on_holidays = sessions_on_holidays(store) if moved else None
    if as_json:
        print_json(edited.as_record() | (on_holidays.as_record() if on_holidays else {}))
        return
    message(edited.words())
    if on_holidays is not None:
        message(on_holidays.words())
