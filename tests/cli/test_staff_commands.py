"""Staff one at a time: add, list, move, leave; names, emails and ids."""

from __future__ import annotations

import sqlite3


def test_add_and_list_by_team(programme):
    added = programme(
        "staff",
        "add",
        "Siobhán Kelly",
        "--team",
        "North CMHT",
        "--role",
        "nurse",
        "--email",
        "Siobhan.Kelly@Example.org",
        "--manager",
        "--start",
        "2026-09-01",
        "--json",
    )
    assert added.exit_code == 0, added
    person = added.json()
    assert (person["name"], person["team"], person["role"], person["manager"], person["since"]) == (
        "Siobhán Kelly",
        "North CMHT",
        "nurse",
        True,
        "2026-09-01",
    )
    assert person["email"] == "siobhan.kelly@example.org"
    programme("staff", "add", "Tom Price", "--team", "South CMHT")
    north = programme("staff", "list", "--team", "North CMHT", "--json").json()
    assert [p["name"] for p in north] == ["Siobhán Kelly"]
    everyone = programme("staff", "list", "--json").json()
    assert [p["name"] for p in everyone] == ["Siobhán Kelly", "Tom Price"]
    assert everyone[1]["since"] == "2027-01-04"  # today, from the fixed clock


def test_add_refuses_bad_input(programme):
    cases = [
        (["Ann", "--team", "Nowhere"], "no team with name"),
        (["Ann", "--team", "North CMHT", "--email", "not-an-email"], "not an email address"),
        (["Ann", "--team", "North CMHT", "--start", "yesterday"], "not a valid date"),
    ]
    for args, words in cases:
        result = programme("staff", "add", *args)
        assert result.exit_code == 1 and words in result.stderr, (args, result)
    programme("staff", "add", "Ann", "--team", "North CMHT", "--email", "ann@example.org")
    clash = programme(
        "staff", "add", "Other Ann", "--team", "South CMHT", "--email", "ANN@example.org"
    )
    assert clash.exit_code == 1 and "already belongs to Ann" in clash.stderr
    assert len(programme("staff", "list", "--json").json()) == 1


def test_people_are_found_by_id_email_or_unique_name(programme):
    programme("staff", "add", "Jo Smith", "--team", "North CMHT", "--email", "jo1@example.org")
    programme("staff", "add", "Jo Smith", "--team", "South CMHT", "--email", "jo2@example.org")
    programme("staff", "add", "Priya Patel", "--team", "North CMHT")
    ambiguous = programme("staff", "leave", "jo smith")
    assert ambiguous.exit_code == 1
    assert "Jo Smith (id 1, North CMHT)" in ambiguous.stderr
    assert "Jo Smith (id 2, South CMHT)" in ambiguous.stderr
    assert programme("staff", "leave", "jo2@example.org", "--on", "2027-01-05").exit_code == 0
    assert (
        programme("staff", "move", "1", "--to", "South CMHT", "--on", "2027-01-06").exit_code == 0
    )
    assert programme("staff", "move", "PRIYA PATEL", "--to", "South CMHT").exit_code == 0
    listed = programme("staff", "list", "--all", "--on", "2027-01-06", "--json").json()
    staff = {p["id"]: p for p in listed}
    assert staff[1]["team"] == "South CMHT" and staff[2]["left_on"] == "2027-01-05"
    assert staff[3]["team"] == "South CMHT"


def test_move_keeps_dated_history(programme, env_setup):
    programme("staff", "add", "Ravi Shah", "--team", "North CMHT", "--start", "2026-03-01")
    moved = programme(
        "staff", "move", "Ravi Shah", "--to", "South CMHT", "--on", "2027-02-01", "--json"
    )
    assert moved.json()["team"] == "South CMHT" and moved.json()["since"] == "2027-02-01"
    north = programme("team", "show", "North CMHT", "--json").json()
    assert [(h["start_date"], h["end_date"], h["end_reason"]) for h in north["history"]] == [
        ("2026-03-01", "2027-02-01", "moved")
    ]
    same = programme("staff", "move", "Ravi Shah", "--to", "South CMHT")
    assert same.exit_code == 1 and "already moves to South CMHT on 2027-02-01" in same.stderr
    backwards = programme("staff", "move", "Ravi Shah", "--to", "North CMHT", "--on", "2027-01-01")
    assert backwards.exit_code == 1 and "already in North CMHT on 2027-01-01" in backwards.stderr
    conn = sqlite3.connect(env_setup)
    audit = conn.execute(
        "SELECT actor, action, entity, old, new FROM audit WHERE action = 'move'"
    ).fetchall()
    assert len(audit) == 1
    assert (
        audit[0][0] == "tester" and '"North CMHT"' in audit[0][3] and '"South CMHT"' in audit[0][4]
    )


def test_leavers(programme):
    programme("staff", "add", "Mo Farah", "--team", "North CMHT", "--start", "2026-01-01")
    left = programme("staff", "leave", "Mo Farah", "--on", "2027-03-31", "--json")
    assert (
        left.exit_code == 0
        and left.json()["left_on"] == "2027-03-31"
        and left.json()["team"] is None
    )
    # Until 2027-03-31 (today is 2027-01-04) Mo is still in the team, leaving as scheduled.
    (now,) = programme("staff", "list", "--json").json()
    assert (now["team"], now["scheduled"]) == ("North CMHT", ["leaves on 2027-03-31"])
    assert programme("staff", "list", "--on", "2027-03-31", "--json").json() == []
    everyone = programme("staff", "list", "--all", "--on", "2027-03-31", "--json").json()
    assert [p["name"] for p in everyone] == ["Mo Farah"]
    again = programme("staff", "leave", "Mo Farah")
    assert again.exit_code == 1 and "already left" in again.stderr
    move = programme("staff", "move", "Mo Farah", "--to", "South CMHT")
    assert move.exit_code == 1 and "left on 2027-03-31" in move.stderr


def test_actor_is_recorded_from_option(programme, env_setup):
    programme("--actor", "Dr Rivers", "staff", "add", "Kim Lee", "--team", "North CMHT")
    conn = sqlite3.connect(env_setup)
    (actor,) = conn.execute("SELECT actor FROM audit WHERE entity = 'staff'").fetchone()
    assert actor == "Dr Rivers"


def test_csv_output_neutralises_formulas(programme):
    programme(
        "staff", "add", '=HYPERLINK("http://x")', "--team", "North CMHT", "--role", "@SUM(A1)"
    )
    rows = programme("staff", "list", "--csv").stdout.splitlines()
    assert rows[1].split(",")[1].startswith("\"'=HYPERLINK")
    assert ",'@SUM(A1)," in rows[1]
