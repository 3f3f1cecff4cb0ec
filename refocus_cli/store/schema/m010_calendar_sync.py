"""m010: what refocus last wrote to each CalDAV calendar, and calendar feed tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from refocus_cli.store.migrations import _run, migration

if TYPE_CHECKING:
    from sqlite_utils import Database


@migration
def m010_calendar_sync(db: Database) -> None:
    _run(db, M010)


# A publish must tell an event edited on the server since refocus wrote it from one it
# left as it was, and never lower a SEQUENCE it sent: each event written is kept with
# the ETag the server gave it, its SEQUENCE and the digest of what was sent, per calendar
# (the calendar's address). Subscribed feeds are served under unguessable tokens, one
# per trainer, team, member of staff or cohort; a revoked token stays recorded (and is
# never served again) so that `feeds list --all` can show what was given out.
M010 = """
CREATE TABLE caldav_event (
    calendar TEXT NOT NULL,
    uid TEXT NOT NULL,
    href TEXT NOT NULL,
    etag TEXT,
    sequence INTEGER NOT NULL,
    digest TEXT NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (calendar, uid)
);
CREATE TABLE feed (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('trainer', 'team', 'staff', 'cohort')),
    trainer_id INTEGER REFERENCES trainer(id) ON DELETE CASCADE,
    team_id INTEGER REFERENCES team(id) ON DELETE CASCADE,
    staff_id INTEGER REFERENCES staff(id) ON DELETE CASCADE,
    cohort_id INTEGER REFERENCES cohort(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    CHECK ((trainer_id IS NOT NULL) + (team_id IS NOT NULL) + (staff_id IS NOT NULL)
           + (cohort_id IS NOT NULL) = 1)
);
CREATE INDEX feed_by_trainer ON feed(trainer_id);
CREATE INDEX feed_by_team ON feed(team_id);
CREATE INDEX feed_by_staff ON feed(staff_id);
CREATE INDEX feed_by_cohort ON feed(cohort_id)
"""
