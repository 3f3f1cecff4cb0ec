"""Cohorts: waves of teams that go through the four stages together."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import find, new_uuid
from refocus_cli.store.teams import find_active_team

COHORT_SELECT = "SELECT *, '' AS detail FROM cohort"
ON_DAY = "m.start_date <= :day AND (m.end_date IS NULL OR m.end_date > :day)"
# A team is in a cohort until the day it leaves it (cohort remove-team --on DATE).
IN_COHORT = "(ct.left_on IS NULL OR ct.left_on > :day)"
LIST_SQL = f"""
SELECT c.id, c.uuid, c.name, c.created_at,
       count(ct.team_id) AS teams,
       (SELECT count(*) FROM membership m JOIN cohort_team ct ON ct.team_id = m.team_id
        WHERE ct.cohort_id = c.id AND {IN_COHORT} AND {ON_DAY}) AS staff
FROM cohort c LEFT JOIN cohort_team ct ON ct.cohort_id = c.id AND {IN_COHORT}
"""


def find_cohort(store: Store, ref: str) -> dict[str, Any]:
    """The one cohort `ref` (an id or a unique name) names."""
    return find(store, "cohort", COHORT_SELECT, ref)


def create(store: Store, name: str, team_refs: list[str]) -> int:
    """A new cohort of active teams, none of them in another cohort; returns its id."""
    # Checked inside the write transaction: two cohorts created at once could
    # otherwise both take the same team.
    with store.write():
        return _create(store, name, team_refs)


def _create(store: Store, name: str, team_refs: list[str]) -> int:
    if store.one("SELECT id FROM cohort WHERE name = ? COLLATE NOCASE", [name]):
        raise Conflict(f"a cohort called {name!r} already exists: choose another name")
    teams = free_teams(store, team_refs)
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
    assert cohort_id is not None  # an INSERT always gives a row id
    return cohort_id


def free_teams(store: Store, team_refs: Sequence[str]) -> list[dict[str, Any]]:
    """The active teams `team_refs` name, each named once and in no cohort yet."""
    teams = [find_active_team(store, ref) for ref in team_refs]
    seen: set[int] = set()
    for team in teams:
        if team["id"] in seen:
            raise InvalidInput(f"team {team['name']} is named twice: name each team once")
        seen.add(team["id"])
        other = store.one(
            "SELECT c.name FROM cohort_team ct JOIN cohort c ON c.id = ct.cohort_id "
            "WHERE ct.team_id = ? AND ct.left_on IS NULL",
            [team["id"]],
        )
        if other:
            raise Conflict(
                f"team {team['name']} is already in cohort {other['name']}: "
                "a team goes through the rollout once"
            )
    return teams


def add_teams(store: Store, cohort: dict[str, Any], teams: Sequence[dict[str, Any]]) -> None:
    """Put teams (checked by `free_teams`) in a cohort; audited. Inside the change's transaction."""
    store.db.conn.executemany(
        # a team that left this cohort and comes back is in it again
        "INSERT INTO cohort_team (cohort_id, team_id) VALUES (?, ?) "
        "ON CONFLICT (cohort_id, team_id) DO UPDATE SET left_on = NULL",
        [(cohort["id"], team["id"]) for team in teams],
    )
    audit.record(
        store,
        "add-teams",
        "cohort",
        cohort["id"],
        None,
        {"teams": [team["name"] for team in teams]},
    )


def take_out(store: Store, cohort: dict[str, Any], team: dict[str, Any], on: date) -> None:
    """Take a team out of a cohort from `on` (it shows in the cohort until then); audited.
    Inside the change's transaction, after its sessions are released."""
    store.db.execute(
        "UPDATE cohort_team SET left_on = ? WHERE cohort_id = ? AND team_id = ?",
        [on, cohort["id"], team["id"]],
    )
    audit.record(
        store,
        "remove-team",
        "cohort",
        cohort["id"],
        {"team": team["name"]},
        {"team": None, "on": on},
    )


def has_team(store: Store, cohort_id: int, team_id: int) -> bool:
    """Whether a team is in a cohort (and not already on its way out)."""
    return bool(
        store.one(
            "SELECT 1 AS yes FROM cohort_team "
            "WHERE cohort_id = ? AND team_id = ? AND left_on IS NULL",
            [cohort_id, team_id],
        )
    )


def listing(store: Store, day: date) -> list[dict[str, Any]]:
    """Cohorts by name, with how many teams each has and their staff on `day`."""
    return store.rows(
        LIST_SQL + " GROUP BY c.id ORDER BY c.name COLLATE NOCASE", {"day": day.isoformat()}
    )


def show(store: Store, ref: str, day: date) -> dict[str, Any]:
    """A cohort as `listing` gives it, with its teams (`team_list`, as recorded: a merge
    or disband may be dated later) and their staff on `day`."""
    cohort_id = find_cohort(store, ref)["id"]
    params = {"cohort": cohort_id, "day": day.isoformat()}
    cohort = store.rows(LIST_SQL + " WHERE c.id = :cohort GROUP BY c.id", params)[0]
    cohort["team_list"] = store.rows(
        "SELECT t.id, t.name, t.site, t.kind, t.status, t.ended_on, n.name AS merged_into, "
        f"ct.left_on, (SELECT count(*) FROM membership m WHERE m.team_id = t.id AND {ON_DAY}) "
        "AS staff FROM cohort_team ct JOIN team t ON t.id = ct.team_id "
        "LEFT JOIN team n ON n.id = t.merged_into "
        f"WHERE ct.cohort_id = :cohort AND {IN_COHORT} ORDER BY t.name COLLATE NOCASE",
        params,
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
