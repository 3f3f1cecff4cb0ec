"""Reading a test's database file directly: every row, session SEQUENCEs, audit entries."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any


def every_row(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, to show that a refused command wrote nothing."""
    conn = sqlite3.connect(db)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: sorted(conn.execute(f"SELECT * FROM [{table}]").fetchall(), key=repr)
            for table in tables
        }
    finally:
        conn.close()


def sequences(db: Path) -> dict[int, int]:
    """Each session's SEQUENCE, by id."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT id, sequence FROM session").fetchall())
    finally:
        conn.close()


def last_audit(db: Path, action: str | None = None) -> dict[str, Any]:
    """The latest audit entry (of `action`), with its old and new values read."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        where = "WHERE action = ?" if action else ""
        row = conn.execute(
            f"SELECT * FROM audit {where} ORDER BY id DESC LIMIT 1", [action] if action else []
        ).fetchone()
    finally:
        conn.close()
    entry = dict(row)
    for key in ("old", "new"):
        entry[key] = json.loads(entry[key]) if entry[key] else None
    return entry


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """The rows a query gives."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
