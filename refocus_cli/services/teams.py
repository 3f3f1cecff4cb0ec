"""Teams: adding, listing and showing them; merging one into another; disbanding one."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from refocus_cli.core.vocabulary import TeamStatus
from refocus_cli.store import teams
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class Team:
    """A team with its staff count now and the cohort it is in."""

    id: int
    uuid: str
    name: str
    site: str
    kind: str
    status: TeamStatus
    ended_on: str | None
    merged_into: str | None
    staff: int
    cohort: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Team:
        """From a row of `store.teams.listing`."""
        return cls(**{**row, "status": TeamStatus(row["status"])})

    def as_record(self) -> dict[str, Any]:
        """The team as printed with --json and in tables."""
        return asdict(self)


@dataclass(frozen=True)
class TeamMember:
    """Someone in a team now, and since when."""

    id: int
    name: str
    email: str | None
    role: str
    manager: bool
    since: str


@dataclass(frozen=True)
class Membership:
    """One spell of someone in a team; `end_date` is None while it lasts."""

    staff_id: int
    name: str
    start_date: str
    end_date: str | None
    end_reason: str | None


@dataclass(frozen=True)
class TeamDetail(Team):
    """A team with its current staff, everyone who was ever in it, and teams merged into it."""

    members: list[TeamMember]
    history: list[Membership]
    merged_from: list[str]

    @classmethod
    def from_shown(cls, shown: dict[str, Any]) -> TeamDetail:
        """From a team as `store.teams.show` gives it."""
        return cls(
            **{
                **shown,
                "status": TeamStatus(shown["status"]),
                "members": [TeamMember(**row) for row in shown["members"]],
                "history": [Membership(**row) for row in shown["history"]],
            }
        )


@dataclass(frozen=True)
class TeamMerged:
    """A merge done: who moved where, and what became of the merged team's sessions."""

    merged: str
    into: str
    on: str
    staff_moved: int
    sessions_cancelled: int
    sessions_left: int

    def as_record(self) -> dict[str, Any]:
        """The merge as printed with --json."""
        return asdict(self)


@dataclass(frozen=True)
class TeamDisbanded:
    """A team disbanded: how many staff lost their team, and what became of its sessions."""

    disbanded: str
    on: str
    staff_released: int
    sessions_cancelled: int
    sessions_left: int

    def as_record(self) -> dict[str, Any]:
        """The disbanding as printed with --json."""
        return asdict(self)


def add_team(store: Store, name: str, site: str = "", kind: str = "") -> TeamDetail:
    """Add a team; its name must be new."""
    return TeamDetail.from_shown(teams.add(store, name, site, kind))


def list_teams(store: Store, include_ended: bool = True) -> list[Team]:
    """Every team by name, or only the active ones."""
    return [Team.from_row(row) for row in teams.listing(store, include_ended)]


def show_team(store: Store, ref: str) -> TeamDetail:
    """A team with its current staff and its full membership history."""
    return TeamDetail.from_shown(teams.show(store, ref))


def merge_teams(store: Store, source_ref: str, target_ref: str, on: date) -> TeamMerged:
    """Merge one team into another: its staff move across on `on`, its history stays."""
    return TeamMerged(**teams.merge(store, source_ref, target_ref, on))


def disband_team(store: Store, ref: str, on: date) -> TeamDisbanded:
    """Disband a team: its memberships end on `on`; its staff keep their history."""
    return TeamDisbanded(**teams.disband(store, ref, on))
