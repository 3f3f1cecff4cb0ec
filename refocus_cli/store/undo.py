"""Undoing a change: which change is a person's last, what has changed since, and the
audit entries an undo writes. The writes that put records back are in
store/undo_writes.py (sessions, marks, people, edits) and store/undo_setup.py (cohorts,
leave, closures, records added)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from refocus_cli.store import audit
from refocus_cli.store.audit import ROW_COLUMNS, AuditRow, row_of
from refocus_cli.store.database import Store

UNDO = "undo"
# Entries that count: not reversed already, and not written by an undo (an undo is
# never itself undone; the next undo goes on to the change before).
STANDING = (
    "undone_by IS NULL AND (change_id IS NULL OR change_id NOT IN "
    f"(SELECT change_id FROM audit WHERE action = '{UNDO}' AND change_id IS NOT NULL))"
)


def last_entry(store: Store, actor: str | None = None) -> AuditRow | None:
    """The latest standing entry (by `actor`, or by anyone)."""
    by = " AND actor = ?" if actor is not None else ""
    row = store.db.execute(
        f"SELECT {ROW_COLUMNS} FROM audit WHERE {STANDING}{by} ORDER BY id DESC LIMIT 1",
        [actor] if actor is not None else [],
    ).fetchone()
    return row_of(row) if row else None


def change(store: Store, change_id: int) -> list[AuditRow]:
    """The standing entries of one change, oldest first."""
    return [
        row_of(row)
        for row in store.db.execute(
            f"SELECT {ROW_COLUMNS} FROM audit WHERE change_id = ? AND {STANDING} ORDER BY id",
            [change_id],
        )
    ]


def later_about(
    store: Store,
    after: int,
    keys: Iterable[tuple[str, int]],
    staff_ids: Iterable[int] = (),
) -> list[AuditRow]:
    """Standing entries after entry `after` about any of these records ((entity, id) pairs)
    or these members of staff (their record, memberships, marks, and team merges or
    disbands that moved them), oldest first."""
    by_entity: dict[str, set[int]] = {}
    for entity, entity_id in keys:
        by_entity.setdefault(entity, set()).add(entity_id)
    asked: list[tuple[str, list[Any]]] = []
    for entity, ids in sorted(by_entity.items()):
        for part in _chunks(sorted(ids)):
            asked.append((f"entity = ? AND entity_id IN ({_marks(part)})", [entity, *part]))
    for part in _chunks(sorted(set(staff_ids))):
        marks = _marks(part)
        moved = "EXISTS (SELECT 1 FROM json_each(audit.new, '$.{}') WHERE value IN ({}))"
        asked.append(
            (
                f"(entity IN ('staff', 'membership') AND entity_id IN ({marks})) "
                f"OR (entity = 'attendance' AND json_extract(new, '$.staff_id') IN ({marks})) "
                f"OR (entity = 'team' AND ({moved.format('staff_moved', marks)} "
                f"OR {moved.format('staff_released', marks)}))",
                part * 4,
            )
        )
    found: dict[int, AuditRow] = {}
    for clause, params in asked:
        for row in store.db.execute(
            f"SELECT {ROW_COLUMNS} FROM audit WHERE id > ? AND {STANDING} AND ({clause})",
            [after, *params],
        ):
            found[row[0]] = row_of(row)
    return [found[entry_id] for entry_id in sorted(found)]


def _chunks(ids: list[int], size: int = 200) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _marks(ids: list[int]) -> str:
    return ", ".join("?" for _ in ids)


def record_undo(
    store: Store, entry: AuditRow, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> None:
    """Audit the reversal of `entry` (old → new, as the record now stands; `undoes` names
    the entry) and mark the entry undone by it: it is never reversed twice, and the log
    keeps both."""
    undo_id = audit.record(
        store, UNDO, entry.entity, entry.entity_id, old, {**(new or {}), "undoes": entry.id}
    )
    store.db.execute("UPDATE audit SET undone_by = ? WHERE id = ?", [undo_id, entry.id])
