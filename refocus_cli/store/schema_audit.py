"""Comparing a database file's schema with the one refocus's migrations make.

The expected schema is never written out by hand: it is built by running the same
migrations, up to the same point, into an in-memory database.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from refocus_cli.store.migrations import MIGRATION_SET, NAMES, migrations

# The migrations table and its index are made by sqlite-utils, whose wording of the
# CREATE statement may change between its versions: these two are compared by shape.
SHAPED_BY_SQLITE_UTILS = {
    migrations.migrations_table,
    f"idx_{migrations.migrations_table}_migration_set_name",
}


@dataclass(frozen=True)
class SchemaFindings:
    """What in a file's schema refocus does not define (`foreign`, by kind and name), and
    what differs from or is missing against what its migrations make (`drift`)."""

    foreign: list[str]
    drift: list[str]

    @property
    def problems(self) -> list[str]:
        """Every finding, in plain words."""
        return [
            *(f"{name}: refocus does not define it" for name in self.foreign),
            *self.drift,
        ]


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """The refocus migrations a database says it has applied, in the order applied."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if migrations.migrations_table not in tables:
        return []
    return [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {migrations.migrations_table} WHERE migration_set = ? "
            "ORDER BY rowid",
            [MIGRATION_SET],
        )
    ]


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    # Statistics tables come from ANALYZE (or PRAGMA optimize) and only guide the query
    # planner; every other object, SQLite's own autoindexes included, is compared.
    return {
        (kind, name): " ".join((sql or "").split())
        for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'"
        )
    }


@functools.lru_cache(maxsize=8)
def _expected(applied: tuple[str, ...]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    db = Database(conn)
    steps = {step.name: step for step in migrations.pending(db)}
    migrations.ensure_migrations_table(db)
    for name in NAMES:
        if name in applied:
            step = steps[name]
            with db.atomic() if step.transactional else contextlib.nullcontext():
                step.fn(db)
    return conn


def _shape(conn: sqlite3.Connection, kind: str, name: str) -> list[tuple[object, ...]]:
    pragma = "table_info" if kind == "table" else "index_xinfo"
    return [tuple(row) for row in conn.execute(f"PRAGMA {pragma}([{name}])")]


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_xinfo([{table}])")}


def _difference(found: sqlite3.Connection, expected: sqlite3.Connection, table: str) -> str:
    have, want = _columns(found, table), _columns(expected, table)
    parts = []
    if want - have:
        parts.append("missing column " + ", ".join(sorted(want - have)))
    if have - want:
        parts.append("extra column " + ", ".join(sorted(have - want)))
    return "; ".join(parts) or "its columns' types, defaults or constraints differ"


def compare(conn: sqlite3.Connection, applied: Iterable[str]) -> SchemaFindings:
    """How the schema of `conn` departs from the one refocus makes with `applied`."""
    expected_conn = _expected(tuple(sorted(applied)))
    found, expected = _objects(conn), _objects(expected_conn)
    foreign = [f"{kind} {name}" for kind, name in sorted(found.keys() - expected.keys())]
    # Tables before indexes, and nothing said about the indexes of a missing table.
    order = sorted(expected, key=lambda key: (key[0] != "table", key))
    missing_tables = {name for kind, name in expected.keys() - found.keys() if kind == "table"}
    tables = {name: table for (_, name), table in _owners(expected_conn).items()}
    drift = ["tables missing: " + ", ".join(sorted(missing_tables))] if missing_tables else []
    for key in order:
        kind, name = key
        if key not in found:
            if kind != "table" and tables.get(name) not in missing_tables:
                drift.append(f"{kind} {name} is missing")
            continue
        if found[key] == expected[key] or (
            name in SHAPED_BY_SQLITE_UTILS
            and _shape(conn, kind, name) == _shape(expected_conn, kind, name)
        ):
            continue
        detail = _difference(conn, expected_conn, name) if kind == "table" else "defined otherwise"
        drift.append(f"{kind} {name} differs from refocus's definition ({detail})")
    return SchemaFindings(foreign=foreign, drift=drift)


def _owners(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    return {
        (kind, name): table
        for kind, name, table in conn.execute("SELECT type, name, tbl_name FROM sqlite_master")
    }
