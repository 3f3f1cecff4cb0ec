"""Recording attendance: a register for one session (from flags, a file or a walk through
the expected people), or a typed-up register that names a session on every row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from refocus_cli.core.bulk import outlive
from refocus_cli.core.errors import Ambiguous, Conflict, InvalidInput, NotFound
from refocus_cli.core.marks import Mark, Overrides, Refusal, Sheet, refusal
from refocus_cli.core.people import Candidate, Directory, Unknown, did_you_mean, listed
from refocus_cli.core.programme import clean_name
from refocus_cli.core.register import RegisterLine
from refocus_cli.core.vocabulary import AttendanceStatus, SessionStatus
from refocus_cli.services import manual as manual_service
from refocus_cli.services import replacements
from refocus_cli.services.registers import marks_from_file
from refocus_cli.store import attendance, sessions
from refocus_cli.store.database import Store
from refocus_cli.store.staff import find_staff


@dataclass(frozen=True)
class Said:
    """What the user said about one person: where they said it, who, and the status."""

    where: str  # "--present", "register.csv row 4", "interactive"
    ref: str
    status: AttendanceStatus


@dataclass(frozen=True)
class Request:
    """Everything one `attend` says: the session, who came how, and the overrides."""

    session: str | None = None
    said: tuple[Said, ...] = ()
    visitors: tuple[str, ...] = ()  # present, by name
    register: tuple[RegisterLine, ...] = ()
    source: str = ""  # the register file, as named in messages
    all_present: bool = False
    excepted: tuple[str, ...] = ()
    rest_absent: bool = False
    overrides: Overrides = Overrides()
    walked: tuple[Said, ...] = ()  # answers given in the interactive walk
    walked_visitors: tuple[str, ...] = ()

    @property
    def says_anything(self) -> bool:
        """Whether anyone's attendance is given, by options or a register file."""
        return bool(self.said or self.all_present or self.visitors or self.register)

    @property
    def many_sessions(self) -> bool:
        """Whether the register file names a session on its rows."""
        return any(line.session for line in self.register)


def check(request: Request, *, walk: bool) -> None:
    """Refuse a request whose parts do not go together, saying what to change."""
    if request.excepted and not request.all_present:
        raise InvalidInput("--except goes with --all-present: add --all-present")
    if request.overrides.replacement is not None and not request.overrides.cancelled:
        raise InvalidInput("--replacement goes with --cancelled: add --cancelled")
    if request.many_sessions:
        if request.session is not None:
            wrong = next(
                (ln for ln in request.register if ln.session and ln.session != request.session),
                None,
            )
            if wrong:
                raise InvalidInput(
                    f"{request.source}: row {wrong.row} is for session {wrong.session}, "
                    f"not {request.session}: leave out the session id to record every "
                    "session in the file"
                )
        if request.said or request.all_present or request.visitors:
            raise InvalidInput(
                "a register with a session column is recorded on its own: "
                "drop the --present/--absent/... options, or the session column"
            )
        return
    if request.session is None:
        raise InvalidInput("name the session: refocus attend SESSION_ID (see `refocus sessions`)")
    if not request.says_anything and not walk:
        raise InvalidInput(
            "say who came: --present/--late/--left-early/--excused/--absent PERSON, "
            "--all-present [--except PERSON], --from REGISTER, or --interactive"
        )


@dataclass(frozen=True)
class Expected:
    """Someone expected at a session."""

    id: int
    name: str
    email: str | None
    team: str | None


@dataclass(frozen=True)
class SessionRegister:
    """A session whose register is being taken, and who is expected at it."""

    id: int
    module: str
    start: str  # local, ISO-8601
    teams: tuple[str, ...]
    expected: tuple[Expected, ...]
    marked: dict[int, AttendanceStatus]  # marks on record, by staff id


def session_register(store: Store, request: Request, manual: Path | None = None) -> SessionRegister:
    """The session a one-session request is for (cancelled or future ones only as its
    overrides allow) and who is expected at it."""
    session = sessions.get(store, request.session or "")
    start = datetime.fromisoformat(session["start"])
    why = refusal(session["status"], start, store.clock(), request.overrides)
    if why is Refusal.CANCELLED:
        raise Conflict(
            f"session {session['id']} was cancelled: if it took place after all, record it "
            "with --cancelled (it is then held)"
        )
    if why is Refusal.FUTURE:
        raise Conflict(
            f"session {session['id']} starts {start:%Y-%m-%d %H:%M}, in the future: "
            "record it anyway with --future"
        )
    if session["status"] == SessionStatus.CANCELLED:
        # Said before the walk asks anything; checked again when the register is written.
        replacements.to_cancel(
            replacements.stand_ins(store, [session["id"]]), request.overrides.replacement, ()
        )
    audience = manual_service.curriculum(store, manual).audience(session["module"])
    people = attendance.expected(store, session, audience)
    _visitors(request)  # a visitor's name is checked before the walk asks anything
    return SessionRegister(
        session["id"],
        session["module"],
        session["start"],
        tuple(session["teams"]),
        tuple(Expected(p["id"], p["name"], p["email"], p["team"]) for p in people),
        attendance.marked_staff(store, session["id"]),
    )


@dataclass(frozen=True)
class Recorded:
    """What recording a register did."""

    sessions: tuple[int, ...]
    marks: dict[AttendanceStatus, int]  # how many of each status the register gave
    added: int
    changed: int
    unchanged: int
    now_held: int
    not_marked: tuple[Expected, ...]  # expected, and given no mark
    replacements_cancelled: tuple[int, ...]  # sessions that stood in for those recorded


def record(store: Store, request: Request, manual: Path | None = None) -> Recorded:
    """Record the register a request gives, in one transaction; recording the same
    register twice changes nothing."""
    if request.many_sessions:
        outlive(request)  # a register file of 300,000 rows, and its marks: see core.bulk
        found = outlive(marks_from_file(store, request.source, request.register, request.overrides))
        session_ids = sorted({mark.session_id for mark in found.marks})
        with store.write():
            stood_down = _stand_ins_stood_down(store, found.cancelled, request, session_ids)
            _back_in_the_diary(store, found.cancelled, manual)
            return _recorded(store, found.marks, session_ids, (), stood_down)
    return record_session(store, session_register(store, request, manual), request, manual)


def record_session(
    store: Store, register: SessionRegister, request: Request, manual: Path | None = None
) -> Recorded:
    """Record one session's register (after a walk, with its answers in `request`).

    Every problem (an unknown or ambiguous person, someone given two statuses) is
    reported together, and then nothing is written.
    """
    visitors = _visitors(request)
    directory = _directory(register)
    sheet, problems = Sheet(), []
    for said in _everything_said(request):
        in_file = bool(request.source) and said.where.startswith(f"{request.source} row ")
        try:
            person = _resolve(store, said.ref, directory, VISITOR_IN_FILE if in_file else "")
        except (NotFound, Ambiguous) as exc:
            problems.append(f"{said.where}: {exc}")
            continue
        problem = sheet.add(said.where, person.id, person.name, said.status)
        if problem:
            problems.append(problem)
    away = set()
    for ref in request.excepted:
        try:
            away.add(_resolve(store, ref, directory).id)
        except (NotFound, Ambiguous) as exc:
            problems.append(f"--except: {exc}")
    if problems:
        raise InvalidInput("; ".join(problems))
    # The marks on record are read in the transaction that writes: a mark someone
    # else records meanwhile is never filled over by --rest-absent or --all-present.
    with store.write():
        stood_down = _stand_ins_stood_down(store, [register.id], request, [register.id])
        if request.overrides.cancelled:
            _back_in_the_diary(store, [register.id], manual)
        unmarked = set(
            sheet.finish(
                [person.id for person in register.expected],
                all_present=request.all_present,
                away=away,
                rest_absent=request.rest_absent,
                on_record=attendance.marked_staff(store, register.id),
            )
        )
        marks = [Mark.of_staff(register.id, staff_id, s) for staff_id, s in sheet.marks.items()]
        marks += [Mark.of_visitor(register.id, name, s) for name, s in visitors.items()]
        not_marked = tuple(person for person in register.expected if person.id in unmarked)
        return _recorded(store, marks, [register.id], not_marked, stood_down)


def _back_in_the_diary(store: Store, session_ids: Sequence[int], manual: Path | None) -> None:
    """A cancelled session recorded as held takes its place in the diary again: refused,
    naming what is in the way, when its teams, trainers or room are booked elsewhere then
    (after any stand-in was cancelled). Call inside the write transaction."""
    from refocus_cli.core.rules import clashes
    from refocus_cli.services.sessions import rules_context

    cancelled = [
        i for i in session_ids if sessions.get(store, str(i))["status"] == SessionStatus.CANCELLED
    ]
    if not cancelled:
        return
    curriculum = manual_service.curriculum(store, manual)
    for session_id in cancelled:
        (booked,) = sessions.booked(store, "WHERE s.id = ?", [session_id])
        context = rules_context(store, curriculum, booked.start.date())
        problems = clashes(booked, sessions.others_in_diary(store, session_id), context)
        if problems:
            raise Conflict(
                f"session {session_id} was cancelled and its place is taken since: "
                + "; ".join(problems)
                + ": move or cancel what is in the way first, then record it"
            )


def _stand_ins_stood_down(
    store: Store, cancelled: Sequence[int], request: Request, recorded: Sequence[int]
) -> tuple[int, ...]:
    """Cancel the sessions standing in for the cancelled ones recorded, where the request
    says so (refused where it does not say); their ids."""
    if request.overrides.cancelled:
        found = replacements.stand_ins(store, cancelled)
        chosen = replacements.to_cancel(found, request.overrides.replacement, set(recorded))
        return replacements.cancel(store, chosen)
    return ()


def named(register: SessionRegister, request: Request) -> frozenset[int]:
    """The expected people a request already gives a mark (the walk does not ask again);
    references that name nobody are left for recording to report."""
    directory = _directory(register)
    found = set()
    for said in _everything_said(request):
        match = directory.match(said.ref).found
        if len(match) == 1:
            found.add(match[0].id)
    return frozenset(found)


def _directory(register: SessionRegister) -> Directory:
    return Directory(Candidate(p.id, p.name, p.email, p.team or "") for p in register.expected)


def _everything_said(request: Request) -> Iterator[Said]:
    yield from request.said
    for line in request.register:
        if not line.visitor:
            yield Said(f"{request.source} row {line.row}", line.person, line.status)
    yield from request.walked


def _visitors(request: Request) -> dict[str, AttendanceStatus]:
    visitors = {clean_name(name, "visitor"): AttendanceStatus.PRESENT for name in request.visitors}
    visitors.update({line.person: line.status for line in request.register if line.visitor})
    visitors.update(
        {clean_name(n, "visitor"): AttendanceStatus.PRESENT for n in request.walked_visitors}
    )
    return visitors


# What to do about someone on no team: typed, with --visitor; in a register file, which
# cannot carry options, with its visitor column.
VISITOR_OPTION = "or record them with --visitor"
VISITOR_IN_FILE = "or, for someone on no team, put yes in the file's visitor column"


def _resolve(store: Store, ref: str, directory: Directory, visitor: str = "") -> Candidate:
    """A person named on a register: among those expected first, then anyone on record;
    `visitor` says how to record someone on no team instead (else with --visitor)."""
    match = directory.match(ref)
    if len(match.found) == 1:
        return match.found[0]
    if match.found:
        raise Ambiguous(
            f"{match.typed!r} matches {len(match.found)} people: {listed(match.found)}; "
            "name one by its id"
        )
    try:
        person = find_staff(store, match.typed)
    except Unknown as exc:
        near = f" ({did_you_mean(exc.suggestions)})" if exc.suggestions else ""
        raise NotFound(
            f"no staff member {match.typed!r}{near}: check the spelling, "
            f"{visitor or VISITOR_OPTION}"
        ) from None
    return Candidate(person["id"], person["name"])


def _recorded(
    store: Store,
    marks: Sequence[Mark],
    session_ids: list[int],
    unmarked: tuple[Expected, ...],
    stood_down: tuple[int, ...],
) -> Recorded:
    outcome = attendance.record(store, marks)
    counts = Counter(mark.status for mark in marks)
    return Recorded(
        tuple(session_ids),
        {status: counts.get(status, 0) for status in AttendanceStatus},
        outcome.added,
        outcome.changed,
        outcome.unchanged,
        outcome.held,
        unmarked,
        stood_down,
    )
