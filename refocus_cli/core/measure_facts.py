"""What the implementation measures read and return: plain frozen facts in, plain
results out (see core/measures.py for how one becomes the other)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from refocus_cli.core.catchup import Spell


@dataclass(frozen=True)
class TeamFact:
    id: int
    name: str
    status: str  # active, merged or disbanded
    ended_on: date | None
    cohort: str | None


@dataclass(frozen=True)
class StaffFact:
    id: int
    name: str
    role: str
    is_manager: bool
    left_on: date | None = None


@dataclass(frozen=True)
class SessionFact:
    id: int
    stage: str
    module: str
    strategy: str
    occurrence: int
    kind: str  # planned or catch-up
    status: str  # scheduled, held or cancelled
    day: date
    team_ids: tuple[int, ...]
    audience: str
    invitees: tuple[int, ...] = ()


@dataclass
class Facts:
    as_of: date
    teams: dict[int, TeamFact]
    staff: dict[int, StaffFact]
    spells: dict[int, list[Spell]]  # by staff id
    sessions: list[SessionFact]
    marks: dict[tuple[int, int], str]  # (session id, staff id) -> status


@dataclass
class StageProgress:
    stage: str
    planned: int
    held: int
    cancelled: int
    awaiting_register: int
    attendance: float | None
    reach: float | None
    completed: int
    staff: int
    first: date | None = None
    last: date | None = None


@dataclass
class TeamProgress:
    team: TeamFact
    stages: list[StageProgress]
    flags: list[str] = field(default_factory=list)


@dataclass
class Participation:
    staff: StaffFact
    team: str | None
    engaged: dict[str, bool]
    attended: dict[str, int]
    expected: dict[str, int]

    @property
    def score(self) -> int:
        return sum(self.engaged.values())


@dataclass
class TeamScore:
    team: TeamFact
    stayers: list[int]
    score: float | None
    level: str | None  # high or low
    why_unscored: str | None = None


@dataclass
class Milestone:
    team: TeamFact
    stage: str
    began: date | None
    completed: date | None
    days: int | None
    planned: int
    delivered: int

    @property
    def proportion(self) -> float | None:
        return self.delivered / self.planned if self.planned else None
