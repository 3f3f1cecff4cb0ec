"""A realistic, made-up programme for `refocus demo`: same seed, same programme."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.groups import Member as GroupMember
from refocus_cli.core.groups import group_share
from refocus_cli.core.programme import STAGES
from refocus_cli.core.roster import RosterEntry
from refocus_cli.core.vocabulary import AttendanceStatus, Audience

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Eilidh",
    "Femi",
    "Gareth",
    "Hannah",
    "Imran",
    "Jess",
    "Kwame",
    "Lucy",
    "Marek",
    "Niamh",
    "Oliver",
    "Priya",
    "Rhys",
    "Siobhán",
    "Tomás",
    "Zoë",
    "Łukasz",
    "Ngozi",
    "Sean",
    "Amara",
    "Callum",
    "Dafydd",
    "Ewa",
    "Farah",
    "Grace",
    "Hamza",
]
SURNAMES = [
    "Adams",
    "Bennett",
    "Chowdhury",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Ní Bhriain",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Adébáyọ̀",
    "Walsh",
    "Nowak",
    "Okafor",
    "Murphy",
    "Campbell",
    "Ahmed",
]
SITES = [
    "Riverside",
    "Northgate",
    "Hillview",
    "Harbour",
    "Moorside",
    "Eastfield",
    "Westbrook",
    "Southmead",
]
KINDS = ["CMHT", "CMHT", "CMHT", "Early Intervention", "Rehabilitation", "Assertive Outreach"]
ROLES = [
    "care coordinator",
    "care coordinator",
    "community psychiatric nurse",
    "social worker",
    "occupational therapist",
    "psychologist",
    "psychiatrist",
    "support worker",
    "peer support worker",
]


@dataclass(frozen=True)
class Scale:
    teams: int
    staff_per_team: int
    trainers: int
    lived_experience_trainers: int
    sites: int
    teams_per_cohort: int
    months_under_way: int = 7  # the demo programme started this long ago


SCALES = {
    "small": Scale(
        teams=4,
        staff_per_team=12,
        trainers=3,
        lived_experience_trainers=1,
        sites=2,
        teams_per_cohort=4,
    ),
    "trust": Scale(
        teams=30,
        staff_per_team=15,
        trainers=8,
        lived_experience_trainers=2,
        sites=4,
        teams_per_cohort=10,
    ),
    "national": Scale(
        teams=1000,
        staff_per_team=15,
        trainers=60,
        lived_experience_trainers=15,
        sites=50,
        teams_per_cohort=50,
        months_under_way=13,  # a national rollout runs for years: most waves have begun
    ),
}


@dataclass(frozen=True)
class DemoTrainer:
    name: str
    email: str
    lived_experience: bool
    stages: list[str]
    leave: tuple[date, date] | None


@dataclass
class DemoProgramme:
    """Everything the demo writes, in the order it is written."""

    name: str
    start: date
    teams: list[tuple[str, str, str]]  # name, site, kind
    roster: list[RosterEntry]
    trainers: list[DemoTrainer]
    venues: list[tuple[str, int, str]]  # name, capacity, site
    cohorts: list[tuple[str, list[str]]]
    movers: list[tuple[str, str, date]] = field(default_factory=list)  # email, team, on
    leavers: list[tuple[str, date]] = field(default_factory=list)  # email, on
    disbanded: tuple[str, date] | None = None


@dataclass(frozen=True)
class DemoCounts:
    """What the demo made: its plan, people and places, the turnover since it started,
    and the registers simulated for sessions already past."""

    sessions: int
    teams: int
    staff: int
    trainers: int
    lived_experience_trainers: int
    venues: int
    cohorts: int
    movers: int
    leavers: int
    disbanded: int
    held: int
    marks: int

    def as_record(self) -> dict[str, int]:
        """The counts as `refocus demo --json` prints them."""
        return dict(self.__dict__)


def _site_names(count: int) -> list[str]:
    return [
        SITES[i % len(SITES)] + ("" if i < len(SITES) else f" {i // len(SITES) + 1}")
        for i in range(count)
    ]


def build(scale_name: str, seed: int, today: date) -> DemoProgramme:
    """A programme of the given scale that started on a Monday some months before
    `today` (seven, or thirteen at national scale): its early sessions are past (with
    attendance to simulate), the rest are still to come."""
    if scale_name not in SCALES:
        raise InvalidInput(f"unknown scale {scale_name!r}: use one of {', '.join(SCALES)}")
    scale = SCALES[scale_name]
    rng = random.Random(seed)
    back = today - timedelta(days=scale.months_under_way * 30)
    start = back - timedelta(days=back.weekday())
    sites = _site_names(scale.sites)
    teams = []
    for number in range(scale.teams):
        site = sites[number % len(sites)]
        kind = KINDS[number % len(KINDS)]
        teams.append((f"{site} {kind} {number // len(sites) + 1}", site, kind))

    roster: list[RosterEntry] = []
    for team_name, _, _ in teams:
        size = max(4, scale.staff_per_team + rng.randint(-3, 3))
        for slot in range(size):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            serial = len(roster) + 1
            roster.append(
                RosterEntry(
                    row=serial + 1,
                    name=f"{first} {last}",
                    team=team_name,
                    email=f"{_ascii(first)}.{_ascii(last)}.{serial}@nhs.example",
                    role="team manager" if slot == 0 else rng.choice(ROLES),
                    manager=slot == 0,
                    start=start - timedelta(days=rng.randint(30, 3000)),
                )
            )

    trainers = []
    for number in range(scale.trainers):
        lived = number < scale.lived_experience_trainers
        first, last = (
            FIRST_NAMES[(number * 7) % len(FIRST_NAMES)],
            SURNAMES[(number * 5) % len(SURNAMES)],
        )
        stages = ["workshop", "coaching"] if lived else list(STAGES)
        leave_start = start + timedelta(days=rng.randint(14, 300))
        trainers.append(
            DemoTrainer(
                name=f"{first} {last}" + (" (lived experience)" if lived else ""),
                email=f"trainer{number + 1}@refocus.example",
                lived_experience=lived,
                stages=stages,
                leave=(leave_start, leave_start + timedelta(days=rng.choice([4, 9, 13]))),
            )
        )

    venues = [(f"{site} Training Room", rng.choice([20, 24, 30, 40]), site) for site in sites]
    cohorts = [
        (f"WAVE{index + 1}", [t[0] for t in teams[i : i + scale.teams_per_cohort]])
        for index, i in enumerate(range(0, len(teams), scale.teams_per_cohort))
    ]
    demo = DemoProgramme(
        name=f"Demo {scale_name.title()} REFOCUS Rollout",
        start=start,
        teams=teams,
        roster=roster,
        trainers=trainers,
        venues=venues,
        cohorts=cohorts,
    )
    _turnover(demo, rng, today)
    return demo


def _turnover(demo: DemoProgramme, rng: random.Random, today: date) -> None:
    """Mid-rollout, about 1 in 12 staff move team and 1 in 10 leave; one team of the
    first cohort disbands half-way through (as two did in the trial)."""
    team_names = [t[0] for t in demo.teams]
    first_cohort = demo.cohorts[0][1] if demo.cohorts else team_names
    disbanded_team = first_cohort[-1] if len(team_names) > 1 else None
    span = max((today - demo.start).days, 2)
    for entry in demo.roster:
        if entry.manager or entry.team == disbanded_team:
            continue
        draw = rng.random()
        when = demo.start + timedelta(days=rng.randint(span // 4, span - 1))
        if draw < 0.08:
            others = [name for name in team_names if name not in (entry.team, disbanded_team)]
            if others:
                demo.movers.append((entry.email or "", rng.choice(others), when))
        elif draw < 0.18:
            demo.leavers.append((entry.email or "", when))
    if disbanded_team:
        demo.disbanded = (disbanded_team, demo.start + timedelta(days=span // 2))


# -- simulated attendance ---------------------------------------------------------------

ATTENDED_MIX = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
MISSED_MIX = (AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT)


@dataclass(frozen=True)
class PastSession:
    id: int
    day: date
    module: str
    occurrence: int
    strategy: str
    audience: str  # whole-team, clinical, managers or mixed-teams
    team_ids: tuple[int, ...]


@dataclass(frozen=True)
class Member:
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


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())
