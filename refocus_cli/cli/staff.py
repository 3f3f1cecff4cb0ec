"""`refocus staff …`: people, rosters, moves and leavers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.audit import AUDIT_COLUMNS, readable
from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, OnOpt
from refocus_cli.cli.output import emit, message, print_json, print_record, print_table
from refocus_cli.core.dates import parse_date
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.programme import clean_email, clean_name, clean_text
from refocus_cli.services.context import effective_date, opened

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
        start_date = parse_date(start, "--start") if start is not None else store.today()
        person = staff.add(
            store, person_name, team, clean_text(role, "--role"), address, manager, start_date
        )
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
        default_start = parse_date(start, "--start") if start is not None else store.today()
        teams, by_email, by_name_team, ended, no_email_ids = staff.roster_context(store)
        plan = check_roster(
            table, teams, by_email, by_name_team, default_start, create_teams, ended, no_email_ids
        )
        if dry_run:
            result = {
                "added": 0,
                "would_add": len(plan.to_add),
                "unchanged": len(plan.unchanged),
                "would_add_emails": len(plan.emails_added),
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
            f"already on record"
            + (
                f"; {result['emails_added']} now have the email the roster gives"
                if result["emails_added"]
                else ""
            )
            + f"; {result['teams_created']} teams created."
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


@app.command("export")
def export(person: PersonArg, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Everything held on a person, for a subject access request."""
    from refocus_cli.store import staff

    with opened(db) as store:
        held = staff.subject_access(store, person)
    if as_json:
        print_json(held)
        return
    readable(held["audit"])
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
    print(f"\nExported {held['exported_at']}.")


@app.command("forget")
def forget(
    person: PersonArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Erase a person's name, email and role everywhere; anonymous counts stay."""
    from refocus_cli.store import staff

    with opened(db) as store:
        found = staff.find_staff(store, person)
        who = f"{found['name']} (id {found['id']})"
        if not yes:
            if not sys.stdin.isatty():
                raise InvalidInput(
                    f"forgetting {who} cannot be undone and there is no terminal to ask on: "
                    "add --yes to go ahead"
                )
            question = f"Erase {who} for good? Their attendance stays, without their name"
            if not typer.confirm(question, default=False, err=True):
                message("Nothing was erased.")
                raise typer.Exit(1)
        result = staff.forget(store, str(found["id"]))
    if as_json:
        print_json(result)
        return
    message(
        f"Forgot {who}: now {result['name']}, with {_count(result['memberships'], 'membership')}"
        f" and {_count(result['attendance'], 'attendance mark')} kept; "
        f"{_count(result['audit_entries_erased'], 'audit entry', 'audit entries')} and "
        f"{_count(result['notes_erased'], 'note')} cleaned."
    )
    if result["log_still_open"]:
        message(
            "Another program has the database open: the erased details leave its "
            f"write-ahead log ({db}-wal) when that program closes."
        )
    message("Backups made before now still hold them: replace or destroy those copies.")


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
