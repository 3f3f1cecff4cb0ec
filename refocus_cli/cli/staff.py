"""`refocus staff …`: people, rosters, moves and leavers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from refocus_cli.cli.audit import AUDIT_COLUMNS, readable
from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, OnOpt
from refocus_cli.cli.output import emit, message, print_json, print_record, print_table
from refocus_cli.core.dates import parse_date
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.programme import clean_email, clean_name, clean_text
from refocus_cli.services.context import effective_date, opened

if TYPE_CHECKING:
    from refocus_cli.services.roster import RosterImport

app = typer.Typer(
    help="Add, import, list, move staff, mark leavers; export or forget what is held on someone.",
    no_args_is_help=True,
)

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
PERSON_FIELDS = [
    ("id", "Id"),
    ("uuid", "UUID"),
    ("name", "Name"),
    ("email", "Email"),
    ("role", "Role"),
    ("manager", "Manager"),
    ("team", "Team now"),
    ("since", "In team since"),
    ("left_on", "Left"),
    ("created_at", "On record since"),
]
MEMBERSHIP_COLUMNS = [
    ("team", "Team"),
    ("start_date", "From"),
    ("end_date", "To"),
    ("end_reason", "Why it ended"),
]
ATTENDANCE_COLUMNS = [
    ("session_id", "Session"),
    ("start", "Start"),
    ("module", "Module"),
    ("status", "Status"),
    ("recorded_by", "Recorded by"),
    ("recorded_at", "Recorded at"),
]
INVITATION_COLUMNS = [
    ("session_id", "Session"),
    ("start", "Start"),
    ("module", "Module"),
    ("status", "Session status"),
]
ROSTER_COLUMNS = [
    ("row", "Row"),
    ("name", "Name"),
    ("team", "Team"),
    ("email", "Email"),
    ("role", "Role"),
    ("manager", "Manager"),
    ("start", "Start"),
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
    from refocus_cli.services.staff import add_staff

    person_name = clean_name(name, "staff")
    address = clean_email(email)
    with opened(db) as store:
        start_date = parse_date(start, "--start") if start is not None else None
        person = add_staff(
            store, person_name, team, clean_text(role, "--role"), address, manager, start_date
        )
    if as_json:
        print_json(person.as_record())
    else:
        message(f"Added {person.name} (id {person.id}) to {person.team} from {person.since}.")


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
    from refocus_cli.readers.sheets import read_table
    from refocus_cli.services import roster

    table = read_table(file)
    with opened(db) as store:
        default_start = parse_date(start, "--start") if start is not None else None
        result = roster.import_roster(
            store, table, default_start, create_teams=create_teams, dry_run=dry_run
        )
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
        message(
            f"Imported {result.added} staff from {result.source}; {result.unchanged} "
            f"already on record{emails}; {result.teams_created} teams created."
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
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """List staff, by team."""
    from refocus_cli.services import staff

    with opened(db) as store:
        people = staff.list_staff(store, team, include_left)
    emit(
        [person.as_record() for person in people],
        STAFF_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        empty="No staff to show.",
    )


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
        message(f"{moved.name} is in {moved.team} from {moved.since}.")


@app.command("leave")
def leave(
    person: PersonArg, on: OnOpt = None, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False
) -> None:
    """Record that someone left on a date; their history stays."""
    from refocus_cli.services import staff

    with opened(db) as store:
        leaver = staff.record_leaving(store, person, effective_date(store, on))
    if as_json:
        print_json(leaver.as_record())
    else:
        message(f"{leaver.name} left on {leaver.left_on}.")


@app.command("export")
def export(person: PersonArg, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Everything held on a person, for a subject access request."""
    from refocus_cli.services.data_protection import subject_access

    with opened(db) as store:
        access = subject_access(store, person)
    held = access.as_record()
    if as_json:
        print_json(held)
        return
    readable(access.audit)
    record = held["person"]
    print(f"Everything refocus holds on {record['name']} (id {record['id']})")
    print_record(record, PERSON_FIELDS)
    sections = [
        ("Team memberships", "memberships", MEMBERSHIP_COLUMNS),
        ("Attendance", "attendance", ATTENDANCE_COLUMNS),
        ("Catch-up invitations", "catch_up_invitations", INVITATION_COLUMNS),
        ("Audit log entries about them", "audit", AUDIT_COLUMNS),
    ]
    for title, key, columns in sections:
        print()
        if held[key]:
            print_table(held[key], columns, title=title)
        else:
            print(f"{title}: none")
    print(f"\nExported {access.exported_at}.")


@app.command("forget")
def forget(
    person: PersonArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Erase a person's name, email and role everywhere; anonymous counts stay."""
    from refocus_cli.services import data_protection
    from refocus_cli.services.staff import find_member

    with opened(db) as store:
        found = find_member(store, person)
        who = f"{found.name} (id {found.id})"
        if not yes:
            _confirm_forgetting(who)
        result = data_protection.forget(store, str(found.id))
    if as_json:
        print_json(result.as_record())
        return
    message(
        f"Forgot {who}: now {result.name}, with {_count(result.memberships, 'membership')}"
        f" and {_count(result.attendance, 'attendance mark')} kept; "
        f"{_count(result.audit_entries_erased, 'audit entry', 'audit entries')} and "
        f"{_count(result.notes_erased, 'note')} cleaned."
    )
    if result.log_still_open:
        message(
            "Another program has the database open: the erased details leave its "
            f"write-ahead log ({db}-wal) when that program closes."
        )
    message("Backups made before now still hold them: replace or destroy those copies.")


def _confirm_forgetting(who: str) -> None:
    """Ask at the terminal before erasing; exit 1 if the answer is no or nobody can answer."""
    if not sys.stdin.isatty():
        raise InvalidInput(
            f"forgetting {who} cannot be undone and there is no terminal to ask on: "
            "add --yes to go ahead"
        )
    question = f"Erase {who} for good? Their attendance stays, without their name"
    if not typer.confirm(question, default=False, err=True):
        message("Nothing was erased.")
        raise typer.Exit(1)


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
