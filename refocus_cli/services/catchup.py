"""Catch-up: who missed training their team has had, and sessions that mix teams for them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from refocus_cli.core.catchup import Gap, catch_up_request, find_gaps, settle
from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.rollout import steps_from
from refocus_cli.core.scheduler import replan_rollout
from refocus_cli.services import manual as manual_service
from refocus_cli.services.context import stored_at_once
from refocus_cli.store import catchup as catchup_store
from refocus_cli.store import planning, sessions
from refocus_cli.store.database import Store
from refocus_cli.store.teams import find_team


@dataclass(frozen=True)
class CatchUpSession:
    """A catch-up session planned: when, for which module, and how many are invited."""

    id: int
    module: str
    start: datetime  # local
    people: int


@dataclass(frozen=True)
class CatchUp:
    """Who missed training, and the catch-up sessions planned for them (if asked)."""

    missed: tuple[Gap, ...]
    scheduled: tuple[CatchUpSession, ...]


def missed_training(store: Store, team_ref: str | None = None) -> list[Gap]:
    """Current staff who missed a module their team has had, and are not yet invited to one."""
    team_id = find_team(store, team_ref)["id"] if team_ref is not None else None
    now = store.clock().astimezone(store.tz()).replace(tzinfo=None)
    invited = catchup_store.invited(store)
    return [
        gap
        for gap in find_gaps(
            catchup_store.current_people(store, now.date(), team_id),
            catchup_store.spells(store),
            catchup_store.delivered(store, now),
            catchup_store.marked_missing(store),
        )
        if (gap.staff_id, gap.module) not in invited
    ]


def plan_catch_ups(
    store: Store, found: list[Gap], curriculum: Curriculum
) -> tuple[CatchUpSession, ...]:
    """Plan and store catch-up sessions, mixing teams, for everyone in `found`, from tomorrow."""
    steps, stage_gaps, hours = steps_from(curriculum)
    request = catch_up_request(found, steps)
    if not request.sessions:
        return ()
    # Teams are placed around as they are today; `settle` then says who is still in post,
    # and in which team, on the day each session falls.
    every_team = {i: replace(team, ends=None) for i, team in planning.teams_by_id(store).items()}
    team_ids = sorted({t for session in request.sessions for t in session.team_ids})
    first = store.today() + timedelta(days=1)
    calendar = planning.calendar_from(store, first)
    plan = replan_rollout(
        list(request.steps),
        stage_gaps,
        [every_team[t] for t in team_ids],
        planning.trainer_inputs(store),
        planning.venue_inputs(store),
        calendar,
        calendar.on_or_after(first),
        [],
        request.sessions,
        hours,
        sessions.bookings(store, hours),
    )
    placed, invitees = settle(plan.sessions, request.invitees, catchup_store.spells(store))
    if not placed:
        return ()
    start_id = catchup_store.save_catch_ups(store, placed, invitees)
    return tuple(
        CatchUpSession(start_id + offset, planned.module, planned.start, planned.expected)
        for offset, planned in enumerate(placed)
    )


def catch_up(
    store: Store, team_ref: str | None = None, manual: Path | None = None, *, schedule: bool = False
) -> CatchUp:
    """Who missed training; with `schedule`, plan catch-up sessions for them in one transaction."""
    with stored_at_once(store, not schedule):
        found = missed_training(store, team_ref)
        planned: tuple[CatchUpSession, ...] = ()
        if schedule and found:
            planned = plan_catch_ups(store, found, manual_service.curriculum(store, manual))
    return CatchUp(tuple(found), planned)
