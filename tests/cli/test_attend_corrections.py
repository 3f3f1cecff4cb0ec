"""Putting a register right: `attend ID --clear PERSON…` and `--rename-visitor OLD --to NEW`,
audited, idempotent, all-or-nothing."""

from __future__ import annotations

import pytest
from attending import first, marks, start_planned
from database_rows import every_row, query


@pytest.fixture
def planned(cli, monkeypatch, env_setup, from_template):
    return start_planned(cli, monkeypatch, env_setup, from_template)


def _workshop(cli, planned) -> int:
    """North's workshop recorded: everyone present but Noor (absent), and a visitor."""
    workshop = first(planned["sessions"], "recovery-workshop", "North CMHT")["id"]
    recorded = cli(
        "attend", str(workshop), "--all-present", "--except", "Noor North", "--visitor",
        "Pat Reid",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded
    return workshop


def _audit(db, action):
    return query(db, "SELECT entity_id, old, new FROM audit WHERE action = ? ORDER BY id", [action])


def test_clear_removes_staff_and_visitor_marks_audited_and_idempotent(cli, planned):
    workshop = _workshop(cli, planned)
    result = cli("attend", str(workshop), "--clear", "ned.north@nhs.example", "--clear", "pat reid")
    assert result.exit_code == 0, result
    assert "Cleared 2 marks from session" in result.stderr
    assert "Ned North (was present)" in result.stderr and "visitor Pat Reid" in result.stderr
    assert marks(planned["db"], workshop) == {
        "Nia North": "present",
        "Nell North": "present",
        "Noor North": "absent",
    }
    was = (
        '{"recorded_at": "2027-02-15T18:00:00+00:00", "recorded_by": "tester", "status": "present"}'
    )
    assert _audit(planned["db"], "clear") == [
        (workshop, was, '{"staff_id": 2, "status": null, "visitor": null}'),
        (workshop, was, '{"staff_id": null, "status": null, "visitor": "Pat Reid"}'),
    ]
    shown = cli("audit", "--session", str(workshop), "--json").json()
    assert [e["change"] for e in shown if e["action"] == "clear"] == [
        "Ned North: present → cleared",
        "visitor Pat Reid: present → cleared",
    ]
    before = every_row(planned["db"])
    again = cli("attend", str(workshop), "--clear", "Ned North", "--clear", "Pat Reid", "--json")
    assert again.exit_code == 0, again
    assert again.json() == {
        "session": workshop,
        "cleared": [],
        "had_no_mark": ["Ned North", "visitor Pat Reid"],
        "status": None,
    }
    assert every_row(planned["db"]) == before


def test_clearing_the_last_mark_takes_the_session_back_to_scheduled(cli, planned):
    workshop = first(planned["sessions"], "recovery-workshop", "South CMHT")["id"]
    cli("attend", str(workshop), "--present", "Sam South", "--absent", "Sid South")
    result = cli("attend", str(workshop), "--clear", "Sam South", "--clear", "Sid South", "--json")
    assert result.exit_code == 0, result
    assert result.json()["status"] == "scheduled"
    assert [c["name"] for c in result.json()["cleared"]] == ["Sam South", "Sid South"]
    assert query(planned["db"], "SELECT status FROM session WHERE id = ?", [workshop]) == [
        ("scheduled",)
    ]
    assert _audit(planned["db"], "clear")[-1] == (
        workshop,
        '{"status": "held"}',
        '{"status": "scheduled"}',
    )


def test_rename_visitor_audited_and_idempotent(cli, planned):
    workshop = _workshop(cli, planned)
    result = cli("attend", str(workshop), "--rename-visitor", "PAT REID", "--to", " Pat  Reed ")
    assert result.exit_code == 0, result
    assert "Renamed visitor 'Pat Reid' to 'Pat Reed'" in result.stderr
    assert marks(planned["db"], workshop)["Pat Reed"] == "present"
    assert "Pat Reid" not in marks(planned["db"], workshop)
    assert _audit(planned["db"], "rename-visitor") == [
        (workshop, '{"status": "present", "visitor": "Pat Reid"}',
         '{"staff_id": null, "status": "present", "visitor": "Pat Reed"}'),
    ]  # fmt: skip
    shown = cli("audit", "--session", str(workshop), "--json").json()
    assert shown[-1]["change"] == "visitor Pat Reid → Pat Reed"
    before = every_row(planned["db"])
    again = cli("attend", str(workshop), "--rename-visitor", "Pat Reid", "--to", "Pat Reed")
    assert again.exit_code == 0 and "nothing changed" in again.stderr
    assert every_row(planned["db"]) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--clear", "Nobody Atall"], "no staff member or visitor 'Nobody Atall'"),
        (["--clear", "Ned North", "--clear", "Nobody"], "nothing was cleared"),
        (["--clear", "Pat Reed"], "did you mean 'Pat Reid'?"),
        (["--clear", "   "], "give a name, an email or an id"),
        (["--rename-visitor", "Pat Reid"], "--rename-visitor needs the new name: add --to NEW"),
        (["--to", "Pat Reed"], "--to goes with --rename-visitor"),
        (["--rename-visitor", "Ned North", "--to", "X Y"], "no visitor 'Ned North'"),
        (["--rename-visitor", "Pat Reid", "--to", ""], "visitor name cannot be empty"),
        (["--clear", "Ned North", "--present", "Nia North"], "--clear is used on its own"),
        (["--clear", "Ned North", "--rename-visitor", "Pat Reid", "--to", "P"], "two commands"),
    ],
)
def test_bad_corrections_write_nothing(cli, planned, args, words):
    workshop = _workshop(cli, planned)
    cli("attend", str(workshop), "--visitor", "Sam Visitor")
    before = every_row(planned["db"])
    result = cli("attend", str(workshop), *args)
    assert result.exit_code == 1, result
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert words in result.stderr, result.stderr
    assert every_row(planned["db"]) == before


def test_a_rename_onto_another_visitor_and_a_missing_session_are_refused(cli, planned):
    workshop = _workshop(cli, planned)
    cli("attend", str(workshop), "--visitor", "Sam Visitor")
    before = every_row(planned["db"])
    taken = cli("attend", str(workshop), "--rename-visitor", "Pat Reid", "--to", "Sam Visitor")
    assert taken.exit_code == 1 and "--clear instead" in taken.stderr
    missing = cli("attend", "--clear", "Ned North")
    assert missing.exit_code == 1 and "name the session" in missing.stderr
    assert cli("attend", "9999", "--clear", "Ned North").exit_code == 1
    assert every_row(planned["db"]) == before
