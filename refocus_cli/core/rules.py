"""The hard constraints, checked for one session against the rest of the diary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from refocus_cli.core.workdays import WorkCalendar


@dataclass(frozen=True)
class Booked:
    """A session as the rules see it; times are naive, in the programme's zone."""

    id: int
    stage: str
    module: str
    start: datetime
    end: datetime
    trainer_ids: tuple[int, ...]
    team_ids: tuple[int, ...]
    venue_id: int | None


@dataclass(frozen=True)
class Context:
    calendar: WorkCalendar
    day_start: time
    day_end: time
    stages: tuple[str, ...]
    stage_gaps: dict[str, int]
    away: dict[int, frozenset[date]]
    names: dict[tuple[str, int], str]  # ("trainer", id) / ("team", id) / ("venue", id)


def clashes(session: Booked, others: list[Booked], context: Context) -> list[str]:
    """Every hard constraint `session` would break, in words; empty when it fits."""
    found: list[str] = []
    day = session.start.date()
    if day.weekday() >= 5:
        found.append(f"{day} is a {day:%A}")
    elif day in context.calendar.closed:
        found.append(f"{day} is a bank holiday or closure date")
    if (
        session.start.time() < context.day_start
        or session.end.time() > context.day_end
        or (session.end.date() != day)
    ):
        found.append(
            f"{session.start:%H:%M}-{session.end:%H:%M} is outside working hours "
            f"{context.day_start:%H:%M}-{context.day_end:%H:%M}"
        )
    for trainer_id in session.trainer_ids:
        if day in context.away.get(trainer_id, ()):
            found.append(f"trainer {context.names[('trainer', trainer_id)]} is unavailable then")
    for other in others:
        if other.id == session.id or not (other.start < session.end and session.start < other.end):
            continue
        when = f"session {other.id} ({other.module}, {other.start:%Y-%m-%d %H:%M})"
        for kind, mine, theirs in (
            ("trainer", session.trainer_ids, other.trainer_ids),
            ("team", session.team_ids, other.team_ids),
        ):
            for shared in sorted(set(mine) & set(theirs)):
                found.append(f"{kind} {context.names[(kind, shared)]} is in {when}")
        if session.venue_id is not None and session.venue_id == other.venue_id:
            found.append(f"venue {context.names[('venue', session.venue_id)]} is booked for {when}")
    found += _stage_order(session, others, context)
    return found


def _stage_order(session: Booked, others: list[Booked], context: Context) -> list[str]:
    found = []
    if session.stage not in context.stages:
        return found
    position = context.stages.index(session.stage)
    day = session.start.date()
    for team_id in session.team_ids:
        team = context.names[("team", team_id)]
        mine = [o for o in others if team_id in o.team_ids and o.id != session.id]
        if position > 0:
            before = context.stages[position - 1]
            ends = [o.start.date() for o in mine if o.stage == before]
            gap = max(context.stage_gaps.get(before, 0), 1)
            if ends and day < max(ends) + timedelta(days=gap):
                found.append(
                    f"team {team} finishes {before} on {max(ends)}; {session.stage} may start "
                    f"from {max(ends) + timedelta(days=gap)}"
                )
        if position + 1 < len(context.stages):
            after = context.stages[position + 1]
            starts = [o.start.date() for o in mine if o.stage == after]
            gap = max(context.stage_gaps.get(session.stage, 0), 1)
            if starts and day > min(starts) - timedelta(days=gap):
                found.append(
                    f"team {team} starts {after} on {min(starts)}; {session.stage} must end by "
                    f"{min(starts) - timedelta(days=gap)}"
                )
    return found
