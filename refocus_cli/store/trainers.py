"""Trainers, the stages they deliver, and when they cannot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.periods import Period
from refocus_cli.core.programme import STAGES
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import find, new_uuid

TRAINER_SELECT = (
    "SELECT *, CASE WHEN lived_experience THEN 'lived experience' ELSE '' END AS detail "
    "FROM trainer"
)


def find_trainer(store: Store, ref: str) -> dict[str, Any]:
    """The one trainer `ref` (an id, an email or a unique name) names."""
    return find(store, "trainer", TRAINER_SELECT, ref, email_column="email")


def add(
    store: Store, name: str, email: str | None, lived_experience: bool, stages: list[str]
) -> dict[str, Any]:
    """Add a trainer who delivers `stages`, audited; an email may belong to one trainer."""
    if email and email_holder(store, email):
        raise Conflict(f"a trainer with email {email} already exists")
    with store.write():
        trainer_id = store.db.execute(
            "INSERT INTO trainer (uuid, name, email, lived_experience, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [new_uuid(), name, email, int(lived_experience), store.now()],
        ).lastrowid
        store.db.conn.executemany(
            "INSERT INTO trainer_stage (trainer_id, stage) VALUES (?, ?)",
            [(trainer_id, stage) for stage in stages],
        )
        audit.record(
            store,
            "add",
            "trainer",
            trainer_id,
            None,
            {"name": name, "lived_experience": lived_experience, "stages": stages},
        )
    return listing(store, trainer_id)[0]


def listing(store: Store, trainer_id: int | None = None) -> list[dict[str, Any]]:
    """Trainers with their stages and unavailable periods (all of them, or the one
    `trainer_id` names); trainers removed from the programme are left out of the list."""
    where = " WHERE id = ?" if trainer_id is not None else " WHERE removed_on IS NULL"
    trainers = store.rows(
        f"SELECT id, uuid, name, email, lived_experience FROM trainer{where} "
        "ORDER BY name COLLATE NOCASE, id",
        [trainer_id] if trainer_id is not None else [],
    )
    stages: dict[int, list[str]] = {}
    for row in store.rows("SELECT trainer_id, stage FROM trainer_stage"):
        stages.setdefault(row["trainer_id"], []).append(row["stage"])
    leave: dict[int, list[dict[str, Any]]] = {}
    for row in store.rows(
        "SELECT trainer_id, from_date, to_date, reason FROM trainer_unavailable "
        "ORDER BY from_date, id"
    ):
        leave.setdefault(row.pop("trainer_id"), []).append(row)
    for trainer in trainers:
        trainer["lived_experience"] = bool(trainer["lived_experience"])
        trainer["stages"] = [s for s in STAGES if s in stages.get(trainer["id"], [])]
        trainer["unavailable"] = leave.get(trainer["id"], [])
    return trainers


def unavailable(store: Store, ref: str, start: date, end: date, reason: str) -> dict[str, Any]:
    """Record that a trainer cannot deliver from `start` to `end`, both days included."""
    if end < start:
        raise InvalidInput(f"--to {end} is before --from {start}: give the period in order")
    trainer = find_trainer(store, ref)
    with store.write():
        period_id = store.db.execute(
            "INSERT INTO trainer_unavailable (uuid, trainer_id, from_date, to_date, reason) "
            "VALUES (?, ?, ?, ?, ?)",
            [new_uuid(), trainer["id"], start.isoformat(), end.isoformat(), reason],
        ).lastrowid
        audit.record(
            store,
            "unavailable",
            "trainer",
            trainer["id"],
            None,
            {"from": start, "to": end, "reason": reason, "period": period_id},
        )
    return listing(store, trainer["id"])[0]


def email_holder(store: Store, email: str, other_than: int | None = None) -> str | None:
    """The name of the trainer (not `other_than`) with this email, in any case, if any."""
    row = store.one(
        "SELECT name FROM trainer WHERE email = ? COLLATE NOCASE AND id IS NOT ?",
        [email, other_than],
    )
    return row["name"] if row else None


def set_stages(store: Store, trainer_id: int, stages: Sequence[str]) -> None:
    """Replace the stages a trainer delivers; inside the edit's transaction."""
    store.db.execute("DELETE FROM trainer_stage WHERE trainer_id = ?", [trainer_id])
    store.db.conn.executemany(
        "INSERT INTO trainer_stage (trainer_id, stage) VALUES (?, ?)",
        [(trainer_id, stage) for stage in stages],
    )


def sessions_on_record(store: Store, trainer_id: int) -> int:
    """How many sessions, of any time or status, name a trainer."""
    rows = store.rows(
        "SELECT count(*) AS n FROM session_trainer WHERE trainer_id = ?", [trainer_id]
    )
    return int(rows[0]["n"])


def remove(store: Store, trainer: dict[str, Any]) -> None:
    """Delete a trainer no session names, with their stages and leave; audited."""
    store.db.execute("DELETE FROM trainer WHERE id = ?", [trainer["id"]])
    audit.record(store, "remove", "trainer", trainer["id"], {"name": trainer["name"]}, None)


def retire(store: Store, trainer: dict[str, Any], on: date) -> None:
    """Take a trainer whom past sessions name off the programme from `on`: kept on record
    for those sessions, never listed or booked again; audited."""
    store.db.execute("UPDATE trainer SET removed_on = ? WHERE id = ?", [on, trainer["id"]])
    audit.record(
        store, "retire", "trainer", trainer["id"], {"removed_on": None}, {"removed_on": on}
    )


def leave(store: Store, trainer_id: int) -> list[dict[str, Any]]:
    """A trainer's unavailable periods (id, from_date, to_date, reason), in date order."""
    return store.rows(
        "SELECT id, from_date, to_date, reason FROM trainer_unavailable WHERE trainer_id = ? "
        "ORDER BY from_date, id",
        [trainer_id],
    )


def trim_leave(
    store: Store, trainer_id: int, period: dict[str, Any], left: Sequence[Period]
) -> None:
    """Replace one unavailable period by what is `left` of it (nothing, one or two periods),
    keeping its reason; audited. Inside the transaction of the change."""
    store.db.execute("DELETE FROM trainer_unavailable WHERE id = ?", [period["id"]])
    store.db.conn.executemany(
        "INSERT INTO trainer_unavailable (uuid, trainer_id, from_date, to_date, reason) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (
                new_uuid(),
                trainer_id,
                part.first.isoformat(),
                part.last.isoformat(),
                period["reason"],
            )
            for part in left
        ],
    )
    audit.record(
        store,
        "available",
        "trainer",
        trainer_id,
        {"unavailable": f"{period['from_date']} to {period['to_date']}"},
        {"unavailable": [part.words() for part in left]},
    )
