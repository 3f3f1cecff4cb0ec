"""`refocus cohort …`: waves of teams that go through the stages together."""

from __future__ import annotations

from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message, print_json, print_record
from refocus_cli.core.programme import clean_name
from refocus_cli.services.context import opened

app = typer.Typer(help="Create, list and show cohorts.", no_args_is_help=True)

COHORT_COLUMNS = [
    ("id", "Id"),
    ("name", "Cohort"),
    ("teams", "Teams"),
    ("staff", "Staff"),
    ("created_at", "Created"),
]


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The cohort's name, e.g. WAVE1.")],
    team: Annotated[
        list[str], typer.Option("--team", help="A team in the cohort (repeat for each).")
    ],
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Create a cohort of teams."""
    from refocus_cli.services.organisation import create_cohort

    with opened(db) as store:
        cohort = create_cohort(store, clean_name(name, "cohort"), team)
    if as_json:
        print_json(cohort.as_record())
    else:
        message(f"Created cohort {cohort.name} (id {cohort.id}) with {cohort.teams} teams.")


@app.command("list")
def list_cohorts(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """List cohorts."""
    from refocus_cli.services.organisation import list_cohorts

    with opened(db) as store:
        cohorts = list_cohorts(store)
    emit(
        [cohort.as_record() for cohort in cohorts],
        COHORT_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        empty="No cohorts yet: create one with `refocus cohort create NAME --team T`.",
    )


@app.command("show")
def show(
    cohort: Annotated[str, typer.Argument(help="Cohort id or name.")],
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Show a cohort and its teams."""
    from refocus_cli.services.organisation import show_cohort

    with opened(db) as store:
        record = show_cohort(store, cohort).as_record()
    if as_json:
        print_json(record)
        return
    print_record(record, COHORT_COLUMNS[1:])
    emit(
        record["team_list"],
        [
            ("id", "Id"),
            ("name", "Team"),
            ("site", "Site"),
            ("kind", "Kind"),
            ("status", "Status"),
            ("staff", "Staff"),
        ],
        title="Teams",
    )
