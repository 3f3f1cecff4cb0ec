"""What the rollout test knows besides the database: the curriculum's rules as data, the
step just played, and its own model of what it recorded and what it was told may stand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from rollout_snapshot import MarkKey, Snapshot

from refocus_cli.core.workdays import bank_holidays
from refocus_cli.services.manual import base_curriculum

Booking = tuple[int, int, date]  # session, trainer, day


@dataclass(frozen=True)
class Rulebook:
    """The curriculum's rules as data: stages in order and their gaps, module order, who
    delivers what, the working day, and the region's bank holidays."""

    stages: tuple[str, ...]
    gaps: dict[str, int]
    before: dict[str, tuple[str, ...]]  # module -> modules of its stage that come first
    co_delivered: frozenset[str]
    needs_trainer: frozenset[str]
    day_start: time
    day_end: time
    holidays: frozenset[date]

    @classmethod
    def shipped(cls) -> Rulebook:
        """The rules of the shipped manual, for an English programme."""
        manual = base_curriculum()
        return cls(
            stages=tuple(stage.key for stage in manual.stages),
            gaps={stage.key: stage.gap_after_days for stage in manual.stages},
            before={m.key: manual.prerequisites(m.key) for m in manual.modules},
            co_delivered=frozenset(m.key for m in manual.modules if m.co_delivered),
            needs_trainer=frozenset(m.key for m in manual.modules if m.facilitator == "trainer"),
            day_start=manual.working_hours.day_start,
            day_end=manual.working_hours.day_end,
            holidays=frozenset(bank_holidays("england", range(2026, 2032))),
        )


@dataclass
class Step:
    """One step of the rollout: the command it stands for and what it was allowed to touch."""

    name: str
    command: str
    touched: frozenset[int] = frozenset()  # sessions the command was about
    earliest: date | None = None  # the first day the command may put a session on
    refused: str | None = None  # the error, when refocus refused the command
    replanned: int | None = None  # the cohort a successful replan repaired
    settled: tuple[str, ...] = ()  # what a second replan, right after, would still change


@dataclass
class Model:
    """What the test itself recorded, and what it has been told may stand."""

    marks: dict[MarkKey, str] = field(default_factory=dict)
    held: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # session -> looks()
    held_from: dict[int, str] = field(default_factory=dict)  # status before it was held
    kept_both: set[frozenset[int]] = field(default_factory=set)  # --replacement keep
    excused: set[Booking] = field(default_factory=set)  # booked before the leave was
    closed: set[tuple[int, date]] = field(default_factory=set)  # booked before the closure

    def excuse_new_leave(self, before: Snapshot, after: Snapshot) -> None:
        """Leave recorded by this step does not undo bookings already made (a held session
        whose register is cleared later is booked again): those stay, for `replan` to
        repair, as long as they stand unchanged."""
        self.excused = {
            (sid, tid, day)
            for sid, tid, day in self.excused
            if (s := after.sessions.get(sid)) and s.status != "cancelled"
            if s.day == day and tid in s.trainers
        }
        for s in after.standing():
            was = before.sessions.get(s.id)
            if was is None or was.status == "cancelled" or was.day != s.day:
                continue
            for tid in set(s.trainers) & set(was.trainers):
                if s.day in after.away.get(tid, ()) and s.day not in before.away.get(tid, ()):
                    self.excused.add((s.id, tid, s.day))

    def excuse_new_closures(self, before: Snapshot, after: Snapshot) -> None:
        """Sessions already booked on a day the organisation then closes stay there, for
        `replan` to repair, as long as they stand unchanged."""
        self.closed = {
            (sid, day)
            for sid, day in self.closed
            if (s := after.sessions.get(sid)) and s.status != "cancelled" and s.day == day
        }
        self.closed |= {
            (s.id, s.day)
            for s in after.standing()
            if s.day in after.closures - before.closures
            and (was := before.sessions.get(s.id)) is not None
            and was.status != "cancelled"
            and was.day == s.day
        }

    def replanned(self, after: Snapshot, cohort_id: int) -> None:
        """After a replan of a cohort, none of its scheduled sessions still to begin is
        excused (held sessions and those begun never move)."""
        self.excused = {
            (sid, tid, day)
            for sid, tid, day in self.excused
            if (s := after.sessions[sid]).cohort_id != cohort_id
            or s.status != "scheduled"
            or s.start <= after.now
        }
        self.closed = {
            (sid, day)
            for sid, day in self.closed
            if (s := after.sessions[sid]).cohort_id != cohort_id
            or s.status != "scheduled"
            or s.start <= after.now
        }

    def both_kept(self, first: int, second: int) -> bool:
        return frozenset((first, second)) in self.kept_both


def working_days_after(day: date, count: int, after: Snapshot, rules: Rulebook) -> date:
    """The `count`-th working day after `day` (weekends, bank holidays, closures skipped)."""
    for _ in range(max(count, 1)):
        day += timedelta(days=1)
        while day.weekday() >= 5 or day in rules.holidays or day in after.closures:
            day += timedelta(days=1)
    return day
