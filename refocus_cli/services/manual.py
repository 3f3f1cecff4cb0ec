"""The curriculum a programme plans and prints from: the manual plus its own numbers."""

from __future__ import annotations

from pathlib import Path

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.overrides import with_overrides
from refocus_cli.readers.manual import load_curriculum
from refocus_cli.store import overrides
from refocus_cli.store.database import Store


def curriculum(store: Store, manual: Path | None = None) -> Curriculum:
    """The manual (shipped, `$REFOCUS_MANUAL`, or `manual`) with this programme's overrides."""
    return with_overrides(load_curriculum(manual), overrides.current(store))


def base_curriculum(manual: Path | None = None) -> Curriculum:
    """The manual as written, without any programme's overrides."""
    return load_curriculum(manual)


def module_key(module: str, manual: Path | None = None) -> str:
    """The key of a module of the manual, as typed (any case, spaces around)."""
    return load_curriculum(manual).module(module.strip().lower()).key


def numbers(
    duration: int | None = None,
    sessions: int | None = None,
    spacing: int | None = None,
    max_group: int | None = None,
) -> dict[str, int]:
    """The numbers given, by the field each overrides; refuses none at all."""
    changes = {
        field: value
        for field, value in (
            ("duration_minutes", duration),
            ("sessions", sessions),
            ("spacing_days", spacing),
            ("max_group", max_group),
        )
        if value is not None
    }
    if not changes:
        raise InvalidInput("nothing to set: give --duration, --sessions, --spacing or --max-group")
    return changes


def set_numbers(
    store: Store, module: str, changes: dict[str, int], manual: Path | None = None
) -> None:
    """Give this programme its own numbers for a module (see `numbers`); plans made
    from now on use them."""
    overrides.set_values(store, load_curriculum(manual), module, changes)


def reset(store: Store, module: str) -> int:
    """Go back to the manual's numbers for a module; returns how many were dropped."""
    return overrides.reset(store, module)
