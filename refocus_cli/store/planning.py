"""Gathering what the scheduler needs from the database, and running it for a cohort."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.rules import Context
from refocus_cli.core.scheduler import (
    Hours,
    Plan,
    PlannedSession,
    Step,
    TeamIn,
    TrainerIn,
    VenueIn,
    plan_rollout,
    replan_rollout,
)
from refocus_cli.core.workdays import WorkCalendar, work_calendar
from refocus_cli.store import sessions
from refocus_cli.store.cohorts import find_cohort
from refocus_cli.store.database import Store


@dataclass
class CohortPlan:
    cohort: dict[str, Any]
    plan: Plan
    teams: dict[int, str]
    trainers: dict[int, str]
    venues: dict[int, str]
    calendar: WorkCalendar


def steps_from(curriculum: Curriculum) -> tuple[list[Step], dict[str, int], Hours]:
    """The curriculum as the scheduler sees it."""
    steps = [
        Step(
            key=module.key,
            stage=module.stage,
            strategy=module.strategy,
            minutes=module.duration_minutes,
            sessions=module.sessions,
            spacing_days=module.spacing_days,
            audience=module.audience,
            max_group=module.max_group,
            co_delivered=module.co_delivered,
            after=curriculum.prerequisites(module.key),
            needs_trainer=module.facilitator == "trainer",
            needs_venue=module.venue == "booked",
            start=module.start_time,
        )
        for module in curriculum.modules
    ]
    gaps = {stage.key: stage.gap_after_days for stage in curriculum.stages}
    hours = Hours(curriculum.working_hours.day_start, curriculum.working_hours.day_end)
    return steps, gaps, hours


def _teams(store: Store, cohort_id: int) -> list[TeamIn]:
    rows = store.rows(
        "SELECT t.id, t.name, t.site, "
        "(SELECT count(*) FROM membership m WHERE m.team_id = t.id AND m.end_date IS NULL) "
        "AS staff, "
        "(SELECT count(*) FROM membership m JOIN staff s ON s.id = m.staff_id "
        " WHERE m.team_id = t.id AND m.end_date IS NULL AND s.is_manager) AS managers "
        "FROM cohort_team ct JOIN team t ON t.id = ct.team_id "
        "WHERE ct.cohort_id = ? AND t.status = 'active' ORDER BY t.name COLLATE NOCASE, t.id",
        [cohort_id],
    )
    return [TeamIn(r["id"], r["name"], r["site"], r["staff"], r["managers"]) for r in rows]


def trainer_inputs(store: Store) -> list[TrainerIn]:
    """Trainers as the scheduler sees them: stages delivered and days away."""
    stages: dict[int, set[str]] = {}
    for row in store.rows("SELECT trainer_id, stage FROM trainer_stage"):
        stages.setdefault(row["trainer_id"], set()).add(row["stage"])
    away: dict[int, set[date]] = {}
    for row in store.rows("SELECT trainer_id, from_date, to_date FROM trainer_unavailable"):
        first, last = date.fromisoformat(row["from_date"]), date.fromisoformat(row["to_date"])
        days = away.setdefault(row["trainer_id"], set())
        days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return [
        TrainerIn(
            r["id"],
            r["name"],
            frozenset(stages.get(r["id"], ())),
            bool(r["lived_experience"]),
            frozenset(away.get(r["id"], ())),
        )
        for r in store.rows("SELECT id, name, lived_experience FROM trainer ORDER BY id")
    ]


def calendar_from(store: Store, first: date, last: date | None = None) -> WorkCalendar:
    """Working days from `first`, for three years or to `last` if that is later."""
    closures = [date.fromisoformat(r["date"]) for r in store.rows("SELECT date FROM closure")]
    years = max(3, (last.year - first.year + 1) if last else 0)
    return work_calendar(store.programme()["region"], closures, first, years)


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
    teams = _teams(store, cohort["id"])
    if not teams:
        raise Conflict(
            f"cohort {cohort['name']} has no active teams: create a cohort with active teams"
        )
    today = store.today()
    programme_start = store.programme()["start_date"]
    first = start or max(today, date.fromisoformat(programme_start) if programme_start else today)
    if first < today and not allow_past:
        raise InvalidInput(f"--start {first} is in the past: give {today} or a later date")
    calendar = calendar_from(store, first)
    notes = []
    working = calendar.on_or_after(first)
    if working != first:
        notes.append(f"{first} is not a working day; the plan starts on {working}")
    steps, gaps, hours = steps_from(curriculum)
    trainers = trainer_inputs(store)
    venues = [
        VenueIn(r["id"], r["name"], r["site"], r["capacity"])
        for r in store.rows("SELECT id, name, site, capacity FROM venue ORDER BY id")
    ]
    plan = plan_rollout(
        steps,
        gaps,
        teams,
        trainers,
        venues,
        calendar,
        working,
        hours,
        sessions.bookings(store, store.tz(), hours.afternoon),
    )
    plan.notes[:0] = notes
    return CohortPlan(
        cohort=cohort,
        plan=plan,
        teams={t.id: t.name for t in teams},
        trainers={t.id: t.name for t in trainers},
        venues={v.id: v.name for v in venues},
        calendar=calendar,
    )


def rules_context(store: Store, curriculum: Curriculum, day: date) -> Context:
    """What checking one session against the diary needs."""
    _, gaps, hours = steps_from(curriculum)
    trainers = trainer_inputs(store)
    names = {("trainer", t.id): t.name for t in trainers}
    names.update({("team", r["id"]): r["name"] for r in store.rows("SELECT id, name FROM team")})
    names.update({("venue", r["id"]): r["name"] for r in store.rows("SELECT id, name FROM venue")})
    return Context(
        calendar=calendar_from(store, min(day, store.today()), max(day, store.today())),
        day_start=hours.day_start,
        day_end=hours.day_end,
        stages=tuple(stage.key for stage in curriculum.stages),
        stage_gaps=gaps,
        away={t.id: t.away for t in trainers},
        names=names,
        before={module.key: curriculum.prerequisites(module.key) for module in curriculum.modules},
    )


@dataclass
class Repair:
    cohort: dict[str, Any]
    moved: list[tuple[int, PlannedSession, PlannedSession]]  # id, before, after
    added: list[PlannedSession]
    reasons: dict[tuple[str, int, int], str]
    teams: dict[int, str]
    trainers: dict[int, str]


def _as_planned(store: Store, where: str, params: list) -> list[tuple[dict, PlannedSession]]:
    tz = store.tz()
    teams, trainers = sessions.links(store, where, params)
    found = []
    for row in store.rows(
        "SELECT s.id, s.status, s.stage, s.module, s.strategy, s.occurrence, s.group_no, "
        f"s.start_utc, s.end_utc, s.venue_id, s.expected FROM session s {where} "
        "ORDER BY s.start_utc, s.id",
        params,
    ):
        found.append(
            (
                row,
                PlannedSession(
                    module=row["module"],
                    stage=row["stage"],
                    strategy=row["strategy"],
                    occurrence=row["occurrence"],
                    group=row["group_no"],
                    team_ids=tuple(teams.get(row["id"], ())),
                    expected=row["expected"],
                    start=sessions.to_local(row["start_utc"], tz).replace(tzinfo=None),
                    end=sessions.to_local(row["end_utc"], tz).replace(tzinfo=None),
                    trainer_ids=tuple(trainers.get(row["id"], ())),
                    venue_id=row["venue_id"],
                ),
            )
        )
    return found


def _why_broken(
    planned: PlannedSession, step: Step, calendar: WorkCalendar, trainers: dict[int, TrainerIn]
) -> str | None:
    day = planned.start.date()
    if not calendar.is_working(day):
        return f"{day} is no longer a working day"
    for trainer_id in planned.trainer_ids:
        trainer = trainers.get(trainer_id)
        if trainer is None or step.stage not in trainer.stages:
            return "a trainer no longer delivers this stage"
        if day in trainer.away:
            return f"trainer {trainer.name} is unavailable on {day}"
    return None


def _depends(
    later: PlannedSession,
    broken: PlannedSession,
    stages: list[str],
    in_order: dict[str, bool],
    position: dict[str, int],
) -> bool:
    """Whether `later` must move when `broken` does: same team, and after it in the chain."""
    if not set(later.team_ids) & set(broken.team_ids):
        return False
    if stages.index(later.stage) != stages.index(broken.stage):
        return stages.index(later.stage) > stages.index(broken.stage)
    if later.module == broken.module:
        return later.group == broken.group and later.occurrence > broken.occurrence
    return in_order[later.stage] and position[later.module] > position[broken.module]


def _too_soon(kept, placed, by_key, gaps, stages, in_order, position) -> dict:
    """Kept sessions that now start too soon after a session placed before them in the chain."""
    late = {}
    for session in kept:
        for cause in placed:
            if not _depends(session, cause, stages, in_order, position):
                continue
            if session.stage == cause.stage:
                gap = by_key[cause.module].spacing_days
            elif stages.index(session.stage) == stages.index(cause.stage) + 1:
                gap = gaps.get(cause.stage, 0)
            else:
                gap = 1
            if session.start.date() < cause.day + timedelta(days=max(gap, 1)):
                key = (session.module, session.group, session.occurrence)
                late[key] = f"follows {cause.module} (session {cause.occurrence}), which moved"
                break
    return late


def replan_cohort(store: Store, cohort_ref: str, curriculum: Curriculum) -> Repair:
    """Repair a cohort's plan: held and valid sessions stay; the rest move as little as possible."""
    cohort = find_cohort(store, cohort_ref)
    rows = _as_planned(store, "WHERE s.cohort_id = ?", [cohort["id"]])
    if not rows:
        raise Conflict(
            f"cohort {cohort['name']} has no plan yet: make one with "
            f"`refocus schedule {cohort['name']}`"
        )
    steps, gaps, hours = steps_from(curriculum)
    by_key = {step.key: step for step in steps}
    today = store.today()
    calendar = calendar_from(store, min(today, min(p.start.date() for _, p in rows)))
    trainers = trainer_inputs(store)
    trainer_by_id = {t.id: t for t in trainers}
    active: dict[tuple[str, int, int], tuple[dict, PlannedSession]] = {}
    cancelled: dict[tuple[str, int, int], PlannedSession] = {}
    for row, planned in rows:
        key = (planned.module, planned.group, planned.occurrence)
        if planned.module not in by_key:
            continue  # a module since removed from the manual: left as it is
        if row["status"] == "cancelled":
            cancelled[key] = planned
        elif key not in active or row["status"] == "held":
            active[key] = (row, planned)
    reasons: dict[tuple[str, int, int], str] = {
        key: "cancelled" for key in cancelled if key not in active
    }
    for key, (row, planned) in active.items():
        if row["status"] == "scheduled" and planned.start.date() >= today:
            why = _why_broken(planned, by_key[planned.module], calendar, trainer_by_id)
            if why:
                reasons[key] = why
    stages = [stage.key for stage in curriculum.stages]
    in_order = {stage.key: stage.modules_in_order for stage in curriculum.stages}
    position = {module.key: module.order for module in curriculum.modules}
    team_rows = {r["id"]: r for r in store.rows("SELECT id, name, site FROM team")}
    team_ids = sorted({t for _, p in rows for t in p.team_ids})
    teams = [TeamIn(t, team_rows[t]["name"], team_rows[t]["site"], 0, 0) for t in team_ids]
    repair = Repair(
        cohort, [], [], reasons, {t.id: t.name for t in teams}, {t.id: t.name for t in trainers}
    )
    if not reasons:
        return repair
    venues = [
        VenueIn(r["id"], r["name"], r["site"], r["capacity"])
        for r in store.rows("SELECT id, name, site, capacity FROM venue ORDER BY id")
    ]
    others = sessions.bookings(store, store.tz(), hours.afternoon, exclude_cohort=cohort["id"])
    # Never into today (people need notice) nor before the programme starts.
    programme_start = store.programme()["start_date"]
    first = max(
        today + timedelta(days=1),
        date.fromisoformat(programme_start) if programme_start else today,
    )
    # Re-place only what broke; then anything kept that now comes too soon after a
    # re-placed session joins it, until the plan holds together.
    while True:
        movable = [active[k][1] if k in active else cancelled[k] for k in reasons]
        kept = [planned for key, (row, planned) in active.items() if key not in reasons]
        plan = replan_rollout(
            steps,
            gaps,
            teams,
            trainers,
            venues,
            calendar,
            calendar.on_or_after(first),
            kept,
            movable,
            hours,
            others,
            not_before={
                # a cancelled session is not put back on the day it was called off
                key: cancelled[key].day + timedelta(days=1)
                for key in reasons
                if key in cancelled and key not in active
            },
        )
        late = _too_soon(kept, plan.sessions, by_key, gaps, stages, in_order, position)
        late = {
            key: why
            for key, why in late.items()
            if active[key][0]["status"] == "scheduled" and active[key][1].start.date() >= today
        }
        if not late:
            break
        reasons.update(late)
    moving_ids = [active[k][0]["id"] for k in reasons if k in active]
    for planned in plan.sessions:
        key = (planned.module, planned.group, planned.occurrence)
        if key in active and active[key][0]["id"] in moving_ids:
            before = active[key][1]
            same = (before.start, before.trainer_ids, before.venue_id) == (
                planned.start,
                planned.trainer_ids,
                planned.venue_id,
            )
            if not same:  # re-placed exactly where it was: nothing to tell anyone
                repair.moved.append((active[key][0]["id"], before, planned))
        else:
            repair.added.append(planned)
    return repair
