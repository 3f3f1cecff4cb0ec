"""Looking after the database file: its schema, backups, restores and health checks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from refocus_cli.services.context import opened
from refocus_cli.services.staff import StaffMember, list_staff
from refocus_cli.store import maintenance
from refocus_cli.store.database import Store

# The migration that set everyone's clinical flag from their job title, as a guess.
CLINICAL_GUESS = "m006_year_of_change"


@dataclass(frozen=True)
class SchemaState:
    """Which migrations the database has, which this run applied and which remain; when
    this run set the clinical flag from job titles, the people it guessed for."""

    schema: str | None
    applied: list[str]
    applied_now: list[str]
    pending: list[str]
    clinical_guessed: list[StaffMember] = field(default_factory=list)

    def as_record(self) -> dict[str, Any]:
        """The state as printed with --json."""
        return {
            **asdict(self),
            "clinical_guessed": [person.as_record() for person in self.clinical_guessed],
        }


@dataclass(frozen=True)
class Backup:
    """A backup made: where, and how big."""

    backup: str
    bytes: int

    def as_record(self) -> dict[str, Any]:
        """The backup as printed with --json."""
        return asdict(self)


@dataclass(frozen=True)
class HealthReport:
    """A database's integrity, foreign keys and orphan rows in plain words, with row counts."""

    path: str
    schema: str | None
    ok: bool
    problems: list[str]
    notices: list[str]
    counts: dict[str, int]

    def as_record(self) -> dict[str, Any]:
        """The report as printed with --json."""
        return asdict(self)


def schema_state(store: Store) -> SchemaState:
    """The schema of an open (and so already migrated) database, with the people whose
    clinical flag this opening's upgrade guessed from their job title."""
    state = maintenance.schema_state(store)
    guessed = (
        list_staff(store, include_left=True, clinical_guessed=True)
        if CLINICAL_GUESS in state["applied_now"]
        else []
    )
    return SchemaState(**state, clinical_guessed=guessed)


def back_up(store: Store, target: Path) -> Backup:
    """Copy the database to a new file with SQLite's online backup: safe while others write."""
    return Backup(**maintenance.backup(store, target))


def check(store: Store) -> HealthReport:
    """Check integrity, foreign keys and orphan rows."""
    return HealthReport(**maintenance.check(store))


def restore(source: Path, target: Path) -> HealthReport:
    """Replace the database at `target` with the backup at `source` (checked first), then
    open it, which brings an older backup up to this version's schema, and check it."""
    maintenance.restore(source, target)
    with opened(target) as store:
        return check(store)
