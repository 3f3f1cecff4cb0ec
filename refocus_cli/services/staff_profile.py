"""`staff show`: everything about one person as of a day, in one place."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from refocus_cli.core.attendance_summary import AttendanceSummary, summarise
from refocus_cli.core.memberships import Standing
from refocus_cli.services.staff import StaffMember
from refocus_cli.store import memberships, personal_data, sessions, staff
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class MembershipLine:
    """One membership, and where it stands on the day viewed (past, current, scheduled)."""

    team: str
    start_date: str
    end_date: str | None
    end_reason: str | None
    standing: Standing


@dataclass(frozen=True)
class Invitation:
    """A catch-up session someone is invited to."""

    session_id: int
    start: str
    module: str
    status: str


@dataclass(frozen=True)
class StaffProfile:
    """A person on a day: their record, memberships with dates, attendance and catch-ups."""

    on: str
    person: StaffMember
    created_at: str
    memberships: tuple[MembershipLine, ...]
    attendance: AttendanceSummary
    catch_up_invitations: tuple[Invitation, ...]

    def as_record(self) -> dict[str, Any]:
        """The profile as printed with --json."""
        return {
            "on": self.on,
            "person": {**self.person.as_record(), "created_at": self.created_at},
            "memberships": [asdict(line) for line in self.memberships],
            "attendance": asdict(self.attendance),
            "catch_up_invitations": [
                asdict(invitation) for invitation in self.catch_up_invitations
            ],
        }


def show_staff(store: Store, ref: str, on: date | None = None) -> StaffProfile:
    """Everything about one person as of `on` (default today): later changes as scheduled,
    marks at sessions up to that day."""
    day = on or store.today()
    found = staff.find_staff(store, ref)
    stints = memberships.stints(store, [found["id"]]).get(found["id"], [])
    person = StaffMember.on_day(memberships.people(store, [found["id"]])[0], stints, day)
    held = personal_data.held_on(store, found["id"])
    tz = store.tz()
    return StaffProfile(
        on=day.isoformat(),
        person=person,
        created_at=held.created_at,
        memberships=tuple(
            MembershipLine(
                stint.team,
                stint.start.isoformat(),
                stint.end.isoformat() if stint.end else None,
                stint.end_reason,
                stint.standing(day),
            )
            for stint in stints
        ),
        attendance=summarise(
            (row["stage"], row["status"])
            for row in held.attendance
            if sessions.to_local(row["start"], tz).date() <= day
        ),
        catch_up_invitations=tuple(
            Invitation(
                row["session_id"],
                sessions.to_local(row["start"], tz).isoformat(),
                row["module"],
                row["status"],
            )
            for row in held.invitations
        ),
    )
