"""Data protection: everything held on a person (subject access), and forgetting them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from refocus_cli.core.errors import Conflict
from refocus_cli.core.mentions import Mention
from refocus_cli.services import audit as audit_log
from refocus_cli.services.staff import StaffMember
from refocus_cli.store import feeds, invitations, outcomes, personal_data, sessions, staff
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class SubjectAccess:
    """Everything refocus holds on one person; session starts in the programme's time zone."""

    person: StaffMember
    created_at: str
    memberships: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    catch_up_invitations: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    exported_at: str
    invitation_emails: list[dict[str, Any]] = field(default_factory=list)
    outcome_scores: list[dict[str, Any]] = field(default_factory=list)
    calendar_feeds: list[dict[str, Any]] = field(default_factory=list)

    def as_record(self) -> dict[str, Any]:
        """The export as printed with --json."""
        return {
            "person": {**self.person.as_record(), "created_at": self.created_at},
            "memberships": self.memberships,
            "attendance": self.attendance,
            "catch_up_invitations": self.catch_up_invitations,
            "invitation_emails": self.invitation_emails,
            "outcome_scores": self.outcome_scores,
            "calendar_feeds": self.calendar_feeds,
            "audit": self.audit,
            "exported_at": self.exported_at,
        }


def subject_access(store: Store, person_ref: str) -> SubjectAccess:
    """Everything held on one person: record, memberships, marks, invitations, the
    calendar feeds issued to them (revoked ones too), audit log."""
    person = staff.find_staff(store, person_ref)
    held = personal_data.held_on(store, person["id"])
    tz = store.tz()
    emails = invitations.sent_to(store, "staff", person["id"])
    for row in held.attendance + held.invitations + emails:
        row["start"] = sessions.to_local(row["start"], tz).isoformat()
    return SubjectAccess(
        person=StaffMember.from_record(staff.public(person)),
        created_at=held.created_at,
        memberships=held.memberships,
        attendance=held.attendance,
        catch_up_invitations=held.invitations,
        audit=[entry.as_record() for entry in audit_log.about_staff(store, person)],
        exported_at=store.clock().astimezone(tz).isoformat(),
        invitation_emails=emails,
        outcome_scores=outcomes.scores_of(store, person["id"]),
        calendar_feeds=_feeds_issued(store, person["id"]),
    )


def _feeds_issued(store: Store, staff_id: int) -> list[dict[str, Any]]:
    """The calendar feeds issued to a person: the path each was served at (it holds the
    token), when it was made and when it was revoked (UTC; None while it is served)."""
    from refocus_cli.services.feeds import FEED_PATH

    return [
        {
            "path": FEED_PATH.format(token=row.token),
            "created": row.created_at,
            "revoked": row.revoked_at,
        }
        for row in feeds.issued_to(store, "staff", staff_id)
    ]


@dataclass(frozen=True)
class Forgotten:
    """A person forgotten: the placeholder they became, what was kept and what was cleaned."""

    id: int
    name: str
    memberships: int
    attendance: int
    audit_entries_erased: int
    notes_erased: int
    # Another program had the file open, so its write-ahead log still holds the details.
    log_still_open: bool
    # Where other records still name them (left as they are), and how many such
    # mentions were replaced by "[removed]".
    mentions: list[Mention] = field(default_factory=list)
    mentions_scrubbed: int = 0
    # Other people on record with the same name: their own records were not searched.
    namesakes: int = 0
    feeds_revoked: int = 0
    preview: bool = False

    def as_record(self) -> dict[str, Any]:
        """The outcome as printed with --json."""
        return {
            "id": self.id,
            "name": self.name,
            "memberships": self.memberships,
            "attendance": self.attendance,
            "audit_entries_erased": self.audit_entries_erased,
            "notes_erased": self.notes_erased,
            "log_still_open": self.log_still_open,
            "mentions": [asdict(mention) for mention in self.mentions],
            "mentions_scrubbed": self.mentions_scrubbed,
            "namesakes": self.namesakes,
            "feeds_revoked": self.feeds_revoked,
        }


def forget(
    store: Store, person_ref: str, *, scrub_mentions: bool = False, preview: bool = False
) -> Forgotten:
    """Erase a person's identity everywhere, keeping an anonymous record so counts stay.

    The name becomes a placeholder, the email goes, the role keeps only whether it is
    clinical; the clinical flag itself, memberships and marks stay (none identifies
    anyone, and the measures need them); their calendar feeds are revoked. Every other
    text in the database is then searched for their name or email (ignoring case and
    accents): the mentions found are listed, or with `scrub_mentions` replaced by
    "[removed]" in the same transaction.
    Then the file is rewritten so that freed pages keep no copy of what was erased.
    With `preview`, nothing is kept: the result says what forgetting would do.
    """
    person = staff.find_staff(store, person_ref)
    staff_id = person["id"]
    done = personal_data.forgotten_at(store, staff_id)
    if done:
        raise Conflict(f"staff {staff_id} was already forgotten on {done[:10]}")
    placeholder = f"Forgotten person {staff_id}"
    role = "" if person["clinical"] else "administrative"
    words = [word for word in (person["name"], person["email"]) if word]
    erased = personal_data.erase(
        store, staff_id, words, placeholder, role, scrub_mentions=scrub_mentions, preview=preview
    )
    memberships, attendance = personal_data.kept(store, staff_id)
    return Forgotten(
        id=staff_id,
        name=placeholder,
        memberships=memberships,
        attendance=attendance,
        audit_entries_erased=erased.audit_entries,
        notes_erased=erased.notes,
        log_still_open=False if preview else personal_data.rewrite_file(store),
        mentions=erased.mentions,
        mentions_scrubbed=erased.scrubbed,
        namesakes=erased.namesakes,
        feeds_revoked=erased.feeds_revoked,
        preview=preview,
    )
