"""Invitations by email: every iTIP message sent, to whom, for which session, and when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from refocus_cli.store.migrations import _run, migration

if TYPE_CHECKING:
    from sqlite_utils import Database


@migration
def m009_invitations(db: Database) -> None:
    _run(db, M009)


# One row per message the SMTP server accepted, never updated: the latest row for a
# session and a person says what their calendar holds (a REQUEST at a SEQUENCE, or a
# CANCEL), so a run sends only what changed and an interrupted run resumes. No foreign
# keys: a session undone or a trainer removed after an invitation went out must still
# be found, to send the CANCEL (uid, start and the address are kept for that). The
# SEQUENCE sent can run ahead of the session's own (a person invited again after a
# cancellation), so the session's SEQUENCE at the time is kept too, to see changes.
# Forgetting a person (their email set to NULL) blanks the addresses they were sent to.
M009 = """
CREATE TABLE invitation (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL,
    uid TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    person_kind TEXT NOT NULL CHECK (person_kind IN ('staff', 'trainer')),
    person_id INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('REQUEST', 'CANCEL')),
    sequence INTEGER NOT NULL CHECK (sequence >= 0),
    session_sequence INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
CREATE INDEX invitation_by_session ON invitation(session_id, person_kind, person_id);
CREATE INDEX invitation_by_person ON invitation(person_kind, person_id);
CREATE TRIGGER invitation_forgets_staff AFTER UPDATE OF email ON staff WHEN NEW.email IS NULL
BEGIN UPDATE invitation SET recipient = ''
    WHERE person_kind = 'staff' AND person_id = NEW.id; END;
CREATE TRIGGER invitation_forgets_trainer AFTER UPDATE OF email ON trainer
WHEN NEW.email IS NULL
BEGIN UPDATE invitation SET recipient = ''
    WHERE person_kind = 'trainer' AND person_id = NEW.id; END
"""
