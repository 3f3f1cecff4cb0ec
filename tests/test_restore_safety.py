"""`db restore` checks a backup whole before the live database is touched, and keeps the
database it replaces; `db check` finds what refocus does not define."""

from __future__ import annotations

import hashlib
import os
import pty
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import refocus_executable

from refocus_cli.store import restore
from refocus_cli.store.migrations import NAMES

DATA = Path(__file__).parent / "data"


@pytest.fixture
def live(programme, env_setup, tmp_path):
    """A programme with one person, and a good backup of it in its own folder."""
    programme("staff", "add", "Ann Lee", "--team", "North CMHT", "--email", "ann@nhs.example")
    backups = tmp_path / "backups"
    backups.mkdir()
    assert programme("db", "backup", str(backups / "good.db")).exit_code == 0
    programme("staff", "add", "Bo Diaz", "--team", "South CMHT")
    return env_setup


def state(db: Path) -> tuple[str, list[str]]:
    """The live database's bytes (with its log) and the files in its folder."""
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        if Path(f"{db}{suffix}").exists():
            digest.update(Path(f"{db}{suffix}").read_bytes())
    return digest.hexdigest(), sorted(os.listdir(db.parent))


def spoiled(backup: Path, name: str, *statements: str) -> Path:
    """A copy of `backup` changed by raw SQL, as someone could hand it over."""
    path = backup.with_name(f"{name}.db")
    shutil.copy(backup, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


def refused(cli, live: Path, file: Path, *words: str) -> str:
    before = state(live)
    result = cli("db", "restore", str(file), "--yes")
    assert result.exit_code == 1, result
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "was not touched" in result.stderr or "newer version" in result.stderr
    assert state(live) == before  # same bytes, no temporary or kept file left behind
    assert [p["name"] for p in cli("staff", "list", "--json").json()] == ["Ann Lee", "Bo Diaz"]
    return result.stderr


def test_a_file_with_only_the_migrations_table_is_refused(cli, live, tmp_path):
    hollow = tmp_path / "backups" / "hollow.db"
    conn = sqlite3.connect(hollow)
    conn.execute(
        "CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
        "name TEXT, applied_at TEXT)"
    )
    conn.executemany(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        [("refocus", name, "2027-01-01") for name in NAMES],
    )
    conn.commit()
    conn.close()
    refused(cli, live, hollow, "tables missing: attendance, audit,", " staff,")


def test_a_backup_with_broken_links_is_refused(cli, live, tmp_path):
    good = tmp_path / "backups" / "good.db"
    orphan = spoiled(
        good,
        "orphan",
        "INSERT INTO membership (uuid, staff_id, team_id, start_date) "
        "VALUES ('orphan', 77, 1, '2027-01-01')",
    )
    refused(cli, live, orphan, "membership row 2 points to a missing staff")
    nobody = spoiled(good, "nobody", "DELETE FROM membership")
    refused(cli, live, nobody, "1 staff with no team history at all")


def test_a_backup_with_a_shadow_trigger_is_refused_by_name(cli, live, tmp_path):
    shadow = spoiled(
        tmp_path / "backups" / "good.db",
        "shadow",
        "CREATE TABLE zz_shadow (name TEXT, email TEXT)",
        "CREATE TRIGGER zz_copy BEFORE UPDATE ON staff BEGIN "
        "INSERT INTO zz_shadow VALUES (old.name, old.email); END",
    )
    refused(cli, live, shadow, "trigger zz_copy: refocus does not define it", "table zz_shadow")


def test_a_backup_with_a_trigger_that_blocks_writes_is_refused(cli, live, tmp_path):
    blocking = spoiled(
        tmp_path / "backups" / "good.db",
        "blocking",
        "CREATE TRIGGER no_writes BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no'); END",
    )
    refused(cli, live, blocking, "trigger no_writes")


def test_a_backup_whose_audit_log_is_a_view_is_refused(cli, live, tmp_path):
    view = spoiled(
        tmp_path / "backups" / "good.db",
        "view",
        "DROP TABLE audit",
        "CREATE VIEW audit AS SELECT 1 AS id, '' AS at, '' AS actor, '' AS action, "
        "'' AS entity, NULL AS entity_id, NULL AS old, NULL AS new, NULL AS change_id, "
        "NULL AS undone_by",
    )
    refused(cli, live, view, "view audit: refocus does not define it", "tables missing: audit")


def test_a_backup_with_extra_tables_or_changed_columns_is_refused(cli, live, tmp_path):
    good = tmp_path / "backups" / "good.db"
    refused(cli, live, spoiled(good, "extra", "CREATE TABLE notes (x)"), "table notes")
    refused(
        cli, live, spoiled(good, "index", "CREATE UNIQUE INDEX one ON staff(role)"), "index one"
    )
    widened = spoiled(good, "widened", "ALTER TABLE venue ADD COLUMN secret TEXT")
    refused(cli, live, widened, "table venue differs", "extra column secret")
    # Same columns, but capacity no longer checked: the definitions are compared whole.
    conn = sqlite3.connect(good)
    (venue,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'venue'").fetchone()
    conn.close()
    assert "CHECK (capacity > 0)" in venue
    unchecked = spoiled(
        good,
        "unchecked",
        venue.replace("CHECK (capacity > 0)", "").replace("venue", "venue_new", 1),
        "INSERT INTO venue_new SELECT * FROM venue",
        "DROP TABLE venue",
        "ALTER TABLE venue_new RENAME TO venue",
    )
    refused(cli, live, unchecked, "table venue differs", "types, defaults or constraints differ")


def test_a_backup_from_a_newer_version_is_refused(cli, live, tmp_path):
    newer = spoiled(
        tmp_path / "backups" / "good.db",
        "newer",
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('refocus', 'm999_from_the_future', '2030-01-01')",
    )
    refused(cli, live, newer, "newer version of refocus", "m999_from_the_future")


def test_files_that_are_not_refocus_databases_are_refused(cli, live, tmp_path):
    notes = tmp_path / "backups" / "notes.db"
    notes.write_text("meeting notes, not a database\n" * 100)
    refused(cli, live, notes, "not a usable SQLite database")
    good = tmp_path / "backups" / "good.db"
    truncated = tmp_path / "backups" / "truncated.db"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused(cli, live, truncated, str(truncated))
    other = tmp_path / "backups" / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    refused(cli, live, other, "not a refocus database")


def test_restoring_keeps_the_replaced_database_beside_it(cli, live, tmp_path):
    restored = cli("db", "restore", str(tmp_path / "backups" / "good.db"), "--yes")
    assert restored.exit_code == 0, restored
    kept = [path for path in live.parent.iterdir() if ".replaced-" in path.name]
    assert len(kept) == 1 and kept[0].name.startswith("refocus.replaced-")
    assert str(kept[0]) in restored.stderr
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(live.stat().st_mode) == 0o600
    assert [p["name"] for p in cli("staff", "list", "--json").json()] == ["Ann Lee"]
    back = cli("staff", "list", "--json", "--db", str(kept[0])).json()
    assert [p["name"] for p in back] == ["Ann Lee", "Bo Diaz"]
    assert not list(live.parent.glob(".*.tmp*"))  # no restoring copy left


def test_without_a_terminal_or_yes_nothing_is_replaced(cli, live, tmp_path):
    before = state(live)
    result = cli("db", "restore", str(tmp_path / "backups" / "good.db"))
    assert result.exit_code == 1 and "add --yes" in result.stderr
    assert state(live) == before


def test_on_a_terminal_the_answer_decides(live, tmp_path):
    good = tmp_path / "backups" / "good.db"

    def answer(reply: bytes) -> tuple[int, str]:
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [refocus_executable(), "db", "restore", str(good)],
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        os.close(follower)
        os.write(leader, reply)
        _, err = process.communicate(timeout=60)
        os.close(leader)
        return process.returncode, err.decode()

    before = state(live)
    code, err = answer(b"n\n")
    assert code == 1 and "Nothing was restored" in err
    assert f"Replace the database at {live} (2 staff, 0 sessions" in err
    assert f"with {good} (1 staff, 0 sessions" in err
    assert state(live)[0] == before[0]
    code, err = answer(b"y\n")
    assert code == 0, err
    assert "Restored" in err and ".replaced-" in err


def test_an_older_backup_is_upgraded_as_a_copy(cli, live):
    restored = cli("db", "restore", str(DATA / "first_release.db"), "--yes", "--json")
    assert restored.exit_code == 0, restored
    record = restored.json()
    assert record["backup_schema"] == "m001_initial" and record["migrated"] == NAMES[1:]
    assert record["ok"] is True and record["foreign"] == [] and record["drift"] == []
    assert Path(record["kept"]).exists()
    assert sqlite3.connect(DATA / "first_release.db").execute(
        "SELECT count(*) FROM _sqlite_migrations"
    ).fetchone() == (1,)  # the backup itself is never written to


def test_the_write_ahead_log_goes_into_the_kept_file_not_the_new_one(cli, live, tmp_path):
    # A log left holding rows (a crash, or a copy taken while the database was open).
    holder = sqlite3.connect(live, isolation_level=None)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("INSERT INTO venue (uuid, name, capacity) VALUES ('v', 'Only In Log', 5)")
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    for suffix in ("", "-wal"):
        shutil.copy(f"{live}{suffix}", snapshot / f"refocus.db{suffix}")
    holder.close()
    for suffix in ("", "-wal"):
        shutil.copy(snapshot / f"refocus.db{suffix}", f"{live}{suffix}")
    assert Path(f"{live}-wal").stat().st_size > 0
    assert cli("db", "restore", str(tmp_path / "backups" / "good.db"), "--yes").exit_code == 0
    assert cli("venue", "list", "--json").json() == []
    kept = next(live.parent.glob("refocus.replaced-*.db"))
    conn = sqlite3.connect(kept)
    assert conn.execute("SELECT name FROM venue").fetchall() == [("Only In Log",)]
    conn.close()
    assert cli("db", "check").exit_code == 0


def test_a_database_open_in_another_program_is_not_replaced(cli, live, tmp_path, monkeypatch):
    monkeypatch.setattr(restore, "ALONE_WAIT_S", 0.2)  # how long it waits is not the point
    holder = sqlite3.connect(live)
    holder.execute("SELECT count(*) FROM staff").fetchone()
    try:
        before = state(live)
        result = cli("db", "restore", str(tmp_path / "backups" / "good.db"), "--yes")
    finally:
        holder.close()
    assert result.exit_code == 1 and "in use by another program" in result.stderr
    assert state(live)[0] == before[0]
    assert not list(live.parent.glob("*.replaced-*"))


def test_check_reports_what_refocus_does_not_define(cli, live):
    conn = sqlite3.connect(live)
    conn.execute("CREATE TABLE zz_shadow (name TEXT)")
    conn.execute(
        "CREATE TRIGGER zz_copy AFTER INSERT ON staff BEGIN "
        "INSERT INTO zz_shadow VALUES (new.name); END"
    )
    conn.execute("ALTER TABLE venue ADD COLUMN secret TEXT")
    conn.commit()
    conn.close()
    checked = cli("db", "check", "--json")
    assert checked.exit_code == 1
    record = checked.json()
    assert record["foreign"] == ["table zz_shadow", "trigger zz_copy"]
    assert record["drift"] == [
        "table venue differs from refocus's definition (extra column secret)"
    ]
    plain = cli("db", "check")
    assert "problem: trigger zz_copy: refocus does not define it" in plain.stderr
    assert plain.stderr.strip().splitlines()[-1].startswith("Error: ")


def test_a_backup_in_a_folder_that_cannot_be_written_is_read_as_it_is(cli, live, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    backup = shared / "wal-mode.db"
    shutil.copy(tmp_path / "backups" / "good.db", backup)
    conn = sqlite3.connect(backup)
    conn.execute("PRAGMA journal_mode = WAL")  # as a copy of a live database would be
    conn.close()
    done = subprocess.run(["chattr", "+i", str(shared)], capture_output=True)
    if done.returncode != 0:
        shared.chmod(0o500)
    try:
        restored = cli("db", "restore", str(backup), "--yes")
    finally:
        subprocess.run(["chattr", "-i", str(shared)], capture_output=True)
        shared.chmod(0o700)
    assert restored.exit_code == 0, restored
    assert [p["name"] for p in cli("staff", "list", "--json").json()] == ["Ann Lee"]


def test_restore_refuses_paths_that_are_not_files(cli, live, tmp_path):
    good = str(tmp_path / "backups" / "good.db")
    cases = [
        ([str(tmp_path / "no" / "such.db")], "no file at"),
        ([str(tmp_path / "backups")], "is not a regular file"),
        (["/dev/null"], "is not a regular file"),
        ([good, "--db", str(tmp_path / "backups")], "is not a database file"),
        ([good, "--db", str(tmp_path / "nowhere" / "x.db")], "does not exist"),
        ([str(live)], "the same file"),
    ]
    before = state(live)
    for args, words in cases:
        result = cli("db", "restore", *args, "--yes")
        assert result.exit_code == 1 and result.stderr.startswith("Error: "), (args, result)
        assert words in result.stderr, (args, result.stderr)
    assert state(live) == before
