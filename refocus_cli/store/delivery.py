"""Delivery records: who delivered a held session and which parts of it were covered."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.sessions import links


@dataclass(frozen=True)
class Delivery:
    """What is on record about one session's delivery: trainer ids (None: nobody has said
    who delivered it) and the activity titles covered (None: nobody has said)."""

    delivered_by: tuple[int, ...] | None
    covered: tuple[str, ...] | None


@dataclass(frozen=True)
class HeldSession:
    """A held session as the delivery report reads it."""

    id: int
    stage: str
    module: str
    team_ids: tuple[int, ...]
    planned: tuple[int, ...]
    delivery: Delivery


def delivery_of(store: Store, session_id: int) -> Delivery:
    """The delivery record of one session (empty if none)."""
    return _deliveries(store, [session_id]).get(session_id, Delivery(None, None))


def record(
    store: Store,
    session_id: int,
    delivered_by: Sequence[int] | None,
    covered: Sequence[str] | None,
) -> Delivery:
    """Record who delivered a session and what was covered (None keeps what is on record),
    audited old → new; the record as it now stands."""
    was = delivery_of(store, session_id)
    now = Delivery(
        tuple(sorted(delivered_by)) if delivered_by is not None else was.delivered_by,
        tuple(covered) if covered is not None else was.covered,
    )
    with store.write():
        store.db.execute(
            "INSERT INTO session_delivery (session_id, covered, recorded_at) VALUES (?, ?, ?) "
            "ON CONFLICT(session_id) DO UPDATE SET covered = excluded.covered, "
            "recorded_at = excluded.recorded_at",
            [
                session_id,
                None if now.covered is None else json.dumps(list(now.covered)),
                store.now(),
            ],
        )
        store.db.execute("DELETE FROM session_deliverer WHERE session_id = ?", [session_id])
        for trainer_id in now.delivered_by or ():
            store.db.execute(
                "INSERT INTO session_deliverer (session_id, trainer_id) VALUES (?, ?)",
                [session_id, trainer_id],
            )
        audit.record(store, "deliver", "session", session_id, _as_record(was), _as_record(now))
    return now


def _as_record(delivery: Delivery) -> dict[str, object]:
    return {
        "delivered_by": None if delivery.delivered_by is None else list(delivery.delivered_by),
        "covered": None if delivery.covered is None else list(delivery.covered),
    }


def _deliveries(store: Store, session_ids: Sequence[int] | None = None) -> dict[int, Delivery]:
    where, params = "", list(session_ids or ())
    if session_ids is not None:
        where = f" WHERE session_id IN ({', '.join('?' * len(params))})"
    by: dict[int, list[int]] = defaultdict(list)
    for session_id, trainer_id in store.db.execute(
        f"SELECT session_id, trainer_id FROM session_deliverer{where}", params
    ):
        by[session_id].append(trainer_id)
    return {
        session_id: Delivery(
            tuple(sorted(by[session_id])) if by.get(session_id) else None,
            None if covered is None else tuple(json.loads(covered)),
        )
        for session_id, covered in store.db.execute(
            f"SELECT session_id, covered FROM session_delivery{where}", params
        )
    }


def held_sessions(store: Store) -> list[HeldSession]:
    """Every held session with its teams, planned trainers and delivery record."""
    held = [SessionStatus.HELD]
    teams, planned = links(store, "WHERE s.status = ?", held)
    deliveries = _deliveries(store)
    return [
        HeldSession(
            session_id,
            stage,
            module,
            tuple(sorted(teams[session_id])),
            tuple(sorted(planned[session_id])),
            deliveries.get(session_id, Delivery(None, None)),
        )
        for session_id, stage, module in store.db.execute(
            "SELECT id, stage, module FROM session WHERE status = ? ORDER BY id", held
        )
    ]


def write_many(store: Store, records: Sequence[tuple[int, Sequence[int], Sequence[str]]]) -> None:
    """Delivery records in bulk (the demo): (session id, trainer ids, titles covered)."""
    with store.write():
        now = store.now()
        store.db.conn.executemany(
            "INSERT INTO session_delivery (session_id, covered, recorded_at) VALUES (?, ?, ?) "
            "ON CONFLICT(session_id) DO UPDATE SET covered = excluded.covered, "
            "recorded_at = excluded.recorded_at",
            [(sid, json.dumps(list(covered)), now) for sid, _, covered in records],
        )
        store.db.conn.executemany(
            "INSERT OR IGNORE INTO session_deliverer (session_id, trainer_id) VALUES (?, ?)",
            [(sid, trainer_id) for sid, trainers, _ in records for trainer_id in trainers],
        )


def trainers(store: Store) -> tuple[dict[int, str], frozenset[int]]:
    """Every trainer's name by id, and the ids of those with lived experience."""
    rows = store.db.execute("SELECT id, name, lived_experience FROM trainer").fetchall()
    return {row[0]: row[1] for row in rows}, frozenset(row[0] for row in rows if row[2])


def team_names(store: Store) -> dict[int, str]:
    """Every team's name by id."""
    return dict(store.db.execute("SELECT id, name FROM team").fetchall())


def planned_trainers(store: Store, session_id: int) -> list[int]:
    """The trainers a session was planned with (lead first)."""
    return links(store, "WHERE s.id = ?", [session_id])[1].get(session_id, [])


def put_back(store: Store, session_id: int, delivery: Delivery) -> None:
    """Set a session's delivery record as it was (an undo; audited by the undo itself):
    with nothing said, the record goes."""
    store.db.execute("DELETE FROM session_deliverer WHERE session_id = ?", [session_id])
    store.db.execute("DELETE FROM session_delivery WHERE session_id = ?", [session_id])
    if delivery.delivered_by is None and delivery.covered is None:
        return
    store.db.execute(
        "INSERT INTO session_delivery (session_id, covered, recorded_at) VALUES (?, ?, ?)",
        [
            session_id,
            None if delivery.covered is None else json.dumps(list(delivery.covered)),
            store.now(),
        ],
    )
    for trainer_id in delivery.delivered_by or ():
        store.db.execute(
            "INSERT INTO session_deliverer (session_id, trainer_id) VALUES (?, ?)",
            [session_id, trainer_id],
        )


def from_record(record: object) -> Delivery:
    """A delivery record as an audit entry keeps it."""
    fields = record if isinstance(record, dict) else {}
    by, covered = fields.get("delivered_by"), fields.get("covered")
    return Delivery(
        None if by is None else tuple(sorted(int(i) for i in by)),
        None if covered is None else tuple(str(c) for c in covered),
    )
