"""Teams: adding, editing, listing and showing them as of a day; merging; disbanding."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from refocus_cli.core.edits import Edited, changes, wanted
from refocus_cli.core.errors import Conflict
from refocus_cli.core.memberships import TeamOnDay, team_on, upcoming_changes
from refocus_cli.core.vocabulary import TeamStatus
from refocus_cli.store import edits, memberships, teams
from refocus_cli.store.database import Store


def _as_of(row: dict[str, Any], day: date) -> TeamOnDay:
    ended = date.fromisoformat(row["ended_on"]) if row["ended_on"] else None
    return team_on(TeamStatus(row["status"]), ended, row["merged_into"], day)


@dataclass(frozen=True)
class Team:
    """A team on the day viewed: its standing then, its staff count then, its cohort, and
    its merge or disband when that is dated later (`scheduled`, in plain words)."""

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
    scheduled: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any], day: date) -> Team:
        """From a row of `store.teams.listing`, as the team stands on `day`."""
        standing = _as_of(row, day)
        return cls(
            id=row["id"],
            uuid=row["uuid"],
            name=row["name"],
            site=row["site"],
            kind=row["kind"],
            status=standing.status,
            ended_on=standing.ended_on,
            merged_into=standing.merged_into,
            staff=row["staff"],
            cohort=row["cohort"],
            scheduled=standing.scheduled,
        )

    def as_record(self) -> dict[str, Any]:
        """The team as printed with --json and in tables."""
        return asdict(self)


@dataclass(frozen=True)
class TeamMember:
    """Someone in a team on the day viewed, since when, and what is scheduled for them."""

    id: int
    name: str
    email: str | None
    role: str
    manager: bool
    since: str
    scheduled: tuple[str, ...] = ()


@dataclass(frozen=True)
class Joiner:
    """Someone whose membership of the team starts after the day viewed."""

    id: int
    name: str
    joins_on: str
    coming_from: str | None


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
    """A team on a day: its staff then, who joins later, everyone who was ever in it, the
    teams merged into it by then, and those to merge into it later."""

    on: str
    members: list[TeamMember]
    joining: list[Joiner]
    history: list[Membership]
    merged_from: list[str]
    merging_in: list[str]


def add_team(store: Store, name: str, site: str = "", kind: str = "") -> TeamDetail:
    """Add a team; its name must be new."""
    return show_team(store, str(teams.add(store, name, site, kind)))


def list_teams(store: Store, include_ended: bool = True, on: date | None = None) -> list[Team]:
    """Every team by name as it stands on `on` (default today), or only those active then."""
    day = on or store.today()
    found = [Team.from_row(row, day) for row in teams.listing(store, day=day)]
    return [team for team in found if include_ended or team.status == TeamStatus.ACTIVE]


def show_team(store: Store, ref: str, on: date | None = None) -> TeamDetail:
    """A team as it stands on `on` (default today): its staff then, with what is
    scheduled for them, who joins later, its full history and merges."""
    day = on or store.today()
    team_id = teams.find_team(store, ref)["id"]
    team = Team.from_row(teams.get(store, team_id, day), day)
    everyone = memberships.team_people(store, team_id)
    stints = memberships.stints(store, everyone)
    members, joining = [], []
    for person in memberships.people(store, everyone):
        own = stints.get(person["id"], [])
        here = [stint for stint in own if stint.team_id == team_id]
        if any(stint.covers(day) for stint in here):
            members.append(_member(person, here, own, day))
        for stint in here:
            if stint.start > day:
                before = next((s.team for s in own if s.end == stint.start), None)
                joining.append(
                    Joiner(person["id"], person["name"], stint.start.isoformat(), before)
                )
    merged = teams.merged_into_it(store, team_id)
    return TeamDetail(
        **asdict(team),
        on=day.isoformat(),
        members=sorted(members, key=lambda member: member.name.casefold()),
        joining=sorted(joining, key=lambda joiner: (joiner.joins_on, joiner.name.casefold())),
        history=[Membership(**row) for row in teams.history(store, team_id)],
        merged_from=[row["name"] for row in merged if row["ended_on"] <= day.isoformat()],
        merging_in=[
            f"{row['name']} merges into it on {row['ended_on']}"
            for row in merged
            if row["ended_on"] > day.isoformat()
        ],
    )


def _member(person: dict[str, Any], here: list[Any], own: list[Any], day: date) -> TeamMember:
    current = next(stint for stint in here if stint.covers(day))
    left_on = date.fromisoformat(person["left_on"]) if person["left_on"] else None
    return TeamMember(
        id=person["id"],
        name=person["name"],
        email=person["email"],
        role=person["role"],
        manager=bool(person["is_manager"]),
        since=current.start.isoformat(),
        scheduled=tuple(upcoming_changes(own, day, left_on)),
    )


def edit_team(
    store: Store,
    ref: str,
    name: str | None = None,
    site: str | None = None,
    kind: str | None = None,
) -> Edited:
    """Correct a team's name, site or kind; a new name must be free, and the calendars
    of its sessions still to come (which name it) are updated."""
    asked = wanted({"name": name, "site": site, "kind": kind}, "a team")
    with store.write():
        team = teams.find_team(store, ref)
        if name is not None and teams.name_taken(store, name, team["id"]):
            raise Conflict(f"a team called {name!r} already exists: choose another name")
        found = changes(team, asked)
        renamed = any(change.field == "name" for change in found)
        sessions = (
            [row["id"] for row in edits.team_sessions_ahead(store, team["id"])] if renamed else []
        )
        if found:
            edits.write(store, "team", team["id"], found, sessions=sessions)
        return Edited("team", team["id"], asked.get("name", team["name"]), found, tuple(sessions))


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


def merge_teams(store: Store, source_ref: str, target_ref: str, on: date) -> TeamMerged:
    """Merge one team into another: its staff move across on `on`, its history stays."""
    return TeamMerged(**teams.merge(store, source_ref, target_ref, on))


def disband_team(store: Store, ref: str, on: date) -> TeamDisbanded:
    """Disband a team: its memberships end on `on`; its staff keep their history."""
    return TeamDisbanded(**teams.disband(store, ref, on))
