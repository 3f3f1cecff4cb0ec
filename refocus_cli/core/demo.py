"""A realistic, made-up programme for `refocus demo`: same seed, same programme."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.people import TRANSLITERATED
from refocus_cli.core.programme import STAGES
from refocus_cli.core.roster import RosterEntry

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
    """The size of a demo programme."""

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
    """A made-up trainer, the stages they deliver and a spell of leave."""

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
                    email=f"{ascii_letters(first)}.{ascii_letters(last)}.{serial}@nhs.example",
                    role="team manager" if slot == 0 else rng.choice(ROLES),
                    manager=slot == 0,
                    start=start - timedelta(days=rng.randint(30, 3000)),
                    clinical_given=True,  # every demo role holds a caseload
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
                name=f"{first} {last}",
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


def ascii_letters(text: str) -> str:
    """A name as an email address spells it: "Łukasz" → "lukasz", "Adébáyọ̀" → "adebayo"."""
    plain = unicodedata.normalize("NFKD", text.translate(TRANSLITERATED))
    return "".join(ch for ch in plain.encode("ascii", "ignore").decode().lower() if ch.isalnum())
