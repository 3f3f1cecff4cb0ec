"""Data protection: a subject access export, erasure that keeps the counts, private calendars."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import refocus_executable

from refocus_cli.services import data_protection
from refocus_cli.services.context import system_clock
from refocus_cli.store.database import open_store

LATER = "2027-05-20T18:00:00+00:00"  # nineteen sessions held by then
SIOBHAN = ("Siobhán Kelly", "s.kelly@nhs.example")
ZOE = ("Zoë Adams", "zoe.adams@nhs.example")
NORTH = [
    (*SIOBHAN, "team manager", True),
    (*ZOE, "admin secretary", False),
    ("Nia North", "nia.north@nhs.example", "nurse", False),
    ("Ned North", "ned.north@nhs.example", "psychologist", False),
]
SOUTH = [
    ("Sam South", "sam.south@nhs.example", "team manager", True),
    ("Sid South", "sid.south@nhs.example", "nurse", False),
    ("Sue South", "sue.south@nhs.example", "support worker", False),
]


def _build_rollout(cli) -> dict:
    """Two teams through their first months: registers, a move, a note naming someone."""
    assert cli("init", "Privacy Trust", "--start", "2027-01-11").exit_code == 0
    for team, people in (("North CMHT", NORTH), ("South CMHT", SOUTH)):
        assert cli("team", "add", team).exit_code == 0
        for name, email, role, manager in people:
            extra = ["--manager"] if manager else []
            result = cli(
                "staff", "add", name, "--team", team, "--email", email, "--role", role,
                "--start", "2026-01-01", *extra,
            )  # fmt: skip
            assert result.exit_code == 0, result
    cli("trainer", "add", "Ruth Evans", "--email", "ruth@nhs.example")
    cli("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    cli("cohort", "create", "WAVE1", "--team", "North CMHT", "--team", "South CMHT")
    assert cli("schedule", "WAVE1").exit_code == 0
    later_on = {"REFOCUS_NOW": LATER}
    sessions = cli("sessions", "--json", env=later_on).json()
    held = [s for s in sessions if s["start"] < "2027-05-20"]
    for n, session in enumerate(held):
        away = ["--except", "Siobhán Kelly"] if n % 3 == 0 else []
        away += ["--except", "zoe.adams@nhs.example"] if n % 2 == 0 else []
        result = cli(
            "attend", str(session["id"]), "--all-present", *away, "--rest-absent", env=later_on
        )
        assert result.exit_code == 0, result
    # Siobhán types one register herself, and a session moves because of her.
    first = str(held[0]["id"])
    corrected = cli("--actor", SIOBHAN[1], "attend", first, "--late", "Siobhán Kelly", env=later_on)
    assert corrected.exit_code == 0, corrected
    later = next(s for s in sessions if s["start"] > "2027-06-01" and "North CMHT" in s["teams"])
    moved = cli(
        "session", "move", str(later["id"]), "--to", later["start"][:10] + " 10:00",
        "--reason", "Siobhán Kelly is on leave that afternoon", env=later_on,
    )  # fmt: skip
    assert moved.exit_code == 0, moved
    return {"sessions": sessions, "held": held, "moved": later["id"]}


@pytest.fixture
def rollout(cli, monkeypatch, env_setup, from_template):
    """The privacy rollout (built once a session), with the clock on LATER."""
    built = from_template("privacy-rollout", lambda: _build_rollout(cli))
    monkeypatch.setenv("REFOCUS_NOW", LATER)
    return {"db": env_setup, **built}


def _mentions(db: Path, words: list[str]) -> list[tuple[str, str, str]]:
    """Every (table, column, value) whose text holds any of `words`, in any case."""
    wanted = [w.casefold() for w in words] + [json.dumps(w)[1:-1].casefold() for w in words]
    found = []
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")]
            for row in conn.execute(f"SELECT * FROM '{table}'"):
                for column, value in zip(columns, row, strict=True):
                    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
                    if isinstance(text, str) and any(w in text.casefold() for w in wanted):
                        found.append((table, column, text))
    return found


def _raw_hits(path: Path, words: list[str]) -> list[str]:
    """Which of `words` the file's bytes hold, as UTF-8 or JSON-escaped, any case."""
    data = path.read_bytes().lower() if path.exists() else b""
    return [
        word
        for word in words
        for form in {word.encode(), json.dumps(word)[1:-1].encode()}
        if form.lower() in data
    ]


def _team_numbers(cli, names: dict[str, str]) -> dict:
    """The team-level figures of progress and participation, with names in flags swapped."""
    progress = cli("progress", "--json").json()
    participation = cli("report", "participation", "--json").json()
    teams = json.dumps(progress["teams"], ensure_ascii=False, sort_keys=True)
    for name, placeholder in names.items():
        teams = teams.replace(name, placeholder)
    people = {row["id"]: {**row, "name": None} for row in participation["staff"]}
    return {
        "progress": json.loads(teams),
        "median": participation["median"],
        "teams": participation["teams"],
        "people": people,
    }


def test_export_gives_everything_held_on_a_person(cli, rollout):
    result = cli("staff", "export", SIOBHAN[1], "--json")
    assert result.exit_code == 0, result.stderr
    held = json.loads(result.stdout)
    assert set(held) == {
        "person",
        "memberships",
        "attendance",
        "catch_up_invitations",
        "invitation_emails",
        "outcome_scores",
        "calendar_feeds",
        "audit",
        "exported_at",
    }
    person = held["person"]
    assert (person["name"], person["email"], person["role"], person["manager"]) == (
        *SIOBHAN,
        "team manager",
        True,
    )
    assert held["memberships"] == [
        {
            "team_id": 1,
            "team": "North CMHT",
            "start_date": "2026-01-01",
            "end_date": None,
            "end_reason": None,
        }
    ]
    marks = {mark["session_id"]: mark for mark in held["attendance"]}
    first = rollout["held"][0]
    assert marks[first["id"]]["status"] == "late"
    assert marks[first["id"]]["recorded_by"] == SIOBHAN[1]
    assert marks[first["id"]]["module"] == first["module"]
    assert marks[first["id"]]["start"] == first["start"]
    assert {m["status"] for m in marks.values()} == {"present", "absent", "late"}
    assert held["catch_up_invitations"] == []
    actions = [(e["action"], e["entity"]) for e in held["audit"]]
    assert actions[0] == ("add", "staff")
    assert ("attend", "attendance") in actions
    assert ("move", "session") in actions  # the reason names her
    # Nobody else's marks or additions.
    assert all(
        e["new"].get("staff_id") == person["id"]
        for e in held["audit"]
        if e["entity"] == "attendance"
    )
    assert all(e["entity_id"] == person["id"] for e in held["audit"] if e["entity"] == "staff")

    readable = cli("staff", "export", "Siobhán Kelly")
    assert readable.exit_code == 0, readable.stderr
    for heading in ("Team memberships", "Attendance", "Catch-up invitations: none", "Audit log"):
        assert heading in readable.stdout
    assert SIOBHAN[1] in readable.stdout


def test_export_lists_catch_up_invitations_and_moves(cli, rollout):
    cli("staff", "add", "Lola Late", "--team", "South CMHT", "--start", "2027-05-01")
    assert (
        cli("staff", "move", "Lola Late", "--to", "North CMHT", "--on", "2027-05-10").exit_code == 0
    )
    assert cli("catchup", "--schedule").exit_code == 0
    held = cli("staff", "export", "Lola Late", "--json").json()
    assert [m["team"] for m in held["memberships"]] == ["South CMHT", "North CMHT"]
    assert held["memberships"][0]["end_reason"] == "moved"
    assert held["catch_up_invitations"], "Lola missed the working-practices modules"
    assert {i["status"] for i in held["catch_up_invitations"]} == {"scheduled"}
    assert [e["action"] for e in held["audit"]][:2] == ["add", "move"]


def test_forget_erases_the_person_everywhere_and_keeps_every_count(cli, rollout, tmp_path):
    db = rollout["db"]
    before = _team_numbers(cli, {SIOBHAN[0]: "Forgotten person 1"})
    assert cli("db", "backup", str(tmp_path / "before.db")).exit_code == 0
    words = [*SIOBHAN, "Kelly"]
    assert _mentions(db, words), "the scan finds her before"
    assert _raw_hits(tmp_path / "before.db", words), "and so does the grep"
    with sqlite3.connect(db) as conn:
        marks = conn.execute("SELECT * FROM attendance WHERE staff_id = 1 ORDER BY id").fetchall()

    result = cli("staff", "forget", "Siobhán Kelly", "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["name"] == "Forgotten person 1"
    assert report["memberships"] == 1 and report["attendance"] == len(marks) > 10
    assert report["notes_erased"] == 1 and report["audit_entries_erased"] >= 2

    assert _mentions(db, words) == []
    for path in (db, Path(f"{db}-wal")):
        assert _raw_hits(path, words) == [], path
    assert cli("db", "backup", str(tmp_path / "after.db")).exit_code == 0
    assert _raw_hits(tmp_path / "after.db", words) == []
    assert _team_numbers(cli, {}) == before
    with sqlite3.connect(db) as conn:
        kept = conn.execute("SELECT * FROM attendance WHERE staff_id = 1 ORDER BY id").fetchall()
    assert [row[:5] for row in kept] == [row[:5] for row in marks]  # recorded_by: her email

    person = cli("staff", "export", "1", "--json").json()["person"]
    assert (person["name"], person["email"], person["role"], person["manager"]) == (
        "Forgotten person 1",
        None,
        "",
        True,
    )
    forgotten = cli("audit", "--staff", "1", "--json").json()[-1]
    assert (forgotten["action"], forgotten["actor"]) == ("forget", "tester")
    assert forgotten["new"] == {"name": "Forgotten person 1", "role": ""}
    session = cli("session", "show", str(rollout["moved"]), "--json").json()
    assert session["note"] == "Forgotten person 1 is on leave that afternoon"
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_export_lists_the_calendar_feeds_issued_and_forget_revokes_them(cli, rollout):
    assert cli("staff", "export", SIOBHAN[1], "--json").json()["calendar_feeds"] == []
    assert cli("feeds", "build", "feeds").exit_code == 0
    assert cli("feeds", "rotate", "--staff", SIOBHAN[1]).exit_code == 0
    listed = [
        f
        for f in cli("feeds", "list", "--revoked", "--json").json()
        if (f["kind"], f["owner"]) == ("staff", SIOBHAN[0])
    ]
    old, new = (next(f for f in listed if bool(f["revoked"]) is gone) for gone in (True, False))
    issued = cli("staff", "export", SIOBHAN[1], "--json").json()["calendar_feeds"]
    assert issued == [  # oldest first
        {
            "path": f"/feeds/{old['token']}.ics",
            "created": old["created"],
            "revoked": old["revoked"],
        },
        {"path": f"/feeds/{new['token']}.ics", "created": new["created"], "revoked": None},
    ]
    assert all(f["created"].startswith("2027-05-20") for f in issued)
    shown = cli("staff", "export", SIOBHAN[1])
    assert "Calendar feeds issued to them" in shown.stdout and new["token"] in shown.stdout

    forgot = cli("staff", "forget", SIOBHAN[1], "--yes", "--json")
    assert forgot.exit_code == 0 and forgot.json()["feeds_revoked"] == 1, forgot.stderr
    kept = cli("staff", "export", "1", "--json").json()
    assert [f["path"] for f in kept["calendar_feeds"]] == [f["path"] for f in issued]
    assert all(f["revoked"] for f in kept["calendar_feeds"])
    assert kept["audit"][-1]["new"] == {
        "name": "Forgotten person 1",
        "role": "",
        "feeds_revoked": 1,
    }
    assert cli("feeds", "build", "feeds").exit_code == 0  # no new feed for them
    owners = {(f["kind"], f["owner"]) for f in cli("feeds", "list", "--json").json()}
    assert ("staff", "Forgotten person 1") not in owners and ("staff", ZOE[0]) in owners


def test_forgetting_non_clinical_staff_keeps_them_out_of_clinical_counts(cli, rollout):
    before = _team_numbers(cli, {})
    result = cli("staff", "forget", ZOE[1], "--yes")
    assert result.exit_code == 0, result.stderr
    assert "Forgot Zoë Adams (id 2): now Forgotten person 2" in result.stderr
    assert _mentions(rollout["db"], list(ZOE)) == []
    assert _raw_hits(rollout["db"], list(ZOE)) == []
    assert _team_numbers(cli, {}) == before
    assert cli("staff", "export", "2", "--json").json()["person"]["role"] == "administrative"
    # Others are untouched: their names, emails and roles stay.
    people = {p["id"]: p for p in cli("staff", "list", "--json").json()}
    assert (people[3]["name"], people[3]["email"], people[3]["role"]) == NORTH[2][:3]


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def test_forget_refuses_bad_input_and_changes_nothing(cli, rollout):
    cli("staff", "add", "Nia North", "--team", "South CMHT")  # a second Nia North
    before = _dump(rollout["db"])
    cases = [
        (["Nobody Here", "--yes"], "no staff with name 'Nobody Here'"),
        (["nobody@nhs.example", "--yes"], "no staff with email"),
        (["999", "--yes"], "no staff with id '999'"),
        (["Nia North", "--yes"], "matches 2 staff records"),
        (["Ned North"], "add --yes"),
    ]
    for args, words in cases:
        result = cli("staff", "forget", *args)
        assert result.exit_code == 1, (args, result.stderr)
        assert result.stderr.startswith("Error: ") and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert _dump(rollout["db"]) == before
    assert cli("staff", "forget", "Ned North", "--yes").exit_code == 0
    again = cli("staff", "forget", "4", "--yes")
    assert again.exit_code == 1 and "already forgotten" in again.stderr
    for args in (["Nobody"], ["Nia North"]):
        result = cli("staff", "export", *args)
        assert result.exit_code == 1 and result.stderr.startswith("Error: "), result.stderr


def _on_a_terminal(*args: str, answer: str) -> tuple[int, str]:
    """Run refocus with a terminal on stdin (as a person would) and type `answer`."""
    main, other = pty.openpty()
    process = subprocess.Popen(
        [refocus_executable(), *args],
        stdin=other,
        stdout=other,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    os.close(other)
    os.write(main, answer.encode())
    _, stderr = process.communicate(timeout=60)
    shown = b""
    try:
        while chunk := os.read(main, 4096):
            shown += chunk
    except OSError:
        pass
    os.close(main)
    return process.returncode, shown.decode() + stderr.decode()


def test_forget_asks_first_on_a_terminal(rollout):
    code, said = _on_a_terminal("staff", "forget", "Nia North", answer="n\n")
    assert code == 1 and "Erase Nia North (id 3) for good?" in said and "Nothing was erased" in said
    assert _mentions(rollout["db"], ["Nia North"])
    code, said = _on_a_terminal("staff", "forget", "Nia North", answer="y\n")
    assert code == 0 and "Forgot Nia North" in said, said
    assert _mentions(rollout["db"], ["Nia North", "nia.north@nhs.example"]) == []


def test_forget_does_not_rely_on_the_build_erasing_freed_pages(programme, env_setup):
    """Some SQLite builds leave deleted bytes in free space; forget must clean them anyway."""
    programme("staff", "add", "Ffion Pryce", "--team", "North CMHT", "--email", "ffion@nhs.example")
    programme("staff", "move", "Ffion Pryce", "--to", "South CMHT", "--on", "2027-02-01")
    store = open_store(env_setup, system_clock, "tester")
    store.db.execute("PRAGMA secure_delete = OFF")
    assert store.db.execute("PRAGMA secure_delete").fetchone()[0] == 0
    data_protection.forget(store, "ffion@nhs.example")
    store.close()
    assert _raw_hits(env_setup, ["Ffion Pryce", "ffion@nhs.example", "Pryce"]) == []


def test_calendar_files_never_name_staff(cli, rollout, tmp_path):
    people = [*NORTH, *SOUTH]
    plain = tmp_path / "all.ics"
    result = cli("export", "ics", "--all", "-o", str(plain))
    assert result.exit_code == 0, result.stderr
    text = plain.read_bytes().decode().replace("\r\n ", "")  # unfold content lines
    assert "BEGIN:VEVENT" in text
    for name, email, _role, _manager in people:
        assert name not in text and email not in text, name

    full = tmp_path / "with.ics"  # attendees travel only in invitations (refocus invite)
    result = cli("export", "ics", "--all", "-o", str(full), "--with-attendees")
    assert result.exit_code == 1 and "refocus invite" in result.stderr
    assert not full.exists()
