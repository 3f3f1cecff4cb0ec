"""Staff: adding one person, listing, moving between teams, leaving."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.store import staff, teams
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class StaffMember:
    """A person on record with their team now and since when (None once they have none)."""

    id: int
    uuid: str
    name: str
    email: str | None
    role: str
    manager: bool
    team: str | None
    since: str | None
    left_on: str | None

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> StaffMember:
        """From a row as `store.staff.public` gives it."""
        return cls(**record)

    def as_record(self) -> dict[str, Any]:
        """The person as printed with --json and in tables."""
        return asdict(self)


# Each check and its write run in one transaction, so two processes cannot both pass
# the check (the same email added twice, one person moved twice at once).


def add_staff(
    store: Store,
    name: str,
    team_ref: str,
    role: str,
    email: str | None,
    manager: bool,
    start: date | None = None,
) -> StaffMember:
    """Add one member of staff to an active team from `start` (default today)."""
    with store.write():
        team = teams.find_active_team(store, team_ref)
        holder = staff.email_holder(store, email) if email else None
        if holder:
            raise Conflict(
                f"email {email} already belongs to {holder['name']} (id {holder['id']}): "
                "each person has one record"
            )
        staff_id = staff.add(
            store, name, team, role, email, manager, start if start else store.today()
        )
        return StaffMember.from_record(staff.get(store, staff_id))


def list_staff(
    store: Store, team_ref: str | None = None, include_left: bool = False
) -> list[StaffMember]:
    """Staff, current ones unless `include_left`, of every team or of one."""
    return [StaffMember.from_record(row) for row in staff.listing(store, team_ref, include_left)]


def find_member(store: Store, ref: str) -> StaffMember:
    """The one person an id, email or unique name names."""
    return StaffMember.from_record(staff.public(staff.find_staff(store, ref)))


def move_staff(store: Store, person_ref: str, team_ref: str, on: date) -> StaffMember:
    """Move a person to another active team from `on`; the old membership is kept as history."""
    with store.write():
        person = staff.find_staff(store, person_ref)
        if person["left_on"]:
            raise Conflict(
                f"{person['name']} left on {person['left_on']}: add them again to rejoin"
            )
        team = teams.find_active_team(store, team_ref)
        membership = staff.current_membership(store, person["id"])
        if membership and membership["team_id"] == team["id"]:
            raise Conflict(f"{person['name']} is already in {team['name']}")
        _ensure_after_start(person, membership, on, "move")
        staff.move(store, person["id"], team, on)
        return StaffMember.from_record(staff.get(store, person["id"]))


def record_leaving(store: Store, person_ref: str, on: date) -> StaffMember:
    """Record that a person left on `on`: their membership ends, their history stays."""
    with store.write():
        person = staff.find_staff(store, person_ref)
        if person["left_on"]:
            raise Conflict(f"{person['name']} already left on {person['left_on']}")
        membership = staff.current_membership(store, person["id"])
        _ensure_after_start(person, membership, on, "leaving")
        staff.leave(store, person["id"], on)
        return StaffMember.from_record(staff.get(store, person["id"]))


def _ensure_after_start(
    person: dict[str, Any], membership: dict[str, Any] | None, on: date, what: str
) -> None:
    if membership and membership["start_date"] > on.isoformat():
        raise InvalidInput(
            f"{person['name']} joined {membership['team']} on {membership['start_date']}, "
            f"after the {what} date {on}: give --on {membership['start_date']} or later"
        )
