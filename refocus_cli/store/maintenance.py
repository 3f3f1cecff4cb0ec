"""Backups and health checks of the database file (restores: `store/restore.py`)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from refocus_cli.core.errors import Conflict, DatabaseProblem
from refocus_cli.store.database import Store
from refocus_cli.store.migrations import NAMES, migrations
from refocus_cli.store.schema_audit import compare


def _private_temp(beside: Path) -> Path:
    descriptor, name = tempfile.mkstemp(prefix=f".{beside.name}.", suffix=".tmp", dir=beside.parent)
    os.close(descriptor)
    os.chmod(name, 0o600)
    return Path(name)


def disk_words(exc: sqlite3.DatabaseError) -> str:
    """What went wrong writing a file, in plain words."""
    text = str(exc)
    if "full" in text:
        return f"the disk it is on is full ({text}): free some space or write it elsewhere"
    return text


def _copy_into_new_file(source: sqlite3.Connection, target: Path) -> None:
    """Copy a live database into `target` through a private temporary file, so a
    failure never leaves a half-written file at `target`."""
    if not target.parent.is_dir():
        raise DatabaseProblem(f"cannot write {target}: folder {target.parent} does not exist")
    try:
        temp = _private_temp(target)
    except OSError as exc:
        raise DatabaseProblem(f"cannot write in {target.parent}: {exc.strerror}") from None
    try:
        destination = sqlite3.connect(str(temp))
        try:
            source.backup(destination)
            # A backup is a single self-contained file: no WAL beside it.
            destination.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.DatabaseError as exc:
            # The error is about the file being written, not the live database.
            raise DatabaseProblem(
                f"cannot write the backup {target}: {disk_words(exc)}; no backup was made"
            ) from None
        finally:
            destination.close()
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def backup(store: Store, target: Path) -> dict[str, Any]:
    """Copy the database with SQLite's online backup: safe while others write."""
    if target.exists():
        raise Conflict(f"{target} already exists: choose a new file name for the backup")
    if target.resolve() == store.path.resolve():
        raise Conflict("the backup cannot overwrite the database itself: choose another path")
    _copy_into_new_file(store.db.conn, target)
    return {"backup": str(target), "bytes": target.stat().st_size}


ORPHANS = {
    "staff with no team history at all": (
        "SELECT count(*) FROM staff s WHERE NOT EXISTS "
        "(SELECT 1 FROM membership m WHERE m.staff_id = s.id)"
    ),
    "staff marked as left who still have a current team": (
        "SELECT count(*) FROM staff s JOIN membership m ON m.staff_id = s.id "
        "WHERE s.left_on IS NOT NULL AND m.end_date IS NULL"
    ),
    "current memberships in teams that were merged or disbanded": (
        "SELECT count(*) FROM membership m JOIN team t ON t.id = m.team_id "
        "WHERE m.end_date IS NULL AND t.status != 'active'"
    ),
    "merged teams that do not say which team they joined": (
        "SELECT count(*) FROM team WHERE status = 'merged' AND merged_into IS NULL"
    ),
    "cohort entries for teams that no longer exist": (
        "SELECT count(*) FROM cohort_team ct WHERE NOT EXISTS "
        "(SELECT 1 FROM team t WHERE t.id = ct.team_id)"
    ),
}

NOTICES = {
    "staff with no current team (their team was disbanded): "
    "give them one with `refocus staff move`": (
        "SELECT count(*) FROM staff s WHERE s.left_on IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM membership m WHERE m.staff_id = s.id AND m.end_date IS NULL)"
    ),
}


def check(store: Store) -> dict[str, Any]:
    """Integrity, schema (objects refocus does not define, drift from its own), foreign keys
    and orphan rows, in plain words."""
    integrity = [row[0] for row in store.db.execute("PRAGMA integrity_check")]
    problems = [] if integrity == ["ok"] else [f"integrity: {line}" for line in integrity]
    schema = compare(store.db.conn, [m.name for m in migrations.applied(store.db)])
    problems += schema.problems
    for table, rowid, parent, _ in store.db.execute("PRAGMA foreign_key_check"):
        problems.append(f"{table} row {rowid} points to a missing {parent}")
    for words, sql in ORPHANS.items():
        count = store.db.execute(sql).fetchone()[0]
        if count:
            problems.append(f"{count} {words}")
    notices = []
    for words, sql in NOTICES.items():
        count = store.db.execute(sql).fetchone()[0]
        if count:
            notices.append(f"{count} {words}")
    counts = {
        table: store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("team", "staff", "membership", "trainer", "venue", "cohort", "audit")
    }
    return {
        "path": str(store.path),
        "schema": schema_state(store)["schema"],
        "ok": not problems,
        "problems": problems,
        "foreign": schema.foreign,
        "drift": schema.drift,
        "notices": notices,
        "counts": counts,
    }


def schema_state(store: Store) -> dict[str, Any]:
    """Which migrations the database has, and which this run applied."""
    applied = [m.name for m in migrations.applied(store.db)]
    return {
        "schema": applied[-1] if applied else None,
        "applied": applied,
        "applied_now": store.migrated,
        "pending": [name for name in NAMES if name not in applied],
    }
