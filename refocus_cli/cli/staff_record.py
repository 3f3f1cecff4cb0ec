"""`refocus staff show|edit|export|forget`: one person's record, seen, corrected, handed
over or erased."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from refocus_cli.cli.audit import AUDIT_COLUMNS, readable
from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message, print_json, print_record, print_table
from refocus_cli.core.dates import parse_date
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.programme import clean_email, clean_name, clean_text
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.core.mentions import Mention
    from refocus_cli.services.staff_profile import StaffProfile

PersonArg = Annotated[str, typer.Argument(help="Staff id, email or unique name.")]
ViewOnOpt = Annotated[
    str | None,
    typer.Option("--on", help="Show them as on this date, YYYY-MM-DD [default: today]."),
]
PERSON_FIELDS = [
    ("id", "Id"),
    ("uuid", "UUID"),
    ("name", "Name"),
    ("email", "Email"),
    ("role", "Role"),
    ("manager", "Manager"),
    ("clinical", "Clinical"),
    ("clinical_guessed", "Clinical flag guessed"),
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
EMAIL_COLUMNS = [
    ("session_id", "Session"),
    ("start", "Start"),
    ("method", "Message"),
    ("sequence", "Sequence"),
    ("recipient", "Sent to"),
    ("sent_at", "Sent (UTC)"),
]
FEED_COLUMNS = [
    ("path", "Feed path"),
    ("created", "Made (UTC)"),
    ("revoked", "Revoked (UTC)"),
]


def show(
    person: PersonArg, on: ViewOnOpt = None, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False
) -> None:
    """Everything about one person: team, memberships with dates, clinical flag, attendance."""
    from refocus_cli.services.staff_profile import show_staff

    day = parse_date(on, "--on") if on is not None else None
    with opened(db) as store:
        profile = show_staff(store, person, day)
    if as_json:
        print_json(profile.as_record())
    else:
        _print_profile(profile)


def _print_profile(profile: StaffProfile) -> None:
    record = profile.as_record()
    person = record["person"]
    title = f"{person['name']} (id {person['id']}) on {profile.on}"
    print(title)
    shown = {
        **person,
        "clinical": _clinical_words(profile.person.clinical, profile.person.clinical_guessed),
        "team": person["team"] or "none",
        "scheduled": "; ".join(person["scheduled"]) or "nothing",
        "attendance": profile.attendance.words(),
    }
    print_record(
        shown,
        [
            ("email", "Email"),
            ("role", "Role"),
            ("manager", "Manager"),
            ("clinical", "Clinical"),
            ("team", "Team"),
            ("since", "In team since"),
            ("scheduled", "Scheduled"),
            ("attendance", "Attendance"),
            ("created_at", "On record since"),
        ],
    )
    emit(
        record["memberships"],
        [*MEMBERSHIP_COLUMNS, ("standing", "On that day")],
        title="Team memberships",
        empty="No team memberships.",
    )
    emit(
        record["attendance"]["by_stage"],
        [
            ("stage", "Stage"),
            ("attended", "Attended"),
            ("excused", "Excused"),
            ("absent", "Absent"),
        ],
        title="Attendance by stage",
        empty="No attendance marked yet.",
    )
    if record["catch_up_invitations"]:
        print_table(
            record["catch_up_invitations"], INVITATION_COLUMNS, title="Catch-up invitations"
        )


def _clinical_words(clinical: bool, guessed: bool) -> str:
    answer = "yes" if clinical else "no"
    return f"{answer} (guessed from the job title: check it)" if guessed else answer


def edit(
    person: PersonArg,
    name: Annotated[str | None, typer.Option("--name", help="Their full name.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Their work email.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Their job title.")] = None,
    manager: Annotated[
        bool | None, typer.Option("--manager/--no-manager", help="Whether they manage the team.")
    ] = None,
    clinical: Annotated[
        bool | None,
        typer.Option(
            "--clinical/--no-clinical",
            help="Whether they are clinical (hold a caseload); no longer a guess once set.",
        ),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Correct a person's name, email, role, manager flag or clinical flag."""
    from refocus_cli.services.staff import edit_staff

    new_name = clean_name(name, "staff") if name is not None else None
    if email is not None and clean_email(email) is None:
        raise InvalidInput("--email cannot be empty: give their work email")
    new_role = clean_text(role, "--role") if role is not None else None
    with opened(db) as store:
        edited = edit_staff(
            store, person, new_name, clean_email(email), new_role, manager, clinical
        )
    if as_json:
        print_json(edited.as_record())
    else:
        message(edited.words())


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
        ("Invitation emails sent to them", "invitation_emails", EMAIL_COLUMNS),
        ("Calendar feeds issued to them", "calendar_feeds", FEED_COLUMNS),
        ("Audit log entries about them", "audit", AUDIT_COLUMNS),
    ]
    for title, key, columns in sections:
        print()
        if held[key]:
            print_table(held[key], columns, title=title)
        else:
            print(f"{title}: none")
    print(f"\nExported {access.exported_at}.")


def forget(
    person: PersonArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    scrub_mentions: Annotated[
        bool,
        typer.Option(
            "--scrub-mentions",
            help="Also replace their name or email in other records (notes, other people's "
            'roles, venue names, reasons, actor names) with "[removed]".',
        ),
    ] = False,
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
            if sys.stdin.isatty() and not scrub_mentions:
                ahead = data_protection.forget(store, str(found.id), preview=True)
                _list_mentions(
                    ahead.mentions,
                    "would still name them (their name or email, whatever the case or "
                    "accents); answer no and add --scrub-mentions to replace them with "
                    "[removed] too",
                )
            _confirm_forgetting(who)
        result = data_protection.forget(store, str(found.id), scrub_mentions=scrub_mentions)
    if as_json:
        print_json(result.as_record())
        return
    message(
        f"Forgot {who}: now {result.name}, with {_count(result.memberships, 'membership')}"
        f" and {_count(result.attendance, 'attendance mark')} kept; "
        f"{_count(result.audit_entries_erased, 'audit entry', 'audit entries')} and "
        f"{_count(result.notes_erased, 'note')} cleaned."
    )
    if result.feeds_revoked:
        message(
            f"{_count(result.feeds_revoked, 'calendar feed')} of theirs revoked: "
            "it is no longer served, and `feeds build` removes its file."
        )
    if result.mentions_scrubbed:
        message(
            f"{_count(result.mentions_scrubbed, 'mention')} of them in other records "
            "replaced by [removed]."
        )
    _list_mentions(
        result.mentions,
        "still name them (their name or email, whatever the case or accents) and were "
        "left as they are: edit them by hand, as refocus no longer knows the name",
    )
    if result.namesakes:
        message(
            f"{_count(result.namesakes, 'other person', 'other people')} on record "
            f"{'is' if result.namesakes == 1 else 'are'} also called {found.name}: their own "
            "records were kept and left out of the search."
        )
    if result.log_still_open:
        message(
            "Another program has the database open: the erased details leave its "
            f"write-ahead log ({db}-wal) when that program closes."
        )
    message("Backups made before now still hold them: replace or destroy those copies.")


def _list_mentions(mentions: list[Mention], what: str) -> None:
    """Where other records name the person, for someone to judge (stderr: not data)."""
    if not mentions:
        return
    message(f"{_count(len(mentions), 'place')} in other records {what}:")
    for mention in mentions:
        message(f"  {mention.table}.{mention.column} row {mention.row_id}: {mention.excerpt}")


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
