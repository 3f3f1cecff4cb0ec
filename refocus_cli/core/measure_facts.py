"""What the implementation measures read and return: plain frozen facts in, plain
results out (see core/measures.py for how one becomes the other).

The facts read in bulk (tens of thousands of sessions, staff and spells per national
report) are named tuples: as immutable as a frozen dataclass, and made four to five
times faster (a frozen dataclass sets each field through object.__setattr__)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import NamedTuple, TypeVar

from refocus_cli.core.programme import STRATEGIES
from refocus_cli.core.spells import Spell
from refocus_cli.core.vocabulary import ATTENDED

T = TypeVar("T")


class TeamFact(NamedTuple):
    """A team, its standing, the day it ended (if it did) and its cohort as of the
    facts' date (store.measures.COHORTS)."""

    id: int
    name: str
    status: str  # active, merged or disbanded
    ended_on: date | None
    cohort: str | None


class StaffFact(NamedTuple):
    """A member of staff, whether a manager, whether clinical (as recorded: it decides
    whether clinical-only sessions expect them), and the day they left (if they did)."""

    id: int
    name: str
    is_manager: bool
    clinical: bool = True
    left_on: date | None = None


class SessionFact(NamedTuple):
    """A session as the measures see it: what, when, for whom, and whether held."""

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
    """Everything the measures read, as of a date.

    Of the register the measures need only who came: `came`, session id -> the staff
    marked present, late or left early, as the store reads it (grouped by session, no
    object per mark). Given `marks` instead ((session id, staff id) -> status, as a
    test writes a register out), `came` is made from them."""

    as_of: date
    teams: dict[int, TeamFact]
    staff: dict[int, StaffFact]
    spells: dict[int, list[Spell]]  # by staff id
    sessions: list[SessionFact]
    marks: dict[tuple[int, int], str] = field(default_factory=dict)
    came: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.marks and not self.came:
            came: dict[int, list[int]] = {}
            for (session_id, staff_id), status in self.marks.items():
                if status in ATTENDED:
                    came.setdefault(session_id, []).append(staff_id)
            self.came = came


@dataclass
class StageProgress:
    """One team's figures for one stage."""

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
    """A team's stages and its warning flags."""

    team: TeamFact
    stages: list[StageProgress]
    flags: list[str] = field(default_factory=list)


STRATEGY_INDEX = {strategy: index for index, strategy in enumerate(STRATEGIES)}


def by_strategy(values: tuple[T, ...]) -> dict[str, T]:
    """Values in STRATEGIES order, keyed by strategy (as JSON and CSV show them)."""
    return dict(zip(STRATEGIES, values, strict=True))


@dataclass(slots=True)
class Participation:
    """One person's attendance and engagement, strategy by strategy, each a tuple in
    STRATEGIES order (tuples, not dicts: a national report has 15,000 people): `engaged`
    1 where they engaged with a strategy, 0 where they did not, None where it does not
    apply to them (never expected at it); with the counts worked out once, as the team
    scores, the view and the outcomes read them for everyone."""

    staff: StaffFact
    team: str | None
    engaged: tuple[int | None, ...]
    attended: tuple[int, ...]
    expected: tuple[int, ...]
    count: int  # how many strategies they engaged with
    applicable: int  # how many strategies apply to them

    @property
    def share(self) -> Fraction | None:
        """Their score: the share of the strategies that apply to them in which they
        took part (exact, so equal scores compare equal); None if none applies."""
        return Fraction(self.count, self.applicable) if self.applicable else None

    def took(self, strategy: str) -> int | None:
        """1 if they engaged with `strategy`, 0 if not, None if it does not apply."""
        return self.engaged[STRATEGY_INDEX[strategy]]

    def attended_at(self, strategy: str) -> int:
        """How many of the strategy's held activities they came to."""
        return self.attended[STRATEGY_INDEX[strategy]]

    def expected_at(self, strategy: str) -> int:
        """How many of the strategy's held activities they were expected at."""
        return self.expected[STRATEGY_INDEX[strategy]]


class Engagement(NamedTuple):
    """How many of a team's stayers a strategy applies to, and how many engaged (a named
    tuple: six a team)."""

    engaged: int
    applicable: int

    @property
    def share(self) -> Fraction | None:
        """The share of those it applies to who engaged; None if it applies to nobody."""
        return Fraction(self.engaged, self.applicable) if self.applicable else None


class TeamScore(NamedTuple):
    """A team's mean score over its stayers and its engagement by strategy; the stage it
    has reached by the report date, and why it cannot be compared yet (None if it can).
    (A named tuple: one a team.)"""

    team: TeamFact
    stayers: list[int]
    score: Fraction | None
    why_unscored: str | None
    engagement: dict[str, Engagement]
    stage: str | None
    why_not_comparable: str | None


@dataclass
class Milestone:
    """When a team began and completed a stage, and how much of it was delivered."""

    team: TeamFact
    stage: str
    began: date | None
    completed: date | None
    days: int | None
    planned: int
    delivered: int

    @property
    def proportion(self) -> float | None:
        """The share of the planned sessions delivered (None if none planned)."""
        return self.delivered / self.planned if self.planned else None
