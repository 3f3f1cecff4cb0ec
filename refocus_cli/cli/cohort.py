"""`refocus cohort …`: waves of teams that go through the stages together."""

from __future__ import annotations

from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, OnOpt
from refocus_cli.cli.output import emit, message, print_json, print_record
from refocus_cli.core.dates import parse_date
from refocus_cli.core.display import show_day
from refocus_cli.core.programme import clean_name
from refocus_cli.services.context import effective_date, opened

app = typer.Typer(
    help="Create, list and show cohorts; add a team to one or take one out.", no_args_is_help=True
)
CohortArg = Annotated[str, typer.Argument(help="Cohort id or name.")]
ViewOnOpt = Annotated[
    str | None,
    typer.Option("--on", help="Show staff and teams as on this date [default: today]."),
]

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
    from refocus_cli.services.cohorts import create_cohort

    with opened(db) as store:
        cohort = create_cohort(store, clean_name(name, "cohort"), team)
    if as_json:
        print_json(cohort.as_record())
    else:
        message(f"Created cohort {cohort.name} (id {cohort.id}) with {cohort.teams} teams.")


@app.command("list")
def list_cohorts(
    on: ViewOnOpt = None, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False, as_csv: CsvOpt = False
) -> None:
    """List cohorts, with their staff as on a day (today unless --on)."""
    from refocus_cli.services.cohorts import list_cohorts

    day = parse_date(on, "--on") if on is not None else None
    with opened(db) as store:
        cohorts = list_cohorts(store, day)
        tz = store.tz()
    records = [cohort.as_record() for cohort in cohorts]
    emit(
        records
        if as_json or as_csv
        else [{**row, "created_at": show_day(row["created_at"], tz)} for row in records],
        COHORT_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        empty="No cohorts yet: create one with `refocus cohort create NAME --team T`.",
    )


@app.command("show")
def show(
    cohort: CohortArg, on: ViewOnOpt = None, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False
) -> None:
    """Show a cohort and its teams as on a day (today unless --on); a later merge or
    disband shows as scheduled."""
    from refocus_cli.services.cohorts import show_cohort

    day = parse_date(on, "--on") if on is not None else None
    with opened(db) as store:
        record = show_cohort(store, cohort, day).as_record()
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
            ("scheduled", "Scheduled"),
        ],
        title=f"Teams on {record['on']}",
    )


@app.command("add-team")
def add_team(
    cohort: CohortArg,
    teams: Annotated[list[str], typer.Argument(help="Teams to add (id or name), one or more.")],
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Add teams to a cohort after it was created; `replan` then plans them."""
    from refocus_cli.services.cohorts import add_teams

    with opened(db) as store:
        added = add_teams(store, cohort, teams)
    if as_json:
        print_json(added.as_record())
    else:
        message(
            f"Added {', '.join(added.added)} to cohort {added.cohort}: "
            f"run `refocus replan --cohort {added.cohort}` to plan them."
        )


@app.command("remove-team")
def remove_team(
    cohort: CohortArg,
    team: Annotated[str, typer.Argument(help="The team to take out (id or name).")],
    on: OnOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Take a team out of a cohort from a date: its sessions from then are cancelled, or go
    on without it where shared."""
    from refocus_cli.services.cohorts import remove_team as take_out

    with opened(db) as store:
        result = take_out(store, cohort, team, effective_date(store, on))
    if as_json:
        print_json(result.as_record())
        return
    parts = []
    if result.sessions_cancelled:
        parts.append(f"{result.sessions_cancelled} of its own sessions cancelled")
    if result.sessions_left:
        parts.append(f"{result.sessions_left} shared sessions go on without it")
    sessions = "; ".join(parts) if parts else "no sessions to change"
    message(
        f"Took {result.team} out of cohort {result.cohort} from {show_day(result.on)}: {sessions}."
    )
