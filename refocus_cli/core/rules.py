"""The hard constraints, checked for one session against the rest of the diary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from refocus_cli.core.vocabulary import SessionKind
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
    occurrence: int = 1
    group: int = 1
    cohort_id: int | None = None
    kind: str = SessionKind.PLANNED


@dataclass(frozen=True)
class Context:
    """What checking a session against the diary needs, besides the diary itself."""

    calendar: WorkCalendar
    day_start: time
    day_end: time
    stages: tuple[str, ...]
    stage_gaps: dict[str, int]
    away: dict[int, frozenset[date]]
    names: dict[tuple[str, int], str]  # ("trainer", id) / ("team", id) / ("venue", id)
    before: dict[str, tuple[str, ...]]  # module -> modules of its stage that come first


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
    found += _module_order(session, others, context)
    return found


def _module_order(session: Booked, others: list[Booked], context: Context) -> list[str]:
    """Within a stage: modules in their order, and a module's sessions in theirs.

    Spacing is a planning default, not a rule, so a trainer may move a session a few
    days; the order itself is what makes the training make sense.
    """
    found: list[str] = []
    day = session.start.date()
    for other in others:
        if other.id == session.id or not set(other.team_ids) & set(session.team_ids):
            continue
        if (other.kind, other.cohort_id) != (session.kind, session.cohort_id):
            continue  # a catch-up session, or another cohort's: a different series
        other_day = other.start.date()
        if other.module == session.module and other.group == session.group:
            earlier = other.occurrence < session.occurrence
            if (earlier and day <= other_day) or (not earlier and other_day <= day):
                found.append(
                    f"{session.module} session {session.occurrence} must come "
                    f"{'after' if earlier else 'before'} session {other.occurrence} "
                    f"(on {other_day})"
                )
        elif other.module in context.before.get(session.module, ()) and day <= other_day:
            found.append(f"{session.module} must come after {other.module} (on {other_day})")
        elif session.module in context.before.get(other.module, ()) and other_day <= day:
            found.append(f"{session.module} must come before {other.module} (on {other_day})")
    return found


def _stage_order(session: Booked, others: list[Booked], context: Context) -> list[str]:
    """Across stages: a team starts a stage only once the one before it ends, plus its gap."""
    found: list[str] = []
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
