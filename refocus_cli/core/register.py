"""Attendance marks as people write them: statuses, and typed-up sign-in registers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.errors import FileProblems, InvalidInput
from refocus_cli.core.tabular import Table
from refocus_cli.core.text import clean_name, clean_text
from refocus_cli.core.vocabulary import AttendanceStatus

RECORDED = "nothing was recorded"
STATUSES: tuple[str, ...] = tuple(AttendanceStatus)

# What trainers write in the status column of a register, and what it means.
SPELLINGS: dict[str, AttendanceStatus] = {
    spelling: status
    for status, spellings in (
        (AttendanceStatus.PRESENT, ("present", "p", "yes", "y", "attended", "✓")),
        (AttendanceStatus.LATE, ("late", "l")),
        (AttendanceStatus.LEFT_EARLY, ("left-early", "leftearly", "le")),
        (AttendanceStatus.EXCUSED, ("excused", "apologies", "apology", "e")),
        (AttendanceStatus.ABSENT, ("absent", "a", "no", "n", "dna")),
    )
    for spelling in spellings
}
PERSON_COLUMNS = ("name", "person", "staff", "email", "id", "staffid", "fullname")
STATUS_COLUMNS = ("status", "attendance", "mark", "attended")
SESSION_COLUMNS = ("session", "sessionid")
VISITOR_COLUMNS = ("visitor", "guest")
YES = frozenset({"yes", "y", "true", "1", "x", "✓", "visitor"})


def status_of(text: str) -> AttendanceStatus:
    """A status from what was typed, e.g. 'P', 'apologies', 'left early'."""
    key = re.sub(r"[\s_]+", "-", text.strip().lower())
    found = SPELLINGS.get(key) or SPELLINGS.get(key.replace("-", ""))
    if found is None:
        raise InvalidInput(
            f"unknown status {text!r}: use present, late, left-early, excused or absent"
        )
    return found


class RegisterLine(NamedTuple):
    """One row of a register: who (spaces collapsed), their mark, and the session it is
    for where the register has a session column.

    A named tuple, as immutable and typed as a frozen dataclass but several times
    quicker to make: a national register has 300,000 rows.
    """

    row: int
    session: str | None  # as written; None when the register is for one session
    person: str
    status: AttendanceStatus
    visitor: bool = False


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    for index, header in enumerate(headers):
        if re.sub(r"[^a-z]", "", header.lower()) in names:
            return index
    return None


@dataclass(frozen=True)
class _Columns:
    """Where a register keeps each thing, and how many cells a row needs to hold them."""

    person: int
    status: int
    session: int | None
    visitor: int | None

    @property
    def width(self) -> int:
        return 1 + max(
            at for at in (self.person, self.status, self.session, self.visitor) if at is not None
        )


def _shown(headers: list[str]) -> str:
    """Header cells for a message: as typed if plain and short, else quoted (escaped)."""
    return ", ".join(h if h.isprintable() and len(h) <= 40 else repr(h[:40]) for h in headers)


def _columns(table: Table) -> _Columns:
    """The register's columns; a problem for each required one missing."""
    if not table.headers:
        raise InvalidInput(f"{table.source} is empty: it needs a header row (name, status)")
    person_at = _column(table.headers, PERSON_COLUMNS)
    status_at = _column(table.headers, STATUS_COLUMNS)
    if person_at is None or status_at is None:
        missing = [name for name, at in (("name", person_at), ("status", status_at)) if at is None]
        raise FileProblems(
            table.source,
            [
                f"row 1: missing required column {name!r} (found: {_shown(table.headers)})"
                for name in missing
            ],
            RECORDED,
        )
    session_at = _column(table.headers, SESSION_COLUMNS)
    return _Columns(person_at, status_at, session_at, _column(table.headers, VISITOR_COLUMNS))


def _cleaned(person: str, visitor: bool) -> str:
    return clean_name(person, "visitor") if visitor else clean_text(person, "name")


@without_gc
def read_register(table: Table) -> list[RegisterLine]:
    """Every line of a typed-up register, checked; all problems are reported together."""
    columns = _columns(table)
    person_at, status_at = columns.person, columns.status
    session_at, visitor_at = columns.session, columns.visitor
    # Short rows are padded so that every column read is there: indexing beats a
    # function call per cell on a register of 300,000 rows.
    width = columns.width
    padding = [""] * width
    lines: list[RegisterLine] = []
    problems: list[str] = []
    # A register repeats a few spellings, and each person's name, many times: each
    # is read and checked once.
    statuses: dict[str, AttendanceStatus] = {}
    names: dict[str, str] = {}
    visitors: dict[str, str] = {}
    for row, cells in table.rows:
        if len(cells) < width:
            cells = [*cells, *padding[len(cells) :]]
        person, status_text = cells[person_at].strip(), cells[status_at].strip()
        session = cells[session_at].strip() or None if session_at is not None else None
        if not person:
            problems.append(f"row {row}: no name")
            continue
        status = statuses.get(status_text)
        if status is None:
            try:
                status = statuses[status_text] = status_of(status_text)
            except InvalidInput as exc:
                problems.append(f"row {row}: {exc}")
                continue
        if session_at is not None and session is None:
            problems.append(f"row {row}: no session id (the file has a session column)")
            continue
        if session is not None and not (session.isascii() and session.isdigit()):
            problems.append(f"row {row}: session {session!r} is not a session id")
            continue
        visitor = visitor_at is not None and cells[visitor_at].strip().lower() in YES
        known = visitors if visitor else names
        cleaned = known.get(person)
        if cleaned is None:
            try:  # checked as the same name typed with --present or --visitor would be
                cleaned = _cleaned(person, visitor)
            except InvalidInput as exc:
                problems.append(f"row {row}: {exc}")
                continue
            known[person] = cleaned
        lines.append(RegisterLine(row, session, cleaned, status, visitor))
    if problems:
        raise FileProblems(table.source, problems, RECORDED)
    if not lines:
        raise FileProblems(table.source, ["the register has a header but no rows"], RECORDED)
    return lines
