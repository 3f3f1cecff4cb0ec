"""Typed-up registers that name a session on every row: many sessions recorded at once.

Rows are checked against the whole staff list in bulk (by id, email or a name only one
person has), so a national register of 300,000 rows is checked in well under a second;
nothing is written unless every row passes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.errors import FileProblems
from refocus_cli.core.register import RegisterLine
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import record_id


def people_index(store: Store) -> tuple[dict[int, int], dict[str, int], dict[str, list[int]]]:
    """Every staff member by id, email and lower-case name, for bulk registers."""
    ids, emails, names = {}, {}, defaultdict(list)
    for staff_id, name, email in store.db.execute("SELECT id, name, email FROM staff"):
        ids[staff_id] = staff_id
        if email:
            emails[email.lower()] = staff_id
        names[" ".join(name.lower().split())].append(staff_id)
    return ids, emails, dict(names)


MAX_PROBLEMS = 20


def _problems(source: str, problems: list[str]) -> None:
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS} more problems")
        raise FileProblems(source, shown, "nothing was recorded")


@without_gc
def bulk_marks(
    store: Store, source: str, lines: list[RegisterLine], force: bool
) -> list[tuple[int, int | None, str | None, str]]:
    """Marks from a register that names a session on every row (many sessions at once).

    People are found by id, email or a name only one person has; every problem is
    reported with its row and nothing is written.
    """
    problems: list[str] = []
    session_ids = {text: record_id(text) for text in {line.session for line in lines}}
    wanted = sorted(set(session_ids.values()) - {None})
    found: dict[int, tuple[str, str]] = {}
    for chunk in range(0, len(wanted), 500):
        part = wanted[chunk : chunk + 500]
        for row in store.db.execute(
            f"SELECT id, status, start_utc FROM session WHERE id IN ({','.join('?' * len(part))})",
            part,
        ):
            found[row[0]] = (row[1], row[2])
    now = store.clock()
    refused: set[int] = set()
    accepted: set[int] = set()  # checked once: neither cancelled nor in the future
    ids, emails, names = people_index(store)
    marks: dict[tuple[int, int | None, str | None], tuple[str, int]] = {}
    for line in lines:
        session_id = session_ids[line.session]
        if session_id not in found:
            problems.append(f"row {line.row}: no session with id {line.session}")
            continue
        status, start = found[session_id]
        if not force and session_id not in refused and session_id not in accepted:
            if status == "cancelled":
                problems.append(
                    f"row {line.row}: session {session_id} was cancelled "
                    "(record it anyway with --force)"
                )
                refused.add(session_id)
            elif datetime.fromisoformat(start) > now:
                problems.append(
                    f"row {line.row}: session {session_id} is in the future "
                    "(record it anyway with --force)"
                )
                refused.add(session_id)
            else:
                accepted.add(session_id)
        if line.visitor:
            key = (session_id, None, line.person)
        else:
            text = line.person
            if text.isdigit():
                staff_id = ids.get(int(text)) if text.isascii() and len(text) < 19 else None
            elif "@" in text:
                staff_id = emails.get(text.lower())
            else:
                matches = names.get(text.lower(), [])
                if len(matches) > 1:
                    problems.append(
                        f"row {line.row}: {text!r} matches {len(matches)} people "
                        f"(ids {', '.join(map(str, matches))}): use the id or email"
                    )
                    continue
                staff_id = matches[0] if matches else None
            if staff_id is None:
                problems.append(
                    f"row {line.row}: no staff member {text!r} "
                    "(check the spelling, or mark the row as a visitor)"
                )
                continue
            key = (session_id, staff_id, None)
        before = marks.get(key)
        if before is not None and before[0] != line.status:
            problems.append(
                f"row {line.row}: {line.person} is marked {before[0]} at row {before[1]} "
                f"and {line.status} here"
            )
            continue
        marks[key] = (line.status, line.row)
    _problems(source, problems)
    return [(*key, status) for key, (status, _row) in marks.items()]
