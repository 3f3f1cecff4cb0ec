"""Staff and their dated team memberships: queries, single writes and bulk roster import.

The rules (who may move, leave or be added) and their messages live in
`services/staff.py`; the functions here read and write what they are given.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from refocus_cli.core.people import folded
from refocus_cli.core.roster_plan import EndedTeam, KnownPerson, RosterContext, RosterPlan
from refocus_cli.core.vocabulary import TeamStatus
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import find, new_uuid
from refocus_cli.store.teams import find_team

CURRENT = """
SELECT s.id, s.uuid, s.name, s.email, s.role, s.is_manager, s.clinical, s.clinical_guessed,
       s.left_on, t.id AS team_id, t.name AS team, m.start_date AS since
FROM staff s
LEFT JOIN membership m ON m.staff_id = s.id AND m.end_date IS NULL
LEFT JOIN team t ON t.id = m.team_id
"""
STAFF_SELECT = f"SELECT *, coalesce(team, 'no team') AS detail FROM ({CURRENT})"


def find_staff(store: Store, ref: str) -> dict[str, Any]:
    """The one person `ref` (an id, an email or a unique name) names, with their team now."""
    return find(store, "staff", STAFF_SELECT, ref, email_column="email")


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A person as shown and exported: who they are, their team now and since when."""
    return {
        "id": row["id"],
        "uuid": row["uuid"],
        "name": row["name"],
        "email": row["email"],
        "role": row["role"],
        "manager": bool(row["is_manager"]),
        "clinical": bool(row["clinical"]),
        "clinical_guessed": bool(row["clinical_guessed"]),
        "team": row["team"],
        "since": row["since"],
        "left_on": row["left_on"],
    }


def get(store: Store, staff_id: int) -> dict[str, Any]:
    """One person by id, as `public` shows them."""
    return public(store.rows(CURRENT + " WHERE s.id = ?", [staff_id])[0])


def listing(
    store: Store, team_ref: str | None = None, include_left: bool = False
) -> list[dict[str, Any]]:
    """Staff, current ones by default, optionally of one team."""
    where: list[str] = []
    params: list[Any] = []
    if team_ref is not None:
        where.append("t.id = ?")
        params.append(find_team(store, team_ref)["id"])
    if not include_left:
        where.append("s.left_on IS NULL")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = store.rows(
        CURRENT + clause + " ORDER BY t.name COLLATE NOCASE, s.name COLLATE NOCASE", params
    )
    return [public(row) for row in rows]


def email_holder(store: Store, email: str) -> dict[str, Any] | None:
    """The person on record with this email (any case), if there is one."""
    return store.one("SELECT id, name FROM staff WHERE email = ? COLLATE NOCASE", [email])


def latest_membership(store: Store, staff_id: int) -> dict[str, Any] | None:
    """A person's membership that starts last by their own doing (a move may date it after
    today; one their team's merge gives them is not theirs): its id, team and start date;
    None if they have never had a team."""
    return store.one(
        "SELECT m.id, m.team_id, m.start_date, t.name AS team FROM membership m "
        f"JOIN team t ON t.id = m.team_id WHERE m.staff_id = ? AND NOT {_BY_MERGE} "
        "ORDER BY m.start_date DESC, m.id DESC LIMIT 1",
        [staff_id],
    )


# A membership a team's merge started: the one before it ended that day because of it.
_BY_MERGE = (
    "EXISTS (SELECT 1 FROM membership p WHERE p.staff_id = m.staff_id "
    "AND p.end_date = m.start_date AND p.end_reason = 'merged')"
)


def _drop_merged_later(store: Store, staff_id: int, on: date) -> list[dict[str, Any]]:
    """Take away the memberships a merge dated after `on` would have given a person who
    leaves or moves on `on` (they are no longer in the merged team by then); what the audit
    entry keeps of each, so an undo can put them back."""
    later = store.rows(
        "SELECT m.id, t.name AS team, m.start_date, m.end_date, m.end_reason FROM membership m "
        f"JOIN team t ON t.id = m.team_id WHERE m.staff_id = ? AND m.start_date > ? AND {_BY_MERGE}"
        " ORDER BY m.start_date, m.id",
        [staff_id, on.isoformat()],
    )
    for row in later:
        store.db.execute("DELETE FROM membership WHERE id = ?", [row["id"]])
    return [
        {
            "team": row["team"],
            "from": row["start_date"],
            "until": row["end_date"],
            "reason": row["end_reason"],
        }
        for row in later
    ]


def add(
    store: Store,
    name: str,
    team: dict[str, Any],
    role: str,
    email: str | None,
    manager: bool,
    start: date,
    clinical: bool,
    clinical_guessed: bool,
) -> int:
    """Record a new person in `team` from `start`, audited; returns their id."""
    with store.write():
        staff_id = store.db.execute(
            "INSERT INTO staff (uuid, name, email, role, is_manager, clinical, clinical_guessed, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                new_uuid(),
                name,
                email,
                role,
                int(manager),
                int(clinical),
                int(clinical_guessed),
                store.now(),
            ],
        ).lastrowid
        assert staff_id is not None  # an INSERT always gives a row id
        store.db.execute(
            "INSERT INTO membership (uuid, staff_id, team_id, start_date) VALUES (?, ?, ?, ?)",
            [new_uuid(), staff_id, team["id"], start.isoformat()],
        )
        audit.record(
            store,
            "add",
            "staff",
            staff_id,
            None,
            {"name": name, "team": team["name"], "start": start, "role": role},
        )
    return staff_id


def membership_on(store: Store, staff_id: int, on: date) -> dict[str, Any] | None:
    """The membership that holds on `on`: its id, team, and the end it has (None when
    open; a later day when a move, merge or disband is dated after `on`)."""
    return store.one(
        "SELECT m.id, m.team_id, m.end_date, m.end_reason, t.name AS team FROM membership m "
        "JOIN team t ON t.id = m.team_id WHERE m.staff_id = ? AND m.start_date <= ? "
        "AND (m.end_date IS NULL OR m.end_date > ?)",
        [staff_id, on.isoformat(), on.isoformat()],
    )


def _end_membership(store: Store, staff_id: int, on: date, why: str) -> dict[str, Any]:
    """End the membership holding on `on` (if any) that day; what the audit entry keeps
    of it: its team and, when it was due to end later, that end, so an undo can put it
    back."""
    membership = membership_on(store, staff_id, on)
    later = _drop_merged_later(store, staff_id, on)
    was: dict[str, Any] = {"later": later} if later else {}
    if membership is None:
        return {"team": None} | was
    store.db.execute(
        "UPDATE membership SET end_date = ?, end_reason = ? WHERE id = ?",
        [on.isoformat(), why, membership["id"]],
    )
    if membership["end_date"] is None:
        return {"team": membership["team"]} | was
    return {
        "team": membership["team"],
        "until": membership["end_date"],
        "reason": membership["end_reason"],
    } | was


def move(store: Store, staff_id: int, team: dict[str, Any], on: date) -> None:
    """End a person's membership on `on` and start one in `team`; the old one stays as history."""
    with store.write():
        was = _end_membership(store, staff_id, on, "moved")
        store.db.execute(
            "INSERT INTO membership (uuid, staff_id, team_id, start_date) VALUES (?, ?, ?, ?)",
            [new_uuid(), staff_id, team["id"], on.isoformat()],
        )
        audit.record(
            store,
            "move",
            "membership",
            staff_id,
            was,
            {"team": team["name"], "on": on},
        )


def leave(store: Store, staff_id: int, on: date) -> None:
    """Record that a person left on `on`: their membership ends, their history stays."""
    with store.write():
        was = _end_membership(store, staff_id, on, "left")
        store.db.execute("UPDATE staff SET left_on = ? WHERE id = ?", [on.isoformat(), staff_id])
        audit.record(
            store,
            "leave",
            "membership",
            staff_id,
            was,
            {"left_on": on},
        )


def roster_context(store: Store) -> RosterContext:
    """What roster checking needs to know about teams and staff already on record."""
    teams: dict[str, str] = {}
    ended: dict[str, EndedTeam] = {}
    for row in store.rows(
        "SELECT t.name, t.status, t.ended_on, m.name AS merged_into FROM team t "
        "LEFT JOIN team m ON m.id = t.merged_into"
    ):
        # Keyed as roster cells are looked up: case, accents and extra spaces aside.
        if row["status"] == TeamStatus.ACTIVE:
            teams[folded(row["name"])] = row["name"]
        else:
            ended[folded(row["name"])] = EndedTeam(row["name"], row["ended_on"], row["merged_into"])
    by_email: dict[str, KnownPerson] = {}
    without_email: dict[tuple[str, str], list[int]] = defaultdict(list)
    guessed: set[int] = set()
    for staff_id, name, email, team, clinical_guessed in store.db.execute(
        "SELECT s.id, s.name, s.email, t.name, s.clinical_guessed FROM staff s "
        "LEFT JOIN membership m ON m.staff_id = s.id AND m.end_date IS NULL "
        "LEFT JOIN team t ON t.id = m.team_id"
    ):
        if email:
            by_email[email.lower()] = KnownPerson(name, team, staff_id)
        elif team:
            without_email[(name.lower(), team.lower())].append(staff_id)
        if clinical_guessed:
            guessed.add(staff_id)
    return RosterContext(
        teams,
        ended,
        by_email,
        {key: tuple(ids) for key, ids in without_email.items()},
        frozenset(guessed),
    )


def import_roster(store: Store, plan: RosterPlan, source: str) -> None:
    """Write a checked roster in one transaction: all of it or none of it."""
    now = store.now()
    with store.write():
        if plan.new_teams:
            store.db.conn.executemany(
                "INSERT INTO team (uuid, name, created_at) VALUES (?, ?, ?)",
                [(new_uuid(), name, now) for name in plan.new_teams],
            )
        active = store.rows("SELECT id, name FROM team WHERE status = ?", [TeamStatus.ACTIVE])
        team_ids = {row["name"].lower(): row["id"] for row in active}
        team_names = {row["name"].lower(): row["name"] for row in active}
        top = store.one("SELECT coalesce(max(id), 0) AS top FROM staff")
        first = (top["top"] if top else 0) + 1
        staff_rows, membership_rows = [], []
        for offset, entry in enumerate(plan.to_add):
            staff_id = first + offset
            staff_rows.append(
                (
                    staff_id,
                    new_uuid(),
                    entry.name,
                    entry.email,
                    entry.role,
                    int(entry.manager),
                    int(entry.clinical),
                    int(entry.clinical_guessed),
                    now,
                )
            )
            membership_rows.append(
                (new_uuid(), staff_id, team_ids[entry.team.lower()], entry.start.isoformat())
            )
        store.db.conn.executemany(
            "INSERT INTO staff (id, uuid, name, email, role, is_manager, clinical, "
            "clinical_guessed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            staff_rows,
        )
        store.db.conn.executemany(
            "INSERT INTO membership (uuid, staff_id, team_id, start_date) VALUES (?, ?, ?, ?)",
            membership_rows,
        )
        for added in plan.emails_added:
            store.db.execute(
                "UPDATE staff SET email = ? WHERE id = ? AND email IS NULL",
                [added.entry.email, added.staff_id],
            )
            audit.record(
                store, "update", "staff", added.staff_id, {"email": None},
                {"email": added.entry.email, "source": source},
            )  # fmt: skip
        _set_clinical(store, plan, source)
        audit.record(
            store,
            "import",
            "staff",
            None,
            None,
            {"source": source, "added": len(staff_rows), "teams_created": plan.new_teams},
        )
        audit.record_many(
            store,
            (
                (
                    "add",
                    "staff",
                    first + offset,
                    None,
                    {
                        "name": entry.name,
                        "team": team_names[entry.team.lower()],
                        "start": entry.start,
                        "role": entry.role,
                        "source": source,
                    },
                )
                for offset, entry in enumerate(plan.to_add)
            ),
        )


def _set_clinical(store: Store, plan: RosterPlan, source: str) -> None:
    """Record the clinical flags a roster gives people whose flag was a guess; audited."""
    for given in plan.clinical_set:
        old = store.one("SELECT clinical FROM staff WHERE id = ?", [given.staff_id])
        store.db.execute(
            "UPDATE staff SET clinical = ?, clinical_guessed = 0 WHERE id = ?",
            [int(given.entry.clinical), given.staff_id],
        )
        audit.record(
            store,
            "update",
            "staff",
            given.staff_id,
            {"clinical": bool(old["clinical"]) if old else None, "clinical_guessed": True},
            {"clinical": given.entry.clinical, "clinical_guessed": False, "source": source},
        )
