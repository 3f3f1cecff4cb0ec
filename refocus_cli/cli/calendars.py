"""`refocus export ics` and `refocus publish caldav`: sessions in people's calendars."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_json, print_table
from refocus_cli.core.calendar import choose_sessions, is_milestone_uid
from refocus_cli.core.errors import InvalidInput
from refocus_cli.render.files import check_output, where
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.render.caldav_sync import Change, Published

publish_app = typer.Typer(help="Publish sessions to a shared calendar server.")

CohortOpt = Annotated[str | None, typer.Option("--cohort", help="Sessions of this cohort.")]
TeamOpt = Annotated[str | None, typer.Option("--team", help="Sessions of this team.")]
TrainerOpt = Annotated[str | None, typer.Option("--trainer", help="Sessions this trainer runs.")]
StaffOpt = Annotated[
    str | None, typer.Option("--staff", help="Sessions this member of staff is expected at.")
]
AllOpt = Annotated[bool, typer.Option("--all", help="Every session.")]
AlarmOpt = Annotated[
    str | None, typer.Option("--alarm", help="Reminders before each session, e.g. 1d,30m.")
]
# Kept, hidden, only to say where attendees went: a published file that lists them
# breaks RFC 5546 and spreads everyone's address; invitations do that properly.
AttendeesOpt = Annotated[bool, typer.Option("--with-attendees", hidden=True)]
OrganiserOpt = Annotated[
    str | None, typer.Option("--organiser", help="Organiser's email [default: the lead trainer's].")
]
DropOpt = Annotated[
    bool,
    typer.Option(
        "--drop-cancelled",
        help="Leave cancelled sessions out (for subscribed feeds) instead of marking them.",
    ),
]


def export_ics(
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="The .ics file to write, or - for standard output."),
    ] = Path("-"),
    cohort: CohortOpt = None,
    team: TeamOpt = None,
    trainer: TrainerOpt = None,
    staff: StaffOpt = None,
    every: AllOpt = False,
    alarm: AlarmOpt = None,
    with_attendees: AttendeesOpt = False,
    organiser: OrganiserOpt = None,
    drop_cancelled: DropOpt = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Write a calendar file that Outlook, Google, Apple Calendar and Thunderbird import.

    Measurement windows of the same choice are in it as all-day milestones.

    Re-exporting updates the events already imported (stable UIDs, rising SEQUENCE);
    cancelled sessions are marked cancelled so calendars drop them.
    """
    from refocus_cli.services import calendars

    if with_attendees:
        raise InvalidInput(
            "calendar files no longer list attendees: send each person a real invitation "
            "with `refocus invite` instead"
        )
    choice = choose_sessions(cohort, team, trainer, staff, every)
    options = calendars.CalendarOptions(alarm, organiser, drop_cancelled)
    check_output(output)
    with opened(db) as store:
        made = calendars.export_ics(store, output, choice, options, manual)
    windows = made.milestones
    held = f" and {windows} measurement window{'s' if windows != 1 else ''}" if windows else ""
    if made.sessions == 0:
        what = f"a calendar of{held[4:]}" if windows else "an empty calendar"
        message(f"No sessions match: wrote {what} to {where(output)}.")
    else:
        count = made.sessions
        message(f"Wrote {count} session{'s' if count != 1 else ''}{held} to {where(output)}.")


def publish_caldav(
    url: Annotated[str, typer.Argument(help="The CalDAV server's address (https://…).")],
    calendar_name: Annotated[
        str | None,
        typer.Option("--calendar", help="Calendar (collection) name under URL; made if missing."),
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="User name on the server.")] = None,
    cohort: CohortOpt = None,
    team: TeamOpt = None,
    trainer: TrainerOpt = None,
    staff: StaffOpt = None,
    every: AllOpt = False,
    alarm: AlarmOpt = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="List what would be created, updated and deleted; send nothing."
        ),
    ] = False,
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="Also replace events someone edited on the server."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Delete more than 5 events without asking (for scripts).")
    ] = False,
    timeout: Annotated[
        float,
        typer.Option("--timeout", min=0.1, help="Seconds any one request may take, in full."),
    ] = 60.0,
    deadline: Annotated[
        float,
        typer.Option("--deadline", min=0.1, help="Seconds the whole publish may take."),
    ] = 3600.0,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Put each session on a CalDAV server as its own event; only changes are sent.

    Measurement windows of the same choice go with them as all-day milestones.

    The password comes from $REFOCUS_CALDAV_PASSWORD, else a prompt (never a flag).
    Everything is the default (--all) unless a filter is given. Only this programme's
    events are ever deleted; an event edited on the server is left alone unless
    --overwrite; more than 5 deletions need a confirmation (--yes in scripts).
    """
    from refocus_cli.core.calendar import parse_alarms
    from refocus_cli.render.caldav_sync import Options
    from refocus_cli.services import calendars

    if not any([cohort, team, trainer, staff, every]):
        every = True
    choice = choose_sessions(cohort, team, trainer, staff, every)
    password = _password(user)
    if user and _plain_http_off_machine(url):
        message(f"Warning: {url} is not https: the password for {user} travels unencrypted.")
    alarms = parse_alarms(alarm)
    server = calendars.Server(url, calendar_name, user, password)
    options = Options(dry_run, overwrite, timeout, deadline)
    with opened(db) as store:
        outcome = calendars.publish_caldav(
            store, server, choice, alarms=alarms, manual=manual, options=options,
            confirm=lambda plan: yes or _confirmed(plan),
        )  # fmt: skip
    if as_json:
        print_json(outcome.as_record())
        return
    _report(outcome)


def _password(user: str | None) -> str | None:
    """The password for `user`: $REFOCUS_CALDAV_PASSWORD, else asked for on a terminal."""
    import os
    import sys

    if not user:
        return None
    password = os.environ.get("REFOCUS_CALDAV_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise InvalidInput(
            f"no password for {user}: set REFOCUS_CALDAV_PASSWORD in the environment "
            "(there is no terminal to ask on)"
        )
    return str(typer.prompt(f"Password for {user}", hide_input=True, err=True))


def _confirmed(plan: Published) -> bool:
    """Asked on a terminal before many deletions; never without one."""
    import sys

    if not sys.stdin.isatty():
        return False
    _list_changes(plan, "delete", "would delete")
    deletions = len(plan.planned("delete"))
    return bool(typer.confirm(f"Delete these {deletions} events?", default=False, err=True))


def _report(outcome: Published) -> None:
    """What was (or would be) done, and the sessions concerned."""
    created, updated, deleted = (len(outcome.planned(a)) for a in ("create", "update", "delete"))
    if outcome.dry_run:
        made = " (a new calendar)" if outcome.make_calendar else ""
        message(
            f"Dry run, nothing sent. Publishing to {outcome.calendar}{made} would create "
            f"{created}, update {updated} and delete {deleted} events ({outcome.unchanged} "
            "unchanged):"
        )
        rows = [
            {
                "action": change.action,
                "session": "window" if is_milestone_uid(change.uid) else change.session_id,
                "when": change.start,
                "event": change.summary,
            }
            for action in ("create", "update", "delete")
            for change in outcome.planned(action)
        ]
        if rows:
            columns = [("action", "Would"), ("session", "Session"), ("when", "When")]
            print_table(rows, [*columns, ("event", "Event")], keep={"action", "session", "when"})
    else:
        message(
            f"Published to {outcome.calendar}: {created} created, {updated} updated, "
            f"{deleted} removed, {outcome.unchanged} unchanged."
        )
    if outcome.left_alone:
        count = len(outcome.left_alone)
        message(
            f"Left alone {count} event{'s' if count != 1 else ''} edited on the server since "
            "refocus last wrote them (--overwrite replaces them):"
        )
        for change in outcome.left_alone:
            message(f"  {_line(change)}")


def _list_changes(outcome: Published, action: str, verb: str) -> None:
    for change in outcome.planned(action):
        message(f"  {verb:<6} {_line(change)}")


def _line(change: Change) -> str:
    session = f"session {change.session_id}" if change.session_id is not None else change.uid
    return f"{session}  {change.start}  {change.summary}"


def _plain_http_off_machine(url: str) -> bool:
    """An http:// address of another machine: a password sent there can be read."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme.lower() == "http" and parts.hostname not in (
        "localhost",
        "127.0.0.1",
        "::1",
    )
