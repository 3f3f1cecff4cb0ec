"""`refocus export ics` and `refocus publish caldav`: sessions in people's calendars."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_json
from refocus_cli.core.calendar import choose_sessions
from refocus_cli.core.errors import InvalidInput
from refocus_cli.services.context import opened

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
    output: Annotated[Path, typer.Option("-o", "--output", help="The .ics file to write.")],
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
    with opened(db) as store:
        count = calendars.export_ics(store, output, choice, options, manual)
    if count == 0:
        message(f"No sessions match: wrote an empty calendar to {output}.")
    else:
        message(f"Wrote {count} session{'s' if count != 1 else ''} to {output}.")


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
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Put each session on a CalDAV server as its own event; only changes are sent.

    The password comes from $REFOCUS_CALDAV_PASSWORD, else a prompt (never a flag).
    Everything is the default (--all) unless a filter is given.
    """
    import os

    from refocus_cli.core.calendar import parse_alarms
    from refocus_cli.services import calendars

    if not any([cohort, team, trainer, staff, every]):
        every = True
    choice = choose_sessions(cohort, team, trainer, staff, every)
    password = None
    if user:
        password = os.environ.get("REFOCUS_CALDAV_PASSWORD")
        if password is None:
            password = typer.prompt(f"Password for {user}", hide_input=True)
    if user and _plain_http_off_machine(url):
        message(f"Warning: {url} is not https: the password for {user} travels unencrypted.")
    alarms = parse_alarms(alarm)
    server = calendars.Server(url, calendar_name, user, password)
    with opened(db) as store:
        outcome = calendars.publish_caldav(store, server, choice, alarms=alarms, manual=manual)
    if as_json:
        print_json(outcome.as_record())
        return
    message(
        f"Published to {outcome.calendar}: {len(outcome.created)} created, "
        f"{len(outcome.updated)} updated, {len(outcome.removed)} removed, "
        f"{outcome.unchanged} unchanged."
    )


def _plain_http_off_machine(url: str) -> bool:
    """An http:// address of another machine: a password sent there can be read."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme.lower() == "http" and parts.hostname not in (
        "localhost",
        "127.0.0.1",
        "::1",
    )
