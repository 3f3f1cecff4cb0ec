"""Looking after the database file: its schema, backups, restores and health checks."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from refocus_cli.core.errors import Conflict, DatabaseProblem
from refocus_cli.services.context import opened, system_clock
from refocus_cli.services.staff import StaffMember, list_staff
from refocus_cli.store import maintenance
from refocus_cli.store import restore as restoring
from refocus_cli.store.database import Store
from refocus_cli.store.migrations import NAMES
from refocus_cli.store.restore import Contents as Contents  # re-exported for the cli

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
    """A database's integrity, schema, foreign keys and orphan rows in plain words, with row
    counts; `foreign` names the objects refocus does not define, `drift` how the rest differs."""

    path: str
    schema: str | None
    ok: bool
    problems: list[str]
    foreign: list[str]
    drift: list[str]
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
    """Check integrity, the schema, foreign keys and orphan rows."""
    return HealthReport(**maintenance.check(store))


@dataclass(frozen=True)
class RestorePlan:
    """A checked backup about to replace a database: what each holds (`replacing` is None
    when there is no readable database there), and the migrations the copy was given."""

    source: Path
    target: Path
    replacing: Contents | None
    restoring: Contents
    backup_schema: str
    migrated: list[str]


@dataclass(frozen=True)
class Restored:
    """A restore done: where the replaced database was kept, and the restored one's health."""

    plan: RestorePlan
    kept: Path | None
    report: HealthReport

    def as_record(self) -> dict[str, Any]:
        """The restore as printed with --json."""
        return {
            "restored": str(self.plan.source),
            "database": str(self.plan.target),
            "kept": str(self.kept) if self.kept else None,
            "backup_schema": self.plan.backup_schema,
            "migrated": self.plan.migrated,
            **self.report.as_record(),
        }


def restore(source: Path, target: Path, confirm: Callable[[RestorePlan], bool]) -> Restored | None:
    """Replace the database at `target` with the backup at `source`.

    The backup is checked read-only (integrity, its schema against the one refocus's
    migrations make, foreign keys); a private copy beside `target` is brought up to this
    version and checked again, orphan rows included. Only then is `confirm` asked; if it
    agrees, the copy replaces the database in one rename, the replaced file kept beside
    it. Returns None when `confirm` declines (nothing changed).
    """
    target = Path(os.path.realpath(target)) if target.is_symlink() else target
    if target.exists() and not target.is_file():
        raise DatabaseProblem(f"{target} is not a database file: give --db the path of one")
    if source.exists() and target.exists() and source.samefile(target):
        raise Conflict("the backup and the database are the same file: nothing to restore")
    if not target.parent.is_dir():
        raise DatabaseProblem(f"cannot restore to {target}: folder {target.parent} does not exist")
    applied = restoring.check_backup(source, target)
    copy, held = restoring.copy_for_restore(source, target)
    try:
        plan = RestorePlan(
            source=source,
            target=target,
            replacing=restoring.contents(target),
            restoring=held,
            backup_schema=applied[-1],
            migrated=[name for name in NAMES if name not in applied],
        )
        if not confirm(plan):
            return None
        stamp = system_clock().astimezone().strftime("%Y%m%d-%H%M%S")
        kept = restoring.swap_in(copy, target, stamp)
    finally:
        restoring.discard(copy)
    with opened(target) as store:
        return Restored(plan=plan, kept=kept, report=check(store))
