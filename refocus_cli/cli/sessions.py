"""`refocus sessions` and `refocus session …`: the diary, and moving or cancelling a session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli import output
from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import emit, message, print_json, print_record, print_table
from refocus_cli.core.display import show_day, show_moment, show_span
from refocus_cli.core.programme import clean_text
from refocus_cli.core.vocabulary import ATTENDED, SessionKind
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.context import Store
    from refocus_cli.services.session_changes import SessionChange
    from refocus_cli.services.sessions import SessionRecord

app = typer.Typer(
    help="Show, move, cancel or restore one session, or assign its trainers or venue.",
    no_args_is_help=True,
)

# `--csv` keeps every field; people get the time with its weekday, and on a narrow
# terminal the venue, then the trainers, make room for the dates, ids and module keys.
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
TABLE_COLUMNS = [
    ("id", "Id"),
    ("when", "When"),
    ("module", "Module"),
    ("teams", "Teams"),
    ("trainers", "Trainers"),
    ("venue", "Venue"),
    ("status", "Status"),
]
IdArg = Annotated[str, typer.Argument(help="Session id (see `refocus sessions`).")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why, for the audit log.")]


def _short(records: list[SessionRecord]) -> list[dict[str, Any]]:
    """Rows for people: the day and the times (on two lines on a terminal, where the
    column is narrow), and catch-up sessions marked as such."""
    joint = "\n" if output.on_terminal() else ", "
    return [
        {
            **record.as_json(),
            "when": show_span(record.start, record.end).replace(", ", joint, 1),
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
    from refocus_cli.cli.milestones import with_milestones
    from refocus_cli.core.dates import parse_date
    from refocus_cli.core.errors import InvalidInput
    from refocus_cli.services import measures
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
        # Measurement windows are milestones in people's table, not sessions.
        windows = (
            []
            if as_json or as_csv or not records
            else measures.milestones(
                store, cohort=cohort, team=team, trainer=trainer, since=first, until=last
            )
        )
    emit(
        [record.as_json() for record in records]
        if as_json or as_csv
        else with_milestones(_short(records), windows),
        SESSION_COLUMNS if as_json or as_csv else TABLE_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        optional=("trainers", "venue"),
        empty="No sessions match: plan some with `refocus schedule --cohort COHORT`.",
    )


@app.command("show")
def show(
    session: IdArg,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Also its UUID, calendar sequence and group number."),
    ] = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Show one session: what, when, where, who, and its register."""
    from refocus_cli.services import manual as manual_service
    from refocus_cli.services import sessions as session_service

    with opened(db) as store:
        detail = session_service.session_detail(store, session)
        if as_json:
            print_json(detail.as_json())
            return
        module = manual_service.curriculum(store, manual).module(detail.record.module)
        tz = store.tz()
        split = _groups_of_team(store, detail.record)
    record = detail.record
    came = [mark for mark in detail.attendance if mark.status in ATTENDED]
    visitors = sum(1 for mark in came if mark.visitor)
    attended = f"{len(came) - visitors}" + (
        f" and {visitors} visitor{'s' if visitors > 1 else ''}" if visitors else ""
    )
    fields = {
        "title": f"{module.title} ({record.module})",
        "when": show_span(record.start, record.end),
        "where": record.venue
        or ("the team's own base" if module.venue == "team-base" else "no venue booked yet"),
        "teams": record.teams,
        "group": f"{split.index(record.group) + 1} of {len(split)} (the team is split)"
        if split
        else None,
        "trainers": record.trainers
        or ("led by the team" if module.facilitator == "team" else "none assigned yet"),
        "status": record.status,
        "expected": record.expected,
        "attended": attended if detail.attendance else "no register recorded",
        "cohort": record.cohort,
        "note": record.note,
        "id": record.id,
        "uuid": record.uuid,
        "sequence": record.sequence,
        "group_no": record.group,
        "occurrence": record.occurrence,
    }
    labels = [
        ("title", f"Session {record.id}"),
        ("when", "When"),
        ("where", "Where"),
        ("teams", "Team" if len(record.teams) == 1 else "Teams"),
        *([("group", "Group")] if split else []),
        ("trainers", "Trainers"),
        ("status", "Status"),
        ("expected", "Expected"),
        ("attended", "Attended"),
        ("cohort", "Cohort"),
        *([("note", "Note")] if record.note else []),
    ]
    if verbose:
        labels += [
            ("occurrence", "Session of module"),
            ("group_no", "Group number"),
            ("uuid", "UUID"),
            ("sequence", "Calendar sequence"),
        ]
    print_record(fields, labels)
    if detail.attendance:
        print_table(
            [
                {**mark.as_json(), "recorded_at": show_moment(mark.recorded_at, tz)}
                for mark in detail.attendance
            ],
            [
                ("name", "Name"),
                ("visitor", "Visitor"),
                ("status", "Status"),
                ("recorded_by", "Recorded by"),
                ("recorded_at", "Recorded"),
            ],
            title="Attendance",
        )


def _groups_of_team(store: Store, record: SessionRecord) -> list[int]:
    """The group numbers the session's team is split into for this module session, in
    order, or nothing when the team meets as one (a shared session is never split)."""
    from refocus_cli.services import sessions as session_service

    if len(record.teams) != 1 or record.kind == SessionKind.CATCH_UP:
        return []
    groups = sorted(
        other.group
        for other in session_service.find_sessions(store, team=record.teams[0])
        if (other.module, other.occurrence, other.cohort, other.teams)
        == (record.module, record.occurrence, record.cohort, record.teams)
        and other.kind == record.kind
    )
    return groups if len(groups) > 1 else []


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
        message(
            f"Moved session {record.id} ({record.module}) to {show_span(record.start, record.end)}."
        )


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
    message(
        f"Cancelled session {record.id} ({record.module}, {show_span(record.start, record.end)})."
    )
    if done.unavailable:
        message(
            f"Recorded {' and '.join(done.unavailable)} as unavailable on "
            f"{show_day(record.start)}: `replan` gives the session to another trainer, "
            "on the same day if one is free."
        )
    if record.kind == SessionKind.CATCH_UP:
        message("Its people are waiting again: plan another with `refocus catchup --schedule`.")
    else:
        message(f"Repair the plan with `refocus replan --cohort {record.cohort}`.")


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
        f"Session {record.id} ({record.module}, {show_span(record.start, record.end)}): "
        f"{'; '.join(done.changes)}."
    )
