"""One plan repair under way: the diary as sessions are put back, and the least change for each.

For a session that must change, in this order of preference: keep its date and time
and swap a trainer or the venue; move it within the same week; move it later. Each
is first tried without disturbing anything else; only when nothing fits that way does
it move past the next session of its chain, which is then put back after it the same
way (and so on). A day is taken only when every rule holds: a working day, its teams
still in being, trainers who deliver the stage and are neither away, nor taken off a
cancelled session that day, nor teaching elsewhere, a free venue that seats the group,
its teams free, and the order of stages and modules with the stages' gaps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from refocus_cli.core.errors import Conflict
from refocus_cli.core.repair_model import OnRecord, RepairSetting, Standing, too_soon
from refocus_cli.core.rollout import AM, PM, Booking, PlannedSession, SessionKey, Step
from refocus_cli.core.vocabulary import SessionStatus

HORIZON = timedelta(days=3 * 365)


class Diary:
    """Who and what every day holds, half-day by half-day, as sessions are moved about."""

    def __init__(self, bookings: Iterable[Booking]) -> None:
        self.days: dict[date, dict[Hashable, Booking]] = {}
        for number, booking in enumerate(bookings):
            self.days.setdefault(booking.day, {})[("booked", number)] = booking

    def put(self, owner: Hashable, booking: Booking) -> None:
        """Book `owner` (a session of the plan) as `booking` says."""
        self.days.setdefault(booking.day, {})[owner] = booking

    def take_out(self, owner: Hashable, day: date) -> None:
        """Free what `owner` held on `day`."""
        self.days.get(day, {}).pop(owner, None)

    def bookings(self) -> tuple[Booking, ...]:
        """Everything the diary holds."""
        return tuple(booking for day in self.days.values() for booking in day.values())

    def taken(self, day: date, slots: tuple[str, ...]) -> tuple[set[int], set[int], set[int]]:
        """The trainers, teams and venues busy in any of these half-days of `day`."""
        trainers: set[int] = set()
        teams: set[int] = set()
        venues: set[int] = set()
        for booking in self.days.get(day, {}).values():
            if set(booking.slots) & set(slots):
                trainers.update(booking.trainer_ids)
                teams.update(booking.team_ids)
                if booking.venue_id is not None:
                    venues.add(booking.venue_id)
        return trainers, teams, venues


class RepairRun:
    """The plan as the repair moves it: where each place stands now, and what changed why."""

    def __init__(
        self, records: Sequence[OnRecord], standing: Standing, setting: RepairSetting
    ) -> None:
        self.setting = setting
        self.chains = setting.chains
        self.trainers = {trainer.id: trainer for trainer in setting.trainers}
        self.venues = {venue.id: venue for venue in setting.venues}
        self.placed: dict[SessionKey, PlannedSession] = {
            key: record.planned for key, record in standing.active.items()
        }
        self.movable = {
            key
            for key, record in standing.active.items()
            if record.may_move(setting.today, setting.now)
        }
        self.owner: dict[SessionKey, Hashable] = {
            key: record.id for key, record in standing.active.items()
        }
        self.reasons: dict[SessionKey, str] = {}
        self.dropped: dict[SessionKey, str] = {}
        self.load: Counter[int] = Counter()
        self.cancelled_from: dict[date, set[int]] = {}
        self.diary = Diary(setting.bookings)
        for record in records:
            if record.status == SessionStatus.CANCELLED:
                self.cancelled_from.setdefault(record.planned.day, set()).update(
                    record.planned.trainer_ids
                )
            else:  # every session in the diary, even one of a module no longer taught
                self.diary.put(record.id, self.booking(record.planned))
                self.load.update(record.planned.trainer_ids)
        # A session cancelled because its trainer could not come is not given back to them.
        self.not_for: dict[SessionKey, set[int]] = {
            key: {
                i
                for i in standing.cancelled[key].planned.trainer_ids
                if i in self.trainers
                and standing.cancelled[key].planned.day in self.trainers[i].away
            }
            for key in standing.vacant()
        }

    def taken_off(self) -> tuple[Booking, ...]:
        """The trainers taken off a cancelled session of the plan, each kept free of the
        plan's sessions all that day."""
        return tuple(
            Booking(day, (AM, PM), tuple(sorted(trainer_ids)), (), None)
            for day, trainer_ids in sorted(self.cancelled_from.items())
        )

    def booking(self, planned: PlannedSession) -> Booking:
        """The half-days, people and room a session takes."""
        slots = self.setting.hours.slots_taken(planned.start, planned.end) or (AM,)
        return Booking(planned.day, slots, planned.trainer_ids, planned.team_ids, planned.venue_id)

    def place_again(
        self, key: SessionKey, template: PlannedSession, earliest: date, why: str
    ) -> None:
        """Put the place `key` back, as near `template` (where it was) as the rules allow,
        dragging later sessions of its chains along only when nothing nearer fits."""
        current = self.placed.get(key)
        if current is not None:
            self.diary.take_out(self.owner[key], current.day)
            self.load.subtract(current.trainer_ids)
        after, before = self._neighbours(key, template)
        low = max(
            [earliest] + [p.day + timedelta(days=self.chains.rule_gap(template, p)) for p in before]
        )
        high, undisturbed = self._bounds(template, after, low)
        days = candidates(template.day, low, undisturbed, high)
        session = next(filter(None, (self.fit(key, template, day) for day in days)), None)
        if session is None:
            self._give_up(key, template, low, high, why)
            return
        self._commit(key, session, why)
        for later_key, _ in sorted(after, key=lambda pair: (pair[1].start, pair[0])):
            # Looked up afresh: putting back an earlier one may already have moved it.
            later = self.placed.get(later_key)
            if later is None or later_key not in self.movable:
                continue
            late = too_soon([later], [session], self.chains)
            if late:
                self.place_again(later_key, later, self.setting.first, late[later_key])

    def _neighbours(
        self, key: SessionKey, template: PlannedSession
    ) -> tuple[list[tuple[SessionKey, PlannedSession]], list[PlannedSession]]:
        """The plan's sessions after this one in its chains (with their places), and before."""
        after, before = [], []
        for other_key, other in self.placed.items():
            if other_key == key:
                continue
            if self.chains.depends(other, template):
                after.append((other_key, other))
            elif self.chains.depends(template, other):
                before.append(other)
        return after, before

    def _bounds(
        self,
        template: PlannedSession,
        after: Sequence[tuple[SessionKey, PlannedSession]],
        low: date,
    ) -> tuple[date, date]:
        """The last day the place may take at all, and the last that moves nothing after it.

        Sessions that may not move (held, begun or past) bind: a place is never put after
        what follows it in its chain. A place may not outlive all of its teams."""
        high = low + HORIZON
        undisturbed = high
        for other_key, other in after:
            latest = other.day - timedelta(days=self.chains.rule_gap(other, template))
            if other_key in self.movable:
                undisturbed = min(undisturbed, latest)
            else:
                high = min(high, latest)
        ends = [self.setting.teams[t].ends for t in template.team_ids]
        if ends and all(end is not None for end in ends):
            high = min(high, max(end for end in ends if end is not None) - timedelta(days=1))
        return high, min(undisturbed, high)

    def fit(self, key: SessionKey, template: PlannedSession, day: date) -> PlannedSession | None:
        """The session for place `key` (where `template` was) on `day`, with the trainers and
        venue free then, if it fits."""
        if not self.setting.calendar.is_working(day):
            return None
        teams = tuple(t for t in template.team_ids if self.setting.teams[t].active_on(day))
        if not teams:
            return None
        step = self.chains.by_key[template.module]
        length = template.end - template.start
        for begins in self._starts(step, template, length):
            start = datetime.combine(day, begins)
            end = start + length
            slots = self.setting.hours.slots_taken(start, end) or (AM,)
            busy_trainers, busy_teams, busy_venues = self.diary.taken(day, slots)
            if busy_teams & set(teams):
                continue
            away = (
                busy_trainers | self.cancelled_from.get(day, set()) | self.not_for.get(key, set())
            )
            able = {
                i
                for i, trainer in self.trainers.items()
                if i not in away and day not in trainer.away and step.stage in trainer.stages
            }
            trainers = self._staffing(step, template.trainer_ids, able)
            if trainers is None:
                continue
            venue = self._venue(step, template, teams, busy_venues)
            if venue is False:
                continue
            return replace(
                template,
                team_ids=teams,
                start=start,
                end=end,
                trainer_ids=trainers,
                venue_id=venue,
            )
        return None

    def _starts(self, step: Step, template: PlannedSession, length: timedelta) -> list[time]:
        """Times of day to try: where it was first, then where a plan would put it."""
        hours = self.setting.hours
        found: list[time] = []
        first = template.start.time()
        ends = (datetime.combine(date.min, first) + length).time()
        if hours.day_start <= first and ends <= hours.day_end and ends > first:
            found.append(first)
        for slot in (AM, PM):
            placement = hours.placement(step, slot)
            if placement is not None and placement[1] not in found:
                found.append(placement[1])
        return found

    def _staffing(
        self, step: Step, original: tuple[int, ...], able: set[int]
    ) -> tuple[int, ...] | None:
        """The session's trainers: those it had who still can, the best free for the rest
        (a lived-experience co-trainer in the second seat of a co-delivered session)."""
        if not step.needs_trainer:
            return ()
        seats: list[int | None] = [i if i in able else None for i in original]
        if not seats:
            seats = [None, None] if step.co_delivered else [None]
        for position, trainer in enumerate(seats):
            if trainer is None:
                lived_seat = step.co_delivered and position == 1
                seated = {i for i in seats if i is not None}
                seats[position] = self._best(able - seated, lived_seat)
        chosen = tuple(i for i in seats if i is not None)
        if len(chosen) < len(seats) or (step.co_delivered and not self._co_delivered(chosen)):
            return None
        return chosen

    def _best(self, free: set[int], lived_seat: bool) -> int | None:
        """The free trainer to take a seat: lived experience for a co-trainer's seat, else
        preferably not (they are few), then the one with fewest sessions."""
        found = [i for i in free if self.trainers[i].lived_experience or not lived_seat]
        return min(
            found,
            key=lambda i: (self.trainers[i].lived_experience != lived_seat, self.load[i], i),
            default=None,
        )

    def _co_delivered(self, chosen: tuple[int, ...]) -> bool:
        return len(set(chosen)) >= 2 and any(self.trainers[i].lived_experience for i in chosen)

    def _venue(
        self, step: Step, template: PlannedSession, teams: tuple[int, ...], busy: set[int]
    ) -> int | None | bool:
        """The venue: the one it had if still free, else the free one that seats the group
        nearest its first team; None when it needs none; False when none will do."""
        if not step.needs_venue or not self.venues:
            return None
        fitting = [
            venue
            for venue in self.venues.values()
            if venue.id not in busy and venue.capacity >= template.expected
        ]
        if any(venue.id == template.venue_id for venue in fitting):
            return template.venue_id
        if not fitting:
            return False
        site = self.setting.teams[teams[0]].site
        return min(fitting, key=lambda v: (v.site != site, v.capacity, v.id)).id

    def _commit(self, key: SessionKey, session: PlannedSession, why: str) -> None:
        owner = self.owner.setdefault(key, key)
        self.diary.put(owner, self.booking(session))
        self.load.update(session.trainer_ids)
        self.placed[key] = session
        self.movable.add(key)
        self.reasons.setdefault(key, why)

    def _give_up(
        self, key: SessionKey, template: PlannedSession, low: date, high: date, why: str
    ) -> None:
        """No day fits: a place its teams outlive is refused in words; one whose teams end
        first is dropped (nothing is planned for a team once it has ended)."""
        ends = [self.setting.teams[t].ends for t in template.team_ids]
        if ends and all(end is not None for end in ends):
            self.placed.pop(key, None)
            last = max(end for end in ends if end is not None)
            self.dropped[key] = f"{why}; no day fits before its teams end on {last}"
            return
        if high < low:
            raise Conflict(self._stuck_behind(key, template, low))
        step = self.chains.by_key[template.module]
        needs = "a lived-experience and a lead trainer" if step.co_delivered else "a trainer"
        raise Conflict(
            f"no day for {template.module} (session {template.occurrence}) between {low} and "
            f"{high}: it needs {needs} who delivers {step.stage}, its teams free and a venue "
            f"that seats {template.expected}: add trainers or venues, or record less "
            "unavailability"
        )

    def _stuck_behind(self, key: SessionKey, template: PlannedSession, low: date) -> str:
        """Why a place cannot be put back at all: a session after it in its chain that may
        not move (held, begun or past) comes before the first day it could take."""
        after, _ = self._neighbours(key, template)
        fixed = min(
            (other for other_key, other in after if other_key not in self.movable),
            key=lambda other: other.start,
        )
        return (
            f"no day for {template.module} (session {template.occurrence}) from {low}: it must "
            f"come before {fixed.module} (session {fixed.occurrence}) on {fixed.day}, which "
            "has taken place or is held and stays put: cancel that session too to replan both"
        )


def candidates(was: date, low: date, undisturbed: date, high: date) -> Iterator[date]:
    """Days to try for a session that was on `was`, best first: that day; its week, nearest
    first (the later of two equally near); later days that disturb nothing after it; then,
    from its week on, days that move what follows it."""
    if low <= was <= undisturbed:
        yield was
    monday = was - timedelta(days=was.weekday())
    week = [monday + timedelta(days=n) for n in range(7)]
    yield from sorted(
        (day for day in week if low <= day <= undisturbed and day != was),
        key=lambda day: (abs((day - was).days), day < was),
    )
    day = max(low, monday + timedelta(days=7))
    while day <= undisturbed:
        yield day
        day += timedelta(days=1)
    day = max(low, monday, undisturbed + timedelta(days=1))
    while day <= high:
        yield day
        day += timedelta(days=1)
