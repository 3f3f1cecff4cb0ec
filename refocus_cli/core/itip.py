"""Invitations by email (iTIP, RFC 5546, over iMIP, RFC 6047): who gets which message.

Each person gets their own messages, naming only themselves as ATTENDEE, one session
(one UID) per message: RFC 5546 lets one iTIP object hold several components only as
instances of one recurring event (same UID), and a REQUEST holding several UIDs is
read as a plain import by Thunderbird and cut to its first event by Outlook. The
messages of a run share one SMTP connection instead.

What a person's calendar holds is what was last sent to them for a session: nothing,
a REQUEST at some SEQUENCE, or a CANCEL. `next_message` compares that with what it
should hold now and says what, if anything, to send.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from refocus_cli.core.errors import InvalidInput, RefocusError
from refocus_cli.core.programme import clean_email


class Method(StrEnum):
    """The iTIP methods refocus sends."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


class MailProblem(RefocusError):
    """The SMTP server could not be reached, refused the login, or stopped answering."""


@dataclass(frozen=True)
class Sender:
    """Who invitations come from: the programme's organiser (--from)."""

    name: str
    email: str

    @property
    def domain(self) -> str:
        return self.email.rsplit("@", 1)[1]


def parse_sender(text: str) -> Sender:
    """--from as typed, "Name <name@example.org>" or "name@example.org", checked."""
    from email.utils import getaddresses  # parsing only: no I/O

    found = getaddresses([text])
    name, address = found[0] if len(found) == 1 else ("", "")
    try:
        email = clean_email(address) if address else None
    except InvalidInput:
        email = None
    if email is None or any(ch in name for ch in "\r\n"):
        raise InvalidInput(
            f"--from {text!r} is not an email address: use name@example.org or "
            '"Name <name@example.org>"'
        )
    return Sender(" ".join(name.split()) or email.split("@")[0], email)


@dataclass(frozen=True)
class Attendee:
    """A person a session's invitation goes to: a member of staff expected at it or one
    of its trainers (who chair it)."""

    kind: str  # "staff" or "trainer"
    id: int
    name: str
    email: str | None

    @property
    def role(self) -> str:
        return "CHAIR" if self.kind == "trainer" else "REQ-PARTICIPANT"


@dataclass(frozen=True)
class Sent:
    """The last message a person was sent for a session (the SMTP server took it)."""

    session_id: int
    uid: str
    start_utc: str
    kind: str
    person_id: int
    recipient: str
    method: Method
    sequence: int
    session_sequence: int


@dataclass(frozen=True)
class Outgoing:
    """A message to send: its method and SEQUENCE, to whom, for which session."""

    session_id: int
    uid: str
    start_utc: str
    attendee: Attendee
    recipient: str
    method: Method
    sequence: int
    session_sequence: int
    update: bool  # a REQUEST that replaces one sent before


def next_message(
    session_sequence: int | None, address: str | None, last: Sent | None
) -> tuple[Method, int] | None:
    """What to send a person for a session, if anything: `address` is where they should
    have it now (None: they should not), `session_sequence` the session's SEQUENCE (None:
    the session is gone), `last` what they were last sent.

    A REQUEST goes to someone who has no live invitation or whose session changed since
    (its SEQUENCE rose); a CANCEL to someone who has a live one and should not. Every
    message after the first carries a higher SEQUENCE than the last (RFC 5546 2.1.4), so
    calendars never take it for an old one.
    """
    live = last is not None and last.method == Method.REQUEST and bool(last.recipient)
    if address is not None and session_sequence is not None:
        if last is None:
            return Method.REQUEST, session_sequence
        unchanged = session_sequence <= last.session_sequence and last.recipient == address
        if live and unchanged:
            return None
        return Method.REQUEST, max(session_sequence, last.sequence + 1)
    if live and last is not None:
        return Method.CANCEL, max(session_sequence or 0, last.sequence + 1)
    return None
