"""`refocus attend --from` writes most marks in bulk: the database must end up as if each
mark were written on its own, in the register's order, with every check still in force."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from attending import first, start_planned

from refocus_cli.core.marks import Mark
from refocus_cli.core.vocabulary import AttendanceStatus
from refocus_cli.services.context import opened
from refocus_cli.store import attendance

BIG_ID = 2**24 + 7  # past the ids a bulk-written mark packs (see store.attendance)


@pytest.fixture
def planned(cli, monkeypatch, env_setup, from_template):
    return start_planned(cli, monkeypatch, env_setup, from_template)


def _entries(db: Path) -> list[tuple[str, int, dict | None, dict]]:
    """The audit entries of the last change: action, session, old, new."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT action, entity_id, old, new FROM audit "
            "WHERE change_id = (SELECT max(change_id) FROM audit) ORDER BY id"
        ).fetchall()
    return [(a, e, old and json.loads(old), json.loads(new)) for a, e, old, new in rows]


def test_marks_are_written_and_audited_in_the_registers_order(cli, planned, tmp_path):
    north = first(planned["sessions"], "recovery-workshop", "North CMHT")["id"]
    south = first(planned["sessions"], "recovery-workshop", "South CMHT")["id"]
    db = planned["db"]
    with sqlite3.connect(db) as conn:  # one person with an id too big to pack
        old_id = conn.execute("SELECT id FROM staff WHERE name = 'Sue South'").fetchone()[0]
        conn.execute("UPDATE staff SET id = ? WHERE id = ?", [BIG_ID, old_id])
        conn.execute("UPDATE membership SET staff_id = ? WHERE staff_id = ?", [BIG_ID, old_id])
    first_register = tmp_path / "first.csv"
    first_register.write_text(f"session,name,status\n{north},Nia North,absent\n")
    assert cli("attend", "--from", str(first_register)).exit_code == 0
    register = tmp_path / "register.csv"
    register.write_text(
        "session,name,status,visitor\n"
        f"{north},Ned North,present,\n"
        f"{north},Pat Visitor,present,yes\n"
        f"{north},Nell North,late,\n"
        f"{north},Nia North,present,\n"  # a correction
        f"{south},Sue South,excused,\n"  # the big id
        f"{south},Sam South,present,\n"
        f"{south},Sam South,present,\n"  # said twice alike: one mark
    )
    done = cli("attend", "--from", str(register), "--json")
    assert done.exit_code == 0, done
    assert (done.json()["added"], done.json()["changed"], done.json()["now_held"]) == (5, 1, 1)
    with sqlite3.connect(db) as conn:
        ids = dict(conn.execute("SELECT name, id FROM staff").fetchall())
        marks = conn.execute(
            "SELECT session_id, staff_id, visitor, status FROM attendance ORDER BY id"
        ).fetchall()
    nia, ned, nell, sam = (ids[n] for n in ("Nia North", "Ned North", "Nell North", "Sam South"))
    assert marks == [
        (north, nia, None, "present"),
        (north, ned, None, "present"),
        (north, None, "Pat Visitor", "present"),
        (north, nell, None, "late"),
        (south, BIG_ID, None, "excused"),
        (south, sam, None, "present"),
    ]
    entries = _entries(db)
    assert [(action, session, new) for action, session, _, new in entries] == [
        ("attend", north, {"staff_id": ned, "visitor": None, "status": "present"}),
        ("attend", north, {"staff_id": None, "visitor": "Pat Visitor", "status": "present"}),
        ("attend", north, {"staff_id": nell, "visitor": None, "status": "late"}),
        ("attend", north, {"staff_id": nia, "visitor": None, "status": "present"}),
        ("attend", south, {"staff_id": BIG_ID, "visitor": None, "status": "excused"}),
        ("attend", south, {"staff_id": sam, "visitor": None, "status": "present"}),
        ("held", south, {"status": "held"}),
    ]
    assert [old["status"] if old else None for _, _, old, _ in entries] == [
        None, None, None, "absent", None, None, "scheduled",
    ]  # fmt: skip
    assert cli("undo", "--yes").exit_code == 0
    with sqlite3.connect(db) as conn:
        left = conn.execute("SELECT staff_id, status FROM attendance").fetchall()
        south_status = conn.execute("SELECT status FROM session WHERE id = ?", [south]).fetchone()
    assert left == [(nia, "absent")] and south_status == ("scheduled",)


def test_the_tables_checks_are_in_force_after_a_bulk_write(planned):
    north = first(planned["sessions"], "recovery-workshop", "North CMHT")["id"]
    with opened(planned["db"]) as store:
        staff_id = store.db.execute("SELECT id FROM staff LIMIT 1").fetchone()[0]
        attendance.record(store, [Mark.of_staff(north, staff_id, AttendanceStatus.LATE)])
        assert store.db.execute("PRAGMA ignore_check_constraints").fetchone()[0] == 0
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint"):
            store.db.execute(
                "UPDATE attendance SET status = 'sleeping' WHERE session_id = ?", [north]
            )
