"""Which rows `refocus export csv|json` keeps: a cohort, a team, a period of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from refocus_cli.core.errors import InvalidInput
from refocus_cli.store.cohorts import team_ids_of
from refocus_cli.store.database import Store
from refocus_cli.store.teams import find_team, listing

# The exports made of sessions, and the key naming each row's session.
SESSION_KEYS = {"sessions": "id", "attendance": "session_id"}
# The key naming each row's team, in the other exports.
TEAM_KEYS = {"staff": "team", "teams": "name"}


@dataclass(frozen=True)
class ExportFilter:
    """What an export is narrowed to (nothing: everything)."""

    cohort: str | None = None
    team: str | None = None
    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.until < self.since:
            raise InvalidInput(
                f"--to {self.until} is before --from {self.since}: give the period in order"
            )

    @property
    def narrows(self) -> bool:
        """Whether any filter is given."""
        return any(value is not None for value in (self.cohort, self.team, self.since, self.until))


def kept(
    store: Store, what: str, rows: list[dict[str, Any]], chosen: ExportFilter
) -> list[dict[str, Any]]:
    """The rows of export `what` that `chosen` keeps: sessions by cohort, team and dates,
    as `refocus sessions` chooses them; attendance by its sessions' cohort and dates and
    by the team the person was in on the day; the rest by team."""
    if not chosen.narrows:
        return rows
    if what in SESSION_KEYS:
        from refocus_cli.services.sessions import find_sessions

        by_team = chosen.team if what == "sessions" else None
        ids = {
            record.id
            for record in find_sessions(
                store, cohort=chosen.cohort, team=by_team, since=chosen.since, until=chosen.until
            )
        }
        rows = [row for row in rows if row[SESSION_KEYS[what]] in ids]
        if what == "attendance" and chosen.team is not None:
            name = find_team(store, chosen.team)["name"]
            rows = [row for row in rows if row["team"] == name]
        return rows
    if chosen.since is not None or chosen.until is not None:
        raise InvalidInput(
            f"--from and --to choose sessions: they narrow `export sessions` and "
            f"`export attendance`, not {what} (use --cohort or --team)"
        )
    teams = _team_names(store, chosen)
    key = TEAM_KEYS.get(what, "team")
    return [row for row in rows if row.get(key) in teams]


def _team_names(store: Store, chosen: ExportFilter) -> set[str]:
    """The names of the teams the cohort and the team named leave (both: the team, if it
    is in the cohort)."""
    teams = listing(store, include_ended=True)
    names = {team["name"] for team in teams}
    if chosen.cohort is not None:
        ids = team_ids_of(store, chosen.cohort)
        names = {team["name"] for team in teams if team["id"] in ids}
    if chosen.team is not None:
        names &= {find_team(store, chosen.team)["name"]}
    return names
