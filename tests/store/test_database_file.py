"""The database file: WAL, foreign keys, waiting for a busy writer, atomic writes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

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


def _lock(path: Path, on: bool = True) -> bool:
    """Make a file or folder unwritable, even for root (who ignores permission bits), or
    writable again; False when this file system cannot."""
    if os.geteuid() != 0:
        path.chmod((0o500 if path.is_dir() else 0o400) if on else 0o700)
        return True
    try:
        done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    except FileNotFoundError:
        return False
    return done.returncode == 0


@pytest.fixture
def locked():
    """Lock the database file or its folder for the test, unlocking it afterwards."""
    held: list[Path] = []

    def lock(path: Path) -> None:
        if not _lock(path):
            pytest.skip("this file system cannot make a file read-only for root")
        held.append(path)

    yield lock
    for path in held:
        _lock(path, on=False)


def _reads_and_refuses_writes(cli, db: Path, tmp_path: Path, why: str) -> None:
    before = db.read_bytes()
    staff = cli("staff", "list", "--json", "--db", str(db))
    assert staff.exit_code == 0, staff
    assert [person["name"] for person in staff.json()] == ["Ann Lee"]
    for reading in (
        ["team", "show", "North CMHT"],
        ["sessions"],
        ["report", "participation"],
        ["staff", "export", "Ann Lee"],
        ["export", "csv", "staff", "-o", str(tmp_path / "staff.csv")],
    ):
        done = cli(*reading, "--db", str(db))
        assert done.exit_code == 0, (reading, done)
    assert "Ann Lee" in (tmp_path / "staff.csv").read_text()
    for writing in (["team", "add", "East CMHT"], ["staff", "leave", "Ann Lee"]):
        refused = cli(*writing, "--db", str(db))
        assert refused.exit_code == 1, refused
        assert refused.stderr == (
            f"Error: the database {db} is read-only ({why}); nothing was changed: copy it "
            "somewhere writable or fix its permissions\n"
        )
    assert db.read_bytes() == before


def test_a_database_in_a_read_only_folder_can_be_read(programme, locked, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "refocus.db"
    programme("staff", "add", "Ann Lee", "--team", "North CMHT")
    assert programme("db", "backup", str(db)).exit_code == 0
    locked(folder)
    _reads_and_refuses_writes(programme, db, tmp_path, f"its folder {folder} is not writable")
    assert sorted(os.listdir(folder)) == ["refocus.db"]  # not even a log file was made


def test_a_read_only_database_file_can_be_read(programme, locked, tmp_path, env_setup):
    programme("staff", "add", "Ann Lee", "--team", "North CMHT")
    locked(env_setup)
    _reads_and_refuses_writes(programme, env_setup, tmp_path, "the file is not writable")


def test_a_read_only_database_that_needs_an_upgrade_says_so(cli, locked, tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).parents[1] / "data" / "first_release.db", db)
    locked(db)
    result = cli("staff", "list", "--db", str(db))
    assert result.exit_code == 1
    assert f"the database {db} is read-only (the file is not writable)" in result.stderr
    assert "needs an upgrade first" in result.stderr


def test_a_read_only_folder_with_a_log_still_holding_changes_says_so(programme, locked, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "refocus.db"
    assert programme("db", "backup", str(db)).exit_code == 0
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO venue (uuid, name, capacity) VALUES ('v', 'In The Log', 5)")
    shutil.copy(db, tmp_path / "copy.db")
    shutil.copy(f"{db}-wal", tmp_path / "copy.db-wal")
    writer.close()  # folds the log in; put the crashed state back
    for suffix in ("", "-wal"):
        shutil.copy(tmp_path / f"copy.db{suffix}", f"{db}{suffix}")
    Path(f"{db}-shm").unlink(missing_ok=True)
    locked(folder)
    result = programme("venue", "list", "--db", str(db))
    assert result.exit_code == 1
    assert "holds changes not yet in the file" in result.stderr
