"""What a typed-up register for many sessions at once is checked against, read in bulk:
the sessions it names and everyone on record, so that a national register of 300,000
rows is checked in well under a second."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from refocus_cli.core.people import Candidate
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class SessionState:
    """Where a session stands, as far as taking its register goes."""

    status: str
    start: datetime


def session_states(store: Store, session_ids: list[int]) -> dict[int, SessionState]:
    """Status and start (UTC) of each of these sessions that exists."""
    found: dict[int, SessionState] = {}
    for chunk in range(0, len(session_ids), 500):
        part = session_ids[chunk : chunk + 500]
        for session_id, status, start in store.db.execute(
            f"SELECT id, status, start_utc FROM session WHERE id IN ({','.join('?' * len(part))})",
            part,
        ):
            found[session_id] = SessionState(status, datetime.fromisoformat(start))
    return found


def staff_candidates(store: Store) -> list[Candidate]:
    """Everyone on record, as a register may name them: by id, email or name."""
    return [
        Candidate(staff_id, name, email)
        for staff_id, name, email in store.db.execute("SELECT id, name, email FROM staff")
    ]
