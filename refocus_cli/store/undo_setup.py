"""What an undo reads and writes to put back how a rollout is set up: teams in cohorts,
trainer leave, closure days, retired trainers and venues, and records added and not
used since. Every write is inside the undo's transaction and audited there."""

from __future__ import annotations

from typing import Any

from refocus_cli.store.database import Store
from refocus_cli.store.lookup import new_uuid


def leave_period(store: Store, period_id: int) -> dict[str, Any] | None:
    """One period of trainer leave, or None if it is gone."""
    return store.one(
        "SELECT id, trainer_id, from_date, to_date, reason FROM trainer_unavailable WHERE id = ?",
        [period_id],
    )


def leave_between(
    store: Store, trainer_id: int, periods: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """A trainer's periods of leave with exactly these first and last days, where on record."""
    found = []
    for first, last in periods:
        row = store.one(
            "SELECT id, from_date, to_date, reason FROM trainer_unavailable "
            "WHERE trainer_id = ? AND from_date = ? AND to_date = ?",
            [trainer_id, first, last],
        )
        if row is not None:
            found.append(row)
    return found


def delete_leave(store: Store, period_id: int) -> None:
    """Remove a period of trainer leave an undone change recorded."""
    store.db.execute("DELETE FROM trainer_unavailable WHERE id = ?", [period_id])


def add_leave(store: Store, trainer_id: int, first: str, last: str, reason: str) -> None:
    """Record again a period of trainer leave an undone change took back."""
    store.db.execute(
        "INSERT INTO trainer_unavailable (uuid, trainer_id, from_date, to_date, reason) "
        "VALUES (?, ?, ?, ?, ?)",
        [new_uuid(), trainer_id, first, last, reason],
    )


def take_out_of_cohort(store: Store, cohort_id: int, team_id: int) -> None:
    """Take a team an undone change put in a cohort out of it again."""
    store.db.execute(
        "DELETE FROM cohort_team WHERE cohort_id = ? AND team_id = ?", [cohort_id, team_id]
    )


def left_cohort_on(store: Store, cohort_id: int, team_id: int) -> str | None:
    """The day a team leaves (or left) a cohort; None if it is in it for good or not at all."""
    row = store.db.execute(
        "SELECT left_on FROM cohort_team WHERE cohort_id = ? AND team_id = ?",
        [cohort_id, team_id],
    ).fetchone()
    return row[0] if row else None


def stay_in_cohort(store: Store, cohort_id: int, team_id: int) -> None:
    """A team an undone change took out of a cohort stays in it."""
    store.db.execute(
        "UPDATE cohort_team SET left_on = NULL WHERE cohort_id = ? AND team_id = ?",
        [cohort_id, team_id],
    )


def cohort_of(store: Store, team_id: int) -> str | None:
    """The cohort a team is in (and not leaving), if any."""
    row = store.db.execute(
        "SELECT c.name FROM cohort_team ct JOIN cohort c ON c.id = ct.cohort_id "
        "WHERE ct.team_id = ? AND ct.left_on IS NULL",
        [team_id],
    ).fetchone()
    return str(row[0]) if row else None


def removed_on(store: Store, kind: str, record_id: int | None) -> str | None:
    """The day a trainer or venue was retired, if it was."""
    row = store.db.execute(f"SELECT removed_on FROM {kind} WHERE id = ?", [record_id]).fetchone()
    return row[0] if row else None


def unretire(store: Store, kind: str, record_id: int) -> None:
    """A trainer or venue an undone change retired is back on the programme."""
    store.db.execute(f"UPDATE {kind} SET removed_on = NULL WHERE id = ?", [record_id])


def planned_in_cohort(store: Store, cohort_id: int, team_id: int) -> int:
    """How many of a cohort's sessions name a team."""
    row = store.db.execute(
        "SELECT count(*) FROM session s JOIN session_team st ON st.session_id = s.id "
        "WHERE s.cohort_id = ? AND st.team_id = ?",
        [cohort_id, team_id],
    ).fetchone()
    return int(row[0])


# What stands on a record an undone change added, by kind: while any does, it stays.
USES = {
    "team": "SELECT (SELECT count(*) FROM membership WHERE team_id = :id) "
    "+ (SELECT count(*) FROM cohort_team WHERE team_id = :id) "
    "+ (SELECT count(*) FROM session_team WHERE team_id = :id) "
    "+ (SELECT count(*) FROM team WHERE merged_into = :id)",
    "venue": "SELECT count(*) FROM session WHERE venue_id = :id",
    "trainer": "SELECT (SELECT count(*) FROM session_trainer WHERE trainer_id = :id) "
    "+ (SELECT count(*) FROM trainer_unavailable WHERE trainer_id = :id)",
    "cohort": "SELECT (SELECT count(*) FROM session WHERE cohort_id = :id) "
    "+ (SELECT count(*) FROM session_cohort WHERE cohort_id = :id)",
}


def uses(store: Store, kind: str, record_id: int) -> int:
    """How many things stand on a team, venue, trainer or cohort."""
    return int(store.db.execute(USES[kind], {"id": record_id}).fetchone()[0])


def exists(store: Store, kind: str, record_id: int | None) -> bool:
    """Whether a team, venue, trainer or cohort is on record."""
    return (
        store.db.execute(f"SELECT 1 FROM {kind} WHERE id = ?", [record_id]).fetchone() is not None
    )


def delete(store: Store, kind: str, record_id: int) -> None:
    """Remove a team, venue, trainer or cohort an undone change added (and nothing uses)."""
    store.db.execute(f"DELETE FROM {kind} WHERE id = ?", [record_id])


def reclose(store: Store, day: str, reason: str) -> bool:
    """Close a day again; False if it is closed already."""
    return (
        store.db.execute(
            "INSERT OR IGNORE INTO closure (uuid, date, reason) VALUES (?, ?, ?)",
            [new_uuid(), day, reason],
        ).rowcount
        == 1
    )
