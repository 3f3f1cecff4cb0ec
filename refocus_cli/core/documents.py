"""What printed documents show: plain view models for handouts and session packs.

The templates in `templates/` lay these out; nothing here knows about Typst or HTML
except `typst_text`, the one escaping rule every Typst template applies to text.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from refocus_cli.core.agenda import AgendaItem, agenda, taught_minutes
from refocus_cli.core.curriculum import Module
from refocus_cli.core.vocabulary import AttendanceStatus, SessionKind, SessionStatus

PARTS = ("cover", "notes", "handouts", "register", "evaluation", "certificates")
# Left early does not earn a certificate.
CERTIFIED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
TRAINER_ROLE = "REFOCUS trainer"  # under every trainer's signature: co-trainers stand equal

# The evaluation form, one per expected person, numbered "Form <session id>-<n>". Its
# rated statements (1 = not at all … 5 = very much) and its written questions, each with
# the key a returned form's column is named by. Change the wording here, not in a template.
EVALUATION_SCALE = (1, 5)
EVALUATION_ITEMS = (
    ("useful", "The session was useful for my everyday work"),
    ("understood", "I understood the key messages"),
    ("able", "I feel able to try this with the people I work with"),
    ("trainers", "The trainers made it easy to take part"),
    ("recovery", "The session supports people's personal recovery"),
)
EVALUATION_QUESTIONS = (
    ("will_do", "One thing I will do differently"),
    ("better", "What would have made the session better?"),
)

_PUNCTUATION = frozenset(string.punctuation)


def typst_text(value: object) -> str:
    """Text that Typst prints literally: every ASCII punctuation mark is escaped (so
    `#read(...)`, `$`, `*`, `_`, `[`, `]`, `//`, `=`, `<b>` mean nothing), line breaks
    become spaces and other control characters are dropped."""
    out = []
    for char in str(value):
        if char in _PUNCTUATION:
            out.append("\\" + char)
        elif char in "\r\n\t":
            out.append(" ")
        elif ord(char) < 32 or ord(char) == 127:
            continue
        else:
            out.append(char)
    return "".join(out)


def typst_string(value: object) -> str:
    """The inside of a Typst string literal ("..."): backslashes and quotes escaped,
    control characters dropped."""
    text = "".join(c if ord(c) >= 32 and ord(c) != 127 else " " for c in str(value))
    return text.replace("\\", "\\\\").replace('"', '\\"')


def parse_parts(text: str | None) -> tuple[str, ...]:
    """The pack parts named by --only (all of them when it is not given), in pack order."""
    from refocus_cli.core.errors import InvalidInput

    if text is None:
        return PARTS
    chosen = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in PARTS]
    if unknown or not chosen:
        raise InvalidInput(f"--only {text!r}: choose from {', '.join(PARTS)} (comma-separated)")
    return tuple(part for part in PARTS if part in chosen)


@dataclass(frozen=True)
class Person:
    """Someone on a register or certificate; `status` once their mark is recorded."""

    id: int | None  # None for a visitor
    name: str
    role: str
    team: str
    status: str | None = None
    clinical: bool = True  # staff.clinical, holds a caseload: their handout's wording


@dataclass(frozen=True)
class Branding:
    """What `refocus programme set` adds to certificates: the organisation's name, the
    person who signs for it, and its logo (the file name Typst is given it under)."""

    organisation: str = ""
    signatory: str = ""
    signatory_role: str = ""
    logo: str = ""  # e.g. "logo.png"; empty: no logo


def hours_text(minutes: int) -> str:
    """A length of time as a certificate prints it: "7 hours", "3½ hours", "1 hour 5 minutes"."""
    hours, rest = divmod(minutes, 60)
    if rest == 30 and hours:
        return f"{hours}½ hours"
    whole = f"{hours} hour{'' if hours == 1 else 's'}" if hours else ""
    part = f"{rest} minute{'' if rest == 1 else 's'}" if rest else ""
    return " ".join(text for text in (whole, part) if text) or "0 minutes"


@dataclass
class SessionView:
    """A session as a pack's cover, register and certificates show it."""

    id: int
    date: str  # "Tuesday 12 January 2027"
    start: str
    end: str
    venue: str
    teams: list[str]
    trainers: list[str]
    cohort: str
    occurrence: int
    occurrences: int
    status: str
    catch_up: bool = False  # for people who missed the module with their team
    minutes: int = 0  # from start to end

    def when(self) -> str:
        """E.g. "Tuesday 5 May 2026, 09:30–16:30"."""
        return f"{self.date}, {self.start}–{self.end}"

    def who(self) -> str:
        """The teams (or the catch-up group) it is for, e.g. "North CMHT and South CMHT"."""
        if not self.teams:
            return "Catch-up group"
        if len(self.teams) == 1:
            return self.teams[0]
        return ", ".join(self.teams[:-1]) + " and " + self.teams[-1]

    def headline(self) -> str:
        """The cover's line in words: cohort, teams, when and where, e.g. "Wave 1 · North
        CMHT · Tuesday 5 May 2026, 09:30–16:30 · Room 2, Trust HQ"."""
        parts = [self.cohort, self.who(), self.when(), self.venue]
        return " · ".join(part for part in parts if part)

    def part_of(self) -> str:
        """ "Session 2 of 3" for a module taught over several sessions; empty for one."""
        if self.occurrences <= 1:
            return ""
        return f"Session {self.occurrence} of {self.occurrences}"


@dataclass
class DocumentView:
    """Everything a handout or pack template may use."""

    programme: str
    module: dict[str, Any]
    stage_title: str
    agenda: list[AgendaItem]
    session: SessionView | None = None
    people: list[Person] = field(default_factory=list)
    certified: list[Person] = field(default_factory=list)
    attendance_recorded: bool = False
    parts: tuple[str, ...] = PARTS
    generated: str = ""
    branding: Branding = field(default_factory=Branding)
    files: dict[str, bytes] = field(default_factory=dict)  # images Typst reads (the logo)
    evaluation_items: tuple[tuple[str, str], ...] = EVALUATION_ITEMS
    evaluation_questions: tuple[tuple[str, str], ...] = EVALUATION_QUESTIONS
    evaluation_scale: tuple[int, int] = EVALUATION_SCALE
    trainer_role: str = TRAINER_ROLE

    def reflection_for(self, person: Person | None = None) -> list[str]:
        """The reflection prompts a handout asks: the module's wording without a caseload
        for someone recorded as not clinical, where the module has one."""
        without = self.module.get("reflection_prompts_without_caseload") or []
        if person is not None and not person.clinical and without:
            return list(without)
        return list(self.module["reflection_prompts"])

    def evaluation_forms(self) -> list[str]:
        """The numbers of the evaluation forms, one per expected person (at least one):
        "<session id>-<n>", printed as "Form 12-3" for the returned forms to be matched."""
        if self.session is None:
            return []
        return [f"{self.session.id}-{n}" for n in range(1, max(1, len(self.people)) + 1)]

    def duration(self) -> str:
        """The session's length as certificates print it, e.g. "7 hours"."""
        return hours_text(self.session.minutes) if self.session else ""

    def learning(self) -> str:
        """The time taught, breaks and lunch left out (the CPD line), e.g. "5½ hours"."""
        return hours_text(taught_minutes(self.agenda))

    def rating_columns(self) -> list[int]:
        """The points of the evaluation scale, e.g. [1, 2, 3, 4, 5]."""
        low, high = self.evaluation_scale
        return list(range(low, high + 1))


def _no_room(module: Module) -> str:
    """Where a session with no room booked takes place, in words."""
    return "the team's base" if module.venue == "team-base" else "room to be confirmed"


def long_date(moment: datetime) -> str:
    """A date as printed on a pack, e.g. Tuesday 12 January 2027."""
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def document_view(
    programme: str,
    module: Module,
    stage_title: str,
    *,
    session: Mapping[str, Any] | None = None,
    people: Sequence[Person] = (),
    marks: Sequence[Person] = (),
    parts: tuple[str, ...] = PARTS,
    generated: str = "",
    branding: Branding | None = None,
    files: Mapping[str, bytes] | None = None,
) -> DocumentView:
    """The view of a module, optionally for one session with its expected people.

    `marks` holds everyone with a recorded status (visitors included): the expected
    people's statuses come from it, and certificates go to those who attended. Without a
    session the agenda runs from the module's usual start for its curriculum duration.
    """
    if session:
        start = datetime.fromisoformat(session["start"])
        end = datetime.fromisoformat(session["end"])
    else:
        start = datetime.combine(datetime(2000, 1, 3), module.start_time)
        end = start + timedelta(minutes=module.duration_minutes)
    view = DocumentView(
        programme=programme,
        module={**module.as_record(), **module.content.as_record(), "title": module.title},
        stage_title=stage_title,
        agenda=agenda(module.content.activities, start, end),
        parts=parts,
        generated=generated,
        branding=branding or Branding(),
        files=dict(files or {}),
    )
    if session:
        view.session = SessionView(
            id=session["id"],
            date=long_date(start),
            start=f"{start:%H:%M}",
            end=f"{end:%H:%M}",
            venue=session.get("venue") or _no_room(module),
            teams=list(session.get("teams") or []),
            trainers=list(session.get("trainers") or []),
            cohort=session.get("cohort") or "",
            occurrence=session.get("occurrence", 1),
            occurrences=module.sessions,
            status=session.get("status", SessionStatus.SCHEDULED),
            catch_up=session.get("kind") == SessionKind.CATCH_UP,
            minutes=int((end - start).total_seconds() // 60),
        )
        status = {m.id: m.status for m in marks if m.id is not None}
        view.people = [
            Person(
                p.id,
                p.name,
                p.role,
                p.team,
                None if p.id is None else status.get(p.id),
                clinical=p.clinical,
            )
            for p in people
        ]
        view.attendance_recorded = bool(marks)
        view.certified = sorted(
            (m for m in marks if m.status in CERTIFIED), key=lambda m: m.name.lower()
        )
    return view
