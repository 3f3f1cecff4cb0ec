"""Publishing sessions to a CalDAV server: what to change, and changing it.

A publish (RFC 4791 over one http.client connection, within its deadlines):

1. PROPFIND (Depth 0) the calendar: `URL/NAME/` with --calendar NAME, else URL itself.
   Missing with --calendar, it is made (MKCALENDAR, or the extended MKCOL of RFC 5689)
   once URL is known to exist; a dry run only says it would be.
2. PROPFIND (Depth 1) lists every resource there with its ETag. A resource whose ETag
   is the one refocus stored when it last wrote it is known without reading it; the
   others (written by someone else, or changed since) are read with calendar-multiget.
3. For each session chosen (and each measurement window, an all-day milestone whose
   UID is its window's): not on the server, it is created (PUT, If-None-Match: *);
   on the server with another digest than ours (see render/caldav.py), it is updated
   (PUT, If-Match: its ETag); else it is unchanged and gets no write.
4. Events of this programme (X-REFOCUS-PROGRAMME is its UUID, or refocus wrote them
   from this database) whose session or window is not among those chosen (a window
   removed, too) are deleted (If-Match): the calendar mirrors the selection, as an
   exported file does. Events of another
   programme, and people's own events, are never touched. More than DELETE_UNASKED
   deletions in one publish need a confirmation (`--yes`).
5. An event whose ETag differs from the one stored at refocus's last write to it was
   edited on the server since: it is reported and left alone, unless `overwrite`.
6. SEQUENCE never goes down: where the server's copy has a higher one, the event is
   written with the server's SEQUENCE + 1.

What each write leaves on the server (href, ETag, SEQUENCE, digest) is recorded in
`Published.written` as it happens, so that the caller can store it even when the
publish stops half-way; the next run then carries on from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from refocus_cli.core.calendar import is_milestone_uid
from refocus_cli.core.display import show_day, show_moment
from refocus_cli.core.errors import Conflict, InvalidInput, NotFound
from refocus_cli.render import caldav, webdav
from refocus_cli.render.webdav_connection import Server

# More deletions than this in one publish are confirmed first (a refocus default).
DELETE_UNASKED = 5
MULTIGET_BATCH = 200


@dataclass(frozen=True)
class Target:
    """Where to publish: the address, the calendar under it, who logs in, the programme
    publishing (its UUID) and its sessions' ids by UID (to name the events it deletes)."""

    url: str
    calendar: str | None
    user: str | None
    password: str | None
    programme: str
    session_ids: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Synced:
    """What refocus left on the server for one event at its last write."""

    uid: str
    href: str
    etag: str | None
    sequence: int
    digest: str


@dataclass(frozen=True)
class Held:
    """One event on the server, and whether it was edited there since refocus wrote it."""

    href: str
    etag: str | None
    uid: str
    sequence: int
    digest: str | None
    programme: str | None
    summary: str
    start: str  # DTSTART's value (20270302T100000), which sorts in time order
    edited: bool = False


@dataclass(frozen=True)
class Change:
    """One event to create, update or delete, with what a person needs to recognise it."""

    action: str  # create, update or delete
    uid: str
    href: str
    session_id: int | None
    summary: str
    start: str
    data: bytes | None = None
    digest: str = ""
    sequence: int = 0
    etag: str | None = None


@dataclass
class Published:
    """What a publish did (or, for a dry run, would do)."""

    calendar: str
    dry_run: bool = False
    make_calendar: bool = False
    changes: list[Change] = field(default_factory=list)
    left_alone: list[Change] = field(default_factory=list)
    unchanged: int = 0
    written: list[Synced] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    sent: int = 0

    def planned(self, action: str) -> list[Change]:
        """The changes of one kind (create, update, delete)."""
        return [change for change in self.changes if change.action == action]

    def as_record(self) -> dict[str, Any]:
        """The outcome as `--json` prints it: UIDs by what was (or would be) done."""

        def uids(changes: Iterable[Change]) -> list[str]:
            return [change.uid for change in changes]

        return {
            "calendar": self.calendar,
            "dry_run": self.dry_run,
            "created": uids(self.planned("create")),
            "updated": uids(self.planned("update")),
            "removed": uids(self.planned("delete")),
            "edited_on_server": uids(self.left_alone),
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class Options:
    """How to publish: a dry run, overwriting edits made on the server, and the time
    each request and the whole publish may take (see render/webdav.py)."""

    dry_run: bool = False
    overwrite: bool = False
    timeout: float = webdav.DEFAULT_TIMEOUT_SECONDS
    deadline: float = webdav.DEFAULT_DEADLINE_SECONDS


def publish(
    target: Target,
    events: list[caldav.SessionEvent],
    synced: dict[str, Synced],
    options: Options,
    confirm: Callable[[Published], bool],
    outcome: Published,
) -> None:
    """Make the calendar at `target` hold `events`, filling `outcome` as it goes.

    `synced` is what refocus stored at its last writes to this calendar, by UID;
    `confirm` is asked before more than DELETE_UNASKED deletions.
    """
    from urllib.parse import urlsplit

    from refocus_cli.render.caldav_read import held_events

    deadline = webdav.Deadline(options.deadline, options.timeout)
    with Server(outcome.calendar, target.user, target.password, deadline) as server:
        held: list[Held] = []
        if _calendar_exists(server, target, outcome.calendar):
            chosen = {event.uid for event in events}
            held = held_events(server, outcome.calendar, synced, target.programme, chosen)
        else:
            outcome.make_calendar = True
        _plan(outcome, urlsplit(outcome.calendar).path, events, held, target, options)
        if options.dry_run:
            return
        if len(outcome.planned("delete")) > DELETE_UNASKED:
            if not confirm(outcome):
                raise Conflict(
                    f"nothing was published: it would delete {len(outcome.planned('delete'))} "
                    f"events from {outcome.calendar}; see which with --dry-run, and give --yes "
                    "to publish anyway"
                )
            deadline.restart()  # the time a person took to answer is not the server's
        if outcome.make_calendar:
            webdav.make_calendar(server, outcome.calendar, target.calendar or "refocus")
        _send(server, outcome)


def collection_url(target: Target) -> str:
    """The calendar's address: URL itself, or URL/NAME/ with --calendar NAME."""
    from urllib.parse import quote

    base = webdav.calendar_home(target.url)
    if target.calendar is None:
        return base
    name = target.calendar.strip().strip("/")
    if not name:
        raise InvalidInput("--calendar needs a name, e.g. --calendar refocus")
    return base + quote(name, safe="") + "/"


def _calendar_exists(server: Server, target: Target, collection: str) -> bool:
    """Whether the calendar is there (False: it is to be made); errors for anything else."""
    kinds = webdav.resource_types(server, collection)
    if kinds is None and target.calendar is None:
        raise NotFound(
            f"{collection} does not exist on the server: check the address, or give the "
            "address of your calendars' folder and --calendar NAME to make a calendar there"
        )
    if kinds is None:
        base = webdav.calendar_home(target.url)
        home = webdav.resource_types(server, base)
        if home is None:
            raise NotFound(
                f"{base} does not exist on the server: check the address of your "
                "calendars' folder (often https://HOST/dav/calendars/USER/ or similar)"
            )
        if "calendar" in home:
            raise InvalidInput(f"{base} is a calendar itself: publish to it without --calendar")
        return False
    if "calendar" not in kinds:
        raise InvalidInput(
            f"{collection} is a folder on the server, not a calendar: "
            + (
                "choose another --calendar name"
                if target.calendar
                else "give --calendar NAME to publish to a calendar in it"
            )
        )
    return True


def _plan(
    outcome: Published,
    folder: str,
    events: list[caldav.SessionEvent],
    held: list[Held],
    target: Target,
    options: Options,
) -> None:
    """Fill `outcome` with the changes that make the calendar hold `events`."""
    from urllib.parse import quote

    programme = target.programme
    by_uid = {event.uid: event for event in held}
    for event in events:
        data, digest = caldav.marked(event.ics, programme)
        there = by_uid.get(event.uid)
        when = _shown(event.start)
        if there is None:
            href = folder + quote(event.resource)
            outcome.changes.append(
                Change(
                    "create",
                    event.uid,
                    href,
                    event.id,
                    event.summary,
                    when,
                    data,
                    digest,
                    event.sequence,
                )  # fmt: skip
            )
            continue
        if there.digest == digest and not there.edited:
            outcome.unchanged += 1
            outcome.written.append(
                Synced(event.uid, there.href, there.etag, there.sequence, digest)
            )
            continue
        sequence = event.sequence if there.sequence <= event.sequence else there.sequence + 1
        if sequence != event.sequence:
            data = caldav.with_sequence(data, sequence)
        change = Change(
            "update", event.uid, there.href, event.id, event.summary, when, data, digest,
            sequence, there.etag,
        )  # fmt: skip
        (outcome.left_alone if there.edited and not options.overwrite else outcome.changes).append(
            change
        )
    chosen = {event.uid for event in events}
    for there in sorted(held, key=lambda event: event.start):
        if there.uid in chosen or there.programme != programme:
            continue
        session = target.session_ids.get(there.uid)
        when = _when(there.start)
        change = Change(
            "delete", there.uid, there.href, session, there.summary, when, etag=there.etag
        )
        (outcome.left_alone if there.edited and not options.overwrite else outcome.changes).append(
            change
        )


def _shown(start: datetime | date) -> str:
    """A session's start, or an all-day milestone's first day, as people read it."""
    return show_moment(start) if isinstance(start, datetime) else show_day(start)


def _when(value: str) -> str:
    """A DTSTART value (20270302T100000, local to its TZID, or an all-day 20270302) as
    people read it."""
    try:
        if len(value) == 8:
            return show_day(datetime.strptime(value, "%Y%m%d").date())
        return show_moment(datetime.strptime(value[:15], "%Y%m%dT%H%M%S"))
    except ValueError:
        return value


def _send(server: Server, outcome: Published) -> None:
    """Make every planned change, recording each as it is made."""
    missing_etags = False
    for change in outcome.changes:
        what = (
            f"the event {change.uid}, whose session or window is no longer chosen"
            if change.action == "delete"
            else f"the milestone {change.uid}"
            if is_milestone_uid(change.uid)
            else f"session {change.session_id} ({change.uid})"
        )
        if change.action == "delete":
            server.write("DELETE", change.href, what, outcome.sent, None, _if_match(change.etag))
            outcome.removed.append(change.uid)
        else:
            preconditions = (
                {"If-None-Match": "*"} if change.action == "create" else _if_match(change.etag)
            )
            etag = server.write("PUT", change.href, what, outcome.sent, change.data, preconditions)
            missing_etags = missing_etags or etag is None
            outcome.written.append(
                Synced(change.uid, change.href, etag, change.sequence, change.digest)
            )
        outcome.sent += 1
    if missing_etags:
        from refocus_cli.render.caldav_read import etags

        # A server that changes what it stores gives no ETag for a PUT (RFC 4791 5.3.4):
        # ask for them all at once, so the next publish knows its own writes.
        found = etags(server, outcome.calendar)
        outcome.written = [
            Synced(s.uid, s.href, s.etag or found.get(s.href), s.sequence, s.digest)
            for s in outcome.written
        ]


def _if_match(etag: str | None) -> dict[str, str]:
    # If-Match compares strongly (RFC 9110), so a weak ETag could never match: send none.
    if not etag or etag.startswith("W/"):
        return {}
    return {"If-Match": etag}
