"""Calendar feed tokens: one active, unguessable token per trainer, team, member of staff
and cohort, revocable; and the cheap stamp a served feed's ETag is made from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.vocabulary import SessionKind
from refocus_cli.store.database import Store

KINDS = ("trainer", "team", "staff", "cohort")
# Who has a feed: people and teams still in the programme today (:today), every cohort.
ELIGIBLE = {
    "trainer": "SELECT id FROM trainer WHERE (removed_on IS NULL OR removed_on > :today)",
    "team": "SELECT id FROM team WHERE (status = 'active' OR ended_on > :today)",
    # A forgotten person gets no new feed: refocus no longer knows who would read it.
    "staff": "SELECT id FROM staff WHERE (left_on IS NULL OR left_on > :today) AND id NOT IN "
    "(SELECT entity_id FROM audit WHERE entity = 'staff' AND action = 'forget')",
    "cohort": "SELECT id FROM cohort WHERE true",
}
SELECT = """
SELECT f.id, f.token, f.kind, coalesce(f.trainer_id, f.team_id, f.staff_id, f.cohort_id),
       coalesce(tr.name, te.name, st.name, co.name), f.created_at, f.revoked_at
FROM feed f
LEFT JOIN trainer tr ON tr.id = f.trainer_id LEFT JOIN team te ON te.id = f.team_id
LEFT JOIN staff st ON st.id = f.staff_id LEFT JOIN cohort co ON co.id = f.cohort_id
"""


@dataclass(frozen=True)
class FeedRow:
    """One feed token: whose sessions it gives, since when, and whether it is revoked."""

    id: int
    token: str
    kind: str
    owner_id: int
    owner: str
    created_at: str
    revoked_at: str | None


def refresh(store: Store, new_token: Callable[[], str]) -> tuple[int, int]:
    """Give every eligible trainer, team, member of staff and cohort without an active
    feed a new token, and revoke the feeds of those who have left (a trainer retired, a
    team ended, a member of staff gone), in one transaction; (made, revoked)."""
    today = {"today": store.today().isoformat(), "now": store.now()}
    made = revoked = 0
    with store.write():
        for kind in KINDS:
            column = f"{kind}_id"
            revoked += store.db.execute(
                f"UPDATE feed SET revoked_at = :now WHERE revoked_at IS NULL AND {column} "
                f"IS NOT NULL AND {column} NOT IN ({ELIGIBLE[kind]})",
                today,
            ).rowcount
            owners = store.db.execute(
                f"{ELIGIBLE[kind]} AND id NOT IN (SELECT {column} FROM feed "
                f"WHERE {column} IS NOT NULL AND revoked_at IS NULL) ORDER BY id",
                today,
            ).fetchall()
            store.db.conn.executemany(
                f"INSERT INTO feed (token, kind, {column}, created_at) VALUES (?, ?, ?, ?)",
                [(new_token(), kind, owner_id, today["now"]) for (owner_id,) in owners],
            )
            made += len(owners)
    return made, revoked


def feeds(store: Store, *, revoked: bool = False) -> list[FeedRow]:
    """Every active feed (and with `revoked`, the revoked ones too), by kind and owner."""
    where = "" if revoked else " WHERE f.revoked_at IS NULL"
    order = " ORDER BY f.kind, 5 COLLATE NOCASE, f.revoked_at IS NOT NULL, f.id"
    return [FeedRow(*row) for row in store.db.execute(SELECT + where + order)]


def active_feed(store: Store, token: str) -> FeedRow | None:
    """The feed a token opens, unless it is revoked or unknown."""
    row = store.db.execute(SELECT + " WHERE f.token = ? AND f.revoked_at IS NULL", [token])
    found = row.fetchone()
    return FeedRow(*found) if found else None


def owner_feeds(store: Store, kind: str, owner_id: int) -> list[FeedRow]:
    """The active feeds of one trainer, team, member of staff or cohort."""
    return [
        FeedRow(*row)
        for row in store.db.execute(
            SELECT + f" WHERE f.{kind}_id = ? AND f.revoked_at IS NULL", [owner_id]
        )
    ]


def revoke(store: Store, feed_ids: list[int]) -> None:
    """Stop these feeds for good."""
    now = store.now()
    with store.write():
        store.db.conn.executemany(
            "UPDATE feed SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [(now, feed_id) for feed_id in feed_ids],
        )


def revoke_owner(store: Store, kind: str, owner_id: int) -> int:
    """Stop every active feed of one trainer, team, member of staff or cohort, inside the
    caller's transaction (a person forgotten, a trainer retired); how many."""
    return int(
        store.db.execute(
            f"UPDATE feed SET revoked_at = ? WHERE {kind}_id = ? AND revoked_at IS NULL",
            [store.now(), owner_id],
        ).rowcount
    )


def issued_to(store: Store, kind: str, owner_id: int) -> list[FeedRow]:
    """Every feed ever issued to one owner, revoked ones included, oldest first."""
    return [
        FeedRow(*row)
        for row in store.db.execute(SELECT + f" WHERE f.{kind}_id = ? ORDER BY f.id", [owner_id])
    ]


def add_feed(store: Store, kind: str, owner_id: int, token: str) -> None:
    """A new active token for one owner."""
    with store.write():
        store.db.execute(
            f"INSERT INTO feed (token, kind, {kind}_id, created_at) VALUES (?, ?, ?, ?)",
            [token, kind, owner_id, store.now()],
        )


def staff_sessions(store: Store, curriculum: Curriculum) -> dict[int, set[int]]:
    """Every member of staff's sessions, as `store.calendar.staff_session_ids` chooses them
    for one person (catch-ups they are invited to; their teams' planned sessions where
    they are expected: in the team on the day, in the module's audience, in their own
    group of a split team), worked out once per session for everyone: `feeds build`
    writes every person's feed, and asking per person repeats each session's answer for
    each member of its teams."""
    from refocus_cli.store.attendance import expected

    found: dict[int, set[int]] = defaultdict(set)
    for session_id, staff_id in store.db.execute(
        "SELECT session_id, staff_id FROM session_invitee"
    ):
        found[staff_id].add(session_id)
    tz = store.tz()
    for row in store.rows(
        "SELECT s.id, s.kind, s.module, s.occurrence, s.start_utc FROM session s "
        "WHERE s.kind = ? AND s.id IN (SELECT session_id FROM session_team)",
        [SessionKind.PLANNED],
    ):
        session = {
            "id": row["id"],
            "kind": row["kind"],
            "module": row["module"],
            "occurrence": row["occurrence"],
            "start": datetime.fromisoformat(row["start_utc"]).astimezone(tz).isoformat(),
        }
        audience = curriculum.audience(row["module"])
        for person in expected(store, session, audience, include_attended=True):
            found[person["id"]].add(row["id"])
    return found


def change_stamp(store: Store) -> int:
    """The newest audit entry's number: every change refocus makes to sessions, people,
    teams, venues or the programme is audited and audit entries are never removed, so
    this rises with every change that can alter a feed, and only then."""
    return int(store.db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])
