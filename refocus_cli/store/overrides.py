"""The programme's own numbers for modules, stored beside its data."""

from __future__ import annotations

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.overrides import check_override
from refocus_cli.store.database import Store


def current(store: Store) -> dict[str, dict[str, int]]:
    """The programme's own numbers: module -> field -> value."""
    found: dict[str, dict[str, int]] = {}
    for row in store.rows("SELECT module, field, value FROM module_override ORDER BY module"):
        found.setdefault(row["module"], {})[row["field"]] = row["value"]
    return found


def set_values(store: Store, base: Curriculum, module: str, changes: dict[str, int]) -> None:
    """Override some of a module's numbers for this programme."""
    from refocus_cli.store import audit  # only a change is audited: reading needs none

    merged = {**current(store).get(module, {}), **changes}
    check_override(base, module, merged)
    with store.write():
        store.db.conn.executemany(
            "INSERT INTO module_override (module, field, value) VALUES (?, ?, ?) "
            "ON CONFLICT (module, field) DO UPDATE SET value = excluded.value",
            [(module, field, value) for field, value in changes.items()],
        )
        audit.record(store, "override", "module", None, None, {"module": module, **changes})


def reset(store: Store, module: str) -> int:
    """Go back to the manual's numbers for a module; returns how many were dropped."""
    from refocus_cli.store import audit

    with store.write():
        dropped = store.db.execute(
            "DELETE FROM module_override WHERE module = ?", [module]
        ).rowcount
        audit.record(store, "reset", "module", None, None, {"module": module})
    return dropped
