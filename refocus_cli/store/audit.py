"""The audit log: who changed what, when, from what to what."""

from __future__ import annotations

import json
from typing import Any

from refocus_cli.store.database import Store


def record(
    store: Store,
    action: str,
    entity: str,
    entity_id: int | None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """Append one entry; call inside the write transaction that makes the change."""
    store.db.execute(
        "INSERT INTO audit (at, actor, action, entity, entity_id, old, new) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            store.now(),
            store.actor,
            action,
            entity,
            entity_id,
            None if old is None else json.dumps(old, sort_keys=True, default=str),
            None if new is None else json.dumps(new, sort_keys=True, default=str),
        ],
    )


def entries(store: Store, entity: str | None = None, entity_id: int | None = None) -> list[dict]:
    """Audit entries, oldest first, optionally for one entity."""
    where, params = [], []
    if entity is not None:
        where.append("entity = ?")
        params.append(entity)
    if entity_id is not None:
        where.append("entity_id = ?")
        params.append(entity_id)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return store.rows(f"SELECT * FROM audit{clause} ORDER BY id", params)
