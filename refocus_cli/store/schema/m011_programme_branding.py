"""Certificates carry the organisation: its name, who signs for it, and its logo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from refocus_cli.store.migrations import _run, migration

if TYPE_CHECKING:
    from sqlite_utils import Database


@migration
def m011_programme_branding(db: Database) -> None:
    _run(db, M011)


# `refocus programme set --organisation --signatory --logo`. The logo's bytes are kept in
# the database, not a path to the file, so a pack printed later (or from a backup on
# another machine) looks the same; its type is checked from the bytes when it is set.
M011 = """
ALTER TABLE programme ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
ALTER TABLE programme ADD COLUMN signatory TEXT NOT NULL DEFAULT '';
ALTER TABLE programme ADD COLUMN signatory_role TEXT NOT NULL DEFAULT '';
ALTER TABLE programme ADD COLUMN logo BLOB;
ALTER TABLE programme ADD COLUMN logo_type TEXT CHECK (logo_type IN ('png', 'jpg', 'svg'))
"""
