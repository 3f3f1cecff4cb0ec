"""Importing a whole staff roster: every row checked first, then all of it or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from refocus_cli.core.roster import check_roster
from refocus_cli.core.roster_plan import RosterPlan
from refocus_cli.core.tabular import Table
from refocus_cli.store import staff
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class RosterImport:
    """What an import did, or with `dry_run` what it would do."""

    source: str
    dry_run: bool
    plan: RosterPlan

    @property
    def added(self) -> int:
        """Staff added (none in a dry run)."""
        return 0 if self.dry_run else len(self.plan.to_add)

    @property
    def unchanged(self) -> int:
        """Rows naming someone already on record as they are."""
        return len(self.plan.unchanged)

    @property
    def emails_added(self) -> int:
        """People on record without an email who were given the one the roster has."""
        return len(self.plan.emails_added)

    @property
    def clinical_set(self) -> int:
        """People on record whose guessed clinical flag the roster gives for certain."""
        return len(self.plan.clinical_set)

    @property
    def teams_created(self) -> int:
        """Teams added because the roster named them (none in a dry run)."""
        return 0 if self.dry_run else len(self.plan.new_teams)

    def as_record(self) -> dict[str, Any]:
        """The outcome as printed with --json."""
        if self.dry_run:
            counts: dict[str, Any] = {
                "added": 0,
                "would_add": len(self.plan.to_add),
                "unchanged": self.unchanged,
                "would_add_emails": self.emails_added,
                "would_set_clinical": self.clinical_set,
                "teams_created": 0,
                "would_create_teams": self.plan.new_teams,
            }
        else:
            counts = {
                "added": self.added,
                "unchanged": self.unchanged,
                "emails_added": self.emails_added,
                "clinical_set": self.clinical_set,
                "teams_created": self.teams_created,
            }
        counts["duplicate_names"] = self.plan.duplicate_names
        return {"source": self.source, "dry_run": self.dry_run, **counts}


def import_roster(
    store: Store,
    table: Table,
    start: date | None = None,
    *,
    create_teams: bool = False,
    dry_run: bool = False,
    allow_duplicate_names: bool = False,
) -> RosterImport:
    """Check every row of `table` against what is on record, then (unless `dry_run`) write
    it in one transaction. Rows without a start date start on `start` (default today).
    A name given twice in one team, or in two teams without emails, refuses the import
    unless `allow_duplicate_names` (see core/roster_names.py)."""
    plan = check_roster(
        table,
        staff.roster_context(store),
        start if start else store.today(),
        create_teams,
        allow_duplicate_names,
    )
    if not dry_run:
        staff.import_roster(store, plan, table.source)
    return RosterImport(table.source, dry_run, plan)
