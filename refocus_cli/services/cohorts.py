"""Cohorts: creating them, listing and showing them as of a day, adding a team, taking one out."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from refocus_cli.core.errors import Conflict
from refocus_cli.core.memberships import team_on
from refocus_cli.core.vocabulary import TeamStatus
from refocus_cli.store import cohorts, teams
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class Cohort:
    """A wave of teams going through the stages together, with their staff count on a day."""

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
    """A team of a cohort as it stands on a day, with its staff count then and its merge or
    disband when that is dated later."""

    id: int
    name: str
    site: str
    kind: str
    status: TeamStatus
    staff: int
    scheduled: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any], day: date) -> CohortTeam:
        """From a `team_list` row of `store.cohorts.show`, as the team stands on `day`."""
        ended = date.fromisoformat(row["ended_on"]) if row["ended_on"] else None
        standing = team_on(TeamStatus(row["status"]), ended, row["merged_into"], day)
        scheduled = standing.scheduled
        if row["left_on"] and not scheduled:
            scheduled = f"leaves the cohort on {row['left_on']}"
        return cls(
            row["id"],
            row["name"],
            row["site"],
            row["kind"],
            standing.status,
            row["staff"],
            scheduled,
        )


@dataclass(frozen=True)
class CohortDetail(Cohort):
    """A cohort with its teams, as of a day."""

    on: str
    team_list: list[CohortTeam]

    @classmethod
    def from_shown(cls, shown: dict[str, Any], day: date) -> CohortDetail:
        """From a cohort as `store.cohorts.show` gives it."""
        team_list = [CohortTeam.from_row(row, day) for row in shown["team_list"]]
        return cls(**{**shown, "on": day.isoformat(), "team_list": team_list})


def create_cohort(store: Store, name: str, team_refs: list[str]) -> CohortDetail:
    """A new cohort of active teams, each named once and in no other cohort."""
    return show_cohort(store, str(cohorts.create(store, name, team_refs)))


def list_cohorts(store: Store, on: date | None = None) -> list[Cohort]:
    """Every cohort by name, with staff counted on `on` (default today)."""
    return [Cohort(**row) for row in cohorts.listing(store, on or store.today())]


def show_cohort(store: Store, ref: str, on: date | None = None) -> CohortDetail:
    """A cohort and its teams as they stand on `on` (default today)."""
    day = on or store.today()
    return CohortDetail.from_shown(cohorts.show(store, ref, day), day)


@dataclass(frozen=True)
class TeamsAdded:
    """Teams put in a cohort, to be planned by `replan`."""

    cohort: str
    added: list[str]

    def as_record(self) -> dict[str, Any]:
        """The change as printed with --json."""
        return asdict(self)


def add_teams(store: Store, ref: str, team_refs: list[str]) -> TeamsAdded:
    """Put active teams, each in no cohort yet, in a cohort; `replan` then plans them."""
    with store.write():
        cohort = cohorts.find_cohort(store, ref)
        added = cohorts.free_teams(store, team_refs)
        cohorts.add_teams(store, cohort, added)
        return TeamsAdded(cohort["name"], [team["name"] for team in added])


@dataclass(frozen=True)
class TeamTakenOut:
    """A team taken out of a cohort, and what became of its sessions from that day."""

    cohort: str
    team: str
    on: str
    sessions_cancelled: int
    sessions_left: int

    def as_record(self) -> dict[str, Any]:
        """The change as printed with --json."""
        return asdict(self)


def remove_team(store: Store, ref: str, team_ref: str, on: date) -> TeamTakenOut:
    """Take a team out of a cohort from `on`: its sessions of the cohort from then are
    cancelled, or go on without it where shared, exactly as when a team disbands."""
    with store.write():
        cohort = cohorts.find_cohort(store, ref)
        team = teams.find_team(store, team_ref)
        if not cohorts.has_team(store, cohort["id"], team["id"]):
            raise Conflict(
                f"team {team['name']} is not in cohort {cohort['name']}: "
                f"see `refocus cohort show {cohort['name']}`"
            )
        released = teams.release_sessions(
            store, team["id"], on, cohort_id=cohort["id"], reason="team left the cohort"
        )
        cohorts.take_out(store, cohort, team, on)
        return TeamTakenOut(
            cohort["name"],
            team["name"],
            on.isoformat(),
            released["sessions_cancelled"],
            released["sessions_left"],
        )
