"""The organisation a rollout runs in: the programme and its settings, and closure dates.

Trainers, venues and cohorts have their own modules (services/trainers.py, venues.py,
cohorts.py).
"""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from refocus_cli.core.branding import Logo, parse_signatory
from refocus_cli.core.edits import (
    Edited,
    FieldChange,
    SessionRef,
    changes,
    listed_sessions,
    wanted,
)
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.text import LINE, NAME, clean_text
from refocus_cli.core.workdays import bank_holidays, holiday_region
from refocus_cli.store import closures, edits, programme
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class Programme:
    """The programme a database holds: its name, time zone, holiday region and first day,
    the follow-up date its participation is split at, and the notice catch-ups are given."""

    id: int
    uuid: str
    name: str
    timezone: str
    region: str
    start_date: str | None
    created_at: str
    follow_up_date: str | None = None
    notice_days: int = 10
    organisation: str = ""  # printed on certificates
    signatory: str = ""  # who signs certificates for the organisation, and their role
    signatory_role: str = ""
    logo_type: str | None = None  # png, jpg or svg when a logo is kept

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Programme:
        """From the programme's row (settings added later by other features are left out)."""
        return cls(**{field.name: row[field.name] for field in fields(cls) if field.name in row})

    def as_record(self) -> dict[str, Any]:
        """The programme as printed with --json."""
        return asdict(self)


def start_programme(
    store: Store, name: str, timezone: str, region: str, start: date | None
) -> Programme:
    """Record the programme of a new database."""
    return Programme.from_row(programme.create(store, name, timezone, region, start))


def show_programme(store: Store) -> Programme:
    """The programme and its settings."""
    return Programme.from_row(programme.current(store))


def set_programme(
    store: Store,
    follow_up: date | None = None,
    notice_days: int | None = None,
    *,
    organisation: str | None = None,
    signatory: str | None = None,
    logo: Path | None = None,
    no_logo: bool = False,
    region: str | None = None,
) -> Edited:
    """Set the follow-up date (when participation is compared), the working days of
    notice a catch-up session is given, the region whose public holidays are not working
    days (as typed to `init --region`; plans made after keep to it, sessions already
    planned stay where they are), or what certificates print: the organisation's name,
    the signatory ("NAME, ROLE"; "" for none) and the logo (kept as bytes)."""
    asked = wanted(
        {
            "follow_up": follow_up.isoformat() if follow_up else None,
            "notice_days": notice_days,
            "region": holiday_region(region) if region is not None else None,
            "organisation": organisation,
            "signatory": signatory,
            "logo": logo,
            "no_logo": True if no_logo else None,
        },
        "the programme",
    )
    for field in ("organisation", "signatory", "logo", "no_logo"):
        asked.pop(field, None)  # what certificates print is stored (and audited) apart
    printed: dict[str, str] = {}
    if logo is not None and no_logo:
        raise InvalidInput("--logo and --no-logo contradict each other: give one")
    if notice_days is not None and notice_days < 0:
        raise InvalidInput(f"--notice-days {notice_days} is negative: give 0 or more days")
    if organisation is not None:
        printed["organisation"] = clean_text(organisation, "--organisation", NAME)
    if signatory is not None:
        typed = clean_text(signatory, "--signatory", LINE)
        printed["signatory"], printed["signatory_role"] = (
            parse_signatory(typed) if typed else ("", "")
        )
    picture = _read_logo(logo)
    with store.write():
        current = programme.current(store)
        start = current["start_date"]
        if follow_up is not None and start and follow_up.isoformat() <= start:
            raise InvalidInput(
                f"--follow-up {follow_up} is not after the programme's start "
                f"{current['start_date']}: give a later date"
            )
        before = {
            "follow_up": current["follow_up_date"],
            "notice_days": current["notice_days"],
            "region": current["region"],
        }
        found = changes(before, asked)
        if found:
            edits.write(store, "programme", current["id"], found, {"follow_up": "follow_up_date"})
        branded = changes(current, printed) + _logo_change(store, current, picture, no_logo)
        if branded:
            programme.record_branding(store, current["id"], branded)
        return Edited("programme", current["id"], current["name"], found + branded)


@dataclass(frozen=True)
class OnHolidays:
    """Scheduled sessions still to come on a public holiday of the programme's region,
    and the cohorts they belong to (catch-ups have none)."""

    region: str
    sessions: tuple[SessionRef, ...]
    cohorts: tuple[str, ...]

    def words(self) -> str:
        """What a new region means for plans, and what to do about sessions on holidays."""
        told = (
            f"Plans made from now on (schedule, replan, catchup --schedule) keep to the "
            f"public holidays of {self.region}; sessions already planned were not moved."
        )
        if not self.sessions:
            return told + " None still to come falls on one of its holidays."
        count = len(self.sessions)
        some = (
            "1 session still to come falls"
            if count == 1
            else f"{count} sessions still to come fall"
        )
        replan = (
            " or ".join(f"`refocus replan --cohort {shlex.quote(c)}`" for c in self.cohorts)
            or "`refocus replan --cohort C`"
        )
        listed = listed_sessions(list(self.sessions))
        them = "it" if count == 1 else "them"
        return f"{told} {some} on its holidays: {listed}; run {replan} to move {them}."

    def as_record(self) -> dict[str, Any]:
        """The sessions as printed with --json."""
        return {"region": self.region, "sessions_on_holidays": [ref.id for ref in self.sessions]}


def sessions_on_holidays(store: Store) -> OnHolidays:
    """The scheduled sessions still to come that fall on a public holiday of the
    programme's region (after the region changed: `replan` moves them), in time order."""
    from refocus_cli.store.sessions import to_local

    tz, ahead = store.tz(), programme.sessions_ahead(store)
    region = programme.current(store)["region"]
    days = [to_local(row["start_utc"], tz) for row in ahead]
    years = range(days[0].year, days[-1].year + 1) if days else range(0)
    holidays = bank_holidays(region, years)
    found = [
        (row, start) for row, start in zip(ahead, days, strict=True) if start.date() in holidays
    ]
    return OnHolidays(
        region,
        tuple(SessionRef(row["id"], start, row["module"]) for row, start in found),
        tuple(sorted({row["cohort"] for row, _ in found if row["cohort"]})),
    )


def _read_logo(path: Path | None) -> Logo | None:
    """The logo file, checked by its first bytes and then drawn once by the document
    engine, so a damaged picture is refused now rather than when certificates print."""
    if path is None:
        return None
    from refocus_cli.readers.images import read_logo
    from refocus_cli.render.documents import TemplateProblem, compile_pdf

    logo = read_logo(path)
    try:
        compile_pdf(
            f'#image("{logo.file_name()}", width: 2cm)', files={logo.file_name(): logo.data}
        )
    except TemplateProblem:
        raise InvalidInput(
            f"--logo {path} looks like a {logo.kind.upper()} file but cannot be drawn "
            "(damaged or incomplete): save it again and retry"
        ) from None
    return logo


def _logo_change(
    store: Store, current: dict[str, Any], picture: Logo | None, no_logo: bool
) -> tuple[FieldChange, ...]:
    """Store a new logo (or none) when it differs; the change as the audit words it."""
    kept = programme.logo(store)
    old = Logo(*kept).words() if kept else None
    if picture is not None and (kept is None or kept[0] != picture.data):
        programme.set_logo(store, current["id"], picture.data, picture.kind)
        return (FieldChange("logo", old, picture.words()),)
    if no_logo and kept is not None:
        programme.set_logo(store, current["id"], None, None)
        return (FieldChange("logo", old, None),)
    return ()


@dataclass(frozen=True)
class Closure:
    """A day the organisation runs no sessions, and why."""

    id: int
    uuid: str
    date: str
    reason: str

    def as_record(self) -> dict[str, Any]:
        """The closure as printed with --json and in tables."""
        return asdict(self)


def close_days(store: Store, first: date, last: date, reason: str) -> None:
    """Close every day from `first` to `last`; days already closed stay as they are."""
    closures.add(store, first, last, reason)


def open_days(store: Store, first: date, last: date) -> list[str]:
    """Open again the closed days from `first` to `last`; refused when none was closed."""
    if last < first:
        raise InvalidInput(f"--to {last} is before {first}: give the dates in order")
    opened = closures.remove(store, first, last)
    if not opened:
        span = str(first) if first == last else f"between {first} and {last}"
        raise InvalidInput(f"no day {span} is closed: see `refocus closure list`")
    return opened


def list_closures(store: Store) -> list[Closure]:
    """Every closed day, in date order."""
    return [Closure(**row) for row in closures.listing(store)]
