"""Attendance marks as people write them: statuses, and typed-up sign-in registers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.errors import FileProblems, InvalidInput
from refocus_cli.core.tabular import Table
from refocus_cli.core.vocabulary import AttendanceStatus

RECORDED = "nothing was recorded"
STATUSES: tuple[str, ...] = tuple(AttendanceStatus)

# What trainers write in the status column of a register, and what it means.
SPELLINGS = {
    "present": "present",
    "p": "present",
    "yes": "present",
    "y": "present",
    "attended": "present",
    "✓": "present",
    "late": "late",
    "l": "late",
    "left-early": "left-early",
    "leftearly": "left-early",
    "le": "left-early",
    "excused": "excused",
    "apologies": "excused",
    "apology": "excused",
    "e": "excused",
    "absent": "absent",
    "a": "absent",
    "no": "absent",
    "n": "absent",
    "dna": "absent",
}
PERSON_COLUMNS = ("name", "person", "staff", "email", "id", "staffid", "fullname")
STATUS_COLUMNS = ("status", "attendance", "mark", "attended")
SESSION_COLUMNS = ("session", "sessionid")
VISITOR_COLUMNS = ("visitor", "guest")
YES = frozenset({"yes", "y", "true", "1", "x", "✓", "visitor"})


def status_of(text: str) -> str:
    """A status from what was typed, e.g. 'P', 'apologies', 'left early'."""
    key = re.sub(r"[\s_]+", "-", text.strip().lower())
    found = SPELLINGS.get(key) or SPELLINGS.get(key.replace("-", ""))
    if found is None:
        raise InvalidInput(
            f"unknown status {text!r}: use present, late, left-early, excused or absent"
        )
    return found


@dataclass(frozen=True)
class RegisterLine:
    row: int
    session: str | None  # as written; None when the register is for one session
    person: str
    status: str
    visitor: bool = False


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    for index, header in enumerate(headers):
        if re.sub(r"[^a-z]", "", header.lower()) in names:
            return index
    return None


def _cell(cells: list[str], at: int | None) -> str:
    return cells[at].strip() if at is not None and at < len(cells) else ""


@without_gc
def read_register(table: Table) -> list[RegisterLine]:
    """Every line of a typed-up register, checked; all problems are reported together."""
    if not table.headers:
        raise InvalidInput(f"{table.source} is empty: it needs a header row (name, status)")
    person_at = _column(table.headers, PERSON_COLUMNS)
    status_at = _column(table.headers, STATUS_COLUMNS)
    session_at = _column(table.headers, SESSION_COLUMNS)
    visitor_at = _column(table.headers, VISITOR_COLUMNS)
    missing = [name for name, at in (("name", person_at), ("status", status_at)) if at is None]
    if missing:
        raise FileProblems(
            table.source,
            [
                f"row 1: missing required column {name!r} (found: {', '.join(table.headers)})"
                for name in missing
            ],
            RECORDED,
        )
    lines, problems = [], []
    statuses: dict[str, str] = {}  # a register repeats a few spellings many times
    for row, cells in table.rows:
        person, status_text = _cell(cells, person_at), _cell(cells, status_at)
        session = _cell(cells, session_at) or None
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
        if session_at is not None and not session:
            problems.append(f"row {row}: no session id (the file has a session column)")
            continue
        if session_at is not None and not (session.isascii() and session.isdigit()):
            problems.append(f"row {row}: session {session!r} is not a session id")
            continue
        visitor = _cell(cells, visitor_at).lower() in YES
        lines.append(RegisterLine(row, session, " ".join(person.split()), status, visitor))
    if problems:
        raise FileProblems(table.source, problems, RECORDED)
    if not lines:
        raise FileProblems(table.source, ["the register has a header but no rows"], RECORDED)
    return lines


def group_share(people: list[tuple[str, int]], groups: int, index: int) -> set[int]:
    """The ids in group `index` (from 0) of `groups` when a team of (name, id) people is
    split for one session: near-equal shares in name order, the first group first."""
    ordered = sorted(people, key=lambda person: (person[0].lower(), person[1]))
    base, extra = divmod(len(ordered), groups)
    start = index * base + min(index, extra)
    return {staff_id for _, staff_id in ordered[start : start + base + (1 if index < extra else 0)]}
