"""Typed-up registers that name a session on every row: many sessions recorded at once.

Every row is checked against the sessions it names and everyone on record (by id,
email or a name only one person has); every problem is reported with its row, and
nothing is written unless every row passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.errors import FileProblems
from refocus_cli.core.marks import Mark, Overrides, Refusal, refusal
from refocus_cli.core.people import Candidate, Directory, did_you_mean, record_id
from refocus_cli.core.register import RECORDED, RegisterLine
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.store import registers
from refocus_cli.store.database import Store

MAX_PROBLEMS = 20  # shown; the rest are counted

REFUSED = {
    Refusal.CANCELLED: "was cancelled (record it anyway with --cancelled)",
    Refusal.FUTURE: "is in the future (record it anyway with --future)",
}

Who = tuple[int, int | None, str | None]  # session, staff id or visitor's name


@dataclass(frozen=True)
class FileMarks:
    """The marks a register file gives, and the cancelled sessions among those it names."""

    marks: list[Mark]
    cancelled: tuple[int, ...]


@without_gc
def marks_from_file(
    store: Store, source: str, lines: Sequence[RegisterLine], overrides: Overrides
) -> FileMarks:
    """Marks from a register that names a session on every row; cancelled and future
    sessions only as `overrides` allow. Raises FileProblems listing every bad row."""
    check = _Check(store, lines, overrides)
    check.rows_of(lines)
    problems = check.problems
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS} more problems")
        raise FileProblems(source, shown, RECORDED)
    return FileMarks(list(check.marks.values()), tuple(sorted(check.cancelled)))


class _Check:
    """The rows of one register checked in turn; each session and each name is looked
    up once, however many rows repeat it."""

    def __init__(self, store: Store, lines: Sequence[RegisterLine], overrides: Overrides) -> None:
        typed = {text: record_id(text or "") for text in {line.session for line in lines}}
        wanted = sorted({found for found in typed.values() if found is not None})
        self.sessions = registers.session_states(store, wanted)
        # The id of each session a row names, by the text the row gives, where it exists.
        self.session_of = {text: found for text, found in typed.items() if found in self.sessions}
        self.now = store.clock()
        self.overrides = overrides
        self.seen: set[int] = set()  # sessions whose first row has been checked
        self.cancelled: set[int] = set()  # cancelled sessions recorded all the same
        self.people = Directory(registers.staff_candidates(store))
        self.staff_of: dict[str, int] = {}  # staff id by a name as the register types it
        self.marks: dict[Who, Mark] = {}
        self.last_row: dict[Who, int] = {}  # the last row that gave each mark
        self.problems: list[str] = []

    def rows_of(self, lines: Sequence[RegisterLine]) -> None:
        """Check every row and keep its mark, or say what is wrong with it."""
        # Names bound once, and each name's staff id kept once found: this loop runs
        # once per row of a national register.
        session_of, seen, staff_of = self.session_of, self.seen, self.staff_of
        marks, last_row = self.marks, self.last_row
        for line in lines:
            row, session, person, status, visitor = line
            session_id = session_of.get(session)
            if session_id is None:
                self.problems.append(f"row {row}: no session with id {session}")
                continue
            if session_id not in seen:
                self._first_row(session_id, line)
            if visitor:
                who: Who = (session_id, None, person)
            else:
                staff_id = staff_of.get(person) or self._staff_id(line)
                if staff_id is None:
                    continue
                who = (session_id, staff_id, None)
            before = marks.get(who)
            if before is None:
                marks[who] = Mark(session_id, who[1], who[2], status)
            elif before.status != status:
                self._twice(line, before, last_row[who])
                continue
            last_row[who] = row

    def _staff_id(self, line: RegisterLine) -> int | None:
        """The id of the one person a row names (kept for the rows that repeat the name);
        None, the problem said, when it names nobody or several people."""
        found = self.people.match(line.person).found
        if len(found) != 1:
            self._not_one(line, found)
            return None
        self.staff_of[line.person] = found[0].id
        return found[0].id

    def _twice(self, line: RegisterLine, before: Mark, row: int) -> None:
        """Say that a row gives someone a mark other than an earlier row gave them."""
        self.problems.append(
            f"row {line.row}: {line.person} is marked {before.status} at row {row} "
            f"and {line.status} here"
        )

    def _first_row(self, session_id: int, line: RegisterLine) -> None:
        """A cancelled or future session is refused (unless allowed), told at its first row."""
        self.seen.add(session_id)
        state = self.sessions[session_id]
        why = refusal(state.status, state.start, self.now, self.overrides)
        if why is not None:
            self.problems.append(f"row {line.row}: session {session_id} {REFUSED[why]}")
        elif state.status == SessionStatus.CANCELLED:
            self.cancelled.add(session_id)

    def _not_one(self, line: RegisterLine, found: tuple[Candidate, ...]) -> None:
        """Say that a row names nobody on record, or several people."""
        if found:
            ids = ", ".join(str(candidate.id) for candidate in found)
            self.problems.append(
                f"row {line.row}: {line.person!r} matches {len(found)} people (ids {ids}): "
                "use the id or email"
            )
            return
        # Suggestions take a while to find: only for problems that will be shown.
        near = self.people.closest(line.person) if len(self.problems) < MAX_PROBLEMS else ()
        self.problems.append(
            f"row {line.row}: no staff member {line.person!r} "
            f"({did_you_mean(near) + ' ' if near else ''}"
            "check the spelling, or mark the row as a visitor)"
        )
