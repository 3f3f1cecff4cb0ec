"""Backups, restores and health checks of the database file."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from refocus_cli.core.errors import Conflict, DatabaseProblem
from refocus_cli.store.database import Store, explain_database_error
from refocus_cli.store.migrations import MIGRATION_SET, NAMES, migrations


def _private_temp(beside: Path) -> Path:
    descriptor, name = tempfile.mkstemp(prefix=f".{beside.name}.", suffix=".tmp", dir=beside.parent)
    os.close(descriptor)
    os.chmod(name, 0o600)
    return Path(name)


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


def _open_source(source: Path) -> sqlite3.Connection:
    if source.is_dir():
        raise DatabaseProblem(f"{source} is a directory: give the backup file to restore")
    if not source.exists():
        raise DatabaseProblem(f"no file at {source}: give the path of a refocus backup")
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(
            f"{source} cannot be restored: it is not a usable SQLite database ({exc})"
        ) from None
    if result != "ok":
        conn.close()
        raise DatabaseProblem(f"{source} fails its integrity check ({result}): use another backup")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    applied = []
    if migrations.migrations_table in tables:
        applied = [
            row[0]
            for row in conn.execute(
                f"SELECT name FROM {migrations.migrations_table} WHERE migration_set = ?",
                [MIGRATION_SET],
            )
        ]
    if not applied:
        conn.close()
        raise DatabaseProblem(f"{source} is not a refocus database: give a refocus backup")
    newer = [name for name in applied if name not in NAMES]
    if newer:
        conn.close()
        raise DatabaseProblem(
            f"{source} was written by a newer version of refocus: upgrade refocus to restore it"
        )
    return conn


def restore(source: Path, target: Path) -> None:
    """Replace the database at `target` with the backup at `source`, checked first."""
    if source.resolve() == target.resolve():
        raise Conflict("the backup and the database are the same file: nothing to restore")
    if target.is_dir():
        raise DatabaseProblem(f"{target} is a directory: give --db the path of a database file")
    conn = _open_source(source)
    try:
        if _healthy(target):
            destination = sqlite3.connect(str(target), timeout=15)
            try:
                conn.backup(destination)
            except sqlite3.DatabaseError as exc:
                raise explain_database_error(exc, target) from None
            finally:
                destination.close()
        else:
            for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
            _copy_into_new_file(conn, target)
    finally:
        conn.close()
    os.chmod(target, 0o600)


def _healthy(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return True


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
    """Integrity, foreign keys and orphan rows, in plain words."""
    integrity = [row[0] for row in store.db.execute("PRAGMA integrity_check")]
    problems = [] if integrity == ["ok"] else [f"integrity: {line}" for line in integrity]
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
