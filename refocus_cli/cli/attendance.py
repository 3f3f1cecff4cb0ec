"""`refocus attend`: record who came to a session, from flags, a register file or a walk."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.delivery import (
    CoveredAllOpt,
    CoveredOpt,
    DeliveredByOpt,
    recorded_record,
    recorded_text,
)
from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_json
from refocus_cli.core.bulk import without_gc
from refocus_cli.core.display import show_moment
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.marks import Overrides, Replacement
from refocus_cli.core.vocabulary import AttendanceStatus
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.core.register import RegisterLine
    from refocus_cli.services.attendance import Recorded, Request, Said, SessionRegister
    from refocus_cli.services.delivery import DeliveryRecorded
    from refocus_cli.services.register_edits import Cleared, Correction, Renamed


def _people_option(flag: str, help_text: str) -> Any:
    return typer.Option(flag, metavar="PERSON", help=help_text, show_default=False)


People = list[str] | None
PresentOpt = Annotated[
    People, _people_option("--present", "Came (id, email or name; repeat the option).")
]
LateOpt = Annotated[People, _people_option("--late", "Came late.")]
LeftEarlyOpt = Annotated[People, _people_option("--left-early", "Left early.")]
ExcusedOpt = Annotated[People, _people_option("--excused", "Sent apologies.")]
AbsentOpt = Annotated[People, _people_option("--absent", "Did not come.")]
ExceptOpt = Annotated[People, _people_option("--except", "With --all-present: these did not come.")]


@without_gc  # a register file of 300,000 rows: see core.bulk
def attend(
    session: Annotated[
        str | None,
        typer.Argument(
            help="Session id (see `refocus sessions`); optional with a register file "
            "that has a session column.",
            show_default=False,
        ),
    ] = None,
    present: PresentOpt = None,
    late: LateOpt = None,
    left_early: LeftEarlyOpt = None,
    excused: ExcusedOpt = None,
    absent: AbsentOpt = None,
    all_present: Annotated[
        bool, typer.Option("--all-present", help="Everyone expected came, but --except people.")
    ] = False,
    excepted: ExceptOpt = None,
    visitor: Annotated[
        list[str] | None,
        typer.Option(
            "--visitor", metavar="NAME", help="Someone not on any team who came (by name)."
        ),
    ] = None,
    rest_absent: Annotated[
        bool, typer.Option("--rest-absent", help="Record everyone expected but not named absent.")
    ] = False,
    register: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Typed-up sign-in register, .csv or .xlsx: name (or id/email) and status "
            "columns; an optional session column records many sessions at once.",
            dir_okay=False,
        ),
    ] = None,
    future: Annotated[
        bool, typer.Option("--future", help="Record a session that has not begun yet.")
    ] = False,
    cancelled: Annotated[
        bool,
        typer.Option("--cancelled", help="Record a cancelled session: it took place after all."),
    ] = False,
    replacement: Annotated[
        Replacement | None,
        typer.Option(
            "--replacement",
            help="With --cancelled, where another session stands in for it: keep that one "
            "in the diary as well, or cancel it.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Deprecated: use --future or --cancelled (--force means both)."
        ),
    ] = False,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            metavar="PERSON",
            help="Remove the mark of this member of staff or visitor (repeat the option).",
            show_default=False,
        ),
    ] = None,
    rename_visitor: Annotated[
        str | None,
        typer.Option(
            "--rename-visitor", metavar="OLD", help="Correct a visitor's name (with --to NEW)."
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="NEW", help="The visitor's right name, with --rename-visitor."
        ),
    ] = None,
    interactive: Annotated[
        bool | None,
        typer.Option(
            "--interactive/--no-interactive",
            help="Ask for each expected person's status [default: on a terminal with no marks].",
            show_default=False,
        ),
    ] = None,
    delivered_by: DeliveredByOpt = None,
    covered: CoveredOpt = None,
    covered_all: CoveredAllOpt = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Record attendance at a session; it is then held. Recording twice changes nothing.
    --clear and --rename-visitor put a register right. --delivered-by and --covered record
    who delivered it and what was covered, with the register."""
    from refocus_cli.services import attendance, delivery, register_edits

    by_status = {
        AttendanceStatus.PRESENT: present,
        AttendanceStatus.LATE: late,
        AttendanceStatus.LEFT_EARLY: left_early,
        AttendanceStatus.EXCUSED: excused,
        AttendanceStatus.ABSENT: absent,
    }
    request = attendance.Request(
        session=session,
        said=tuple(
            attendance.Said(f"--{status}", name, status)
            for status, names in by_status.items()
            for name in names or ()
        ),
        visitors=tuple(visitor or ()),
        register=tuple(_register_lines(register)),
        source=str(register) if register else "",
        all_present=all_present,
        excepted=tuple(excepted or ()),
        rest_absent=rest_absent,
        overrides=(
            Overrides.forced(replacement) if force else Overrides(future, cancelled, replacement)
        ),
    )
    correction = register_edits.Correction(session, tuple(clear or ()), rename_visitor, to)
    if correction.asked:
        recording = request.says_anything or request.rest_absent or bool(request.excepted)
        register_edits.check(correction, recording=recording or bool(interactive))
        _put_right(correction, db, as_json)
        return
    if force:
        message(
            "Note: --force is deprecated and will go: use --future for a session not yet "
            "begun, --cancelled for a cancelled one."
        )
    walk = (
        interactive
        if interactive is not None
        else (not request.says_anything and sys.stdin.isatty())
    )
    attendance.check(request, walk=walk)
    asked = delivery.DeliveryAsked(tuple(delivered_by or ()), tuple(covered or ()), covered_all)
    with opened(db) as store:
        if walk and not request.many_sessions:
            session_register = attendance.session_register(store, request, manual)
            request = _walk(session_register, request, attendance.named(session_register, request))
            recorded, delivered = delivery.with_delivery(
                store,
                lambda: attendance.record_session(store, session_register, request, manual),
                session,
                asked,
                manual,
            )
        else:
            recorded, delivered = delivery.with_delivery(
                store, lambda: attendance.record(store, request, manual), session, asked, manual
            )
    _report(recorded, as_json, delivered)


def _put_right(correction: Correction, db: Path, as_json: bool) -> None:
    """Clear marks from a register, or rename a visitor on it, and say what changed."""
    from refocus_cli.services import register_edits

    with opened(db) as store:
        if correction.clear:
            cleared = register_edits.clear(store, correction.session or "", correction.clear)
        else:
            renamed = register_edits.rename_visitor(
                store, correction.session or "", correction.rename or "", correction.to or ""
            )
    if correction.clear:
        _report_cleared(cleared, as_json)
    else:
        _report_renamed(renamed, as_json)


def _report_cleared(cleared: Cleared, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "session": cleared.session,
                "cleared": [
                    {
                        "name": mark.name,
                        "staff_id": mark.staff_id,
                        "visitor": mark.visitor is not None,
                        "status": mark.status,
                    }
                    for mark in cleared.removed
                ],
                "had_no_mark": list(cleared.had_no_mark),
                "status": cleared.status_now,
            }
        )
        return
    removed = ", ".join(
        f"{'visitor ' if mark.visitor else ''}{mark.name} (was {mark.status})"
        for mark in cleared.removed
    )
    count = len(cleared.removed)
    message(
        f"Cleared {count} mark{'' if count == 1 else 's'} from session {cleared.session}: "
        f"{removed}."
        if count
        else f"No marks cleared from session {cleared.session}."
    )
    if cleared.had_no_mark:
        message(f"No mark to clear for: {', '.join(cleared.had_no_mark)}.")
    if cleared.status_now:
        message(f"Session {cleared.session} has no marks left: it is {cleared.status_now} again.")


def _report_renamed(renamed: Renamed, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "session": renamed.session,
                "old": renamed.old,
                "new": renamed.new,
                "changed": renamed.changed,
            }
        )
    elif renamed.changed:
        message(f"Renamed visitor {renamed.old!r} to {renamed.new!r} on session {renamed.session}.")
    else:
        message(
            f"Session {renamed.session}'s register already has visitor {renamed.new!r}: "
            "nothing changed."
        )


def _register_lines(register: Path | None) -> list[RegisterLine]:
    """The lines of a typed-up register file, checked; none without a file."""
    if register is None:
        return []
    from refocus_cli.core.register import read_register
    from refocus_cli.readers.sheets import read_table

    return read_register(read_table(register))


def _walk(session: SessionRegister, request: Request, named: frozenset[int]) -> Request:
    """Ask, person by person, how each expected person's attendance went; people already
    marked with an option are not asked again. The request with the answers added."""
    from refocus_cli.core.register import status_of
    from refocus_cli.services.attendance import Said

    message(
        f"Session {session.id}: {session.module} on {show_moment(session.start)} "
        f"({', '.join(session.teams) or 'catch-up'}); {len(session.expected)} expected."
    )
    message(
        "For each person type p(resent), l(ate), le (left early), e(xcused) or a(bsent); "
        "Enter keeps the mark shown."
    )
    walked: list[Said] = []
    for person in session.expected:
        if person.id in named:
            continue
        while True:
            answer = typer.prompt(
                f"  {person.name} ({person.team or '-'})",
                default=str(session.marked.get(person.id, "p")),
            )
            try:
                walked.append(Said("interactive", str(person.id), status_of(answer)))
                break
            except InvalidInput as exc:
                message(f"  {exc}")
    visitors = []
    while True:
        name = typer.prompt("  Visitor not on any team (Enter when done)", default="")
        if not name.strip():
            break
        visitors.append(" ".join(name.split()))
    return replace(request, walked=tuple(walked), walked_visitors=tuple(visitors))


def _report(recorded: Recorded, as_json: bool, delivered: DeliveryRecorded | None = None) -> None:
    not_marked = [{"id": p.id, "name": p.name, "team": p.team} for p in recorded.not_marked]
    if delivered is not None and not as_json:
        message(recorded_text(delivered))
    if as_json:
        print_json(
            {
                "delivery": None if delivered is None else recorded_record(delivered),
                "sessions": list(recorded.sessions),
                "marks": {str(status): count for status, count in recorded.marks.items()},
                "added": recorded.added,
                "changed": recorded.changed,
                "unchanged": recorded.unchanged,
                "now_held": recorded.now_held,
                "not_marked": not_marked,
                "replacements_cancelled": list(recorded.replacements_cancelled),
            }
        )
        return
    ids = recorded.sessions
    where = f"session {ids[0]}" if len(ids) == 1 else f"{len(ids)} sessions"
    tally = ", ".join(f"{count} {status}" for status, count in recorded.marks.items() if count)
    message(
        f"Recorded {where}: {tally or 'no marks'} "
        f"({recorded.added} new, {recorded.changed} corrected, {recorded.unchanged} unchanged)."
    )
    if recorded.now_held:
        message(f"{recorded.now_held} session{'s' if recorded.now_held > 1 else ''} now held.")
    for session_id in recorded.replacements_cancelled:
        message(f"Session {session_id} is now cancelled: the session it stood in for took place.")
    if not_marked:
        names = ", ".join(f"{p['name']} (id {p['id']})" for p in not_marked)
        message(
            f"Not marked ({len(not_marked)}): {names}. Mark them, or add --rest-absent "
            "to record them absent."
        )
