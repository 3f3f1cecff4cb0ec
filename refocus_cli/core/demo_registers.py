"""Simulated registers for the demo's past sessions: same seed, same marks."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from refocus_cli.core.groups import Member as GroupMember
from refocus_cli.core.groups import group_share
from refocus_cli.core.vocabulary import AttendanceStatus, Audience

ATTENDED_MIX = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
MISSED_MIX = (AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT)


@dataclass(frozen=True)
class PastSession:
    """A demo session already past, whose register is simulated."""

    id: int
    day: date
    module: str
    occurrence: int
    strategy: str
    audience: str  # whole-team, clinical, managers or mixed-teams
    team_ids: tuple[int, ...]


@dataclass(frozen=True)
class Member:
    """A spell of someone's membership of a team, as the simulation needs it."""

    staff_id: int
    name: str
    manager: bool
    clinical: bool
    start: date
    end: date | None


class SimulatedMark(NamedTuple):
    """One simulated register line."""

    session_id: int
    staff_id: int
    status: str


@dataclass(frozen=True)
class _Habits:
    """How a team takes part: its usual take-up, its manager's at reflection sessions,
    and whether its attendance tails off over the months."""

    take_up: float
    manager_take_up: float
    fading: bool


def _habits(rng: random.Random) -> _Habits:
    return _Habits(
        rng.uniform(0.45, 0.97), rng.choice([0.15, 0.6, 0.9, 0.95]), rng.random() < 0.125
    )


def _groups(sessions: list[PastSession]) -> dict[tuple[int, str, int], list[int]]:
    """The sessions of each (team, module, occurrence), in id order: a split team's groups."""
    groups: dict[tuple[int, str, int], list[int]] = {}
    for session in sorted(sessions, key=lambda s: s.id):
        if len(session.team_ids) == 1:
            key = (session.team_ids[0], session.module, session.occurrence)
            groups.setdefault(key, []).append(session.id)
    return groups


def _expected(
    session: PastSession,
    team_id: int,
    members: dict[int, list[Member]],
    groups: dict[tuple[int, str, int], list[int]],
) -> list[Member]:
    """The team's members expected at a session: on the team that day, in its audience,
    and in this group's share where the team is split."""
    people = [
        m
        for m in members.get(team_id, ())
        if m.start <= session.day and (m.end is None or session.day < m.end)
        and (session.audience != Audience.MANAGERS or m.manager)
        and (session.audience != Audience.CLINICAL or m.clinical)
    ]  # fmt: skip
    group = groups.get((team_id, session.module, session.occurrence), [session.id])
    if len(group) > 1:
        share = group_share(
            [GroupMember(m.staff_id, m.name) for m in people], len(group), group.index(session.id)
        )
        people = [m for m in people if m.staff_id in share]
    return people


def _status(rng: random.Random, chance: float) -> str:
    """A register mark: attended with this chance, else excused or absent."""
    if rng.random() < chance:
        return rng.choices(ATTENDED_MIX, (90, 7, 3))[0]
    return rng.choices(MISSED_MIX, (60, 40))[0]


def simulate_attendance(
    sessions: list[PastSession],
    members: dict[int, list[Member]],
    seed: int,
) -> list[SimulatedMark]:
    """Plausible registers for sessions already past.

    Each team gets its own level of take-up, so implementation varies between teams;
    some managers rarely come to reflection sessions; in one team in eight attendance
    tails off over the months. Where a team is split into groups, each group's session
    has its share of the team, in name order.
    """
    rng = random.Random(seed * 7919 + 17)
    habits: dict[int, _Habits] = {}
    groups = _groups(sessions)
    first_day = min((s.day for s in sessions), default=None)
    marks = []
    for session in sessions:
        for team_id in session.team_ids:
            if team_id not in habits:
                habits[team_id] = _habits(rng)
            team = habits[team_id]
            people = _expected(session, team_id, members, groups)
            chance = team.take_up
            if team.fading and first_day is not None:
                chance -= min(0.4, (session.day - first_day).days / 600)
            reflection = "reflection" in session.strategy
            for member in people:
                p = team.manager_take_up if member.manager and reflection else chance
                marks.append(SimulatedMark(session.id, member.staff_id, _status(rng, p)))
    return marks
