"""A cancelled session recorded as held after all, and the session standing in for it.

Recording a cancelled session's register (--cancelled) says it ran. Where another
session was planned in its place, the user says what becomes of that one: kept in
the diary as well (--replacement keep) or cancelled (--replacement cancel). Until
they say, nothing is recorded and the message names the session standing in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from refocus_cli.core.errors import Conflict
from refocus_cli.core.marks import Replacement
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.store import sessions
from refocus_cli.store.database import Store
from refocus_cli.store.session_changes import standing_in


@dataclass(frozen=True)
class StandIn:
    """A session (not cancelled) that stands in for a cancelled one being recorded."""

    cancelled: int  # the cancelled session whose register is recorded
    id: int
    start: str  # local, "YYYY-MM-DD HH:MM"
    status: SessionStatus


def stand_ins(store: Store, cancelled_ids: Iterable[int]) -> list[StandIn]:
    """The session standing in for each of these cancelled sessions that has one."""
    found = []
    tz = store.tz()
    for session_id in sorted(set(cancelled_ids)):
        session = sessions.get(store, str(session_id))
        if session["status"] != SessionStatus.CANCELLED:
            continue
        other = standing_in(store, session)
        if other is None:
            continue
        status = sessions.get(store, str(other["id"]))["status"]
        start = f"{sessions.to_local(other['start_utc'], tz):%Y-%m-%d %H:%M}"
        found.append(StandIn(session_id, other["id"], start, SessionStatus(status)))
    return found


def to_cancel(
    found: list[StandIn], replacement: Replacement | None, recorded: Collection[int]
) -> list[StandIn]:
    """The stand-ins to cancel as `replacement` says; refused, naming them, where the user
    has not said, or where one to cancel has taken place (held, or on this register)."""
    if not found:
        return []
    if replacement is None:
        named = "; ".join(
            f"session {s.id} ({s.start}) stands in for cancelled session {s.cancelled}"
            for s in found
        )
        raise Conflict(
            f"{named}: add --replacement keep to keep it in the diary as well, "
            "or --replacement cancel to cancel it"
        )
    if replacement is Replacement.KEEP:
        return []
    for stand_in in found:
        if stand_in.status == SessionStatus.HELD or stand_in.id in recorded:
            raise Conflict(
                f"session {stand_in.id}, which stands in for session {stand_in.cancelled}, "
                "has taken place (its register is recorded), so it cannot be cancelled: "
                "add --replacement keep instead"
            )
    return found


def cancel(store: Store, found: Iterable[StandIn]) -> tuple[int, ...]:
    """Cancel these stand-ins (SEQUENCE raised, audited); call inside the write
    transaction that records the registers. Their ids."""
    cancelled = []
    for stand_in in found:
        sessions.write_cancel(
            store, stand_in.id, f"session {stand_in.cancelled} was held in its place"
        )
        cancelled.append(stand_in.id)
    return tuple(cancelled)
