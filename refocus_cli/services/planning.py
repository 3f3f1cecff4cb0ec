"""Planning a cohort and repairing its plan: the use cases behind `schedule` and `replan`.

Each reads the diary through the store, lets core decide (the scheduler, the plan
repair) and writes the result, all in one write transaction unless it is a dry run:
were the diary read outside it, two plans made at once could book a team twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.repair import Chains, Repair, RepairSetting, first_repair_day, repair_plan
from refocus_cli.core.rollout import Plan, PlannedSession, steps_from
from refocus_cli.core.scheduler import plan_rollout
from refocus_cli.services import manual as manual_service
from refocus_cli.services.context import stored_at_once
from refocus_cli.store import planning, sessions
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


@dataclass(frozen=True)
class RepairChange:
    """One session the repair moves or adds, in people's words."""

    session_id: int | None  # None: a new session in place of a cancelled one
    module: str
    occurrence: int
    teams: tuple[str, ...]
    before: datetime | None  # the old start (local); None for a new session
    after: datetime  # the new start (local)
    trainers: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class CohortRepair:
    """What a repair of a cohort's plan changes (or would change, on a dry run)."""

    cohort: str
    changes: tuple[RepairChange, ...]
    moved: int
    added: int


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
            f"`refocus replan {cohort['name']}`"
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
        sessions.bookings(store, hours),
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
) -> CohortPlan:
    """Plan a cohort and store the plan (unless `dry_run`), in one write transaction."""
    with stored_at_once(store, dry_run):
        curriculum = manual_service.curriculum(store, manual)
        result = plan_cohort(store, cohort_ref, start, curriculum)
        if not dry_run:
            sessions.save_plan(store, result.cohort_id, result.plan.sessions)
    return result


def repair_setting(
    store: Store, cohort_id: int, curriculum: Curriculum, earliest: date
) -> RepairSetting:
    """What repairing a cohort's plan must fit around: the rest of the diary, from the store."""
    steps, gaps, hours = steps_from(curriculum)
    today = store.today()
    return RepairSetting(
        chains=Chains(tuple(steps), gaps, tuple(stage.key for stage in curriculum.stages)),
        hours=hours,
        teams=planning.teams_by_id(store),
        trainers=tuple(planning.trainer_inputs(store)),
        venues=tuple(planning.venue_inputs(store)),
        calendar=planning.calendar_from(store, min(today, earliest)),
        bookings=sessions.bookings(store, hours, exclude_cohort=cohort_id),
        today=today,
        first=first_repair_day(today, planning.programme_start(store)),
    )


def replan(
    store: Store, cohort_ref: str, manual: Path | None = None, *, dry_run: bool = False
) -> CohortRepair:
    """Repair a cohort's plan: held and valid sessions stay; the rest move as little as possible."""
    with stored_at_once(store, dry_run):
        curriculum = manual_service.curriculum(store, manual)
        cohort = find_cohort(store, cohort_ref)
        records = planning.plan_on_record(store, cohort["id"])
        if not records:
            raise Conflict(
                f"cohort {cohort['name']} has no plan yet: make one with "
                f"`refocus schedule {cohort['name']}`"
            )
        earliest = min(record.planned.day for record in records)
        repair = repair_plan(records, repair_setting(store, cohort["id"], curriculum, earliest))
        if not dry_run:
            sessions.apply_repair(store, cohort["id"], repair.moved, repair.added)
        changes = _in_words(store, repair)
    return CohortRepair(cohort["name"], changes, len(repair.moved), len(repair.added))


def _in_words(store: Store, repair: Repair) -> tuple[RepairChange, ...]:
    """Each change with the names of its teams and trainers and why it was made."""
    teams = planning.team_names(store)
    trainers = planning.trainer_names(store)
    changed: list[tuple[int | None, datetime | None, PlannedSession]] = [
        *((move.id, move.before.start, move.after) for move in repair.moved),
        *((None, None, added) for added in repair.added),
    ]
    return tuple(
        RepairChange(
            session_id=session_id,
            module=after.module,
            occurrence=after.occurrence,
            teams=tuple(teams[i] for i in after.team_ids),
            before=before,
            after=after.start,
            trainers=tuple(trainers[i] for i in after.trainer_ids),
            why=repair.why(after),
        )
        for session_id, before, after in changed
    )
