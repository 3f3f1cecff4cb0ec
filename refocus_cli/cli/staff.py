"""`refocus staff …`: people, rosters, moves and leavers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.context import effective_date, opened
from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, OnOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.core.dates import parse_date
from refocus_cli.core.programme import clean_email, clean_name

app = typer.Typer(help="Add, import, list, move staff and mark leavers.", no_args_is_help=True)

STAFF_COLUMNS = [
    ("id", "Id"),
    ("name", "Name"),
    ("team", "Team"),
    ("role", "Role"),
    ("manager", "Manager"),
    ("email", "Email"),
    ("since", "In team since"),
    ("left_on", "Left"),
]
PersonArg = Annotated[str, typer.Argument(help="Staff id, email or unique name.")]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Full name.")],
    team: Annotated[str, typer.Option("--team", help="Team id or name.")],
    role: Annotated[str, typer.Option("--role", help="e.g. care coordinator, psychiatrist.")] = "",
    email: Annotated[str | None, typer.Option("--email", help="Work email.")] = None,
    manager: Annotated[bool, typer.Option("--manager", help="They manage the team.")] = False,
    start: Annotated[
        str | None, typer.Option("--start", help="First day in the team [default: today].")
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Add one member of staff to a team."""
    from refocus_cli.store import staff

    person_name = clean_name(name, "staff")
    address = clean_email(email)
    with opened(db) as store:
        start_date = parse_date(start, "--start") if start else store.today()
        person = staff.add(store, person_name, team, role.strip(), address, manager, start_date)
    if as_json:
        print_json(person)
    else:
        message(
            f"Added {person['name']} (id {person['id']}) to {person['team']} "
            f"from {person['since']}."
        )


@app.command("import")
def import_roster(
    file: Annotated[
        Path,
        typer.Argument(help="Roster as .csv or .xlsx: name, team, email, role, manager, start."),
    ],
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Check and show what would be imported; write nothing."),
    ] = False,
    create_teams: Annotated[
        bool,
        typer.Option("--create-teams", help="Add teams the roster names that do not exist yet."),
    ] = False,
    start: Annotated[
        str | None,
        typer.Option("--start", help="Start date for rows without one [default: today]."),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Import a whole roster: every row is checked first, and nothing is written unless all pass."""
    from refocus_cli.core.roster import check_roster
    from refocus_cli.readers.sheets import read_table
    from refocus_cli.store import staff

    table = read_table(file)
    with opened(db) as store:
        default_start = parse_date(start, "--start") if start else store.today()
        teams, by_email, by_name_team, ended = staff.roster_context(store)
        plan = check_roster(
            table, teams, by_email, by_name_team, default_start, create_teams, ended
        )
        if dry_run:
            result = {
                "added": 0,
                "would_add": len(plan.to_add),
                "unchanged": len(plan.unchanged),
                "teams_created": 0,
                "would_create_teams": plan.new_teams,
            }
        else:
            result = staff.import_roster(store, plan, table.source)
    if as_json:
        print_json({"source": table.source, "dry_run": dry_run, **result})
        return
    if dry_run:
        emit(
            [
                {
                    "row": e.row,
                    "name": e.name,
                    "team": e.team,
                    "email": e.email,
                    "role": e.role,
                    "manager": e.manager,
                    "start": e.start.isoformat(),
                }
                for e in plan.to_add
            ],
            [
                ("row", "Row"),
                ("name", "Name"),
                ("team", "Team"),
                ("email", "Email"),
                ("role", "Role"),
                ("manager", "Manager"),
                ("start", "Start"),
            ],
            title="Would import",
            empty="Nothing new to import.",
        )
        teams_note = f"; would create teams: {', '.join(plan.new_teams)}" if plan.new_teams else ""
        message(
            f"Dry run: {len(plan.to_add)} to add, {len(plan.unchanged)} already on record"
            f"{teams_note}. Nothing was written."
        )
    else:
        message(
            f"Imported {result['added']} staff from {table.source}; {result['unchanged']} "
            f"already on record; {result['teams_created']} teams created."
        )


@app.command("list")
def list_staff(
    team: Annotated[str | None, typer.Option("--team", help="Only this team (id or name).")] = None,
    include_left: Annotated[
        bool, typer.Option("--all", help="Include people who have left.")
    ] = False,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """List staff, by team."""
    from refocus_cli.store import staff

    with opened(db) as store:
        rows = staff.listing(store, team, include_left)
    emit(rows, STAFF_COLUMNS, as_json=as_json, as_csv=as_csv, empty="No staff to show.")


@app.command("move")
def move(
    person: PersonArg,
    to: Annotated[str, typer.Option("--to", help="The team they join (id or name).")],
    on: OnOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Move someone to another team from a date; their old membership is kept."""
    from refocus_cli.store import staff

    with opened(db) as store:
        record = staff.move(store, person, to, effective_date(store, on))
    if as_json:
        print_json(record)
    else:
        message(f"{record['name']} is in {record['team']} from {record['since']}.")


@app.command("leave")
def leave(
    person: PersonArg, on: OnOpt = None, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False
) -> None:
    """Record that someone left on a date; their history stays."""
    from refocus_cli.store import staff

    with opened(db) as store:
        record = staff.leave(store, person, effective_date(store, on))
    if as_json:
        print_json(record)
    else:
        message(f"{record['name']} left on {record['left_on']}.")
