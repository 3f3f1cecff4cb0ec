"""The organisation a rollout runs in: the programme, trainers, venues, cohorts, closures."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from refocus_cli.core.vocabulary import TeamStatus
from refocus_cli.store import closures, cohorts, programme, trainers, venues
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class Programme:
    """The programme a database holds: its name, time zone, holiday region and first day."""

    id: int
    uuid: str
    name: str
    timezone: str
    region: str
    start_date: str | None
    created_at: str
    follow_up_date: str | None = None
    notice_days: int = 10

    def as_record(self) -> dict[str, Any]:
        """The programme as printed with --json."""
        return asdict(self)


def start_programme(
    store: Store, name: str, timezone: str, region: str, start: date | None
) -> Programme:
    """Record the programme of a new database."""
    return Programme(**programme.create(store, name, timezone, region, start))


@dataclass(frozen=True)
class Unavailability:
    """Days a trainer cannot deliver, both included."""

    from_date: str
    to_date: str
    reason: str


@dataclass(frozen=True)
class Trainer:
    """A trainer, the stages they deliver (in rollout order) and when they cannot."""

    id: int
    uuid: str
    name: str
    email: str | None
    lived_experience: bool
    stages: list[str]
    unavailable: list[Unavailability]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Trainer:
        """From a trainer as `store.trainers.listing` gives it."""
        periods = [Unavailability(**period) for period in row["unavailable"]]
        return cls(**{**row, "unavailable": periods})

    def as_record(self) -> dict[str, Any]:
        """The trainer as printed with --json."""
        return asdict(self)


def add_trainer(
    store: Store, name: str, email: str | None, lived_experience: bool, stages: list[str]
) -> Trainer:
    """Add a trainer who delivers `stages`; an email may belong to one trainer only."""
    return Trainer.from_row(trainers.add(store, name, email, lived_experience, stages))


def list_trainers(store: Store) -> list[Trainer]:
    """Every trainer by name."""
    return [Trainer.from_row(row) for row in trainers.listing(store)]


def trainer_away(store: Store, ref: str, start: date, end: date, reason: str) -> Trainer:
    """Record that a trainer cannot deliver from `start` to `end`, both days included."""
    return Trainer.from_row(trainers.unavailable(store, ref, start, end, reason))


@dataclass(frozen=True)
class Venue:
    """A room sessions are held in, and how many it seats."""

    id: int
    uuid: str
    name: str
    site: str
    capacity: int

    def as_record(self) -> dict[str, Any]:
        """The venue as printed with --json and in tables."""
        return asdict(self)


def add_venue(store: Store, name: str, capacity: int, site: str = "") -> Venue:
    """Add a venue; its name must be new."""
    return Venue(**venues.add(store, name, capacity, site))


def list_venues(store: Store) -> list[Venue]:
    """Every venue by name."""
    return [Venue(**row) for row in venues.listing(store)]


@dataclass(frozen=True)
class Cohort:
    """A wave of teams going through the stages together, with their staff count now."""

    id: int
    uuid: str
    name: str
    created_at: str
    teams: int
    staff: int

    def as_record(self) -> dict[str, Any]:
        """The cohort as printed with --json and in tables."""
        return asdict(self)


@dataclass(frozen=True)
class CohortTeam:
    """A team of a cohort, with its staff count now."""

    id: int
    name: str
    site: str
    kind: str
    status: TeamStatus
    staff: int


@dataclass(frozen=True)
class CohortDetail(Cohort):
    """A cohort with its teams."""

    team_list: list[CohortTeam]

    @classmethod
    def from_shown(cls, shown: dict[str, Any]) -> CohortDetail:
        """From a cohort as `store.cohorts.show` gives it."""
        team_list = [
            CohortTeam(**{**row, "status": TeamStatus(row["status"])}) for row in shown["team_list"]
        ]
        return cls(**{**shown, "team_list": team_list})


def create_cohort(store: Store, name: str, team_refs: list[str]) -> CohortDetail:
    """A new cohort of active teams, each named once and in no other cohort."""
    return CohortDetail.from_shown(cohorts.create(store, name, team_refs))


def list_cohorts(store: Store) -> list[Cohort]:
    """Every cohort by name."""
    return [Cohort(**row) for row in cohorts.listing(store)]


def show_cohort(store: Store, ref: str) -> CohortDetail:
    """A cohort and its teams."""
    return CohortDetail.from_shown(cohorts.show(store, ref))


@dataclass(frozen=True)
class Closure:
    """A day the organisation runs no sessions, and why."""

    id: int
    uuid: str
    date: str
    reason: str

    def as_record(self) -> dict[str, Any]:
        """The closure as printed with --json and in tables."""
        return asdict(self)


def close_days(store: Store, first: date, last: date, reason: str) -> None:
    """Close every day from `first` to `last`; days already closed stay as they are."""
    closures.add(store, first, last, reason)


def list_closures(store: Store) -> list[Closure]:
    """Every closed day, in date order."""
    return [Closure(**row) for row in closures.listing(store)]
