"""Catch-up: who missed training their team has had, who is booked on a catch-up session
for it, and sessions that mix teams for those still waiting."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from refocus_cli.core.catchup import (
    BookedGap,
    Gap,
    as_seen_from_today,
    catch_up_request,
    find_gaps,
    settle,
    waiting,
)
from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.errors import InvalidInput
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
    """Who missed training, who is booked on a catch-up for it, and the catch-up sessions
    planned (if asked) and from which day."""

    missed: tuple[Gap, ...]
    booked: tuple[BookedGap, ...]
    scheduled: tuple[CatchUpSession, ...]
    start: date | None = None  # the first day catch-ups were planned from


def missed_training(store: Store, team_ref: str | None = None) -> tuple[list[Gap], list[BookedGap]]:
    """Staff in post today who missed a module their team has had: those with no catch-up
    (or who missed the one they were booked on), and those booked on one."""
    team_id = find_team(store, team_ref)["id"] if team_ref is not None else None
    now = store.clock().astimezone(store.tz()).replace(tzinfo=None)
    gaps = find_gaps(
        catchup_store.current_people(store, now.date(), team_id),
        catchup_store.spells(store),
        catchup_store.delivered(store, now),
        catchup_store.marked_missing(store),
    )
    return waiting(gaps, catchup_store.invitations(store))


def first_catch_up_day(store: Store, start: date | None) -> date:
    """The first day a catch-up may be on: `start` if given (not in the past), else the
    programme's notice period (in working days) after today."""
    today = store.today()
    if start is not None:
        if start < today:
            raise InvalidInput(f"--start {start} is in the past: give {today} or a later date")
        return start
    notice = int(store.programme()["notice_days"])
    return planning.calendar_from(store, today).after(today, notice)


def plan_catch_ups(
    store: Store, found: list[Gap], curriculum: Curriculum, first: date
) -> tuple[CatchUpSession, ...]:
    """Plan and store catch-up sessions, mixing teams, for everyone in `found`, from `first`."""
    steps, stage_gaps, hours = steps_from(curriculum)
    request = catch_up_request(found, steps)
    if not request.sessions:
        return ()
    # Teams are placed around as they are today (and the sessions of teams their people
    # join later); `settle` then says who is still in post, and in which team, on the day
    # each session falls.
    spells = catchup_store.spells(store)
    every_team = {i: replace(team, ends=None) for i, team in planning.teams_by_id(store).items()}
    team_ids = sorted({t for session in request.sessions for t in session.team_ids})
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
        as_seen_from_today(sessions.bookings(store, hours, since=first), found, spells),
    )
    placed, invitees = settle(plan.sessions, request.invitees, spells)
    if not placed:
        return ()
    start_id = catchup_store.save_catch_ups(store, placed, invitees)
    return tuple(
        CatchUpSession(start_id + offset, planned.module, planned.start, planned.expected)
        for offset, planned in enumerate(placed)
    )


def catch_up(
    store: Store,
    team_ref: str | None = None,
    manual: Path | None = None,
    *,
    schedule: bool = False,
    start: date | None = None,
) -> CatchUp:
    """Who missed training and who is booked; with `schedule`, plan catch-up sessions for
    those waiting, from `start` or after the notice period, in one transaction."""
    if start is not None and not schedule:
        raise InvalidInput("--start says when catch-up sessions may begin: add --schedule")
    with stored_at_once(store, not schedule):
        found, booked = missed_training(store, team_ref)
        planned: tuple[CatchUpSession, ...] = ()
        first = first_catch_up_day(store, start) if schedule else None
        if first is not None and found:
            curriculum = manual_service.curriculum(store, manual)
            planned = plan_catch_ups(store, found, curriculum, first)
    return CatchUp(tuple(found), tuple(booked), planned, first)
