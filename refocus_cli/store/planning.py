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
    Step,
    TeamIn,
    TrainerIn,
    VenueIn,
    plan_rollout,
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


def _trainers(store: Store) -> list[TrainerIn]:
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


def calendar_from(store: Store, first: date) -> WorkCalendar:
    closures = [date.fromisoformat(r["date"]) for r in store.rows("SELECT date FROM closure")]
    return work_calendar(store.programme()["region"], closures, first)


def plan_cohort(
    store: Store, cohort_ref: str, start: date | None, curriculum: Curriculum
) -> CohortPlan:
    """A plan for every session of every stage for a cohort, around the existing diary."""
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
    if first < today:
        raise InvalidInput(f"--start {first} is in the past: give {today} or a later date")
    calendar = calendar_from(store, first)
    notes = []
    working = calendar.on_or_after(first)
    if working != first:
        notes.append(f"{first} is not a working day; the plan starts on {working}")
    steps, gaps, hours = steps_from(curriculum)
    trainers = _trainers(store)
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
    trainers = _trainers(store)
    names = {("trainer", t.id): t.name for t in trainers}
    names.update({("team", r["id"]): r["name"] for r in store.rows("SELECT id, name FROM team")})
    names.update({("venue", r["id"]): r["name"] for r in store.rows("SELECT id, name FROM venue")})
    return Context(
        calendar=calendar_from(store, min(day, store.today())),
        day_start=hours.day_start,
        day_end=hours.day_end,
        stages=tuple(stage.key for stage in curriculum.stages),
        stage_gaps=gaps,
        away={t.id: t.away for t in trainers},
        names=names,
    )
