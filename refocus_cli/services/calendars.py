"""Sessions in people's calendars: .ics files to import, and CalDAV publishing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from refocus_cli.core.calendar import (
    UID_DOMAIN,
    CalendarMilestone,
    SessionChoice,
    WindowScope,
    first_and_last_year,
    parse_alarms,
    shown_windows,
)
from refocus_cli.core.measure_defs import MeasureLevel, Window
from refocus_cli.core.programme import clean_email
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.render.caldav_sync import Options, Published
from refocus_cli.services import manual as manual_service
from refocus_cli.store import calendar
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class CalendarOptions:
    """How a calendar file is written: reminders (e.g. "1d,30m"), the organiser's email,
    and whether cancelled sessions are left out. Files never list attendees: only an
    invitation may (RFC 5546), and `refocus invite` sends those."""

    alarm: str | None = None
    organiser: str | None = None
    drop_cancelled: bool = False


@dataclass(frozen=True)
class CalendarFile:
    """A calendar's bytes, how many sessions are events in it, and how many
    measurement windows are milestones in it."""

    data: bytes
    sessions: int
    milestones: int = 0


class Milestones:
    """The measurement windows calendars show, as all-day milestones: read once for the
    many calendars of a run (`every_owner`: each kind's owners are looked up together,
    as `feeds build` needs), or for one calendar.

    A calendar of the whole programme shows every window; a cohort's its own and the
    programme-wide ones; a team's those of its cohorts; a person's those of the cohorts
    of the teams they are in while they are in them; a trainer's those of the cohorts
    whose sessions they train (they run the sessions the measures bracket).
    """

    def __init__(self, store: Store, manual: Path | None = None, *, every_owner: bool = False):
        from refocus_cli.store import outcomes

        self.store = store
        self.manual = manual
        self.every_owner = every_owner
        self.windows = outcomes.windows(store)
        self.scopes: dict[str, dict[int, list[WindowScope]]] = {}
        self.made: dict[int, CalendarMilestone] = {}

    def of(self, kind: str, owner_id: int | None = None) -> list[CalendarMilestone]:
        """The milestones of the calendar of one owner (kind "all": of the programme)."""
        if not self.windows:
            return []
        scopes = None
        if kind != "all":
            assert owner_id is not None
            if self.every_owner:
                if kind not in self.scopes:
                    self.scopes[kind] = calendar.window_scopes(self.store, kind)
                found = self.scopes[kind]
            else:
                found = calendar.window_scopes(self.store, kind, owner_id)
            scopes = found.get(owner_id, [])
        return [
            replace(self._milestone(window), teams=teams)
            for window, teams in shown_windows(self.windows, scopes)
        ]

    def _milestone(self, window: Window) -> CalendarMilestone:
        if not self.made:
            from refocus_cli.services import measures

            defined = measures.measures(self.manual).measures
            staff = tuple(m.name for m in defined if m.level == MeasureLevel.STAFF)
            team = tuple(m.name for m in defined if m.level != MeasureLevel.STAFF)
            stamps = calendar.window_stamps(self.store)
            self.made = {
                w.id: CalendarMilestone(
                    uuid=stamps[w.id][0],
                    kind=str(w.kind),
                    first=w.start,
                    last=w.end,
                    cohort=w.cohort,
                    created=stamps[w.id][1],
                    staff_measures=staff,
                    team_measures=team,
                )
                for w in self.windows
            }
        return self.made[window.id]


def calendar_milestones(
    store: Store, choice: SessionChoice, manual: Path | None = None
) -> list[CalendarMilestone]:
    """The measurement windows the chosen calendar shows, as all-day milestones."""
    if choice.kind == "all":
        return Milestones(store, manual).of("all")
    assert choice.ref is not None
    owner = calendar.owner_id(store, choice.kind, choice.ref)
    return Milestones(store, manual).of(choice.kind, owner)


def calendar_file(
    store: Store,
    choice: SessionChoice,
    options: CalendarOptions = CalendarOptions(),
    manual: Path | None = None,
) -> CalendarFile:
    """The chosen sessions as one .ics calendar (METHOD:PUBLISH), with the measurement
    windows of the same choice as all-day milestones."""
    from refocus_cli.render.calendar import render_ics

    alarms = parse_alarms(options.alarm)
    organiser = None if options.organiser is None else clean_email(options.organiser)
    curriculum = manual_service.curriculum(store, manual)
    sessions = calendar.calendar_sessions(store, curriculum, choice.kind, choice.ref)
    milestones = calendar_milestones(store, choice, manual)
    programme = store.programme()
    data = render_ics(
        sessions,
        programme["timezone"],
        name=programme["name"] + (f" - {choice.ref}" if choice.ref else ""),
        years=first_and_last_year(sessions, store.today()),
        alarms=alarms,
        organiser=organiser,
        drop_cancelled=options.drop_cancelled,
        now=store.clock(),
        milestones=milestones,
    )
    dropped = SessionStatus.CANCELLED if options.drop_cancelled else None
    held = sum(1 for s in sessions if s.status != dropped)
    return CalendarFile(data, held, len(milestones))


def export_ics(
    store: Store,
    output: Path,
    choice: SessionChoice,
    options: CalendarOptions = CalendarOptions(),
    manual: Path | None = None,
) -> CalendarFile:
    """Write the chosen sessions' calendar to `output`; what it holds."""
    from refocus_cli.render.files import write_atomically

    made = calendar_file(store, choice, options, manual)
    write_atomically(output, made.data)
    return made


@dataclass(frozen=True)
class Server:
    """A CalDAV server: its address, the calendar under it (None: the address is the
    calendar), and who logs in."""

    url: str
    calendar: str | None = None
    user: str | None = None
    password: str | None = None


def publish_caldav(
    store: Store,
    server: Server,
    choice: SessionChoice,
    *,
    alarms: Sequence[timedelta] = (),
    manual: Path | None = None,
    options: Options | None = None,
    confirm: Callable[[Published], bool] = lambda _plan: False,
) -> Published:
    """Make the calendar on the server hold the chosen sessions, one event each, with
    these reminders, and the measurement windows of the same choice as all-day
    milestones, sending only what changed (see render/caldav_sync.py).

    `confirm` is asked before more than DELETE_UNASKED deletions. What each write left
    on the server is stored, even when the publish stops half-way, so that the next
    run knows refocus's own writes from edits made on the server; a dry run stores
    nothing and sends nothing but reads.
    """
    from refocus_cli.render import caldav, caldav_sync
    from refocus_cli.store import calendar_sync

    curriculum = manual_service.curriculum(store, manual)
    chosen = calendar.calendar_sessions(store, curriculum, choice.kind, choice.ref)
    programme = store.programme()
    events = caldav.session_events(
        chosen, programme["timezone"], programme["name"], store.today(), alarms=alarms
    ) + caldav.milestone_events(
        calendar_milestones(store, choice, manual), programme["timezone"], programme["name"]
    )
    target = caldav_sync.Target(
        server.url,
        server.calendar,
        server.user,
        server.password,
        programme["uuid"],
        {f"{uuid}@{UID_DOMAIN}": id_ for uuid, id_ in calendar.session_uuids(store).items()},
    )
    options = options or Options()
    outcome = Published(caldav_sync.collection_url(target), dry_run=options.dry_run)
    synced = {
        w.uid: caldav_sync.Synced(w.uid, w.href, w.etag, w.sequence, w.digest)
        for w in calendar_sync.written_events(store, outcome.calendar)
    }
    try:
        caldav_sync.publish(target, events, synced, options, confirm, outcome)
    finally:
        # only what changed: an unchanged event known from the last publish is as stored
        changed = [s for s in outcome.written if synced.get(s.uid) != s]
        if not options.dry_run and (changed or outcome.removed):
            written = [
                calendar_sync.WrittenEvent(s.uid, s.href, s.etag, s.sequence, s.digest)
                for s in changed
            ]
            calendar_sync.record_writes(store, outcome.calendar, written, outcome.removed)
    return outcome
