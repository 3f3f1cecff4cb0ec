"""m012: who actually delivered a session, and which parts of its agenda were covered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from refocus_cli.store.migrations import _run, migration

if TYPE_CHECKING:
    from sqlite_utils import Database


@migration
def m012_delivery_records(db: Database) -> None:
    _run(db, M012)


# The plan names the trainers booked; fidelity needs who came and what was covered. A
# session with no delivery record was delivered by its planned trainers as far as anyone
# has said; `covered` holds the titles of the module's activities covered (JSON), or NULL
# when nobody has said.
M012 = """
CREATE TABLE session_delivery (
    session_id INTEGER PRIMARY KEY REFERENCES session(id) ON DELETE CASCADE,
    covered TEXT,
    recorded_at TEXT NOT NULL
);
CREATE TABLE session_deliverer (
    session_id INTEGER NOT NULL REFERENCES session_delivery(session_id) ON DELETE CASCADE,
    trainer_id INTEGER NOT NULL REFERENCES trainer(id),
    PRIMARY KEY (session_id, trainer_id)
)
"""
