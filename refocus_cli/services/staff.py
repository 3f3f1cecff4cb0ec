"""Staff: adding one person, listing them as of a day, editing, moving between teams, leaving."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from refocus_cli.core.edits import Edited, changes, wanted
from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.memberships import Stint, has_left, stint_on, upcoming_changes
from refocus_cli.core.roster_plan import guess_clinical
from refocus_cli.store import catchup, edits, memberships, personal_data, staff, teams
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class StaffMember:
    """A person on record with their team on the day viewed and since when (None when
    they have none then), and what is scheduled for them after it, in plain words."""

    id: int
    uuid: str
    name: str
    email: str | None
    role: str
    manager: bool
    clinical: bool
    clinical_guessed: bool
    team: str | None
    since: str | None
    left_on: str | None
    scheduled: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> StaffMember:
        """From a row as `store.staff.public` gives it."""
        return cls(**record)

    @classmethod
    def on_day(cls, person: dict[str, Any], stints: list[Stint], day: date) -> StaffMember:
        """A person (a `store.memberships.people` row) as they stand on `day`."""
        stint = stint_on(stints, day)
        return cls(
            id=person["id"],
            uuid=person["uuid"],
            name=person["name"],
            email=person["email"],
            role=person["role"],
            manager=bool(person["is_manager"]),
            clinical=bool(person["clinical"]),
            clinical_guessed=bool(person["clinical_guessed"]),
            team=stint.team if stint else None,
            since=stint.start.isoformat() if stint else None,
            left_on=person["left_on"],
            scheduled=tuple(upcoming_changes(stints, day, _date(person["left_on"]))),
        )

    def as_record(self) -> dict[str, Any]:
        """The person as printed with --json and in tables."""
        return {**asdict(self), "scheduled": list(self.scheduled)}


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
    clinical: bool | None = None,
) -> StaffMember:
    """Add one member of staff to an active team from `start` (default today). Without
    `clinical`, whether they are clinical is guessed from the job title, marked as a guess."""
    with store.write():
        team = teams.find_active_team(store, team_ref)
        _ensure_email_free(store, email)
        guessed = clinical is None
        staff_id = staff.add(
            store,
            name,
            team,
            role,
            email,
            manager,
            start if start else store.today(),
            guess_clinical(role) if clinical is None else clinical,
            guessed,
        )
        return StaffMember.from_record(staff.get(store, staff_id))


def _ensure_email_free(store: Store, email: str | None, other_than: int | None = None) -> None:
    holder = staff.email_holder(store, email) if email else None
    if holder and holder["id"] != other_than:
        raise Conflict(
            f"email {email} already belongs to {holder['name']} (id {holder['id']}): "
            "each person has one record"
        )


def list_staff(
    store: Store,
    team_ref: str | None = None,
    include_left: bool = False,
    on: date | None = None,
    clinical_guessed: bool = False,
) -> list[StaffMember]:
    """Staff as they stand on `on` (default today), by team then name: those who have not
    left by then unless `include_left`, of every team or of the one in `team_ref` then,
    and with `clinical_guessed` only those whose clinical flag is a guess."""
    day = on or store.today()
    team_id = teams.find_team(store, team_ref)["id"] if team_ref is not None else None
    stints = memberships.stints(store)
    found = []
    for person in memberships.people(store):
        own = stints.get(person["id"], [])
        stint = stint_on(own, day)
        if team_id is not None and (stint is None or stint.team_id != team_id):
            continue
        if not include_left and has_left(_date(person["left_on"]), day):
            continue
        if clinical_guessed and not person["clinical_guessed"]:
            continue
        found.append(StaffMember.on_day(person, own, day))
    return sorted(found, key=_by_team_and_name)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _by_team_and_name(member: StaffMember) -> tuple[bool, str, str]:
    return member.team is not None, (member.team or "").casefold(), member.name.casefold()


def find_member(store: Store, ref: str) -> StaffMember:
    """The one person an id, email or unique name names, with their team now."""
    return StaffMember.from_record(staff.public(staff.find_staff(store, ref)))


STAFF_FIELDS = {"name": "name", "email": "email", "role": "role", "manager": "is_manager"}


def edit_staff(
    store: Store,
    person_ref: str,
    name: str | None = None,
    email: str | None = None,
    role: str | None = None,
    manager: bool | None = None,
    clinical: bool | None = None,
) -> Edited:
    """Correct a person's name, email, role, manager flag or clinical flag; recording the
    clinical flag makes it no longer a guess."""
    asked = wanted(
        {"name": name, "email": email, "role": role, "manager": manager, "clinical": clinical},
        "a member of staff",
    )
    with store.write():
        person = staff.find_staff(store, person_ref)
        if personal_data.forgotten_at(store, person["id"]):
            raise Conflict(f"staff {person['id']} was forgotten: their record cannot be edited")
        _ensure_email_free(store, email, person["id"])
        before = staff.public(person)
        if clinical is not None and before["clinical_guessed"]:
            asked["clinical_guessed"] = False
        found = changes(before, asked)
        # No calendar names staff (attendees travel only in invitations, `refocus invite`,
        # which follow who is expected): no session's SEQUENCE moves.
        if found:
            edits.write(store, "staff", person["id"], found, STAFF_FIELDS)
        return Edited("staff", person["id"], asked.get("name", person["name"]), found)


def move_staff(store: Store, person_ref: str, team_ref: str, on: date) -> StaffMember:
    """Move a person to another active team from `on`; the old membership is kept as history."""
    with store.write():
        person = staff.find_staff(store, person_ref)
        if person["left_on"]:
            raise Conflict(
                f"{person['name']} left on {person['left_on']}: add them again to rejoin"
            )
        team = teams.find_active_team(store, team_ref)
        membership = staff.membership_on(store, person["id"], on)
        if membership and membership["team_id"] == team["id"]:
            raise Conflict(f"{person['name']} is already in {team['name']} on {on}")
        latest = staff.latest_membership(store, person["id"])
        if latest and latest["team_id"] == team["id"] and latest["start_date"] > on.isoformat():
            raise Conflict(
                f"{person['name']} already moves to {team['name']} on {latest['start_date']}"
            )
        _ensure_after_start(person, latest, on, "move")
        staff.move(store, person["id"], team, on)
        return StaffMember.from_record(staff.get(store, person["id"]))


def record_leaving(store: Store, person_ref: str, on: date) -> StaffMember:
    """Record that a person left on `on`: their membership ends, their history stays, and
    they are taken off the catch-up sessions booked for them from that day."""
    with store.write():
        person = staff.find_staff(store, person_ref)
        if person["left_on"]:
            raise Conflict(f"{person['name']} already left on {person['left_on']}")
        _ensure_after_start(person, staff.latest_membership(store, person["id"]), on, "leaving")
        staff.leave(store, person["id"], on)
        catchup.withdraw_invitee(store, person["id"], on)
        return StaffMember.from_record(staff.get(store, person["id"]))


def _ensure_after_start(
    person: dict[str, Any], membership: dict[str, Any] | None, on: date, what: str
) -> None:
    # Against the membership starting last: one starting after `on` (a move or merge
    # dated later) would otherwise outlast the leaving or overlap the new team.
    if membership and membership["start_date"] > on.isoformat():
        raise InvalidInput(
            f"{person['name']} joined {membership['team']} on {membership['start_date']}, "
            f"after the {what} date {on}: give --on {membership['start_date']} or later"
        )
