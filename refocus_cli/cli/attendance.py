"""`refocus attend`: record who came to a session, from flags, a register file or a walk."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_json
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.programme import clean_name
from refocus_cli.services.context import opened


def _people(flag: str, help_text: str) -> Any:
    return Annotated[
        list[str] | None, typer.Option(flag, metavar="PERSON", help=help_text, show_default=False)
    ]


def attend(
    session: Annotated[
        str | None,
        typer.Argument(
            help="Session id (see `refocus sessions`); optional with a register file "
            "that has a session column.",
            show_default=False,
        ),
    ] = None,
    present: _people("--present", "Came (id, email or name; repeat the option).") = None,
    late: _people("--late", "Came late.") = None,
    left_early: _people("--left-early", "Left early.") = None,
    excused: _people("--excused", "Sent apologies.") = None,
    absent: _people("--absent", "Did not come.") = None,
    all_present: Annotated[
        bool, typer.Option("--all-present", help="Everyone expected came, but --except people.")
    ] = False,
    excepted: _people("--except", "With --all-present: these did not come.") = None,
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
    force: Annotated[
        bool, typer.Option("--force", help="Record a cancelled or future session anyway.")
    ] = False,
    interactive: Annotated[
        bool | None,
        typer.Option(
            "--interactive/--no-interactive",
            help="Ask for each expected person's status [default: on a terminal with no marks].",
            show_default=False,
        ),
    ] = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Record attendance at a session; it is then held. Recording twice changes nothing."""
    from refocus_cli.services import manual as manual_service
    from refocus_cli.store import attendance, registers

    lines = None
    source = str(register) if register else ""
    if register is not None:
        from refocus_cli.core.register import read_register
        from refocus_cli.readers.sheets import read_table

        lines = read_register(read_table(register))
    said_any = any([present, late, left_early, excused, absent, all_present, visitor, lines])
    if excepted and not all_present:
        raise InvalidInput("--except goes with --all-present: add --all-present")
    if lines and any(line.session for line in lines):
        if session is not None:
            wrong = next((ln for ln in lines if ln.session and ln.session != session), None)
            if wrong:
                raise InvalidInput(
                    f"{source}: row {wrong.row} is for session {wrong.session}, not {session}: "
                    "leave out the session id to record every session in the file"
                )
        if any([present, late, left_early, excused, absent, all_present, visitor]):
            raise InvalidInput(
                "a register with a session column is recorded on its own: "
                "drop the --present/--absent/... options, or the session column"
            )
        with opened(db) as store:
            marks = registers.bulk_marks(store, source, lines, force)
            outcome = attendance.record(store, marks)
        _report(outcome, Counter(m[3] for m in marks), [], sorted({m[0] for m in marks}), as_json)
        return
    if session is None:
        raise InvalidInput("name the session: refocus attend SESSION_ID (see `refocus sessions`)")
    walk = interactive if interactive is not None else (not said_any and sys.stdin.isatty())
    if not said_any and not walk:
        raise InvalidInput(
            "say who came: --present/--late/--left-early/--excused/--absent PERSON, "
            "--all-present [--except PERSON], --from REGISTER, or --interactive"
        )
    with opened(db) as store:
        record = attendance.session_for_register(store, session, force)
        curriculum = manual_service.curriculum(store, manual)
        people = attendance.expected(store, record, curriculum.audience(record["module"]))
        said = []
        for flag, names, status in (
            ("--present", present, "present"),
            ("--late", late, "late"),
            ("--left-early", left_early, "left-early"),
            ("--excused", excused, "excused"),
            ("--absent", absent, "absent"),
        ):
            said += [attendance.Said(flag, name, status) for name in names or ()]
        visitors = {clean_name(v, "visitor"): "present" for v in visitor or ()}
        for line in lines or ():
            if line.visitor:
                visitors[line.person] = line.status
            else:
                said.append(attendance.Said(f"{source} row {line.row}", line.person, line.status))
        if walk:
            said, walked_visitors = _walk(store, record, people, said)
            visitors.update(walked_visitors)
        marks, unmarked = attendance.marks_for_session(
            store,
            record,
            people,
            said,
            all_present=all_present,
            excepted=excepted or [],
            rest_absent=rest_absent,
        )
        rows = [(record["id"], staff_id, None, status) for staff_id, status in marks.items()]
        rows += [(record["id"], None, name, status) for name, status in visitors.items()]
        outcome = attendance.record(store, rows)
    _report(outcome, Counter(r[3] for r in rows), unmarked, [record["id"]], as_json)


def _walk(store, record: dict, people: list[dict], said: list) -> tuple[list, dict[str, str]]:
    """Ask, person by person, how each expected person's attendance went; people already
    marked with an option are not asked again."""
    from refocus_cli.core.errors import RefocusError
    from refocus_cli.core.register import status_of
    from refocus_cli.store.attendance import Said, resolve

    already = set()
    for entry in said:
        try:
            already.add(str(resolve(store, entry.ref, people)["id"]))
        except RefocusError:
            pass  # reported with the rest once the walk is done
    message(
        f"Session {record['id']}: {record['module']} on {record['start'][:16].replace('T', ' ')} "
        f"({', '.join(record['teams']) or 'catch-up'}); {len(people)} expected."
    )
    message("For each person type p(resent), l(ate), le (left early), e(xcused) or a(bsent).")
    walked = list(said)
    for person in people:
        if str(person["id"]) in already:
            continue
        while True:
            answer = typer.prompt(f"  {person['name']} ({person['team'] or '-'})", default="p")
            try:
                walked.append(Said("interactive", str(person["id"]), status_of(answer)))
                break
            except InvalidInput as exc:
                message(f"  {exc}")
    visitors = {}
    while True:
        name = typer.prompt("  Visitor not on any team (Enter when done)", default="")
        if not name.strip():
            break
        visitors[" ".join(name.split())] = "present"
    return walked, visitors


def _report(
    outcome: Any, counts: Counter, unmarked: list[dict], session_ids: list[int], as_json: bool
) -> None:
    from refocus_cli.core.register import STATUSES

    not_marked = [{"id": p["id"], "name": p["name"], "team": p["team"]} for p in unmarked]
    if as_json:
        print_json(
            {
                "sessions": session_ids,
                "marks": {status: counts.get(status, 0) for status in STATUSES},
                "added": outcome.added,
                "changed": outcome.changed,
                "unchanged": outcome.unchanged,
                "now_held": outcome.held,
                "not_marked": not_marked,
            }
        )
        return
    where = f"session {session_ids[0]}" if len(session_ids) == 1 else f"{len(session_ids)} sessions"
    tally = ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts.get(s))
    message(
        f"Recorded {where}: {tally or 'no marks'} "
        f"({outcome.added} new, {outcome.changed} corrected, {outcome.unchanged} unchanged)."
    )
    if outcome.held:
        message(f"{outcome.held} session{'s' if outcome.held > 1 else ''} now held.")
    if not_marked:
        names = ", ".join(f"{p['name']} (id {p['id']})" for p in not_marked)
        message(
            f"Not marked ({len(not_marked)}): {names}. Mark them, or add --rest-absent "
            "to record them absent."
        )
