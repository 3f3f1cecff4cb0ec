"""The schema: migrations from empty, upgrades from the first release, refusal of newer files."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

from refocus_cli.services.context import system_clock
from refocus_cli.store.database import open_store
from refocus_cli.store.migrations import NAMES

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden" / "schema.sql"


def dump_schema(path: Path) -> str:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    conn.close()
    return "".join(f"-- {kind} {name}\n{sql};\n\n" for kind, name, sql in rows)


def test_empty_database_migrates_to_the_recorded_schema(tmp_path):
    path = tmp_path / "fresh.db"
    store = open_store(path, system_clock, "tester", create=True)
    assert store.migrated == NAMES
    store.close()
    schema = dump_schema(path)
    if os.environ.get("REFOCUS_REGENERATE_GOLDEN"):
        GOLDEN.write_text(schema)
    assert schema == GOLDEN.read_text(), (
        "schema changed: add a migration (never edit a shipped one), then regenerate with "
        "REFOCUS_REGENERATE_GOLDEN=1 and review the diff"
    )


def test_opening_twice_applies_nothing_the_second_time(tmp_path):
    path = tmp_path / "again.db"
    open_store(path, system_clock, "tester", create=True).close()
    store = open_store(path, system_clock, "tester")
    assert store.migrated == []
    store.close()


def test_database_from_first_release_upgrades_with_every_row(tmp_path, cli):
    db = tmp_path / "old.db"
    shutil.copy(DATA / "first_release.db", db)
    staff = cli("staff", "list", "--all", "--json", "--db", str(db))
    assert staff.exit_code == 0, staff
    by_name = {person["name"]: person for person in staff.json()}
    assert set(by_name) == {"Siobhán Ní Bhriain", "Zoë Adams", "Ben Okafor", "Łukasz Nowak"}
    assert by_name["Zoë Adams"]["team"] == "Beta CMHT"
    assert by_name["Ben Okafor"]["left_on"] == "2027-01-03"
    assert by_name["Łukasz Nowak"]["team"] == "Alpha CMHT"  # moved by the merge
    teams = {t["name"]: t for t in cli("team", "list", "--json", "--db", str(db)).json()}
    assert teams["Gamma EIP"]["status"] == "merged"
    assert teams["Gamma EIP"]["merged_into"] == "Alpha CMHT"
    history = cli("team", "show", "Gamma EIP", "--json", "--db", str(db)).json()["history"]
    assert [(h["name"], h["end_date"], h["end_reason"]) for h in history] == [
        ("Łukasz Nowak", "2027-01-04", "merged")
    ]
    trainers = cli("trainer", "list", "--json", "--db", str(db)).json()
    assert [(t["name"], t["lived_experience"]) for t in trainers] == [
        ("Dai Morgan", True),
        ("Ruth Evans", False),
    ]
    assert trainers[0]["unavailable"][0]["from_date"] == "2027-02-01"
    cohort = cli("cohort", "show", "WAVE1", "--json", "--db", str(db)).json()
    assert [t["name"] for t in cohort["team_list"]] == ["Alpha CMHT", "Beta CMHT"]
    assert cli("db", "check", "--db", str(db)).exit_code == 0


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_database_from_a_newer_version_is_refused_untouched(tmp_path, cli):
    db = tmp_path / "newer.db"
    shutil.copy(DATA / "first_release.db", db)
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('refocus', 'm999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    before = _digest(db)
    result = cli("team", "list", "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "newer version of refocus" in result.stderr
    assert _digest(db) == before


def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path, cli):
    not_db = tmp_path / "notes.db"
    not_db.write_text("these are my meeting notes, not a database\n" * 50)
    result = cli("team", "list", "--db", str(not_db))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "not a usable SQLite database" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_corrupt_database_gets_a_clear_error(tmp_path, cli):
    db = tmp_path / "corrupt.db"
    shutil.copy(DATA / "first_release.db", db)
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wipe the schema page after the header
    db.write_bytes(bytes(data))
    result = cli("team", "list", "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr


def test_a_sqlite_database_of_another_program_is_refused(tmp_path, cli):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    result = cli("team", "list", "--db", str(other))
    assert result.exit_code == 1
    assert "not a refocus one" in result.stderr
