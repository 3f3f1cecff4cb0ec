"""A stretch of someone's time in a team: what the catch-up rules and the
implementation measures both read (kept apart so the measures need not import the
rollout planner)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class Spell(NamedTuple):
    """A stretch of one person's time in one team; `end` is the first day they were not.
    (A named tuple: the measures read tens of thousands at once.)"""

    team_id: int
    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        """Whether the person was in the team on `day`."""
        return self.start <= day and (self.end is None or day < self.end)
