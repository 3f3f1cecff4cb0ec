"""Who and what is still free on one working day of a planning run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from refocus_cli.core.rollout import AM, PM, Booking, TrainerIn, VenueIn


class DayDiary:
    """Who and what is still free on one working day, half-day by half-day."""

    def __init__(
        self,
        day: date,
        trainers: Iterable[TrainerIn],
        venues: Iterable[VenueIn],
        bookings: Iterable[Booking],
    ) -> None:
        self.day = day
        trainers, venues = list(trainers), list(venues)
        self.trainers = {slot: {t.id for t in trainers if day not in t.away} for slot in (AM, PM)}
        self.venues = {slot: {v.id for v in venues} for slot in (AM, PM)}
        self.teams: dict[int, set[str]] = defaultdict(set)
        for booking in bookings:
            self.take(booking.slots, booking.trainer_ids, booking.team_ids, booking.venue_id)

    def take(
        self,
        slots: tuple[str, ...],
        trainer_ids: tuple[int, ...],
        team_ids: tuple[int, ...],
        venue_id: int | None,
    ) -> None:
        """Book trainers, teams and a venue for these half-days."""
        for slot in slots:
            self.trainers[slot].difference_update(trainer_ids)
            if venue_id is not None:
                self.venues[slot].discard(venue_id)
        for team_id in team_ids:
            self.teams[team_id].update(slots)

    def free_trainers(self, slots: tuple[str, ...]) -> set[int]:
        """Trainers free for every one of these half-days."""
        return self.trainers[slots[0]] if len(slots) == 1 else self.trainers[AM] & self.trainers[PM]

    def free_venues(self, slots: tuple[str, ...]) -> set[int]:
        """Venues free for every one of these half-days."""
        return self.venues[slots[0]] if len(slots) == 1 else self.venues[AM] & self.venues[PM]

    def team_busy(self, team_ids: tuple[int, ...], slots: tuple[str, ...]) -> bool:
        """Whether any of these teams is already in a session in these half-days."""
        return any(
            self.teams[team_id].intersection(slots) for team_id in team_ids if team_id in self.teams
        )
