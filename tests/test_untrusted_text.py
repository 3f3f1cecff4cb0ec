"""Text from files and the environment gets the checks typed options get (issue 16, item 6).

Roster cells, register names and the actor used to reach the terminal and the database
raw (escape sequences, right-to-left overrides, 3,000-character emails, 100 KB names);
each is now refused with the row and the field named, and nothing is written.
"""

from __future__ import annotations

import sqlite3

import pytest
from attending import start_planned

LONG_NAME = "A" * 100_000


def _rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _refused(result, *lines):
    assert result.exit_code == 1, result
    said = result.stderr.rstrip("\n").split("\n")
    assert said[-1].startswith("Error: ") and "Traceback" not in result.stderr, result
    for line in lines:
        assert any(line in got for got in said), (line, result.stderr)
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


ROSTER_CELLS = {
    "escape in a role": (
        "name,team,role\nAnn Lee,North CMHT,\x1b[31mnurse\x1b[0m\n",
        "row 2: role contains control characters or hidden formatting: "
        "character 1 is U+001B, a control character; remove it",
    ),
    "override in an email": (
        "name,team,email\nAnn Lee,North CMHT,gro.elpmaxe@\u202eann\n",
        "row 2: email contains control characters or hidden formatting: character 13 is U+202E",
    ),
    "3,000-character email": (
        f"name,team,email\nAnn Lee,North CMHT,{'a' * 2988}@example.org\n",
        "row 2: email is 3,000 characters long: keep it under the limit of 254 characters",
    ),
    "isolate in a name": (
        "name,team\nAnn \u2067Lee\u2069,North CMHT\n",
        "row 2: staff name contains control characters or hidden formatting: character 5 is U+2067",
    ),
    "C1 control in the team": (
        "name,team\nAnn Lee,North\x9bCMHT\n",
        "row 2: team name contains control characters or hidden formatting",
    ),
    "escape in the manager cell": (
        "name,team,manager\nAnn Lee,North CMHT,\x1b]0;x\x07\n",
        "row 2: manager contains control characters",
    ),
    "long start cell": (
        f"name,team,start\nAnn Lee,North CMHT,{'9' * 5000}\n",
        "row 2: start date is 5,000 characters long",
    ),
}


@pytest.mark.parametrize("case", ROSTER_CELLS.values(), ids=ROSTER_CELLS.keys())
def test_every_roster_column_is_checked_like_the_options(programme, tmp_path, env_setup, case):
    text, problem = case
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    _refused(programme("staff", "import", str(roster)), problem)
    assert _rows(env_setup, "SELECT count(*) FROM staff") == [(0,)]


def test_the_same_role_typed_with_staff_add_is_refused_the_same_way(programme):
    typed = programme("staff", "add", "Ann Lee", "--team", "North CMHT", "--role", "\x1b[31mx")
    _refused(typed, "--role contains control characters or hidden formatting: character 1")


@pytest.fixture
def planned(cli, monkeypatch, env_setup, from_template):
    return start_planned(cli, monkeypatch, env_setup, from_template)


REGISTER_NAMES = {
    "escape in a visitor": (
        "name,status,visitor\nNia North,present,\n\x1b[2Jguest,present,yes\n",
        "row 3: visitor name contains control characters",
    ),
    "5,000-character visitor": (
        f"name,status,visitor\n{'A' * 5000},present,yes\n",
        "row 2: visitor name is 5,000 characters long: keep it under the limit of 200",
    ),
    "100 KB visitor (past the reader's cell limit)": (
        f"name,status,visitor\n{LONG_NAME},present,yes\n",
        "Error: register.csv row 2 has a cell over 10,000 characters long",
    ),
    "escape in a header": (
        "\x1b[2Jname,status\nNia North,present\n",
        "row 1: missing required column 'name' (found: '\\x1b[2Jname', status)",
    ),
    "override in a staff name": (
        "name,status\nNia\u202eNorth,present\n",
        "row 2: name contains control characters or hidden formatting: character 4 is U+202E",
    ),
}


@pytest.mark.parametrize("case", REGISTER_NAMES.values(), ids=REGISTER_NAMES.keys())
def test_register_names_are_checked_with_the_row(planned, cli, tmp_path, case):
    text, problem = case
    workshop = planned["sessions"][0]
    register = tmp_path / "register.csv"
    register.write_text(text, encoding="utf-8")
    _refused(cli("attend", str(workshop["id"]), "--from", str(register)), problem)
    assert _rows(planned["db"], "SELECT count(*) FROM attendance") == [(0,)]


ACTORS = {
    "escape": ("\x1b[31mmallory", "character 1 is U+001B"),
    "120 KB": ("m" * 120_000, "is 120,000 characters long: keep it under the limit of 100"),
    "override": ("ann\u202eeve", "character 4 is U+202E"),
}


@pytest.mark.parametrize("case", ACTORS.values(), ids=ACTORS.keys())
@pytest.mark.parametrize("how", ["--actor", "REFOCUS_ACTOR"])
def test_the_actor_is_checked_from_the_option_and_the_environment(programme, env_setup, case, how):
    actor, problem = case
    before = _rows(env_setup, "SELECT count(*) FROM audit")
    if how == "--actor":
        result = programme("--actor", actor, "team", "add", "East CMHT")
    else:
        result = programme("team", "add", "East CMHT", env={"REFOCUS_ACTOR": actor})
    _refused(result, "Error: --actor (or $REFOCUS_ACTOR) ", problem)
    assert _rows(env_setup, "SELECT count(*) FROM audit") == before
    assert _rows(env_setup, "SELECT count(*) FROM team WHERE name = 'East CMHT'") == [(0,)]


def test_a_plain_actor_is_recorded_tidied(programme, env_setup):
    assert programme("--actor", "  Jane   Smith ", "team", "add", "East CMHT").exit_code == 0
    assert _rows(env_setup, "SELECT actor FROM audit ORDER BY id DESC LIMIT 1") == [("Jane Smith",)]
