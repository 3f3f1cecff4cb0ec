"""Teams, their membership history, merges and disbands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.vocabulary import SessionKind, SessionStatus, TeamStatus
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import find, new_uuid

TEAM_SELECT = (
    "SELECT * FROM (SELECT id, name, uuid, status, site, kind, ended_on, merged_into, "
    "site AS detail FROM team)"
)

LIST_SQL = """
SELECT t.id, t.uuid, t.name, t.site, t.kind, t.status, t.ended_on, m.name AS merged_into,
       (SELECT count(*) FROM membership ms WHERE ms.team_id = t.id AND ms.start_date <= :day
        AND (ms.end_date IS NULL OR ms.end_date > :day)) AS staff,
       (SELECT group_concat(c.name, ', ') FROM cohort_team ct JOIN cohort c ON c.id = ct.cohort_id
        WHERE ct.team_id = t.id AND (ct.left_on IS NULL OR ct.left_on > :day)) AS cohort
FROM team t LEFT JOIN team m ON m.id = t.merged_into
"""


def find_team(store: Store, ref: str) -> dict[str, Any]:
    """The one team `ref` (an id or a unique name) names, whatever its status."""
    return find(store, "team", TEAM_SELECT, ref)


def find_active_team(store: Store, ref: str) -> dict[str, Any]:
    """The one team `ref` names; refused if it was merged or disbanded."""
    team = find_team(store, ref)
    if team["status"] != TeamStatus.ACTIVE:
        when = "was" if team["ended_on"] <= store.today().isoformat() else "is to be"
        raise Conflict(
            f"team {team['name']} {when} {team['status']} on {team['ended_on']}: "
            "choose an active team"
        )
    return team


def name_taken(store: Store, name: str, other_than: int | None = None) -> bool:
    """Whether another team (not `other_than`) has this name, in any case."""
    return bool(
        store.one(
            "SELECT id FROM team WHERE name = ? COLLATE NOCASE AND id IS NOT ?", [name, other_than]
        )
    )


def add(store: Store, name: str, site: str, kind: str) -> int:
    """Add a team, audited; its name must be new. Returns its id."""
    if name_taken(store, name):
        raise Conflict(f"a team called {name!r} already exists: choose another name")
    with store.write():
        team_id = store.db.execute(
            "INSERT INTO team (uuid, name, site, kind, created_at) VALUES (?, ?, ?, ?, ?)",
            [new_uuid(), name, site, kind, store.now()],
        ).lastrowid
        assert team_id is not None  # an INSERT always gives a row id
        audit.record(
            store, "add", "team", team_id, None, {"name": name, "site": site, "kind": kind}
        )
    return team_id


def add_many(store: Store, teams: list[tuple[str, str, str]]) -> None:
    """Add many teams (name, site, kind) in one statement; for bulk paths such as the demo."""
    now = store.now()
    with store.write():
        store.db.conn.executemany(
            "INSERT INTO team (uuid, name, site, kind, created_at) VALUES (?, ?, ?, ?, ?)",
            [(new_uuid(), name, site, kind, now) for name, site, kind in teams],
        )
        audit.record(store, "import", "team", None, None, {"added": len(teams)})


def listing(
    store: Store, include_ended: bool = True, day: date | None = None
) -> list[dict[str, Any]]:
    """Teams by name, as recorded (a merge or disband may be dated later), with their
    cohort and how many staff they have on `day` (default today)."""
    where = "" if include_ended else " WHERE t.status = :active"
    params = {"day": (day or store.today()).isoformat(), "active": TeamStatus.ACTIVE}
    return store.rows(LIST_SQL + where + " ORDER BY t.name COLLATE NOCASE", params)


def get(store: Store, team_id: int, day: date) -> dict[str, Any]:
    """One team as `listing` gives it."""
    return store.rows(LIST_SQL + " WHERE t.id = :id", {"id": team_id, "day": day.isoformat()})[0]


def history(store: Store, team_id: int) -> list[dict[str, Any]]:
    """Every membership a team has had, has or will have, oldest first."""
    return store.rows(
        "SELECT s.id AS staff_id, s.name, m.start_date, m.end_date, m.end_reason "
        "FROM membership m JOIN staff s ON s.id = m.staff_id "
        "WHERE m.team_id = ? ORDER BY m.start_date, s.name COLLATE NOCASE",
        [team_id],
    )


def merged_into_it(store: Store, team_id: int) -> list[dict[str, Any]]:
    """The teams merged (or to be merged) into a team, with the dates, by name."""
    return store.rows(
        "SELECT name, ended_on FROM team WHERE merged_into = ? ORDER BY name", [team_id]
    )


def _check_end_date(store: Store, team_id: int, on: date, what: str) -> None:
    # Any membership starting after the team ends (open or not) would leave someone in
    # an ended team.
    late = store.one(
        "SELECT s.name, m.start_date FROM membership m JOIN staff s ON s.id = m.staff_id "
        "WHERE m.team_id = ? AND m.start_date > ? ORDER BY m.start_date LIMIT 1",
        [team_id, on.isoformat()],
    )
    if late:
        raise InvalidInput(
            f"{late['name']} joined on {late['start_date']}, after the {what} date {on}: "
            f"give --on {late['start_date']} or later"
        )


@dataclass(frozen=True)
class Closed:
    """A membership a team's ending cut short: whose, and the end it had before (None
    when it was open; else the later day and why, such as a move or leaving)."""

    membership_id: int
    staff_id: int
    until: str | None
    reason: str | None

    def due_later(self) -> dict[str, Any]:
        """As the audit entry keeps it, so an undo can put the later end back."""
        return {"staff_id": self.staff_id, "until": self.until, "reason": self.reason}


def close_memberships(store: Store, team_id: int, on: date, reason: str) -> list[Closed]:
    """End on `on` every membership of a team that would still hold then, whether open or
    due to end later (a move out or a leaving dated after `on`)."""
    day = on.isoformat()
    closed = [
        Closed(row["id"], row["staff_id"], row["end_date"], row["end_reason"])
        for row in store.rows(
            "SELECT id, staff_id, end_date, end_reason FROM membership WHERE team_id = ? "
            "AND start_date <= ? AND (end_date IS NULL OR end_date > ?) ORDER BY staff_id",
            [team_id, day, day],
        )
    ]
    store.db.conn.executemany(
        "UPDATE membership SET end_date = ?, end_reason = ? WHERE id = ?",
        [(day, reason, c.membership_id) for c in closed],
    )
    return closed


def _move_across(store: Store, closed: list[Closed], target_id: int, on: date) -> None:
    """Start a merge's memberships of the target team on `on`. Someone due to move or
    leave later keeps that date: their stint in the target ends then, for the same
    reason, unless they were due to move into the target itself, whose membership then
    simply starts on `on`."""
    day = on.isoformat()
    for c in closed:
        if c.until is not None and c.reason == "moved":
            moved = store.db.execute(
                "UPDATE membership SET start_date = ? WHERE staff_id = ? AND team_id = ? "
                "AND start_date = ?",
                [day, c.staff_id, target_id, c.until],
            ).rowcount
            if moved:
                continue
        store.db.execute(
            "INSERT INTO membership (uuid, staff_id, team_id, start_date, end_date, "
            "end_reason) VALUES (?, ?, ?, ?, ?, ?)",
            [new_uuid(), c.staff_id, target_id, day, c.until, c.reason],
        )


def merge(store: Store, source_ref: str, target_ref: str, on: date) -> dict[str, Any]:
    """Merge one team into another: its staff move across on `on`, its history stays."""
    # The teams are found and checked inside the write transaction: a team merged
    # and disbanded at once would otherwise end up merged with its staff left out.
    with store.write():
        return _merge(store, source_ref, target_ref, on)


def _merge(store: Store, source_ref: str, target_ref: str, on: date) -> dict[str, Any]:
    source = find_active_team(store, source_ref)
    target = find_active_team(store, target_ref)
    if source["id"] == target["id"]:
        raise InvalidInput(f"cannot merge team {source['name']} into itself: name two teams")
    _check_end_date(store, source["id"], on, "merge")
    with store.write():
        closed = close_memberships(store, source["id"], on, TeamStatus.MERGED)
        moved = [c.staff_id for c in closed]
        sessions = release_sessions(store, source["id"], on)
        _move_across(store, closed, target["id"], on)
        store.db.execute(
            "UPDATE team SET status = ?, ended_on = ?, merged_into = ? WHERE id = ?",
            [TeamStatus.MERGED, on.isoformat(), target["id"], source["id"]],
        )
        audit.record(
            store,
            "merge",
            "team",
            source["id"],
            {"status": TeamStatus.ACTIVE},
            {
                "status": TeamStatus.MERGED,
                "into": target["name"],
                "on": on,
                "staff_moved": moved,
                **_due_later(closed),
            },
        )
    return {
        "merged": source["name"],
        "into": target["name"],
        "on": on.isoformat(),
        "staff_moved": len(moved),
        **sessions,
    }


def disband(store: Store, ref: str, on: date) -> dict[str, Any]:
    """Disband a team: its memberships end on `on`; its staff keep their history."""
    with store.write():  # found, checked and ended in one transaction, as in merge
        return _disband(store, ref, on)


def _disband(store: Store, ref: str, on: date) -> dict[str, Any]:
    team = find_active_team(store, ref)
    _check_end_date(store, team["id"], on, "disband")
    with store.write():
        closed = close_memberships(store, team["id"], on, TeamStatus.DISBANDED)
        released = [c.staff_id for c in closed]
        sessions = release_sessions(store, team["id"], on)
        store.db.execute(
            "UPDATE team SET status = ?, ended_on = ? WHERE id = ?",
            [TeamStatus.DISBANDED, on.isoformat(), team["id"]],
        )
        audit.record(
            store,
            "disband",
            "team",
            team["id"],
            {"status": TeamStatus.ACTIVE},
            {
                "status": TeamStatus.DISBANDED,
                "on": on,
                "staff_released": released,
                **_due_later(closed),
            },
        )
    return {
        "disbanded": team["name"],
        "on": on.isoformat(),
        "staff_released": len(released),
        **sessions,
    }


def _due_later(closed: list[Closed]) -> dict[str, list[dict[str, Any]]]:
    """The later ends a team's ending cut short, for its audit entry (none: no key)."""
    later = [c.due_later() for c in closed if c.until is not None]
    return {"due_later": later} if later else {}


def release_sessions(
    store: Store, team_id: int, on: date, cohort_id: int | None = None, reason: str = "team ended"
) -> dict[str, int]:
    """A team that ends on `on` (or, with `cohort_id`, leaves that cohort) leaves its
    scheduled sessions (of that cohort) from that day: sessions only it attends are
    cancelled (calendars drop them), shared ones go on without it. Catch-up sessions
    are for named people, who go on needing them: they only lose the team. Call inside
    the write transaction that ends the team."""
    from refocus_cli.store.sessions import day_start

    tz = store.tz()
    since = day_start(on, tz)
    of_cohort = "" if cohort_id is None else " AND s.cohort_id = :cohort"
    rows = store.rows(
        "SELECT s.id, s.kind, "
        "(SELECT count(*) FROM session_team x WHERE x.session_id = s.id) AS teams "
        "FROM session s JOIN session_team st ON st.session_id = s.id "
        f"WHERE st.team_id = :team AND s.status = :scheduled AND s.start_utc >= :since{of_cohort}",
        {
            "team": team_id,
            "scheduled": SessionStatus.SCHEDULED,
            "since": since,
            "cohort": cohort_id,
        },
    )
    now = store.now()
    alone = [r["id"] for r in rows if r["teams"] == 1 and r["kind"] == SessionKind.PLANNED]
    shared = [r["id"] for r in rows if r["teams"] > 1 or r["kind"] != SessionKind.PLANNED]
    for session_id in alone:
        store.db.execute(
            "UPDATE session SET status = ?, sequence = sequence + 1, updated_at = ?, "
            "note = ? WHERE id = ?",
            [SessionStatus.CANCELLED, now, reason, session_id],
        )
        audit.record(
            store, "cancel", "session", session_id, {"status": SessionStatus.SCHEDULED},
            {"status": SessionStatus.CANCELLED, "reason": reason},
        )  # fmt: skip
    for session_id in shared:
        store.db.execute(
            "DELETE FROM session_team WHERE session_id = ? AND team_id = ?", [session_id, team_id]
        )
        store.db.execute(
            "UPDATE session SET sequence = sequence + 1, updated_at = ? WHERE id = ?",
            [now, session_id],
        )
        audit.record(
            store, "unlink", "session", session_id, {"team_id": team_id}, {"team_id": None}
        )
    return {"sessions_cancelled": len(alone), "sessions_left": len(shared)}
