"""Who missed part of the training their team has had, and catch-up groups for them.

Staff turnover is the rule, not the exception (services were reconfigured during the
trial and two of its teams disbanded): people join after their team's workshop, move
from a team that had not reached a stage, or miss a session. Each is found here, module by module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from refocus_cli.core.rollout import Booking, PlannedSession, Step
from refocus_cli.core.spells import Spell
from refocus_cli.core.vocabulary import ATTENDED, AttendanceStatus

# Stages whose modules are taught once: someone who missed one needs a catch-up.
# Practice change recurs, so a newcomer simply joins the next reflection session.
CATCH_UP_STAGES = ("workshop", "working-practices", "coaching")


@dataclass(frozen=True)
class Delivered:
    """A session that has taken place (held, or past and not cancelled)."""

    session_id: int
    stage: str
    module: str
    day: date
    team_ids: tuple[int, ...]


@dataclass(frozen=True)
class Person:
    """A current member of staff and the team they are in."""

    id: int
    name: str
    team_id: int
    team: str


@dataclass(frozen=True)
class Gap:
    """A module someone's current team has had and they have not, and why."""

    staff_id: int
    name: str
    team_id: int
    team: str
    stage: str
    module: str
    reason: str


def find_gaps(
    people: list[Person],
    spells: dict[int, list[Spell]],
    delivered: list[Delivered],
    missed_sessions: set[tuple[int, int]] | None = None,
) -> list[Gap]:
    """Every (person, module) their current team has had and they have not.

    `missed_sessions` holds (staff id, session id) pairs recorded as absent or
    excused; without it only joiners and movers are found.
    """
    missed_sessions = missed_sessions or set()
    by_team: dict[int, list[Delivered]] = {}
    by_team_module: dict[tuple[int, str], list[Delivered]] = {}
    for session in delivered:
        if session.stage in CATCH_UP_STAGES:
            for team_id in session.team_ids:
                by_team.setdefault(team_id, []).append(session)
                by_team_module.setdefault((team_id, session.module), []).append(session)
    gaps: list[Gap] = []
    for person in people:
        team_sessions = sorted(by_team.get(person.team_id, []), key=lambda s: s.day)
        for module in dict.fromkeys(s.module for s in team_sessions):
            had = any(
                spell.covers(session.day) and (person.id, session.session_id) not in missed_sessions
                for spell in spells.get(person.id, [])
                for session in by_team_module.get((spell.team_id, module), [])
            )
            if had:
                continue
            first = next(s for s in team_sessions if s.module == module)
            # Their latest spell in the team (it may end later: a move or leaving to come).
            current = max(
                (s for s in spells.get(person.id, []) if s.team_id == person.team_id),
                key=lambda s: s.start,
                default=None,
            )
            marked = any(
                (person.id, session.session_id) in missed_sessions
                for session in by_team_module.get((person.team_id, module), [])
            )
            if current and current.start > first.day:
                reason = f"joined {person.team} on {current.start}, after its {first.day} session"
            elif marked:
                reason = "recorded as absent or excused"
            else:  # a leaving or move dated on or before the session, in a team they are in today
                reason = f"not in {person.team} on the day of its {first.day} session"
            gaps.append(
                Gap(
                    person.id, person.name, person.team_id, person.team, first.stage, module, reason
                )
            )
    return gaps


def catch_up_groups(gaps: list[Gap], max_group: dict[str, int]) -> dict[str, list[list[Gap]]]:
    """People who missed each module, in groups no bigger than the module allows."""
    groups: dict[str, list[list[Gap]]] = {}
    for module in dict.fromkeys(gap.module for gap in gaps):
        wanting = sorted((g for g in gaps if g.module == module), key=lambda g: (g.team, g.name))
        size = max(max_group.get(module, 1), 1)
        groups[module] = [wanting[i : i + size] for i in range(0, len(wanting), size)]
    return groups


@dataclass(frozen=True)
class CatchUpRequest:
    """The catch-up sessions to place, and who is invited to each group of each module."""

    steps: tuple[Step, ...]  # the modules missed, in curriculum order
    sessions: tuple[PlannedSession, ...]  # not yet placed: their times mean nothing
    invitees: dict[tuple[str, int], tuple[int, ...]]  # (module, group) -> staff ids


def catch_up_request(gaps: Sequence[Gap], steps: Sequence[Step]) -> CatchUpRequest:
    """Every session of a catch-up group, per module missed, mixing teams, for the scheduler."""
    wanted = [step for step in steps if step.key in {gap.module for gap in gaps}]
    groups = catch_up_groups(list(gaps), {step.key: step.max_group for step in wanted})
    sessions: list[PlannedSession] = []
    invitees: dict[tuple[str, int], tuple[int, ...]] = {}
    unplaced = datetime(2000, 1, 1)  # the scheduler gives each its day and time
    for step in wanted:
        for number, group in enumerate(groups.get(step.key, []), start=1):
            invitees[(step.key, number)] = tuple(gap.staff_id for gap in group)
            sessions += [
                PlannedSession(
                    module=step.key,
                    stage=step.stage,
                    strategy=step.strategy,
                    occurrence=n,
                    group=number,
                    team_ids=tuple(sorted({gap.team_id for gap in group})),
                    expected=len(group),
                    start=unplaced,
                    end=unplaced,
                    trainer_ids=(),
                    venue_id=None,
                )
                for n in range(1, step.sessions + 1)
            ]
    return CatchUpRequest(tuple(wanted), tuple(sessions), invitees)


def team_on(spells: Sequence[Spell], day: date) -> int | None:
    """The team someone is in on `day`, or None if they are in none (left, or their team
    ended)."""
    return next((spell.team_id for spell in spells if spell.covers(day)), None)


def as_seen_from_today(
    bookings: Sequence[Booking], gaps: Sequence[Gap], spells: Mapping[int, Sequence[Spell]]
) -> tuple[Booking, ...]:
    """The diary as the catch-up planner must see it: catch-ups are placed around the
    teams people are in today, so a session of a team someone waiting will have joined by
    its day (a merge or move dated ahead) also counts as a session of their team today."""
    joined: dict[int, list[tuple[int, Spell]]] = {}  # later team -> (team today, spell)
    for gap in gaps:
        for spell in spells.get(gap.staff_id, ()):
            if spell.team_id != gap.team_id:
                joined.setdefault(spell.team_id, []).append((gap.team_id, spell))
    seen = []
    for booking in bookings:
        also = {
            today
            for team_id in booking.team_ids
            for today, spell in joined.get(team_id, ())
            if spell.covers(booking.day)
        }
        if also - set(booking.team_ids):
            booking = replace(booking, team_ids=tuple(sorted(also | set(booking.team_ids))))
        seen.append(booking)
    return tuple(seen)


def settle(
    placed: Sequence[PlannedSession],
    invitees: Mapping[tuple[str, int], Sequence[int]],
    spells: Mapping[int, Sequence[Spell]],
) -> tuple[list[PlannedSession], dict[tuple[str, int], tuple[int, ...]]]:
    """Placed catch-up sessions as they will be: only people still in post on a group's
    last session are invited, each session names the teams they are in on its day, and a
    group nobody is left for is not planned. Nothing is planned for someone after they
    leave, nor for a team after it is merged or disbanded (its people are then in the team
    they joined, or in none)."""
    last: dict[tuple[str, int], date] = {}
    for session in placed:
        key = (session.module, session.group)
        last[key] = max(last.get(key, session.day), session.day)
    staying = {
        key: tuple(p for p in people if team_on(spells.get(p, ()), last[key]) is not None)
        for key, people in invitees.items()
        if key in last
    }
    sessions = []
    for session in placed:
        people = staying[(session.module, session.group)]
        if people:
            teams = {team_on(spells.get(p, ()), session.day) for p in people}
            sessions.append(
                replace(
                    session,
                    team_ids=tuple(sorted(t for t in teams if t is not None)),
                    expected=len(people),
                )
            )
    return sessions, {key: people for key, people in staying.items() if people}


@dataclass(frozen=True)
class Invitation:
    """Someone invited to a catch-up session not cancelled, and their mark on it if any."""

    staff_id: int
    module: str
    session_id: int
    start: datetime  # local
    mark: AttendanceStatus | None


@dataclass(frozen=True)
class BookedGap:
    """Training someone missed, and the catch-up session they are booked on for it."""

    gap: Gap
    session_id: int
    start: datetime  # local


def waiting(
    gaps: Sequence[Gap], invitations: Sequence[Invitation]
) -> tuple[list[Gap], list[BookedGap]]:
    """Who still needs a catch-up (none booked, or they missed the one they were booked
    on), and who is booked on one still to be recorded. Someone recorded at every session
    of their catch-up has caught up and is in neither."""
    by_need: dict[tuple[int, str], list[Invitation]] = {}
    for invitation in sorted(invitations, key=lambda i: (i.start, i.session_id)):
        by_need.setdefault((invitation.staff_id, invitation.module), []).append(invitation)
    missed: list[Gap] = []
    booked: list[BookedGap] = []
    for gap in gaps:
        mine = by_need.get((gap.staff_id, gap.module), [])
        away = [i for i in mine if i.mark is not None and i.mark not in ATTENDED]
        if away:
            why = f"recorded as {away[0].mark} at catch-up session {away[0].session_id}"
            missed.append(replace(gap, reason=why))
            continue
        if not mine:
            missed.append(gap)
            continue
        unmarked = [i for i in mine if i.mark is None]
        if unmarked:
            booked.append(BookedGap(gap, unmarked[0].session_id, unmarked[0].start))
    return missed, booked
