"""The curriculum a programme plans and prints from: the manual plus its own numbers."""

from __future__ import annotations

from pathlib import Path

from refocus_cli.core.curriculum import Curriculum
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
