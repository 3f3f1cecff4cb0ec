"""Upgrades keep every row; backups are consistent while others write; files stay private."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import refocus_executable

DATA = Path(__file__).parent / "data"

# Another program writing to the database until told to stop: transactions of a
# random number of venues, each with one audit row saying how many it added, so that a copy taken
# part-way through a transaction shows as venues and audit rows that disagree.
# It never checkpoints (as when a long reader holds the WAL), so committed rows
# stay in the WAL file, where a copy of the database file alone would miss them.
WRITER = r"""
import os, random, sqlite3, sys, time
db, stop = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, timeout=15, isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint = 0")
rng, n = random.Random(7), 0
while not os.path.exists(stop):
    time.sleep(0.02)  # a busy writer, but one that leaves the machine to the test
    added = rng.randint(1, 300)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO venue (uuid, name, capacity) VALUES (?, ?, 10)",
        [(f"w-{n + i}", f"Writer Room {n + i}") for i in range(added)],
    )
    conn.execute(
        "INSERT INTO audit (at, actor, action, entity, new) VALUES "
        "('2027-01-04T09:00:00+00:00', 'writer', 'bulk', 'venue', ?)", [str(added)]
    )
    conn.execute("COMMIT")
    n += added
print(n)
"""


def rows_by_table(db: Path) -> dict[str, Counter]:
    """Every row of every table, by table, with the columns the table had."""
    conn = sqlite3.connect(db)
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    found = {}
    for table in tables:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]
        found[table] = (columns, Counter(conn.execute(f"SELECT * FROM [{table}]")))
    conn.close()
    return found


def test_an_upgrade_from_the_first_release_keeps_every_row(tmp_path, cli):
    db = tmp_path / "old.db"
    shutil.copy(DATA / "first_release.db", db)
    before = rows_by_table(db)
    assert cli("db", "migrate", "--db", str(db)).exit_code == 0
    conn = sqlite3.connect(db)
    for table, (columns, rows) in before.items():
        if table == "_sqlite_migrations":
            continue  # it gains a row per migration
        listed = ", ".join(f"[{column}]" for column in columns)
        after = Counter(conn.execute(f"SELECT {listed} FROM [{table}]"))
        assert after == rows, f"{table} lost or changed rows in the upgrade"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert cli("db", "check", "--db", str(db)).exit_code == 0


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([refocus_executable(), *args], capture_output=True, text=True, timeout=60)


def test_a_backup_taken_while_another_process_writes_is_consistent(programme, env_setup, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,team,email\n"
        + "".join(f"Person {n},North CMHT,p{n}@nhs.example\n" for n in range(3000))
    )
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(env_setup), str(stop)], stdout=subprocess.PIPE, text=True
    )
    importer = subprocess.Popen(
        [refocus_executable(), "staff", "import", str(roster)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    backups = []
    try:
        for n in range(4):
            time.sleep(0.1)
            conn = sqlite3.connect(env_setup)
            at_start = conn.execute("SELECT count(*) FROM venue").fetchone()[0]
            conn.close()
            target = tmp_path / f"backup-{n}.db"
            made = run("db", "backup", str(target))
            assert made.returncode == 0, made.stderr
            backups.append((target, at_start))
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0])
        importer.wait(timeout=60)
    assert importer.returncode == 0
    assert written > 0

    previous, copied = 0, []
    for target, at_start in backups:
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert not Path(f"{target}-wal").exists()  # one self-contained file
        checked = programme("db", "check", "--db", str(target))
        assert checked.exit_code == 0, checked.stderr
        conn = sqlite3.connect(target)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        venues = conn.execute("SELECT count(*) FROM venue WHERE uuid LIKE 'w-%'").fetchone()[0]
        announced = conn.execute(
            "SELECT coalesce(sum(CAST(new AS INTEGER)), 0) FROM audit WHERE actor = 'writer'"
        ).fetchone()[0]
        staff = conn.execute("SELECT count(*) FROM staff").fetchone()[0]
        conn.close()
        assert venues == announced, "the backup holds part of a transaction"
        assert staff in (0, 3000), "the backup holds part of the roster import"
        assert at_start <= venues <= written and venues >= previous
        previous = venues
        copied.append(venues)
    assert sum(0 < venues < written for venues in copied) >= 2, (copied, written)  # mid-write


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_restore_gives_back_every_table_as_backed_up(programme, env_setup, tmp_path):
    programme("staff", "add", "Ann Lee", "--team", "North CMHT", "--email", "ann@nhs.example")
    programme("trainer", "add", "Tess Trainer", "--stages", "workshop,working-practices")
    programme("venue", "add", "Hall", "--capacity", "30")
    backup = tmp_path / "backup.db"
    assert programme("db", "backup", str(backup)).exit_code == 0
    at_backup = dump(env_setup)
    programme("staff", "add", "Bo Diaz", "--team", "South CMHT")
    programme("team", "disband", "South CMHT", "--on", "2027-01-05")
    assert dump(env_setup) != at_backup
    assert programme("db", "restore", str(backup), "--yes").exit_code == 0
    assert dump(env_setup) == at_backup
    # Restoring to a path with no database yet makes a new, private one.
    fresh = tmp_path / "elsewhere" / "fresh.db"
    fresh.parent.mkdir()
    assert programme("db", "restore", str(backup), "--db", str(fresh), "--yes").exit_code == 0
    assert dump(fresh) == at_backup
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_database_files_are_private_whatever_the_umask(cli, tmp_path):
    db = tmp_path / "open.db"
    old = os.umask(0)
    try:
        assert cli("init", "Open Umask Trust", "--db", str(db)).exit_code == 0
        holder = sqlite3.connect(db)  # keep the WAL and shared-memory files in being
        holder.execute("SELECT count(*) FROM programme").fetchone()
        assert cli("team", "add", "North CMHT", "--db", str(db)).exit_code == 0
        assert cli("db", "backup", str(tmp_path / "copy.db"), "--db", str(db)).exit_code == 0
        made = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), tmp_path / "copy.db"]
        modes = {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in made}
        holder.close()
    finally:
        os.umask(old)
    assert modes == {path.name: "0o600" for path in made}


@pytest.fixture
def full_disk(tmp_path):
    """A tiny tmpfs, filled up: a real full disk. Skipped where mounting is not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root): the file-size-limit test stands in")

    def fill() -> None:
        with contextlib.suppress(OSError), open(disk / "filler", "ab", buffering=0) as filler:
            while True:
                filler.write(b"\0" * 4096)

    try:
        yield disk, fill
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_backup_to_a_full_disk_names_the_backup_not_the_database(programme, env_setup, full_disk):
    disk, fill = full_disk
    programme("staff", "add", "Ann Lee", "--team", "North CMHT")
    fill()
    before = dump(env_setup)
    result = programme("db", "backup", str(disk / "backup.db"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write the backup {disk / 'backup.db'}: ")
    assert "the disk it is on is full" in result.stderr
    assert str(env_setup) not in result.stderr
    assert sorted(os.listdir(disk)) == ["filler"]  # no half-written backup
    assert dump(env_setup) == before and programme("db", "check").exit_code == 0


def test_a_write_to_a_database_on_a_full_disk_names_the_database(programme, env_setup, full_disk):
    disk, fill = full_disk
    db = disk / "refocus.db"
    assert programme("db", "backup", str(db)).exit_code == 0
    holder = sqlite3.connect(db)  # keeps the log files in being while the disk fills
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("SELECT count(*) FROM team").fetchone()
    try:
        fill()
        roster = env_setup.parent / "roster.csv"
        roster.write_text(
            "name,team,email\n"
            + "".join(f"Person {n},North CMHT,p{n}@nhs.example\n" for n in range(2000))
        )
        result = programme("staff", "import", str(roster), "--db", str(db))
    finally:
        holder.close()
    assert result.exit_code == 1, result
    assert result.stderr.startswith(f"Error: the disk holding the database {db} is full")
    (disk / "filler").unlink()
    assert programme("staff", "list", "--json", "--db", str(db)).json() == []


# Writes past this size fail as they would on a full disk (RLIMIT_FSIZE, in a process
# of its own); SIGXFSZ is ignored so the write returns an error instead of killing it.
SIZE_LIMITED = r"""
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from refocus_cli.cli.app import main
sys.argv = ["refocus", *sys.argv[2:]]
main()
"""


def test_a_backup_that_cannot_be_written_whole_names_the_backup(programme, env_setup, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,team\n" + "".join(f"Person {n},North CMHT\n" for n in range(500)))
    assert programme("staff", "import", str(roster)).exit_code == 0
    size = env_setup.stat().st_size
    target = tmp_path / "limited" / "backup.db"
    target.parent.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", SIZE_LIMITED, str(size // 2), "db", "backup", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"Error: cannot write the backup {target}: "), done.stderr
    assert "no backup was made" in done.stderr and "Traceback" not in done.stderr
    assert os.listdir(target.parent) == []


def test_a_restore_onto_a_full_disk_changes_nothing(programme, env_setup, full_disk, tmp_path):
    disk, fill = full_disk
    db = disk / "refocus.db"
    assert programme("db", "backup", str(db)).exit_code == 0
    roster = tmp_path / "roster.csv"
    roster.write_text("name,team\n" + "".join(f"Person {n},North CMHT\n" for n in range(300)))
    assert programme("staff", "import", str(roster)).exit_code == 0
    bigger = tmp_path / "bigger.db"
    assert programme("db", "backup", str(bigger)).exit_code == 0
    fill()
    before = dump(db)
    result = programme("db", "restore", str(bigger), "--db", str(db), "--yes")
    assert result.exit_code == 1, result
    assert result.stderr.startswith(f"Error: cannot make the restored copy in {disk}: ")
    assert "the disk it is on is full" in result.stderr and "nothing was changed" in result.stderr
    assert sorted(os.listdir(disk)) == ["filler", "refocus.db"]
    assert dump(db) == before
