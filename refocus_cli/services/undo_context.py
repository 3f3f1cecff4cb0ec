"""What reversing the entries of one change shares: names for messages, the clock, and
the checks left until every entry is reversed (a session put back at its old time is
checked against the diary once the sessions it moved with are back too)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.errors import Conflict
from refocus_cli.core.rules import clashes
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.services import manual as manual_service
from refocus_cli.services.sessions import rules_context
from refocus_cli.store import audit, sessions
from refocus_cli.store.audit import AuditRow
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class Step:
    """One entry reversed: what was done, in words, and the undo's audit entry old → new."""

    words: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None


class Refused(Conflict):
    """An entry that cannot be reversed, and why."""


@dataclass
class Undoing:
    """The store an undo works on, with what its reversals share."""

    store: Store
    manual: Path | None = None
    later_checks: list[Callable[[], str | None]] = field(default_factory=list)
    _names: dict[str, dict[int, str]] = field(default_factory=dict)
    _curriculum: Curriculum | None = None

    def name(self, kind: str, record_id: Any) -> str:
        """The name of a staff member, team, trainer, venue or cohort, by id."""
        if kind not in self._names:
            self._names[kind] = audit.names(self.store, kind)
        return self._names[kind].get(record_id, f"{kind} {record_id}")

    def now(self) -> datetime:
        """Now, by the store's clock."""
        return self.store.clock()

    def check_in_diary(self, session_id: int) -> None:
        """Once every entry is reversed, check a session put back (if still to come and
        in the diary) against every other: trainers, teams, venue, leave, closures."""

        def problems() -> str | None:
            now = sessions.get(self.store, str(session_id))
            start = datetime.fromisoformat(now["start"])
            if now["status"] != SessionStatus.SCHEDULED or start <= self.now():
                return None
            (booked,) = sessions.booked(self.store, "WHERE s.id = ?", [session_id])
            context = rules_context(self.store, self.curriculum(), booked.start.date())
            found = clashes(booked, sessions.others_in_diary(self.store, session_id), context)
            if not found:
                return None
            return f"session {session_id} at {start:%Y-%m-%d %H:%M}: " + "; ".join(found)

        self.later_checks.append(problems)

    def curriculum(self) -> Curriculum:
        """The curriculum sessions are checked by (the manual and the programme's overrides)."""
        if self._curriculum is None:
            self._curriculum = manual_service.curriculum(self.store, self.manual)
        return self._curriculum


def subjects(entry: AuditRow) -> tuple[list[tuple[str, int]], list[int]]:
    """The records an entry is about ((entity, id) pairs) and the staff it concerns: a
    later change to any of them may depend on it."""
    new = entry.new if isinstance(entry.new, dict) else {}
    if entry.entity_id is None:
        return [], []
    if entry.entity in ("session", "attendance"):
        return [("session", entry.entity_id), ("attendance", entry.entity_id)], []
    if entry.entity in ("staff", "membership"):
        return [], [entry.entity_id]
    moved = list(new.get("staff_moved") or []) + list(new.get("staff_released") or [])
    return [(entry.entity, entry.entity_id)], [int(staff_id) for staff_id in moved]
