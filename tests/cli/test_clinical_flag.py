"""Who is clinical is recorded, not guessed (issue 15): given by `staff add`, a roster
column or `staff edit`; where it was guessed from a job title, that is said and listed."""

from __future__ import annotations

import shutil
from pathlib import Path

from database_rows import every_row, last_audit, query

DATA = Path(__file__).resolve().parent.parent / "data"


def _flags(cli, *args):
    return {
        p["name"]: (p["clinical"], p["clinical_guessed"])
        for p in cli("staff", "list", *args, "--json").json()
    }


def test_staff_add_records_the_flag_or_marks_the_guess(programme):
    assert (
        programme(
            "staff",
            "add",
            "Cal Clerk",
            "--team",
            "North CMHT",
            "--role",
            "Clerical officer",
            "--clinical",
        ).exit_code
        == 0
    )
    assert (
        programme(
            "staff", "add", "Nia Nurse", "--team", "North CMHT", "--role", "nurse", "--no-clinical"
        ).exit_code
        == 0
    )
    guessed = programme(
        "staff", "add", "Ada Admin", "--team", "North CMHT", "--role", "admin officer"
    )
    assert guessed.exit_code == 0 and "Guessed not clinical from the job title" in guessed.stderr
    assert _flags(programme) == {
        "Ada Admin": (False, True),
        "Cal Clerk": (True, False),
        "Nia Nurse": (False, False),
    }
    assert _flags(programme, "--clinical-guessed") == {"Ada Admin": (False, True)}
    table = programme("staff", "list").stdout
    assert "no (guessed)" in table and "Clinical" in table
    header = programme("staff", "list", "--csv").stdout.splitlines()[0]
    assert "clinical,clinical_guessed" in header


def test_a_roster_gives_the_flag_under_common_spellings(programme, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Name,Team,Job title,Holds caseload?\n"
        "Ann One,North CMHT,nurse,yes\n"
        "Bo Two,North CMHT,Business support officer,No\n"
        "Cy Three,North CMHT,psychiatrist,n\n"
        "Di Four,North CMHT,receptionist,1\n"
        "Ed Five,South CMHT,secretary,\n"
        "Flo Six,South CMHT,nurse,TRUE\n"
        "Gus Seven,South CMHT,admin,0\n"
        "Hal Eight,South CMHT,OT,false\n"
    )
    dry = programme("staff", "import", str(roster), "--dry-run", "--json")
    assert dry.exit_code == 0, dry
    imported = programme("staff", "import", str(roster))
    assert imported.exit_code == 0, imported
    assert _flags(programme) == {
        "Ann One": (True, False),
        "Bo Two": (False, False),
        "Cy Three": (False, False),
        "Di Four": (True, False),
        "Ed Five": (False, True),  # blank: guessed from "secretary"
        "Flo Six": (True, False),
        "Gus Seven": (False, False),
        "Hal Eight": (False, False),
    }


def test_a_bad_clinical_value_imports_nothing(programme, tmp_path, env_setup):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,team,clinical\nAnn One,North CMHT,yes\nBo Two,North CMHT,maybe\n")
    before = every_row(env_setup)
    refused = programme("staff", "import", str(roster))
    assert refused.exit_code == 1
    assert "row 3: clinical 'maybe' is not yes or no" in refused.stderr
    assert every_row(env_setup) == before


def test_a_roster_with_the_column_settles_guesses(programme, tmp_path, env_setup):
    programme(
        "staff",
        "add",
        "Ann One",
        "--team",
        "North CMHT",
        "--role",
        "admin",
        "--email",
        "ann@nhs.example",
    )
    programme("staff", "add", "Bo Two", "--team", "North CMHT", "--role", "nurse")
    programme("staff", "add", "Cy Three", "--team", "South CMHT", "--role", "nurse", "--clinical")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,team,email,caseload\n"
        "Ann One,North CMHT,ann@nhs.example,yes\n"
        "Bo Two,North CMHT,,no\n"
        "Cy Three,South CMHT,,no\n"  # recorded already: a roster does not overrule it
    )
    done = programme("staff", "import", str(roster), "--json")
    assert done.exit_code == 0, done
    assert (done.json()["added"], done.json()["clinical_set"]) == (0, 2)
    assert _flags(programme) == {
        "Ann One": (True, False),
        "Bo Two": (False, False),
        "Cy Three": (True, False),
    }
    entry = last_audit(env_setup, "update")
    assert entry["old"] == {"clinical": True, "clinical_guessed": True}
    assert entry["new"] == {"clinical": False, "clinical_guessed": False, "source": "roster.csv"}


def test_db_migrate_lists_the_people_it_guessed_for(cli, tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(DATA / "first_release.db", db)
    migrated = cli("db", "migrate", "--db", str(db))
    assert migrated.exit_code == 0, migrated
    assert "guessed from job titles whether 4 people are clinical" in migrated.stderr
    for name in ("Siobhán Ní Bhriain", "Zoë Adams", "Ben Okafor", "Łukasz Nowak"):
        assert name in migrated.stdout
    again = cli("db", "migrate", "--db", str(db), "--json")
    assert again.json()["clinical_guessed"] == []  # listed once, when the upgrade runs
    guessed = cli("staff", "list", "--all", "--clinical-guessed", "--db", str(db), "--json").json()
    assert len(guessed) == 4
    assert cli("staff", "edit", "Zoë Adams", "--clinical", "--db", str(db)).exit_code == 0
    assert (
        len(cli("staff", "list", "--all", "--clinical-guessed", "--db", str(db), "--json").json())
        == 3
    )


def test_export_holds_the_flag_and_forgetting_keeps_it(programme, env_setup):
    programme("staff", "add", "Ann One", "--team", "North CMHT", "--role", "nurse", "--no-clinical")
    held = programme("staff", "export", "Ann One", "--json").json()["person"]
    assert (held["clinical"], held["clinical_guessed"]) == (False, False)
    assert "Clinical" in programme("staff", "export", "Ann One").stdout
    assert programme("staff", "forget", "Ann One", "--yes").exit_code == 0
    assert query(env_setup, "SELECT name, role, clinical, clinical_guessed FROM staff") == [
        ("Forgotten person 1", "administrative", 0, 0)
    ]


def test_a_clinical_only_register_expects_the_people_recorded_as_clinical(programme):
    cli = programme
    for name, role, flag in (
        ("Cal Clerk", "Clerical officer", "--clinical"),  # the old guess said not clinical
        ("Nia Nurse", "nurse", "--no-clinical"),  # the old guess said clinical
        ("Ned Nurse", "nurse", "--clinical"),
    ):
        added = cli("staff", "add", name, "--team", "North CMHT", "--role", role, flag,
                    "--start", "2026-01-01")  # fmt: skip
        assert added.exit_code == 0, added
    stages = "workshop,working-practices,coaching,practice-change"
    cli("trainer", "add", "Tess Trainer", "--stages", stages)
    cli("trainer", "add", "Len Lived", "--lived-experience", "--stages", stages)
    cli("cohort", "create", "W1", "--team", "North CMHT")
    assert cli("schedule", "W1").exit_code == 0
    supervision = next(
        s for s in cli("sessions", "--json").json() if s["module"] == "supervision-reflection"
    )
    recorded = cli("attend", str(supervision["id"]), "--all-present", "--future", "--json")
    assert recorded.exit_code == 0, recorded
    marked = {row[0] for row in query(
        Path("refocus.db"),
        "SELECT s.name FROM attendance a JOIN staff s ON s.id = a.staff_id WHERE a.session_id = ?",
        (supervision["id"],),
    )}  # fmt: skip
    assert marked == {"Cal Clerk", "Ned Nurse"}
