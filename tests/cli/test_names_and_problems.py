"""Names typed as people type them, and problems said so a person can act on them:
accents and case ignored, the closest names offered, what a register file can do (it
cannot take options), the valid keys listed, and one line for rows with the same problem."""

from __future__ import annotations

from datetime import date

import pytest

from refocus_cli.core.demo import ascii_letters, build
from refocus_cli.core.problem_rows import grouped, row_ranges

ROSTER_HEAD = "name,team,role\n"


@pytest.fixture
def held(programme, tmp_path):
    """North CMHT with Siobhán Kelly and Łukasz Nowak, a trainer, its workshop planned."""
    cli = programme
    roster = tmp_path / "people.csv"
    roster.write_text(
        ROSTER_HEAD + "Siobhán Kelly,North CMHT,nurse\nŁukasz Nowak,North CMHT,nurse\n",
        encoding="utf-8",
    )
    stages = "workshop,working-practices,coaching,practice-change"
    for args in (
        ("staff", "import", str(roster)),
        ("trainer", "add", "Tess Trainer", "--stages", stages),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", stages),
        ("cohort", "create", "W1", "--team", "North CMHT"),
        ("schedule", "--cohort", "W1"),
    ):
        assert cli(*args).exit_code == 0, args
    return cli


def test_names_match_without_case_accents_or_extra_spaces(held):
    shown = held("staff", "show", "  siobhan   KELLY ", "--json")
    assert shown.exit_code == 0 and shown.json()["person"]["name"] == "Siobhán Kelly"
    typo = held("staff", "show", "siobhan kely")
    assert typo.exit_code == 1
    assert "did you mean 'Siobhán Kelly'?" in typo.stderr
    assert held("sessions", "--trainer", "tess  trainer").exit_code == 0
    assert "did you mean 'North CMHT'" in held("sessions", "--team", "nort cmht").stderr


def test_a_register_file_says_what_a_file_can_do_and_the_command_line_what_it_can(held, tmp_path):
    register = tmp_path / "register.csv"
    register.write_text("name,status\nsiobhan kelly,present\nPat Reid,present\n")
    from_file = held("attend", "1", "--from", str(register), "--future")
    assert from_file.exit_code == 1
    assert "visitor column" in from_file.stderr and "--visitor" not in from_file.stderr
    typed = held("attend", "1", "--present", "Pat Reid", "--future")
    assert typed.exit_code == 1 and "--visitor" in typed.stderr


def test_unknown_module_keys_list_the_valid_ones(held):
    done = held("handout", "recovery", "-o", "handout.pdf")
    assert done.exit_code == 1
    assert "did you mean 'recovery-workshop'?" in done.stderr
    assert "strengths" in done.stderr and "goal-striving" in done.stderr


def test_rows_with_the_same_problem_are_one_line(held, tmp_path):
    roster = tmp_path / "roster.csv"
    rows = [f"Person {n},Nowhere Team,nurse" for n in range(2, 22)]
    rows[3] = "Person 5,North CMHT,nurse"  # row 5 is fine
    roster.write_text(ROSTER_HEAD + "\n".join(rows) + "\nPerson 22,Elsewhere,nurse\n")
    done = held("staff", "import", str(roster))
    assert done.exit_code == 1
    lines = done.stderr.splitlines()
    assert lines[0] == (
        "  rows 2–4, 6–21: unknown team 'Nowhere Team': add it with `refocus team add` "
        "or import with --create-teams"
    )
    assert lines[1].startswith("  row 22: unknown team 'Elsewhere'")
    assert lines[2].startswith("Error: ") and "20 problems" in lines[2]  # 19 + 1 rows


def test_grouping_keeps_other_problems_in_place():
    problems = ["row 1: missing column 'team'", "row 3: bad", "note", "row 4: bad", "row 9: bad"]
    assert grouped(problems) == ["row 1: missing column 'team'", "rows 3–4, 9: bad", "note"]
    assert row_ranges([7]) == "row 7" and row_ranges([5, 3, 4]) == "rows 3–5"


def test_demo_trainers_are_named_as_people_and_emails_spell_names_in_ascii():
    demo = build("small", 1, date(2026, 12, 1))
    assert all("(" not in trainer.name for trainer in demo.trainers)
    assert any(trainer.lived_experience for trainer in demo.trainers)
    assert ascii_letters("Łukasz") == "lukasz" and ascii_letters("Adébáyọ̀") == "adebayo"
    assert ascii_letters("Søren Æbelø") == "sorenaebelo" and ascii_letters("Strauß") == "strauss"
    for person in demo.roster:
        local = (person.email or "").split("@")[0]
        assert local.split(".")[0] == ascii_letters(person.name.split()[0]), person


def test_a_roster_names_teams_as_people_type_them(held, tmp_path):
    assert held("team", "add", "Hôpital de Jour").exit_code == 0
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_HEAD + "Ana Lima,hopital  de jour,nurse\nBo Ek,NORTH CMHT,nurse\n")
    done = held("staff", "import", str(roster))
    assert done.exit_code == 0, done.stderr
    teams = {p["name"]: p["team"] for p in held("staff", "list", "--json").json()}
    assert teams["Ana Lima"] == "Hôpital de Jour" and teams["Bo Ek"] == "North CMHT"
