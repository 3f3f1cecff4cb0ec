"""The schema, as a numbered list of migrations. Never edit one that has shipped; add the next."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "refocus"
MIGRATIONS_TABLE = "_sqlite_migrations"  # where sqlite-utils' runner records each one
NAMES: list[str] = []
_STEPS: list[Callable[[Database], None]] = []


def migration(fn: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register `fn` as the next migration, under its function name."""
    NAMES.append(fn.__name__)
    _STEPS.append(fn)
    return fn


@functools.cache
def _runner() -> Migrations:
    # sqlite-utils (and what it imports, about 60 ms) is loaded only when the migrations
    # are run or inspected, not by every command that opens a database.
    from sqlite_utils.migrations import Migrations

    runner = Migrations(MIGRATION_SET)  # its migrations_table is MIGRATIONS_TABLE
    for step in _STEPS:
        runner(name=step.__name__)(step)
    return runner


def __getattr__(name: str) -> Any:
    """`migrations`: sqlite-utils' runner of every migration, made when first asked for."""
    if name == "migrations":
        return _runner()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _run(db: Database, script: str) -> None:
    # executescript() would commit the migration's transaction, so run statement by statement.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migration
def m001_initial(db: Database) -> None:
    _run(db, M001)


M001 = """
CREATE TABLE programme (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL,
    region TEXT NOT NULL,
    start_date TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE closure (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    date TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE team (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    site TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged', 'disbanded')),
    created_at TEXT NOT NULL,
    ended_on TEXT,
    merged_into INTEGER REFERENCES team(id)
);
CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL DEFAULT '',
    is_manager INTEGER NOT NULL DEFAULT 0,
    left_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX staff_by_name ON staff(name COLLATE NOCASE);
CREATE TABLE membership (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES team(id),
    start_date TEXT NOT NULL,
    end_date TEXT,
    end_reason TEXT,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX membership_by_team ON membership(team_id, start_date);
CREATE INDEX membership_by_staff ON membership(staff_id, start_date);
CREATE UNIQUE INDEX membership_one_current ON membership(staff_id) WHERE end_date IS NULL;
CREATE TABLE trainer (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT UNIQUE COLLATE NOCASE,
    lived_experience INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE trainer_stage (
    trainer_id INTEGER NOT NULL REFERENCES trainer(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    PRIMARY KEY (trainer_id, stage)
);
CREATE TABLE trainer_unavailable (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    trainer_id INTEGER NOT NULL REFERENCES trainer(id) ON DELETE CASCADE,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    CHECK (to_date >= from_date)
);
CREATE TABLE venue (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    site TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL CHECK (capacity > 0)
);
CREATE TABLE cohort (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
);
CREATE TABLE cohort_team (
    cohort_id INTEGER NOT NULL REFERENCES cohort(id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES team(id),
    PRIMARY KEY (cohort_id, team_id)
);
CREATE INDEX cohort_team_by_team ON cohort_team(team_id);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    old TEXT,
    new TEXT
);
CREATE INDEX audit_by_entity ON audit(entity, entity_id)
"""


@migration
def m002_sessions(db: Database) -> None:
    _run(db, M002)


M002 = """
CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    cohort_id INTEGER REFERENCES cohort(id),
    stage TEXT NOT NULL,
    module TEXT NOT NULL,
    strategy TEXT NOT NULL,
    occurrence INTEGER NOT NULL DEFAULT 1,
    group_no INTEGER NOT NULL DEFAULT 1,
    kind TEXT NOT NULL DEFAULT 'planned' CHECK (kind IN ('planned', 'catch-up')),
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    venue_id INTEGER REFERENCES venue(id),
    expected INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'held', 'cancelled')),
    sequence INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (end_utc > start_utc)
);
CREATE INDEX session_by_start ON session(start_utc);
CREATE INDEX session_by_cohort ON session(cohort_id, stage);
CREATE TABLE session_team (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES team(id),
    PRIMARY KEY (session_id, team_id)
);
CREATE INDEX session_team_by_team ON session_team(team_id);
CREATE TABLE session_trainer (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    trainer_id INTEGER NOT NULL REFERENCES trainer(id),
    role TEXT NOT NULL DEFAULT 'lead' CHECK (role IN ('lead', 'lived-experience')),
    PRIMARY KEY (session_id, trainer_id)
);
CREATE INDEX session_trainer_by_trainer ON session_trainer(trainer_id)
"""


@migration
def m003_session_invitees(db: Database) -> None:
    # Catch-up sessions are for named people, not whole teams.
    _run(db, M003)


M003 = """
CREATE TABLE session_invitee (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, staff_id)
);
CREATE INDEX session_invitee_by_staff ON session_invitee(staff_id)
"""


@migration
def m004_module_overrides(db: Database) -> None:
    # A programme's own durations, session counts, spacing and group sizes per module.
    _run(db, M004)


M004 = """
CREATE TABLE module_override (
    module TEXT NOT NULL,
    field TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (module, field)
)
"""


@migration
def m005_attendance(db: Database) -> None:
    _run(db, M005)


M005 = """
CREATE TABLE attendance (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    staff_id INTEGER REFERENCES staff(id) ON DELETE CASCADE,
    visitor TEXT,
    status TEXT NOT NULL
        CHECK (status IN ('present', 'late', 'left-early', 'excused', 'absent')),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CHECK ((staff_id IS NULL) != (visitor IS NULL))
);
-- One mark per person per session. Not partial: visitors' NULL staff ids never clash,
-- and the index also serves every lookup (and cascade) by session.
CREATE UNIQUE INDEX attendance_one_mark ON attendance(session_id, staff_id);
CREATE UNIQUE INDEX attendance_one_visitor ON attendance(session_id, visitor)
    WHERE visitor IS NOT NULL;
CREATE INDEX attendance_by_staff ON attendance(staff_id)
"""


@migration
def m006_year_of_change(db: Database) -> None:
    _run(db, M006)


# A year of change: who is clinical is recorded (set here from the job-title guess the
# first release made, and marked as guessed so a coordinator can check each person);
# a follow-up date and a notice period for catch-ups are programme settings; catch-up
# sessions carry the cohorts of the people invited; audit entries are grouped by the
# change (one command) they belong to, so a change can be undone as a whole.
M006 = """
ALTER TABLE programme ADD COLUMN follow_up_date TEXT;
ALTER TABLE programme ADD COLUMN notice_days INTEGER NOT NULL DEFAULT 10
    CHECK (notice_days >= 0);
ALTER TABLE staff ADD COLUMN clinical INTEGER NOT NULL DEFAULT 1 CHECK (clinical IN (0, 1));
ALTER TABLE staff ADD COLUMN clinical_guessed INTEGER NOT NULL DEFAULT 0
    CHECK (clinical_guessed IN (0, 1));
UPDATE staff SET clinical_guessed = 1, clinical = CASE
    WHEN lower(role) LIKE '%admin%' OR lower(role) LIKE '%reception%'
        OR lower(role) LIKE '%secretar%' OR lower(role) LIKE '%clerk%' THEN 0
    ELSE 1 END;
CREATE TABLE session_cohort (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    cohort_id INTEGER NOT NULL REFERENCES cohort(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, cohort_id)
);
CREATE INDEX session_cohort_by_cohort ON session_cohort(cohort_id);
ALTER TABLE audit ADD COLUMN change_id INTEGER;
ALTER TABLE audit ADD COLUMN undone_by INTEGER REFERENCES audit(id);
CREATE INDEX audit_by_change ON audit(change_id)
"""


@migration
def m007_dated_departures(db: Database) -> None:
    _run(db, M007)


# A trainer or venue that past sessions name is retired, not deleted, so those sessions
# keep who delivered them and where; a team leaves a cohort on a date, so views before
# that date still show it in the cohort.
M007 = """
ALTER TABLE trainer ADD COLUMN removed_on TEXT;
ALTER TABLE venue ADD COLUMN removed_on TEXT;
ALTER TABLE cohort_team ADD COLUMN left_on TEXT
"""


def _register_later_migrations() -> None:
    # Later migrations live one per module in store/schema/, so that features built side
    # by side each add their own file; their names (m008_…, m009_…) fix the order.
    import importlib
    import pkgutil

    from refocus_cli.store import schema

    for module in sorted(info.name for info in pkgutil.iter_modules(schema.__path__)):
        importlib.import_module(f"{schema.__name__}.{module}")


_register_later_migrations()
