"""`refocus evaluate` and `refocus report evaluations`: the evaluation forms people hand
back after a session, typed up and summarised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from refocus_cli.core.errors import Conflict, FileProblems, InvalidInput, NotFound
from refocus_cli.core.evaluations import (
    MAX_PROBLEMS,
    EvaluationsView,
    check_forms,
    evaluations_view,
)
from refocus_cli.core.people import record_id
from refocus_cli.core.programme import STAGES
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.store import evaluations
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class Evaluated:
    """What recording a session's forms did: forms added, corrected and unchanged."""

    session_id: int
    added: int
    replaced: int
    unchanged: int

    def as_record(self) -> dict[str, Any]:
        """The outcome as `--json` shows it."""
        return {
            "session": self.session_id,
            "added": self.added,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
        }


def _session(store: Store, ref: str) -> int:
    """A session whose forms can come back: it exists, was not cancelled, has begun."""
    session_id = record_id(ref.strip())
    if session_id is None:
        raise NotFound(f"session {ref!r} is not an id: see `refocus sessions` for ids")
    row = store.one("SELECT id, status, start_utc FROM session WHERE id = ?", [session_id])
    if row is None:
        raise NotFound(f"no session with id {session_id}: see `refocus sessions`")
    if row["status"] == SessionStatus.CANCELLED:
        raise Conflict(f"session {session_id} was cancelled: it has no evaluation forms")
    if datetime.fromisoformat(row["start_utc"]) > store.clock():
        raise Conflict(
            f"session {session_id} has not begun yet: record its forms once they come back"
        )
    return session_id


def record_forms(store: Store, ref: str, path: Path) -> Evaluated:
    """Record a session's returned forms from a .csv or .xlsx file, all or nothing: one
    row per form, named by its printed number. The same file again changes nothing; a
    form typed differently replaces the one before (audited with what it said)."""
    from refocus_cli.readers.sheets import read_table

    table = read_table(path)
    with store.write():
        session_id = _session(store, ref)
        checked = check_forms(
            table,
            session_id,
            evaluations.forms_of(store, session_id),
            evaluations.printable_forms(store, session_id),
        )
        if not table.rows and not checked.problems:
            checked.problems.append("has no rows under its header")
        if checked.problems:
            shown = checked.problems[:MAX_PROBLEMS]
            if len(checked.problems) > MAX_PROBLEMS:
                shown.append(f"... and {len(checked.problems) - MAX_PROBLEMS} more problems")
            raise FileProblems(table.source, shown, "nothing was recorded")
        if checked.added or checked.replaced:
            evaluations.write_forms(
                store, session_id, table.source, checked.added, checked.replaced
            )
    return Evaluated(session_id, len(checked.added), len(checked.replaced), checked.unchanged)


def report(
    store: Store, *, stage: str | None = None, trainer: str | None = None
) -> EvaluationsView:
    """Per statement, how the forms rated it; and every written answer, by session."""
    if stage is not None and stage not in STAGES:
        raise InvalidInput(f"--stage {stage!r}: use one of {', '.join(STAGES)}")
    trainer_id, trainer_name = None, None
    if trainer is not None:
        from refocus_cli.store.trainers import find_trainer

        found = find_trainer(store, trainer)
        trainer_id, trainer_name = found["id"], found["name"]
    return evaluations_view(evaluations.returned(store, stage, trainer_id), stage, trainer_name)
