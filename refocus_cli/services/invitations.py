"""`refocus invite`: each trainer and expected person gets their sessions as invitations
by email, and after a change only what changed: updates, cancellations, nothing else.

A message is recorded as sent only once the SMTP server has accepted it, each in its
own transaction, so a run cut short resumes where it stopped. Sessions that have begun
are left alone: an invitation for the past helps nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refocus_cli.core.calendar import CalendarSession, SessionChoice, first_and_last_year, uid
from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.itip import (
    Attendee,
    MailProblem,
    Method,
    Outgoing,
    Sender,
    Sent,
    next_message,
)
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.services import manual as manual_service
from refocus_cli.store import calendar
from refocus_cli.store import invitations as sent_store
from refocus_cli.store.database import Store

if TYPE_CHECKING:
    from refocus_cli.render.smtp import SmtpSettings


@dataclass(frozen=True)
class InviteOptions:
    """Who the invitations come from (needed to send, not to look), whether they ask
    for a reply, and whether to only say what would be sent."""

    sender: Sender | None = None
    rsvp: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class Message:
    """One message of a run, as people are told about it."""

    to: str
    email: str
    session_id: int
    uid: str
    session: str
    start: str
    method: str
    sequence: int
    update: bool

    def as_record(self) -> dict[str, Any]:
        return {
            "to": self.to,
            "email": self.email,
            "session": self.session_id,
            "uid": self.uid,
            "title": self.session,
            "start": self.start,
            "method": self.method,
            "sequence": self.sequence,
            "update": self.update,
        }


@dataclass(frozen=True)
class InviteRun:
    """What a run sent (or, in a dry run, would send), what the server refused and why,
    and who has no email to invite."""

    messages: tuple[Message, ...]
    refused: tuple[tuple[Message, str], ...]
    without_email: tuple[str, ...]
    dry_run: bool

    def as_record(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "messages": [m.as_record() for m in self.messages],
            "refused": [{**m.as_record(), "reason": why} for m, why in self.refused],
            "without_email": list(self.without_email),
        }


@dataclass(frozen=True)
class Planned:
    """A message to send, with the session it is about (None: a session taken out of
    the plan since its invitation went out) and when that session starts, locally."""

    session: CalendarSession | None
    outgoing: Outgoing
    start: datetime

    def told(self) -> Message:
        from refocus_cli.render.itip import title

        message = self.outgoing
        return Message(
            to=message.attendee.name,
            email=message.recipient,
            session_id=message.session_id,
            uid=message.uid,
            session=title(self.session),
            start=self.start.isoformat(),
            method=str(message.method),
            sequence=message.sequence,
            update=message.update,
        )


def plan(
    store: Store, choice: SessionChoice, manual: Path | None = None
) -> tuple[list[Planned], list[str]]:
    """Every message the chosen sessions need now, in time order, and the names of the
    people who should be invited but have no email. --staff and --trainer limit the
    messages to that person, and include sessions they were invited to before; they and
    --all also cancel invitations to sessions taken out of the plan since (undo)."""
    curriculum = manual_service.curriculum(store, manual)
    person = None
    if choice.kind in ("staff", "trainer") and choice.ref is not None:
        person = (choice.kind, sent_store.person_id(store, choice.kind, choice.ref))
    sessions, last = _sessions_and_sent(store, curriculum, choice, person)
    now, planned, missing = store.clock(), [], set()
    for session in sessions:
        if session.start <= now or session.status == SessionStatus.HELD:
            continue
        wanted, without = _wanted(store, curriculum, session, person)
        missing |= without
        event = uid(session)
        before = {(kind, pid) for sent_uid, kind, pid in last if sent_uid == event}
        for key in sorted(set(wanted) | before):
            messages = _messages(store, session, wanted.get(key), last.get((event, *key)), key)
            planned += [Planned(session, message, session.start) for message in messages]
    if choice.kind == "all" or person is not None:
        planned += _withdrawn(store, last, {uid(s) for s in sessions})
    return sorted(planned, key=lambda p: p.start), sorted(missing)


def _sessions_and_sent(
    store: Store, curriculum: Curriculum, choice: SessionChoice, person: tuple[str, int] | None
) -> tuple[list[CalendarSession], dict[sent_store.Key, Sent]]:
    """The chosen sessions, with those the person chosen was invited to before, and
    what was last sent for them."""
    sessions = calendar.calendar_sessions(store, curriculum, choice.kind, choice.ref)
    if choice.kind == "all":
        return sessions, sent_store.last_sent(store)
    if person is None:
        return sessions, sent_store.last_sent(store, [s.id for s in sessions])
    last = sent_store.last_sent(store, person=person)
    before = {sent_uid for sent_uid, _, _ in last} - {uid(s) for s in sessions}
    if before:
        every = calendar.calendar_sessions(store, curriculum, "all")
        sessions = sorted([*sessions, *(s for s in every if uid(s) in before)], key=_when)
    return sessions, last


def _withdrawn(store: Store, last: dict[sent_store.Key, Sent], known: set[str]) -> list[Planned]:
    """Cancellations of invitations to sessions no longer in the database (a replan
    undone after the invitations went out), still to come."""
    tz, now, planned = store.tz(), store.clock(), []
    for (sent_uid, kind, pid), sent in last.items():
        start = datetime.fromisoformat(sent.start_utc).astimezone(tz)
        decision = next_message(None, None, sent)
        if sent_uid in known or start <= now or decision is None:
            continue
        method, sequence = decision
        attendee = Attendee(kind, pid, sent_store.person_name(store, kind, pid), None)
        message = Outgoing(
            session_id=sent.session_id,
            uid=sent_uid,
            start_utc=sent.start_utc,
            attendee=attendee,
            recipient=sent.recipient,
            method=method,
            sequence=sequence,
            session_sequence=sent.session_sequence,
            update=False,
        )
        planned.append(Planned(None, message, start))
    return planned


def _wanted(
    store: Store,
    curriculum: Curriculum,
    session: CalendarSession,
    person: tuple[str, int] | None,
) -> tuple[dict[tuple[str, int], Attendee], set[str]]:
    """Who should hold a session's invitation now (of `person` only, if given), and the
    names of those of them with no email."""
    wanted: dict[tuple[str, int], Attendee] = {}
    without: set[str] = set()
    if session.status != SessionStatus.SCHEDULED:
        return wanted, without
    for attendee in sent_store.attendees(store, curriculum, session):
        if person is not None and (attendee.kind, attendee.id) != person:
            continue
        if attendee.email:
            wanted[(attendee.kind, attendee.id)] = attendee
        else:
            without.add(attendee.name)
    return wanted, without


def _when(session: CalendarSession) -> tuple[str, int]:
    return session.start.isoformat(), session.id


def _messages(
    store: Store,
    session: CalendarSession,
    attendee: Attendee | None,
    last: Sent | None,
    key: tuple[str, int],
) -> list[Outgoing]:
    """The messages one person needs for one session: none, one, or, when their email
    changed since their invitation went out, a CANCEL to the old address (the calendar
    there holds it) followed by the REQUEST to the new one, its SEQUENCE above the
    CANCEL's so that a calendar receiving both keeps the invitation."""
    if attendee is None or not attendee.email or last is None or not _moved(attendee, last):
        found = _message(store, session, attendee, last, key)
        return [] if found is None else [found]
    cancel = Outgoing(
        session_id=session.id,
        uid=uid(session),
        start_utc=session.start.astimezone(UTC).isoformat(),
        attendee=attendee,  # their address now: the letter says the invitation moved
        recipient=last.recipient,
        method=Method.CANCEL,
        sequence=max(session.sequence, last.sequence + 1),
        session_sequence=session.sequence,
        update=False,
    )
    after = replace(last, method=Method.CANCEL, sequence=cancel.sequence)
    request = _message(store, session, attendee, after, key)
    return [cancel] if request is None else [cancel, request]


def _moved(attendee: Attendee, last: Sent) -> bool:
    """Whether a person's live invitation went to an address that is no longer theirs."""
    live = last.method == Method.REQUEST and bool(last.recipient)
    return live and last.recipient != attendee.email


def _message(
    store: Store,
    session: CalendarSession,
    attendee: Attendee | None,
    last: Sent | None,
    key: tuple[str, int],
) -> Outgoing | None:
    """The message one person needs for one session, if any."""
    decision = next_message(session.sequence, attendee.email if attendee else None, last)
    if decision is None:
        return None
    method, sequence = decision
    if attendee is None:  # no longer expected: cancelled at the address invited
        attendee = Attendee(key[0], key[1], sent_store.person_name(store, *key), None)
    recipient = attendee.email if method == Method.REQUEST or last is None else last.recipient
    return Outgoing(
        session_id=session.id,
        uid=uid(session),
        start_utc=session.start.astimezone(UTC).isoformat(),
        attendee=attendee,
        recipient=recipient or "",
        method=method,
        sequence=sequence,
        session_sequence=session.sequence,
        update=method == Method.REQUEST and last is not None and last.method == Method.REQUEST,
    )


def invite(
    store: Store,
    choice: SessionChoice,
    options: InviteOptions,
    smtp: SmtpSettings | None = None,
    manual: Path | None = None,
) -> InviteRun:
    """Send (or, with dry_run, only list) the messages the chosen sessions need, over one
    SMTP connection; each is recorded and audited as soon as the server accepts it."""
    sending = None if options.dry_run else _sending(options, smtp)  # checked before work
    planned, missing = plan(store, choice, manual)
    if sending is None or not planned:
        told = tuple(p.told() for p in planned)
        return InviteRun(told, (), tuple(missing), options.dry_run)
    return _send(store, planned, missing, *sending, options.rsvp)


def _sending(options: InviteOptions, smtp: SmtpSettings | None) -> tuple[Sender, SmtpSettings]:
    """Who sends and through which server, both needed unless it is a dry run."""
    if options.sender is None:
        raise InvalidInput(
            "say who the invitations come from: --from ADDRESS (or $REFOCUS_SMTP_FROM)"
        )
    if smtp is None:
        raise InvalidInput("say which SMTP server sends the invitations: --smtp-host HOST")
    return options.sender, smtp


def _send(
    store: Store,
    planned: list[Planned],
    missing: list[str],
    sender: Sender,
    smtp: SmtpSettings,
    rsvp: bool,
) -> InviteRun:
    from refocus_cli.render.itip import email_message, itip_object
    from refocus_cli.render.smtp import Mailer, RecipientRefused, SendingStopped

    tz_name, now = store.programme()["timezone"], store.clock()
    # One time zone for the whole run, covering every session in it.
    known = sorted((p.session for p in planned if p.session is not None), key=_when)
    years = first_and_last_year(known, store.today())
    sent: list[Message] = []
    refused: list[tuple[Message, str]] = []
    with Mailer(smtp) as mailer:
        for item in planned:
            data = itip_object(
                item.session, item.outgoing, sender, tz_name, years=years, now=now, rsvp=rsvp
            )
            email = email_message(
                item.session, item.outgoing, sender, data, now=now, start=item.start
            )
            try:
                mailer.send(email, sender.email, item.outgoing.recipient)
            except RecipientRefused as exc:
                refused.append((item.told(), str(exc)))
                continue
            except SendingStopped as exc:
                raise MailProblem(
                    f"the SMTP server {smtp.host} stopped after {len(sent)} of {len(planned)} "
                    f"messages ({exc}): the {len(sent)} sent are recorded; run `refocus invite` "
                    "again to send the rest"
                ) from None
            sent_store.record_sent(store, item.outgoing, str(email["Message-ID"]))
            sent.append(item.told())
    return InviteRun(tuple(sent), tuple(refused), tuple(missing), False)
