"""`refocus sessions` and `refocus session …`: the diary, and moving or cancelling a session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import emit, message, print_json, print_record, print_table
from refocus_cli.core.programme import clean_text
from refocus_cli.core.vocabulary import SessionKind
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.session_changes import SessionChange
    from refocus_cli.services.sessions import SessionRecord

app = typer.Typer(
    help="Show, move, cancel or restore one session, or assign its trainers or venue.",
    no_args_is_help=True,
)

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


def _short(records: list[SessionRecord]) -> list[dict[str, Any]]:
    """Rows for a table: the start without seconds or offset, the end as a time of day, and
    catch-up sessions marked as such."""
    return [
        {
            **record.as_json(),
            "start": record.start[:16].replace("T", " "),
            "end": record.end[11:16],
            "module": f"{record.module} (catch-up)"
            if record.kind == SessionKind.CATCH_UP
            else record.module,
        }
        for record in records
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
    from refocus_cli.services import sessions as session_service

    # An empty value (an unset shell variable) is refused, not read as "no filter".
    first = parse_date(since, "--from") if since is not None else None
    last = parse_date(until, "--to") if until is not None else None
    if first and last and last < first:
        # Else an empty list would read as "nothing planned" rather than a typing slip.
        raise InvalidInput(f"--to {last} is before --from {first}: give the period in order")
    with opened(db) as store:
        records = session_service.find_sessions(
            store, cohort=cohort, team=team, trainer=trainer, since=first, until=last
        )
    emit(
        [record.as_json() for record in records] if as_json or as_csv else _short(records),
        SESSION_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        empty="No sessions match: plan some with `refocus schedule COHORT`.",
    )


@app.command("show")
def show(session: IdArg, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Show one session in full."""
    from refocus_cli.services import sessions as session_service

    with opened(db) as store:
        record = session_service.session_detail(store, session).as_json()
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
    from refocus_cli.services import sessions as session_service

    new_start = parse_datetime(to, "--to")
    why = clean_text(reason, "--reason")
    with opened(db) as store:
        record = session_service.move(store, session, new_start, why, manual)
    if as_json:
        print_json(record.as_json())
    else:
        message(f"Moved session {record.id} to {record.start} (sequence {record.sequence}).")


@app.command("cancel")
def cancel(
    session: IdArg,
    reason: ReasonOpt = "",
    trainer_unavailable: Annotated[
        bool,
        typer.Option(
            "--trainer-unavailable",
            help="Its trainer could not deliver it: record them as away that day, so "
            "`replan` gives it to another trainer.",
        ),
    ] = False,
    trainer: Annotated[
        list[str] | None,
        typer.Option(
            "--trainer",
            help="With --trainer-unavailable, which of its trainers (repeat for more).",
        ),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Cancel a session; it stays on record as cancelled."""
    from refocus_cli.services import sessions as session_service

    why = clean_text(reason, "--reason")
    with opened(db) as store:
        done = session_service.cancel(
            store, session, why, trainer_unavailable=trainer_unavailable, trainers=trainer or ()
        )
    if as_json:
        print_json(done.as_json())
        return
    record = done.record
    message(f"Cancelled session {record.id} ({record.module}, {record.start}).")
    if done.unavailable:
        message(
            f"Recorded {' and '.join(done.unavailable)} as unavailable on {record.start[:10]}: "
            "`replan` gives the session to another trainer, on the same day if one is free."
        )
    if record.kind == SessionKind.CATCH_UP:
        message("Its people are waiting again: plan another with `refocus catchup --schedule`.")
    else:
        message(f"Repair the plan with `refocus replan {record.cohort}`.")


@app.command("assign")
def assign(
    session: IdArg,
    trainer: Annotated[
        list[str] | None,
        typer.Option("--trainer", help="Its trainers from now, the lead first (repeat for each)."),
    ] = None,
    venue: Annotated[str | None, typer.Option("--venue", help="Its venue from now.")] = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Give a session other trainers or another venue; every rule is checked as for a move."""
    from refocus_cli.services import session_changes

    with opened(db) as store:
        done = session_changes.assign(store, session, trainer or (), venue, manual)
    _told(done, as_json)


@app.command("restore")
def restore(
    session: IdArg, manual: ManualOpt = None, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False
) -> None:
    """Undo a session's cancellation, if its place is still free and nothing replaced it."""
    from refocus_cli.services import session_changes

    with opened(db) as store:
        done = session_changes.restore(store, session, manual)
    _told(done, as_json)


def _told(done: SessionChange, as_json: bool) -> None:
    """A changed session: its record for programs, what changed in words for people."""
    if as_json:
        print_json(done.as_json())
        return
    record = done.record
    message(
        f"Session {record.id} ({record.module}, {record.start[:16].replace('T', ' ')}): "
        f"{'; '.join(done.changes)} (sequence {record.sequence})."
    )
