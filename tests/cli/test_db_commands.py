"""`refocus db`: backup, restore, check and migrate."""

from __future__ import annotations

import sqlite3
import stat

from refocus_cli.store.migrations import NAMES


def test_backup_and_restore_round_trip(programme, tmp_path, env_setup):
    programme("staff", "add", "Ann Other", "--team", "North CMHT")
    backup = tmp_path / "backup.db"
    made = programme("db", "backup", str(backup))
    assert made.exit_code == 0, made
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    programme("staff", "add", "Added Later", "--team", "North CMHT")
    assert len(programme("staff", "list", "--json").json()) == 2
    restored = programme("db", "restore", str(backup), "--yes")
    assert restored.exit_code == 0, restored
    assert [p["name"] for p in programme("staff", "list", "--json").json()] == ["Ann Other"]
    assert stat.S_IMODE(env_setup.stat().st_mode) == 0o600


def test_backup_refuses_to_overwrite(programme, tmp_path):
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    result = programme("db", "backup", str(target))
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert target.read_text() == "keep me"


def test_restore_refuses_a_damaged_backup(programme, tmp_path, env_setup):
    programme("staff", "add", "Ann Other", "--team", "North CMHT")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100 + b"garbage" * 500)
    before = env_setup.read_bytes()
    result = programme("db", "restore", str(junk), "--yes")
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    assert env_setup.read_bytes() == before
    not_refocus = tmp_path / "other.db"
    conn = sqlite3.connect(not_refocus)
    conn.execute("CREATE TABLE x (y)")
    conn.commit()
    conn.close()
    assert "not a refocus database" in programme("db", "restore", str(not_refocus), "--yes").stderr


def test_restore_replaces_a_corrupt_database(programme, tmp_path, env_setup):
    programme("staff", "add", "Ann Other", "--team", "North CMHT")
    backup = tmp_path / "good.db"
    programme("db", "backup", str(backup))
    env_setup.write_bytes(b"this database was overwritten by accident")
    assert programme("team", "list").exit_code == 1
    assert programme("db", "restore", str(backup), "--yes").exit_code == 0
    assert [p["name"] for p in programme("staff", "list", "--json").json()] == ["Ann Other"]


def test_check_reports_problems_in_plain_words(programme, env_setup):
    ok = programme("db", "check", "--json")
    assert ok.exit_code == 0 and ok.json()["ok"] is True and ok.json()["schema"] == NAMES[-1]
    conn = sqlite3.connect(env_setup)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(
        "INSERT INTO membership (uuid, staff_id, team_id, start_date) "
        "VALUES ('u', 77, 1, '2027-01-01')"
    )
    conn.commit()
    conn.close()
    bad = programme("db", "check")
    assert bad.exit_code == 1
    assert "membership row 1 points to a missing staff" in bad.stderr
    assert bad.stderr.strip().splitlines()[-1].startswith("Error: ")


def test_migrate_reports_schema(programme):
    result = programme("db", "migrate", "--json")
    assert result.exit_code == 0
    assert result.json()["pending"] == [] and result.json()["schema"] == NAMES[-1]
