"""Cohorts: waves of teams that go through the four stages together."""

from __future__ import annotations

from typing import Any

from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import find, new_uuid
from refocus_cli.store.teams import find_active_team

COHORT_SELECT = "SELECT *, '' AS detail FROM cohort"
LIST_SQL = """
SELECT c.id, c.uuid, c.name, c.created_at,
       count(ct.team_id) AS teams,
       (SELECT count(*) FROM membership m JOIN cohort_team x ON x.team_id = m.team_id
        WHERE x.cohort_id = c.id AND m.end_date IS NULL) AS staff
FROM cohort c LEFT JOIN cohort_team ct ON ct.cohort_id = c.id
"""


def find_cohort(store: Store, ref: str) -> dict[str, Any]:
    """The one cohort `ref` (an id or a unique name) names."""
    return find(store, "cohort", COHORT_SELECT, ref)


def create(store: Store, name: str, team_refs: list[str]) -> dict[str, Any]:
    """A new cohort of active teams, none of them in another cohort."""
    # Checked inside the write transaction: two cohorts created at once could
    # otherwise both take the same team.
    with store.write():
        return _create(store, name, team_refs)


def _create(store: Store, name: str, team_refs: list[str]) -> dict[str, Any]:
    if store.one("SELECT id FROM cohort WHERE name = ? COLLATE NOCASE", [name]):
        raise Conflict(f"a cohort called {name!r} already exists: choose another name")
    teams = [find_active_team(store, ref) for ref in team_refs]
    seen: set[int] = set()
    for team in teams:
        if team["id"] in seen:
            raise InvalidInput(f"team {team['name']} is named twice: name each team once")
        seen.add(team["id"])
        other = store.one(
            "SELECT c.name FROM cohort_team ct JOIN cohort c ON c.id = ct.cohort_id "
            "WHERE ct.team_id = ?",
            [team["id"]],
        )
        if other:
            raise Conflict(
                f"team {team['name']} is already in cohort {other['name']}: "
                "a team goes through the rollout once"
            )
    with store.write():
        cohort_id = store.db.execute(
            "INSERT INTO cohort (uuid, name, created_at) VALUES (?, ?, ?)",
            [new_uuid(), name, store.now()],
        ).lastrowid
        store.db.conn.executemany(
            "INSERT INTO cohort_team (cohort_id, team_id) VALUES (?, ?)",
            [(cohort_id, team["id"]) for team in teams],
        )
        audit.record(
            store,
            "create",
            "cohort",
            cohort_id,
            None,
            {"name": name, "teams": [team["name"] for team in teams]},
        )
    return show(store, str(cohort_id))


def listing(store: Store) -> list[dict[str, Any]]:
    """Cohorts by name, with how many teams and current staff each has."""
    return store.rows(LIST_SQL + " GROUP BY c.id ORDER BY c.name COLLATE NOCASE")


def show(store: Store, ref: str) -> dict[str, Any]:
    """A cohort as `listing` gives it, with its teams (`team_list`)."""
    cohort_id = find_cohort(store, ref)["id"]
    cohort = store.rows(LIST_SQL + " WHERE c.id = ? GROUP BY c.id", [cohort_id])[0]
    cohort["team_list"] = store.rows(
        "SELECT t.id, t.name, t.site, t.kind, t.status, "
        "(SELECT count(*) FROM membership m WHERE m.team_id = t.id AND m.end_date IS NULL) "
        "AS staff FROM cohort_team ct JOIN team t ON t.id = ct.team_id "
        "WHERE ct.cohort_id = ? ORDER BY t.name COLLATE NOCASE",
        [cohort_id],
    )
    return cohort


def team_ids_of(store: Store, ref: str) -> set[int]:
    """The ids of a cohort's teams."""
    cohort_id = find_cohort(store, ref)["id"]
    return {
        row[0]
        for row in store.db.execute(
            "SELECT team_id FROM cohort_team WHERE cohort_id = ?", [cohort_id]
        )
    }
