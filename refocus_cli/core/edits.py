"""Putting mistakes right: what an edit changes, told in plain words.

An edit names only the fields it changes; an edit that names none is refused, and
one that gives every field the value it already has changes nothing. Sessions whose
calendar entries an edit changes are listed so their SEQUENCE rises with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from refocus_cli.core.errors import InvalidInput

LISTED = 8  # sessions named in an error before "and N more"


@dataclass(frozen=True)
class FieldChange:
    """One field of a record, from what it was to what it is now."""

    field: str
    old: Any
    new: Any

    def words(self) -> str:
        """e.g. "site North → Northgate"."""
        return f"{self.field.replace('_', ' ')} {_shown(self.old)} → {_shown(self.new)}"

    def as_record(self) -> dict[str, Any]:
        """The change as printed with --json."""
        return {"field": self.field, "old": self.old, "new": self.new}


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def wanted(options: Mapping[str, Any], what: str) -> dict[str, Any]:
    """The options an edit was given (those not None); refused when there are none."""
    given = {field: value for field, value in options.items() if value is not None}
    if not given:
        flags = ", ".join(f"--{field.replace('_', '-')}" for field in options)
        raise InvalidInput(f"nothing to change for {what}: give at least one of {flags}")
    return given


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """The fields of `after` whose value differs from `before`'s, in `after`'s order."""
    return tuple(
        FieldChange(field, before.get(field), value)
        for field, value in after.items()
        if before.get(field) != value
    )


def audit_pair(found: Iterable[FieldChange]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The old and new values of changed fields, as the audit log keeps them."""
    listed = list(found)
    return {c.field: c.old for c in listed}, {c.field: c.new for c in listed}


@dataclass(frozen=True)
class Edited:
    """An edit made: the record, what changed, and whose calendar entries were updated."""

    kind: str
    id: int
    name: str
    changes: tuple[FieldChange, ...]
    sessions_updated: tuple[int, ...] = ()

    def words(self) -> str:
        """What changed, for the person at the terminal."""
        if not self.changes:
            return f"Nothing changed: {self.kind} {self.name} already has those details."
        told = "; ".join(change.words() for change in self.changes)
        text = f"Changed {self.kind} {self.name} (id {self.id}): {told}."
        count = len(self.sessions_updated)
        if count:
            noun = "session's" if count == 1 else "sessions'"
            text += f" {count} future {noun} calendar entries updated (SEQUENCE raised)."
        return text

    def as_record(self) -> dict[str, Any]:
        """The edit as printed with --json."""
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "changes": [change.as_record() for change in self.changes],
            "sessions_updated": list(self.sessions_updated),
        }


@dataclass(frozen=True)
class SessionRef:
    """A session named in a refusal: its id, when it starts (local) and its module."""

    id: int
    start: datetime
    module: str

    def words(self) -> str:
        """e.g. "session 14 (Tue 2 Mar 2027, 10:00, values)"."""
        when = f"{self.start:%a} {self.start.day} {self.start:%b %Y, %H:%M}"
        return f"session {self.id} ({when}, {self.module})"


def listed_sessions(sessions: Sequence[SessionRef]) -> str:
    """Sessions for an error message: the first few, then how many more."""
    shown = ", ".join(session.words() for session in sessions[:LISTED])
    more = len(sessions) - LISTED
    return shown + (f" and {more} more" if more > 0 else "")
