"""Staff with their dated memberships, read for views of any day (core.memberships
decides what holds on that day and what is still to come)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from refocus_cli.core.memberships import Stint
from refocus_cli.store.database import Store

PEOPLE = (
    "SELECT id, uuid, name, email, role, is_manager, clinical, clinical_guessed, left_on FROM staff"
)
STINTS = (
    "SELECT m.staff_id, m.team_id, t.name AS team, m.start_date, m.end_date, m.end_reason "
    "FROM membership m JOIN team t ON t.id = m.team_id"
)


def people(store: Store, staff_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Staff records (every one, or those of `staff_ids`), without their teams."""
    if staff_ids is None:
        return store.rows(PEOPLE)
    marks = ", ".join("?" for _ in staff_ids)
    return store.rows(f"{PEOPLE} WHERE id IN ({marks})", list(staff_ids)) if staff_ids else []


def stints(store: Store, staff_ids: Sequence[int] | None = None) -> dict[int, list[Stint]]:
    """Every membership of every person (or of `staff_ids`), by person, oldest first."""
    where, params = "", []
    if staff_ids is not None:
        if not staff_ids:
            return {}
        where = f" WHERE m.staff_id IN ({', '.join('?' for _ in staff_ids)})"
        params = list(staff_ids)
    found: dict[int, list[Stint]] = defaultdict(list)
    for staff_id, team_id, team, start, end, reason in store.db.execute(
        f"{STINTS}{where} ORDER BY m.start_date, m.id", params
    ):
        found[staff_id].append(
            Stint(
                team_id,
                team,
                date.fromisoformat(start),
                date.fromisoformat(end) if end else None,
                reason,
            )
        )
    return found


def team_people(store: Store, team_id: int) -> list[int]:
    """The ids of everyone who was, is or will be in a team."""
    return [
        row[0]
        for row in store.db.execute(
            "SELECT DISTINCT staff_id FROM membership WHERE team_id = ?", [team_id]
        )
    ]
