"""`refocus invite`: invitations by email that keep people's calendars current."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from refocus_cli.cli.calendars import AllOpt, CohortOpt, StaffOpt, TeamOpt, TrainerOpt
from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_json, print_table
from refocus_cli.core.calendar import choose_sessions
from refocus_cli.core.display import show_moment
from refocus_cli.core.errors import InvalidInput
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.render.smtp import SmtpSettings
    from refocus_cli.services.invitations import InviteRun

PASSWORD_VARIABLE = "REFOCUS_SMTP_PASSWORD"
COLUMNS = [
    ("to", "To"),
    ("session", "Session"),
    ("start", "Starts"),
    ("what", "Message"),
    ("sequence", "Seq"),
]


def invite(
    cohort: CohortOpt = None,
    team: TeamOpt = None,
    trainer: TrainerOpt = None,
    staff: StaffOpt = None,
    every: AllOpt = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be sent; send nothing.")
    ] = False,
    sender: Annotated[
        str | None,
        typer.Option(
            "--from",
            envvar="REFOCUS_SMTP_FROM",
            help='Who invitations come from (the organiser): "Name <name@example.org>".',
        ),
    ] = None,
    smtp_host: Annotated[
        str, typer.Option("--smtp-host", envvar="REFOCUS_SMTP_HOST", help="SMTP server.")
    ] = "localhost",
    smtp_port: Annotated[
        int | None,
        typer.Option(
            "--smtp-port",
            envvar="REFOCUS_SMTP_PORT",
            min=1,
            max=65535,
            help="Its port [default: 587 with --starttls, 465 with --ssl, else 25].",
        ),
    ] = None,
    starttls: Annotated[
        bool, typer.Option("--starttls", help="Encrypt with STARTTLS after connecting.")
    ] = False,
    use_ssl: Annotated[bool, typer.Option("--ssl", help="Connect over TLS (SMTPS).")] = False,
    smtp_user: Annotated[
        str | None,
        typer.Option(
            "--smtp-user",
            envvar="REFOCUS_SMTP_USER",
            help=f"Log in as this user; the password comes from ${PASSWORD_VARIABLE} or a prompt.",
        ),
    ] = None,
    rate: Annotated[
        int | None,
        typer.Option("--rate", min=1, help="At most this many messages a minute."),
    ] = None,
    rsvp: Annotated[
        bool, typer.Option("--rsvp", help="Ask people to accept or decline (RSVP).")
    ] = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Email each trainer and expected person an invitation for each of their sessions.

    Run it again after a move, cancellation or replan: only updates (same event, higher
    SEQUENCE) and cancellations are sent, and nothing when nothing changed. Everything
    is the default (--all) unless a filter is given; --staff and --trainer send only to
    that person.
    """
    from refocus_cli.core.itip import parse_sender
    from refocus_cli.services.invitations import InviteOptions, invite

    if not any([cohort, team, trainer, staff, every]):
        every = True
    choice = choose_sessions(cohort, team, trainer, staff, every)
    organiser = parse_sender(sender) if sender is not None else None
    smtp = None
    if not dry_run:
        smtp = _smtp_settings(smtp_host, smtp_port, starttls, use_ssl, smtp_user, rate)
    options = InviteOptions(organiser, rsvp, dry_run)
    with opened(db) as store:
        run = invite(store, choice, options, smtp, manual)
    if as_json:
        print_json(run.as_record())
        return
    _show(run)


def _smtp_settings(
    host: str,
    port: int | None,
    starttls: bool,
    use_ssl: bool,
    user: str | None,
    rate: int | None,
) -> SmtpSettings:
    from refocus_cli.render.smtp import DEFAULT_PORTS, SmtpSettings

    if starttls and use_ssl:
        raise InvalidInput("choose one of --starttls and --ssl")
    security = "ssl" if use_ssl else "starttls" if starttls else "none"
    password = None
    if user:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            if not sys.stdin.isatty():
                raise InvalidInput(
                    f"no password for {user}: set ${PASSWORD_VARIABLE} "
                    "(there is no terminal to ask on)"
                )
            password = typer.prompt(f"SMTP password for {user}", hide_input=True)
        if security == "none" and host not in ("localhost", "127.0.0.1", "::1"):
            message(f"Warning: without --starttls or --ssl the password for {user} is sent "
                    "unencrypted.")  # fmt: skip
    return SmtpSettings(host, port or DEFAULT_PORTS[security], security, user, password, rate)


def _show(run: InviteRun) -> None:
    words = {"REQUEST": "invitation", "CANCEL": "cancellation"}
    rows = [
        {
            "to": m.email,
            "session": m.session_id,
            "start": show_moment(m.start),
            "what": "update" if m.update else words[m.method],
            "sequence": m.sequence,
        }
        for m in run.messages
    ]
    if rows:
        print_table(rows, COLUMNS)
    invitations = sum(1 for m in run.messages if m.method == "REQUEST")
    total, cancellations = len(run.messages), len(run.messages) - invitations
    counts = f"{_count(invitations, 'invitation or update', 'invitations or updates')}, " + _count(
        cancellations, "cancellation", "cancellations"
    )
    if run.dry_run:
        message(f"Dry run: would send {_count(total, 'message', 'messages')} ({counts}).")
    elif run.messages:
        message(f"Sent {_count(total, 'message', 'messages')} ({counts}); each is recorded.")
    else:
        message("Nothing to send: every calendar already has the latest version.")
    for refused, why in run.refused:
        message(f"Warning: the server refused {refused.email} ({why}); not recorded as sent.")
    if run.without_email:
        people = _count(len(run.without_email), "person", "people")
        message(
            f"No email for {people}, so no invitation: {', '.join(run.without_email)} (add "
            "one with `refocus staff edit NAME --email …` or `refocus trainer edit`)."
        )


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"
