"""Where the shipped `manual/` and `templates/` folders are.

In a wheel they sit inside the package; in a source checkout (an editable
install) they sit at the top of the repository, beside the package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


def manual_dir() -> Path:
    return _shipped("manual")


def templates_dir() -> Path:
    return _shipped("templates")
