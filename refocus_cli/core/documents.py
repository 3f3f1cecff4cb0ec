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

from refocus_cli.core.curriculum import Module
from refocus_cli.core.vocabulary import AttendanceStatus, SessionKind, SessionStatus

PARTS = ("cover", "notes", "handouts", "register", "evaluation", "certificates")
# Left early does not earn a certificate.
CERTIFIED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
VISITOR_ROWS = 6

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
class AgendaItem:
    """An activity with its clock time in the session."""

    starts: str  # "09:30"
    title: str
    minutes: int
    description: str


@dataclass
class SessionView:
    """A session as a pack's cover and register show it."""

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
    visitor_rows: int = VISITOR_ROWS
    generated: str = ""

    def reflection_for(self, person: Person | None = None) -> list[str]:
        """The reflection prompts a handout asks: the module's wording without a caseload
        for someone recorded as not clinical, where the module has one."""
        without = self.module.get("reflection_prompts_without_caseload") or []
        if person is not None and not person.clinical and without:
            return list(without)
        return list(self.module["reflection_prompts"])


def agenda(module: Module, start: datetime | None) -> list[AgendaItem]:
    """The module's activities with clock times from the session's start."""
    clock = start or datetime.combine(datetime(2000, 1, 1), module.start_time)
    items = []
    for activity in module.content.activities:
        items.append(
            AgendaItem(
                clock.strftime("%H:%M"), activity.title, activity.minutes, activity.description
            )
        )
        clock += timedelta(minutes=activity.minutes)
    return items


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
) -> DocumentView:
    """The view of a module, optionally for one session with its expected people.

    `marks` holds everyone with a recorded status (visitors included): the expected
    people's statuses come from it, and certificates go to those who attended.
    """
    start = datetime.fromisoformat(session["start"]) if session else None
    view = DocumentView(
        programme=programme,
        module={**module.as_record(), **module.content.as_record(), "title": module.title},
        stage_title=stage_title,
        agenda=agenda(module, start),
        parts=parts,
        generated=generated,
    )
    if session and start is not None:
        end = datetime.fromisoformat(session["end"])
        view.session = SessionView(
            id=session["id"],
            date=long_date(start),
            start=f"{start:%H:%M}",
            end=f"{end:%H:%M}",
            venue=session.get("venue") or "team base",
            teams=list(session.get("teams") or []),
            trainers=list(session.get("trainers") or []),
            cohort=session.get("cohort") or "",
            occurrence=session.get("occurrence", 1),
            occurrences=module.sessions,
            status=session.get("status", SessionStatus.SCHEDULED),
            catch_up=session.get("kind") == SessionKind.CATCH_UP,
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
