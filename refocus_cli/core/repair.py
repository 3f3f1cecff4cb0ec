"""Repairing a stored plan: what broke, and the fewest changes that make it hold again.

Pure: the sessions on record in, the changes out. A place in a team's chain (a
module's group and occurrence) is broken when its session was cancelled and nothing
stands in its place (unless its teams have all ended), or when its session is still to
come and its day is no longer a working day, or a trainer of it no longer delivers its
stage or is away that day. Each broken place is put back with as little change as the
rules allow (core/repair_run.py: swap a trainer or venue on the same date, else move
within the week, else later, moving what follows it only when nothing nearer fits).
Teams of the cohort with nothing planned yet are then planned around everything else.
Held and past sessions never move.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from refocus_cli.core.repair_model import (
    Chains,
    Dropped,
    Moved,
    OnRecord,
    Repair,
    RepairSetting,
    Standing,
    first_repair_day,
    too_soon,
)
from refocus_cli.core.repair_run import RepairRun
from refocus_cli.core.rollout import PlannedSession, SessionKey, Step, TeamIn, TrainerIn
from refocus_cli.core.scheduler import plan_rollout
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.core.workdays import WorkCalendar

__all__ = [
    "Chains",
    "Dropped",
    "Moved",
    "OnRecord",
    "Repair",
    "RepairSetting",
    "Standing",
    "broken",
    "classify",
    "first_repair_day",
    "not_before",
    "repair_plan",
    "too_soon",
    "why_broken",
]

NEW_TEAM = "new in the cohort"


def classify(records: Iterable[OnRecord], modules: Container[str]) -> Standing:
    """Each place's standing session (a held one wins; else the first in time) and cancellations.

    `records` come in time order. A module since removed from the manual is left as it is.
    """
    active: dict[SessionKey, OnRecord] = {}
    cancelled: dict[SessionKey, OnRecord] = {}
    for record in records:
        key = SessionKey.of(record.planned)
        if record.planned.module not in modules:
            continue
        if record.status == SessionStatus.CANCELLED:
            cancelled[key] = record
        elif key not in active or record.status == SessionStatus.HELD:
            active[key] = record
    return Standing(active, cancelled)


def not_before(standing: Standing, trainers: Mapping[int, TrainerIn]) -> dict[SessionKey, date]:
    """The first day each vacant place may be filled again: not the day it was called off,
    unless one of its trainers is away that day (cancelled as unavailable), when another
    trainer may take it on the same day."""
    found = {}
    for key in standing.vacant():
        planned = standing.cancelled[key].planned
        unavailable = any(
            i in trainers and planned.day in trainers[i].away for i in planned.trainer_ids
        )
        found[key] = planned.day if unavailable else planned.day + timedelta(days=1)
    return found


def why_broken(
    planned: PlannedSession, step: Step, calendar: WorkCalendar, trainers: Mapping[int, TrainerIn]
) -> str | None:
    """Why a session to come no longer fits where it is, or None when it still does."""
    day = planned.day
    if not calendar.is_working(day):
        return f"{day} is no longer a working day"
    for trainer_id in planned.trainer_ids:
        trainer = trainers.get(trainer_id)
        if trainer is None or step.stage not in trainer.stages:
            return "a trainer no longer delivers this stage"
        if day in trainer.away:
            return f"trainer {trainer.name} is unavailable on {day}"
    return None


def still_wanted(planned: PlannedSession, earliest: date, teams: Mapping[int, TeamIn]) -> bool:
    """Whether any team of a cancelled session still exists on the first day it could be
    put back: nothing is planned for a team from the day it is merged or disbanded."""
    return any(teams[team_id].active_on(earliest) for team_id in planned.team_ids)


def broken(standing: Standing, setting: RepairSetting) -> dict[SessionKey, str]:
    """Every place that must be filled again, with why: cancellations first, then the rest.

    A cancellation whose teams have all ended (an ending cancels its teams' sessions) is
    no longer a place to fill."""
    trainers = {trainer.id: trainer for trainer in setting.trainers}
    earliest = not_before(standing, trainers)
    reasons = {
        key: "cancelled"
        for key in standing.vacant()
        if still_wanted(
            standing.cancelled[key].planned, max(earliest[key], setting.first), setting.teams
        )
    }
    for key, record in standing.active.items():
        if record.may_move(setting.today, setting.now):
            step = setting.chains.by_key[record.planned.module]
            why = why_broken(record.planned, step, setting.calendar, trainers)
            if why:
                reasons[key] = why
    return reasons


def repair_plan(records: Sequence[OnRecord], setting: RepairSetting) -> Repair:
    """The fewest changes that make a cohort's plan hold together; held sessions stay.

    `records` are the plan's sessions in time order, cancelled ones included. Raises
    `Conflict` when a broken place cannot be put back anywhere, saying what binds.
    """
    standing = classify(records, setting.chains.by_key)
    reasons = broken(standing, setting)
    if not reasons and not setting.newcomers:
        return Repair((), (), {})
    run = RepairRun(records, standing, setting)
    earliest = not_before(standing, {trainer.id: trainer for trainer in setting.trainers})
    for key in sorted(reasons, key=lambda k: (_where(standing, k).start, k)):
        if key in run.reasons or key in run.dropped:
            continue  # already put back, dragged along by an earlier one
        first = max(earliest.get(key, setting.first), setting.first)
        run.place_again(key, _where(standing, key), first, reasons[key])
    moved = tuple(
        Moved(record.id, record.planned, run.placed[key])
        for key, record in standing.active.items()
        if key in run.placed and run.placed[key] != record.planned
    )
    added = [run.placed[key] for key in standing.vacant() if key in run.placed]
    added += _plan_newcomers(records, run, setting)
    dropped = tuple(
        Dropped(standing.active[key].id, standing.active[key].planned, why)
        for key, why in run.dropped.items()
        if key in standing.active
    )
    return Repair(
        moved,
        tuple(sorted(added, key=lambda s: (s.start, s.module, s.group, s.occurrence))),
        {**run.reasons, **{SessionKey.of(s): NEW_TEAM for s in added if _new(s, standing)}},
        {key: standing.cancelled[key].id for key in standing.vacant() if key in run.placed},
        dropped,
    )


def _where(standing: Standing, key: SessionKey) -> PlannedSession:
    """Where a place stands, or stood when it was cancelled."""
    record = standing.active.get(key) or standing.cancelled[key]
    return record.planned


def _new(planned: PlannedSession, standing: Standing) -> bool:
    key = SessionKey.of(planned)
    return key not in standing.active and key not in standing.cancelled


def _plan_newcomers(
    records: Sequence[OnRecord], run: RepairRun, setting: RepairSetting
) -> list[PlannedSession]:
    """Every session for the cohort's teams with nothing planned yet, around the whole
    diary as the repair leaves it and off the days trainers were taken off cancelled
    sessions; their groups are numbered after the plan's own."""
    if not setting.newcomers:
        return []
    chains = setting.chains
    plan = plan_rollout(
        list(chains.steps),
        dict(chains.stage_gaps),
        list(setting.newcomers),
        list(setting.trainers),
        list(setting.venues),
        setting.calendar,
        setting.calendar.on_or_after(setting.first),
        setting.hours,
        run.diary.bookings() + run.taken_off(),
    )
    last_group: dict[str, int] = {}
    for record in records:
        module = record.planned.module
        last_group[module] = max(last_group.get(module, 0), record.planned.group)
    return [replace(s, group=s.group + last_group.get(s.module, 0)) for s in plan.sessions]
