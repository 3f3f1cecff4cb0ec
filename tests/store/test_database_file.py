"""The database file: WAL, foreign keys, waiting for a busy writer, atomic writes."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from refocus_cli.services.context import system_clock
from refocus_cli.store import teams
from refocus_cli.store.database import open_store


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "store.db", system_clock, "tester", create=True)
    yield opened
    opened.close()


def test_wal_mode_and_foreign_keys(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        with store.write():
            store.db.execute(
                "INSERT INTO membership (uuid, staff_id, team_id, start_date) "
                "VALUES ('x', 999, 999, '2027-01-01')"
            )


def test_a_failed_write_leaves_nothing_behind(store):
    with pytest.raises(RuntimeError):
        with store.write():
            teams.add(store, "Half Written", "", "")
            raise RuntimeError("power cut")
    assert store.rows("SELECT name FROM team") == []
    assert store.rows("SELECT * FROM audit") == []


def test_a_second_writer_waits_for_the_first(store, sh):
    holder = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO venue (uuid, name, capacity) VALUES ('v', 'Held Room', 5)")
    release = threading.Timer(1.5, lambda: holder.execute("COMMIT"))
    started = time.monotonic()
    release.start()
    try:
        done = sh("venue", "add", "Waiting Room", "--capacity", "10", "--db", str(store.path))
    finally:
        release.join()
        holder.close()
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 1.4
    names = [row["name"] for row in store.rows("SELECT name FROM venue ORDER BY id")]
    assert names == ["Held Room", "Waiting Room"]
