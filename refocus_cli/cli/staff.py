"""`refocus staff …`: people, rosters, moves and leavers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli import staff_record
from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, OnOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.core.dates import parse_date
from refocus_cli.core.display import show_day
from refocus_cli.core.programme import clean_email, clean_name, clean_text
from refocus_cli.services.context import effective_date, opened

if TYPE_CHECKING:
    from refocus_cli.services.roster import RosterImport
    from refocus_cli.services.staff import StaffMember

app = typer.Typer(
    help="Add, import, list, show, correct and move staff, mark leavers; "
    "export or forget what is held on someone.",
    no_args_is_help=True,
)

STAFF_COLUMNS = [
    ("id", "Id"),
    ("name", "Name"),
    ("team", "Team"),
    ("role", "Role"),
    ("manager", "Manager"),
    ("clinical", "Clinical"),
    ("email", "Email"),
    ("since", "In team since"),
    ("left_on", "Left"),
    ("scheduled", "Scheduled"),
]
CSV_COLUMNS = [*STAFF_COLUMNS[:6], ("clinical_guessed", "Clinical guessed"), *STAFF_COLUMNS[6:]]
ROSTER_COLUMNS = [
    ("row", "Row"),
    ("name", "Name"),
    ("team", "Team"),
    ("email", "Email"),
    ("role", "Role"),
    ("manager", "Manager"),
    ("clinical", "Clinical"),
    ("start", "Start"),
]
PersonArg = staff_record.PersonArg


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
    clinical: Annotated[
        bool | None,
        typer.Option(
            "--clinical/--no-clinical",
            help="Whether they are clinical (hold a caseload) [default: guessed from --role, "
            "marked as a guess to check].",
        ),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Add one member of staff to a team."""
    from refocus_cli.services.staff import add_staff

    person_name = clean_name(name, "staff")
    address = clean_email(email)
    with opened(db) as store:
        start_date = parse_date(start, "--start") if start is not None else None
        person = add_staff(
            store,
            person_name,
            team,
            clean_text(role, "--role"),
            address,
            manager,
            start_date,
            clinical,
        )
    if as_json:
        print_json(person.as_record())
        return
    message(f"Added {person.name} (id {person.id}) to {person.team} from {show_day(person.since)}.")
    if person.clinical_guessed:
        guess = "clinical" if person.clinical else "not clinical"
        message(
            f"Guessed {guess} from the job title: say which with --clinical or --no-clinical "
            "(`refocus staff edit`)."
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
    allow_duplicate_names: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate-names",
            help="Import people whose name is taken in their team (or, without emails, in "
            "another team) as different people; each is warned about.",
        ),
    ] = False,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Import a whole roster: every row is checked first, and nothing is written unless all pass."""
    from refocus_cli.readers.sheets import read_table
    from refocus_cli.services import roster

    table = read_table(file)
    with opened(db) as store:
        default_start = parse_date(start, "--start") if start is not None else None
        result = roster.import_roster(
            store,
            table,
            default_start,
            create_teams=create_teams,
            dry_run=dry_run,
            allow_duplicate_names=allow_duplicate_names,
        )
    for duplicate in result.plan.duplicate_names:
        message(f"Warning: {duplicate}")
    if as_json:
        print_json(result.as_record())
    elif dry_run:
        _show_dry_run(result)
    else:
        emails = (
            f"; {result.emails_added} now have the email the roster gives"
            if result.emails_added
            else ""
        )
        clinical = (
            f"; {result.clinical_set} now have the clinical flag the roster gives"
            if result.clinical_set
            else ""
        )
        message(
            f"Imported {result.added} staff from {result.source}; {result.unchanged} "
            f"already on record{emails}{clinical}; {result.teams_created} teams created."
        )


def _show_dry_run(result: RosterImport) -> None:
    plan = result.plan
    emit(
        [entry.as_record() for entry in plan.to_add],
        ROSTER_COLUMNS,
        title="Would import",
        empty="Nothing new to import.",
    )
    teams_note = f"; would create teams: {', '.join(plan.new_teams)}" if plan.new_teams else ""
    message(
        f"Dry run: {len(plan.to_add)} to add, {result.unchanged} already on record"
        f"{teams_note}. Nothing was written."
    )


@app.command("list")
def list_staff(
    team: Annotated[str | None, typer.Option("--team", help="Only this team (id or name).")] = None,
    include_left: Annotated[
        bool, typer.Option("--all", help="Include people who have left.")
    ] = False,
    clinical_guessed: Annotated[
        bool,
        typer.Option(
            "--clinical-guessed",
            help="Only people whose clinical flag was guessed from their job title.",
        ),
    ] = False,
    on: staff_record.ViewOnOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """List staff by team as on a day (today unless --on); later moves and leaving show as
    scheduled."""
    from refocus_cli.services import staff

    day = parse_date(on, "--on") if on is not None else None
    with opened(db) as store:
        people = staff.list_staff(store, team, include_left, day, clinical_guessed)
    if as_json or as_csv:
        emit([p.as_record() for p in people], CSV_COLUMNS, as_json=as_json, as_csv=as_csv)
        return
    emit(
        [_row(person) for person in people],
        STAFF_COLUMNS,
        empty="No staff to show.",
        optional=("scheduled", "left_on", "role", "clinical", "manager", "email"),
    )


def _row(person: StaffMember) -> dict[str, Any]:
    """A person for a table: the clinical flag says when it is a guess."""
    clinical = "yes" if person.clinical else "no"
    return {
        **person.as_record(),
        "clinical": f"{clinical} (guessed)" if person.clinical_guessed else clinical,
        "scheduled": "; ".join(person.scheduled),
    }


@app.command("move")
def move(
    person: PersonArg,
    to: Annotated[str, typer.Option("--to", help="The team they join (id or name).")],
    on: OnOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Move someone to another team from a date; their old membership is kept."""
    from refocus_cli.services import staff

    with opened(db) as store:
        moved = staff.move_staff(store, person, to, effective_date(store, on))
    if as_json:
        print_json(moved.as_record())
    else:
        message(f"{moved.name} is in {moved.team} from {show_day(moved.since)}.")


@app.command("leave")
def leave(
    person: PersonArg, on: OnOpt = None, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False
) -> None:
    """Record that someone left on a date; their history stays."""
    from refocus_cli.services import staff

    with opened(db) as store:
        day = effective_date(store, on)
        leaver = staff.record_leaving(store, person, day)
        today = store.today()
    if as_json:
        print_json(leaver.as_record())
    elif day > today:
        message(f"{leaver.name} leaves on {show_day(leaver.left_on)} (scheduled).")
    else:
        message(f"{leaver.name} left on {show_day(leaver.left_on)}.")


app.command("show")(staff_record.show)
app.command("edit")(staff_record.edit)
app.command("export")(staff_record.export)
app.command("forget")(staff_record.forget)
