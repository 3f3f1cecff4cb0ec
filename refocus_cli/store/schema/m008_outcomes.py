"""Outcomes: measurement windows, scores at baseline and follow-up, evaluation forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from refocus_cli.store.migrations import _run, migration

if TYPE_CHECKING:
    from sqlite_utils import Database


@migration
def m008_outcomes(db: Database) -> None:
    _run(db, M008)


# Did it work? A window is when scores are collected (before the rollout, after it),
# for the whole programme or one cohort. Scores are kept per measure and window kind:
# a staff-level measure per person; a service-user measure only as a team's n and mean,
# so no service user's identity is ever stored. Evaluation forms come back anonymous,
# one row per numbered form of a session, so typing them up twice changes nothing.
M008 = """
CREATE TABLE measure_window (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('baseline', 'follow-up')),
    cohort_id INTEGER REFERENCES cohort(id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX measure_window_by_cohort ON measure_window(cohort_id);
CREATE TABLE staff_score (
    measure TEXT NOT NULL,
    window_kind TEXT NOT NULL CHECK (window_kind IN ('baseline', 'follow-up')),
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (measure, window_kind, staff_id)
);
CREATE INDEX staff_score_by_staff ON staff_score(staff_id);
CREATE TABLE team_score (
    measure TEXT NOT NULL,
    window_kind TEXT NOT NULL CHECK (window_kind IN ('baseline', 'follow-up')),
    team_id INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
    n INTEGER NOT NULL CHECK (n >= 1),
    mean REAL NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (measure, window_kind, team_id)
);
CREATE TABLE evaluation_form (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    form INTEGER NOT NULL CHECK (form >= 1),
    ratings TEXT NOT NULL,
    will_do TEXT NOT NULL DEFAULT '',
    better TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (session_id, form)
)
"""
