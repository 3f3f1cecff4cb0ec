"""What a calendar event says about a session: title, place, description, status.

Cancellations: published files are METHOD:PUBLISH and keep a cancelled session as an
event with STATUS:CANCELLED, a higher SEQUENCE, TRANSP:TRANSPARENT (it no longer
blocks time) and a title that starts with "Cancelled:". Clients that honour STATUS
hide or strike it through; the Outlook versions that ignore STATUS still update the
event they imported (same UID, higher SEQUENCE) and show the word in its title. Leaving
the event out instead would leave a stale copy in every calendar that imported the
file, so it is only done on request (`--drop-cancelled`, for subscribed feeds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from refocus_cli.core.display import show_period
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.measure_defs import Window
from refocus_cli.core.vocabulary import SessionKind, SessionStatus

UID_DOMAIN = "refocus.invalid"  # stable and never a real host
CHOICES = ("cohort", "team", "trainer", "staff")


@dataclass(frozen=True)
class SessionChoice:
    """Which sessions a calendar holds: a cohort's, a team's, a trainer's, those a member
    of staff is expected at (`ref` names which), or all of them (`kind` "all")."""

    kind: str
    ref: str | None = None


def choose_sessions(
    cohort: str | None,
    team: str | None,
    trainer: str | None,
    staff: str | None,
    every: bool,
) -> SessionChoice:
    """The one filter given (--cohort, --team, --trainer, --staff or --all)."""
    chosen = [
        SessionChoice(kind, ref)
        for kind, ref in zip(CHOICES, (cohort, team, trainer, staff), strict=True)
        if ref is not None
    ]
    if every:
        chosen.append(SessionChoice("all"))
    if len(chosen) != 1:
        raise InvalidInput(
            "choose the sessions with exactly one of --cohort, --team, --trainer, --staff or --all"
        )
    return chosen[0]


@dataclass(frozen=True)
class Person:
    """A trainer or participant as an event names them."""

    name: str
    email: str | None
    role: str  # lead, lived-experience or participant


@dataclass(frozen=True)
class CalendarSession:
    """A session with everything its calendar event shows."""

    id: int
    uuid: str
    stage: str
    stage_title: str
    module: str
    module_title: str
    occurrence: int
    occurrences: int
    kind: str
    start: datetime  # aware, in the programme's zone
    end: datetime
    status: str
    sequence: int
    note: str
    created: datetime
    modified: datetime
    cohort: str | None
    venue: str | None
    site: str | None
    teams: tuple[str, ...]
    trainers: tuple[Person, ...]
    what_to_bring: tuple[str, ...]
    attendees: tuple[Person, ...] = ()


def uid(session: CalendarSession) -> str:
    """The event's UID: derived from the session's UUID, so it never changes."""
    return f"{session.uuid}@{UID_DOMAIN}"


def summary(session: CalendarSession) -> str:
    """The event title: stage and module (once where they are the same), and the teams."""
    title = session.module_title
    stage = session.stage_title.removesuffix(" training")
    key_word = next((w for w in stage.lower().split() if w != "refocus"), "")
    if key_word not in title.lower():  # e.g. "Support for practice change: Team reflection"
        title = f"{stage}: {title}"
    if session.occurrences > 1 and session.kind == SessionKind.PLANNED:
        title += f" ({session.occurrence} of {session.occurrences})"
    if session.kind == SessionKind.CATCH_UP:
        title = f"Catch-up: {title}"
    who = ", ".join(session.teams)
    text = (title if title.startswith("REFOCUS") else f"REFOCUS {title}") + (
        f" - {who}" if who else ""
    )
    return f"Cancelled: {text}" if session.status == SessionStatus.CANCELLED else text


def location(session: CalendarSession) -> str | None:
    """The event's place: the venue, with its site where the name lacks it."""
    if session.venue and session.site and session.site not in session.venue:
        return f"{session.venue}, {session.site}"
    return session.venue


TRAINER_ROLES = {"lead": "trainer", "lived-experience": "lived-experience trainer"}


def _and(names: list[str]) -> str:
    """Names joined as a sentence says them: "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def description(session: CalendarSession, organiser: Person | None = None) -> str:
    """The event's text, in plain sentences for the people invited: who it is for, the
    trainers and their roles, the venue, what to bring and who organises it. The title
    is not repeated and nothing in it is a command or markup."""
    lines = []
    if session.status == SessionStatus.CANCELLED:
        lines += ["THIS SESSION IS CANCELLED." + (f" {session.note}" if session.note else ""), ""]
    if session.teams:
        cohort = f", cohort {session.cohort}" if session.cohort else ""
        lines.append(f"For {_and(list(session.teams))}{cohort}.")
    if session.trainers:
        named = [f"{t.name} ({TRAINER_ROLES.get(t.role, t.role)})" for t in session.trainers]
        lines.append(f"Trainers: {_and(named)}.")
    where = location(session)
    if where:
        lines.append(f"Venue: {where}.")
    if session.what_to_bring:
        lines += ["", "Please bring:", *session.what_to_bring]
    if organiser is not None and organiser.email:
        who = "" if organiser.name == organiser.email.split("@")[0] else f"{organiser.name}, "
        lines += ["", f"Organised by {who}{organiser.email}."]
    return "\n".join(lines).strip("\n")


def organiser(session: CalendarSession, fallback: str | Person | None) -> Person | None:
    """Who the event is from: the coordinator given, else the lead trainer with an email."""
    if isinstance(fallback, Person):
        return fallback
    if fallback:
        return Person(fallback.split("@")[0], fallback, "organiser")
    lead = next((t for t in session.trainers if t.email), None)
    return lead


LONGEST_ALARM = timedelta(days=365)


def parse_alarms(text: str | None) -> list[timedelta]:
    """Reminders before each session, e.g. "1d,30m" (days, hours or minutes)."""
    if not text:
        return []
    units = {"d": "days", "h": "hours", "m": "minutes"}
    alarms = []
    for part in text.split(","):
        token = part.strip().lower()
        number, unit = token[:-1], token[-1:]
        # ASCII digits only ("²".isdigit() is true), and few enough for a timedelta.
        sane = number.isascii() and number.isdigit() and len(number) <= 6 and unit in units
        before = timedelta(**{units[unit]: int(number)}) if sane else None
        if before is None or not timedelta(0) < before <= LONGEST_ALARM:
            raise InvalidInput(
                f"--alarm {part.strip()!r} is not a reminder: use numbers with d, h or m, "
                "up to 365d, e.g. --alarm 1d,30m"
            )
        alarms.append(before)
    return sorted(set(alarms), reverse=True)


def first_and_last_year(sessions: list[CalendarSession], today: date) -> tuple[int, int]:
    """The years a calendar's time zone must cover: from the year before the first
    session (so a rule already in force covers it) to the last session's year."""
    if not sessions:
        return today.year - 1, today.year
    return sessions[0].start.year - 1, max(s.end.year for s in sessions)


@dataclass(frozen=True)
class CalendarMilestone:
    """A measurement window as a calendar shows it: an all-day span, not a session, and
    what is collected in it (the names of manual/measures.toml, by level)."""

    uuid: str
    kind: str  # baseline or follow-up
    first: date
    last: date  # the window's last day, included
    cohort: str | None  # None: the whole programme
    created: datetime
    staff_measures: tuple[str, ...] = ()
    team_measures: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()  # the teams whose calendar this is, where it is theirs


def milestone_uid(milestone: CalendarMilestone) -> str:
    """The milestone's UID: from the window's UUID, marked apart from sessions' UIDs."""
    return f"window-{milestone.uuid}@{UID_DOMAIN}"


def is_milestone_uid(uid: str) -> bool:
    """Whether a UID is a measurement window's milestone's (not a session's)."""
    return uid.startswith("window-") and uid.endswith(f"@{UID_DOMAIN}")


def milestone_summary(milestone: CalendarMilestone) -> str:
    """The milestone's title: "REFOCUS baseline measures (WAVE1)", or in a team's or a
    person's calendar the team's name first: "Baseline measures: North CMHT (REFOCUS
    cohort WAVE1)"."""
    if not milestone.teams:
        return f"REFOCUS {milestone.kind} measures ({milestone.cohort or 'all teams'})"
    scope = f"REFOCUS cohort {milestone.cohort}" if milestone.cohort else "REFOCUS, all teams"
    kind = milestone.kind[:1].upper() + milestone.kind[1:]
    return f"{kind} measures: {', '.join(milestone.teams)} ({scope})"


def milestone_description(milestone: CalendarMilestone) -> str:
    """What the window is for, in plain sentences: who, when, and what is collected."""
    who = f"cohort {milestone.cohort}" if milestone.cohort else "every team of the programme"
    lines = [
        f"Scores are collected for {who}, {show_period(milestone.first, milestone.last)}. "
        "This is not a session: there is nothing to attend."
    ]
    if milestone.staff_measures:
        lines.append(f"Staff complete: {_and(list(milestone.staff_measures))}.")
    if milestone.team_measures:
        lines.append(
            f"Service users complete, anonymously: {_and(list(milestone.team_measures))} "
            "(each team returns how many answered and their mean)."
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class WindowScope:
    """Which measurement windows one calendar owner has a part in: those of `cohorts`
    (and the programme-wide ones) meeting the days from `first` to before `until` (None:
    open), named for `team` where the owner is in one (a team, or a person's membership)."""

    team: str | None
    cohorts: frozenset[int]
    first: date | None = None
    until: date | None = None  # the first day no longer in it, as memberships end

    def covers(self, window: Window) -> bool:
        """Whether the window is this scope's: its cohort's or the programme's, in time."""
        return (
            (window.cohort_id is None or window.cohort_id in self.cohorts)
            and (self.first is None or window.end >= self.first)
            and (self.until is None or window.start < self.until)
        )


def shown_windows(
    windows: Sequence[Window], scopes: Sequence[WindowScope] | None
) -> list[tuple[Window, tuple[str, ...]]]:
    """The windows a calendar shows, each with the owner's teams it concerns: every
    window when `scopes` is None (the whole programme's calendar), else those some scope
    covers. A person's calendar so shows the windows of the cohorts their team is in
    while they are in it; a trainer's those of the cohorts they train."""
    if scopes is None:
        return [(window, ()) for window in windows]
    shown = []
    for window in windows:
        covering = [scope for scope in scopes if scope.covers(window)]
        if covering:
            teams = sorted({s.team for s in covering if s.team is not None}, key=str.casefold)
            shown.append((window, tuple(teams)))
    return shown
