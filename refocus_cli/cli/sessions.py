"""`refocus sessions` and `refocus session …`: the diary, and moving or cancelling a session."""

from __future__ import annotations

from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import emit, message, print_json, print_record, print_table
from refocus_cli.core.programme import clean_text
from refocus_cli.services.context import opened

app = typer.Typer(help="Show, move or cancel one session.", no_args_is_help=True)

SESSION_COLUMNS = [
    ("id", "Id"),
    ("start", "Start"),
    ("end", "End"),
    ("stage", "Stage"),
    ("module", "Module"),
    ("teams", "Teams"),
    ("trainers", "Trainers"),
    ("venue", "Venue"),
    ("status", "Status"),
]
IdArg = Annotated[str, typer.Argument(help="Session id (see `refocus sessions`).")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why, for the audit log.")]


def _short(rows: list[dict]) -> list[dict]:
    return [
        {**row, "start": row["start"][:16].replace("T", " "), "end": row["end"][11:16]}
        for row in rows
    ]


def sessions(
    cohort: Annotated[str | None, typer.Option("--cohort", help="Cohort id or name.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Team id or name.")] = None,
    trainer: Annotated[
        str | None, typer.Option("--trainer", help="Trainer id, email or name.")
    ] = None,
    since: Annotated[str | None, typer.Option("--from", help="From this date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="To this date, YYYY-MM-DD.")] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """List sessions, in time order, with filters."""
    from refocus_cli.core.dates import parse_date
    from refocus_cli.core.errors import InvalidInput
    from refocus_cli.store import sessions as session_store
    from refocus_cli.store.cohorts import find_cohort
    from refocus_cli.store.teams import find_team
    from refocus_cli.store.trainers import find_trainer

    # An empty value (an unset shell variable) is refused, not read as "no filter".
    first = parse_date(since, "--from") if since is not None else None
    last = parse_date(until, "--to") if until is not None else None
    if first and last and last < first:
        # Else an empty list would read as "nothing planned" rather than a typing slip.
        raise InvalidInput(f"--to {last} is before --from {first}: give the period in order")
    with opened(db) as store:
        rows = session_store.listing(
            store,
            cohort_id=find_cohort(store, cohort)["id"] if cohort is not None else None,
            team_id=find_team(store, team)["id"] if team is not None else None,
            trainer_id=find_trainer(store, trainer)["id"] if trainer is not None else None,
            since=first,
            until=last,
        )
    emit(
        rows if as_json or as_csv else _short(rows),
        SESSION_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        empty="No sessions match: plan some with `refocus schedule COHORT`.",
    )


@app.command("show")
def show(session: IdArg, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Show one session in full."""
    from refocus_cli.store import sessions as session_store
    from refocus_cli.store.attendance import marks_of

    with opened(db) as store:
        record = session_store.get(store, session)
        record["attendance"] = [
            {**mark, "visitor": bool(mark["visitor"])} for mark in marks_of(store, record["id"])
        ]
    if as_json:
        print_json(record)
        return
    print_record(
        record,
        [
            ("id", "Session"),
            ("uuid", "UUID"),
            ("cohort", "Cohort"),
            ("stage", "Stage"),
            ("module", "Module"),
            ("occurrence", "Session no."),
            ("group", "Group"),
            ("start", "Start"),
            ("end", "End"),
            ("teams", "Teams"),
            ("trainers", "Trainers"),
            ("venue", "Venue"),
            ("expected", "Expected"),
            ("status", "Status"),
            ("sequence", "Sequence"),
            ("note", "Note"),
        ],
    )
    if record["attendance"]:
        print_table(
            record["attendance"],
            [
                ("name", "Name"),
                ("visitor", "Visitor"),
                ("status", "Status"),
                ("recorded_by", "Recorded by"),
                ("recorded_at", "Recorded at"),
            ],
            title="Attendance",
        )


@app.command("move")
def move(
    session: IdArg,
    to: Annotated[str, typer.Option("--to", help='New start, "YYYY-MM-DD HH:MM".')],
    reason: ReasonOpt = "",
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Move a session; every constraint is checked and any clash is named."""
    from refocus_cli.core.dates import parse_datetime
    from refocus_cli.services import manual as manual_service
    from refocus_cli.store import planning
    from refocus_cli.store import sessions as session_store

    new_start = parse_datetime(to, "--to")
    why = clean_text(reason, "--reason")
    with opened(db) as store:
        curriculum = manual_service.curriculum(store, manual)
        context = planning.rules_context(store, curriculum, new_start.date())
        record = session_store.move(store, session, new_start, why, context)
    if as_json:
        print_json(record)
    else:
        message(
            f"Moved session {record['id']} to {record['start']} (sequence {record['sequence']})."
        )


@app.command("cancel")
def cancel(
    session: IdArg, reason: ReasonOpt = "", db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False
) -> None:
    """Cancel a session; it stays on record as cancelled."""
    from refocus_cli.store import sessions as session_store

    with opened(db) as store:
        record = session_store.cancel(store, session, clean_text(reason, "--reason"))
    if as_json:
        print_json(record)
    else:
        message(
            f"Cancelled session {record['id']} ({record['module']}, {record['start']}). "
            f"Repair the plan with `refocus replan {record['cohort']}`."
        )
