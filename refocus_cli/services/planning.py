"""Planning a cohort and repairing its plan: the use cases behind `schedule` and `replan`.

Each reads the diary through the store, lets core decide (the scheduler, the plan
repair) and writes the result, all in one write transaction unless it is a dry run:
were the diary read outside it, two plans made at once could book a team twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.measure_defs import Window
from refocus_cli.core.repair import (
    Chains,
    OnRecord,
    Repair,
    RepairSetting,
    first_repair_day,
    repair_plan,
)
from refocus_cli.core.rollout import Plan, PlannedSession, SessionKey, steps_from
from refocus_cli.core.scheduler import plan_rollout
from refocus_cli.services import manual as manual_service
from refocus_cli.services.context import stored_at_once
from refocus_cli.store import planning, session_changes, sessions
from refocus_cli.store.cohorts import find_cohort
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class CohortPlan:
    """A plan for a cohort, with the names its ids stand for."""

    cohort_id: int
    cohort: str
    plan: Plan
    teams: dict[int, str]  # in the cohort's order
    trainers: dict[int, str]
    venues: dict[int, str]
    windows: tuple[Window, ...] = ()  # the measurement windows added with the plan


@dataclass(frozen=True)
class RepairChange:
    """One session the repair changes, adds or cancels, in people's words."""

    session_id: int  # a new session's too (on a dry run, the id it would get)
    new: bool
    replaces: int | None  # the cancelled session a new one stands in for
    module: str
    occurrence: int
    teams: tuple[str, ...]
    before: datetime | None  # the old start (local); a replaced session's; None for a new team
    after: datetime | None  # the new start (local); None when the repair cancels it
    trainers_before: tuple[str, ...]
    trainers: tuple[str, ...]
    venue_before: str | None
    venue: str | None
    why: str

    def changed(self) -> list[str]:
        """What changed: date, trainer, venue (or that it is new, or cancelled)."""
        if self.after is None:
            return ["cancelled"]
        found = ["new"] if self.new else []
        if self.before is None:
            return found
        found += [
            what
            for what, old, now in (
                ("date", self.before, self.after),
                ("trainer", self.trainers_before, self.trainers),
                ("venue", self.venue_before, self.venue),
            )
            if old != now
        ]
        return found


@dataclass(frozen=True)
class CohortRepair:
    """What a repair of a cohort's plan changes (or would change, on a dry run)."""

    cohort: str
    changes: tuple[RepairChange, ...]
    moved: int
    added: int
    cancelled: int = 0


def plan_cohort(
    store: Store,
    cohort_ref: str,
    start: date | None,
    curriculum: Curriculum,
    *,
    allow_past: bool = False,
) -> CohortPlan:
    """A plan for every session of every stage for a cohort, around the existing diary.

    `allow_past` is for the demo, which writes a plan as it was made months ago."""
    cohort = find_cohort(store, cohort_ref)
    existing = sessions.count_for_cohort(store, cohort["id"])
    if existing:
        raise Conflict(
            f"cohort {cohort['name']} already has {existing} sessions: repair its plan with "
            f"`refocus replan --cohort {cohort['name']}`"
        )
    teams = planning.cohort_teams(store, cohort["id"])
    if not teams:
        raise Conflict(
            f"cohort {cohort['name']} has no active teams: create a cohort with active teams"
        )
    today = store.today()
    first = start or max(today, planning.programme_start(store) or today)
    if first < today and not allow_past:
        raise InvalidInput(f"--start {first} is in the past: give {today} or a later date")
    calendar = planning.calendar_from(store, first)
    working = calendar.on_or_after(first)
    steps, gaps, hours = steps_from(curriculum)
    trainers = planning.trainer_inputs(store)
    venues = planning.venue_inputs(store)
    plan = plan_rollout(
        steps,
        gaps,
        teams,
        trainers,
        venues,
        calendar,
        working,
        hours,
        sessions.bookings(store, hours, since=working),
    )
    if working != first:
        plan.notes.insert(0, f"{first} is not a working day; the plan starts on {working}")
    return CohortPlan(
        cohort_id=cohort["id"],
        cohort=cohort["name"],
        plan=plan,
        teams={t.id: t.name for t in teams},
        trainers={t.id: t.name for t in trainers},
        venues={v.id: v.name for v in venues},
    )


def schedule(
    store: Store,
    cohort_ref: str,
    start: date | None = None,
    manual: Path | None = None,
    *,
    dry_run: bool = False,
    windows: bool = True,
) -> CohortPlan:
    """Plan a cohort and store the plan (unless `dry_run`), in one write transaction;
    with `windows`, its default baseline and follow-up windows too (see
    core.measure_defs.default_windows), skipping any that overlap one already there."""
    with stored_at_once(store, dry_run):
        curriculum = manual_service.curriculum(store, manual)
        result = plan_cohort(store, cohort_ref, start, curriculum)
        if not dry_run:
            sessions.save_plan(store, result.cohort_id, result.plan.sessions)
        if windows and result.plan.sessions:
            result = replace(result, windows=_windows(store, result, dry_run))
    return result


def _windows(store: Store, result: CohortPlan, dry_run: bool) -> tuple[Window, ...]:
    from refocus_cli.core.measure_defs import default_windows
    from refocus_cli.core.programme import STAGES
    from refocus_cli.services.measures import add_windows

    days = [s.day for s in result.plan.sessions]
    # The follow-up comes after the last session of support for practice change.
    change = [s.day for s in result.plan.sessions if s.stage == STAGES[-1]]
    offered = default_windows(result.cohort_id, result.cohort, min(days), max(change or days))
    return tuple(add_windows(store, offered, dry_run=dry_run))


def repair_setting(
    store: Store, cohort_id: int, curriculum: Curriculum, records: Sequence[OnRecord]
) -> RepairSetting:
    """What repairing a cohort's plan must fit around: the rest of the diary, from the store,
    and the cohort's teams that have nothing planned yet."""
    steps, gaps, hours = steps_from(curriculum)
    today = store.today()
    earliest = min(record.planned.day for record in records)
    planned_for = {team_id for record in records for team_id in record.planned.team_ids}
    return RepairSetting(
        chains=Chains(tuple(steps), gaps, tuple(stage.key for stage in curriculum.stages)),
        hours=hours,
        teams=planning.teams_by_id(store, cohort_id),
        trainers=tuple(planning.trainer_inputs(store)),
        venues=tuple(planning.venue_inputs(store)),
        calendar=planning.calendar_from(store, min(today, earliest)),
        bookings=sessions.bookings(store, hours, exclude_cohort=cohort_id),
        today=today,
        first=first_repair_day(today, planning.programme_start(store)),
        newcomers=tuple(
            team for team in planning.cohort_teams(store, cohort_id) if team.id not in planned_for
        ),
        now=store.clock().astimezone(store.tz()).replace(tzinfo=None),
    )


def replan(
    store: Store, cohort_ref: str, manual: Path | None = None, *, dry_run: bool = False
) -> CohortRepair:
    """Repair a cohort's plan: held and valid sessions stay; the rest change as little as
    possible; teams new to the cohort are planned around the rest."""
    with stored_at_once(store, dry_run):
        curriculum = manual_service.curriculum(store, manual)
        cohort = find_cohort(store, cohort_ref)
        records = planning.plan_on_record(store, cohort["id"])
        if not records:
            raise Conflict(
                f"cohort {cohort['name']} has no plan yet: make one with "
                f"`refocus schedule --cohort {cohort['name']}`"
            )
        repair = repair_plan(records, repair_setting(store, cohort["id"], curriculum, records))
        # New sessions get the next ids: a dry run tells the ids a repair would give them.
        first_new = sessions.next_id(store)
        if not dry_run:
            session_changes.apply_repair(store, cohort["id"], repair)
        changes = _in_words(store, records, repair, first_new)
    return CohortRepair(
        cohort["name"], changes, len(repair.moved), len(repair.added), len(repair.dropped)
    )


def _in_words(
    store: Store, records: Sequence[OnRecord], repair: Repair, first_new: int
) -> tuple[RepairChange, ...]:
    """Each change with the names of its teams, trainers and venue and why it was made."""
    names = Names(
        planning.team_names(store), planning.trainer_names(store), planning.venue_names(store)
    )
    by_id = {record.id: record.planned for record in records}
    found = [
        names.change(move.id, False, None, move.before, move.after, repair.why(move.after))
        for move in repair.moved
    ]
    for offset, added in enumerate(repair.added):
        replaced = repair.replaces.get(SessionKey.of(added))
        before = by_id[replaced] if replaced is not None else None
        found.append(
            names.change(first_new + offset, True, replaced, before, added, repair.why(added))
        )
    found += [
        names.change(drop.id, False, None, drop.planned, None, drop.why) for drop in repair.dropped
    ]
    return tuple(sorted(found, key=lambda c: (c.after or c.before or datetime.max, c.module)))


@dataclass(frozen=True)
class Names:
    """Names for the ids a plan holds."""

    teams: dict[int, str]
    trainers: dict[int, str]
    venues: dict[int, str]

    def change(
        self,
        session_id: int,
        new: bool,
        replaces: int | None,
        before: PlannedSession | None,
        after: PlannedSession | None,
        why: str,
    ) -> RepairChange:
        """One change in people's words."""
        shown = after or before
        assert shown is not None  # a change has a before, an after or both
        return RepairChange(
            session_id=session_id,
            new=new,
            replaces=replaces,
            module=shown.module,
            occurrence=shown.occurrence,
            teams=tuple(self.teams[i] for i in shown.team_ids),
            before=before.start if before else None,
            after=after.start if after else None,
            trainers_before=self._trainers(before),
            trainers=self._trainers(after) if after else self._trainers(before),
            venue_before=self._venue(before),
            venue=self._venue(after) if after else self._venue(before),
            why=why,
        )

    def _trainers(self, planned: PlannedSession | None) -> tuple[str, ...]:
        return tuple(self.trainers[i] for i in planned.trainer_ids) if planned else ()

    def _venue(self, planned: PlannedSession | None) -> str | None:
        return self.venues.get(planned.venue_id) if planned and planned.venue_id else None
