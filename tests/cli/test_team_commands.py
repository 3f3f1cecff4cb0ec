"""Teams: add, list, show, merge and disband with dated history."""

from __future__ import annotations


def _names(result):
    return [row["name"] for row in result.json()]


def test_add_list_and_show(programme):
    listed = programme("team", "list", "--json")
    assert listed.exit_code == 0
    rows = listed.json()
    assert [(r["name"], r["site"], r["kind"], r["status"], r["staff"]) for r in rows] == [
        ("North CMHT", "North", "CMHT", "active", 0),
        ("South CMHT", "South", "CMHT", "active", 0),
    ]
    assert all(len(r["uuid"]) == 36 for r in rows)
    shown = programme("team", "show", "north cmht", "--json").json()
    assert shown["name"] == "North CMHT" and shown["members"] == [] and shown["history"] == []


def test_duplicate_team_name_is_refused(programme):
    again = programme("team", "add", "north cmht")
    assert again.exit_code == 1
    assert "already exists" in again.stderr


def test_team_csv_output(programme):
    out = programme("team", "list", "--csv").stdout.splitlines()
    assert out[0] == "id,name,site,kind,status,staff,cohort,ended_on,merged_into,scheduled"
    assert out[1].startswith("1,North CMHT,North,CMHT,active,0")


def test_table_output_for_people(programme):
    out = programme("team", "list").stdout
    assert "North CMHT" in out and "South CMHT" in out and "Status" in out


def test_merge_moves_staff_and_keeps_history(programme):
    programme("staff", "add", "Ada Lovelace", "--team", "North CMHT", "--start", "2026-05-01")
    programme("staff", "add", "Alan Turing", "--team", "North CMHT", "--start", "2026-06-01")
    merged = programme(
        "team", "merge", "North CMHT", "--into", "South CMHT", "--on", "2027-02-01", "--json"
    )
    assert merged.exit_code == 0, merged
    assert merged.json()["staff_moved"] == 2
    north = programme("team", "show", "North CMHT", "--on", "2027-02-01", "--json").json()
    assert north["status"] == "merged" and north["ended_on"] == "2027-02-01"
    assert north["merged_into"] == "South CMHT" and north["members"] == []
    assert {
        (h["name"], h["start_date"], h["end_date"], h["end_reason"]) for h in north["history"]
    } == {
        ("Ada Lovelace", "2026-05-01", "2027-02-01", "merged"),
        ("Alan Turing", "2026-06-01", "2027-02-01", "merged"),
    }
    south = programme("team", "show", "South CMHT", "--on", "2027-02-01", "--json").json()
    assert {(m["name"], m["since"]) for m in south["members"]} == {
        ("Ada Lovelace", "2027-02-01"),
        ("Alan Turing", "2027-02-01"),
    }
    assert south["merged_from"] == ["North CMHT"]
    # Today (2027-01-04) the merge is still to come: shown as scheduled, never as done.
    north_now = programme("team", "show", "North CMHT", "--json").json()
    assert (north_now["status"], north_now["scheduled"]) == (
        "active",
        "merges into South CMHT on 2027-02-01",
    )
    assert {m["name"] for m in north_now["members"]} == {"Ada Lovelace", "Alan Turing"}
    south_now = programme("team", "show", "South CMHT", "--json").json()
    assert south_now["members"] == [] and south_now["merged_from"] == []
    assert south_now["merging_in"] == ["North CMHT merges into it on 2027-02-01"]


def test_merge_refusals(programme):
    assert "into itself" in programme("team", "merge", "North CMHT", "--into", "North CMHT").stderr
    programme("staff", "add", "Late Joiner", "--team", "North CMHT", "--start", "2027-03-01")
    early = programme("team", "merge", "North CMHT", "--into", "South CMHT", "--on", "2027-02-01")
    assert early.exit_code == 1 and "after the merge date" in early.stderr
    assert programme("team", "show", "North CMHT", "--json").json()["status"] == "active"
    programme("team", "disband", "South CMHT", "--on", "2027-02-01")
    gone = programme("team", "merge", "North CMHT", "--into", "South CMHT")
    assert gone.exit_code == 1 and "is to be disbanded on 2027-02-01" in gone.stderr


def test_disband_ends_memberships_and_keeps_people(programme):
    programme("staff", "add", "Grace Hopper", "--team", "South CMHT", "--start", "2026-01-01")
    result = programme("team", "disband", "South CMHT", "--on", "2027-04-01")
    assert result.exit_code == 0, result
    staff = programme("staff", "list", "--on", "2027-04-01", "--json").json()
    assert [(p["name"], p["team"]) for p in staff] == [("Grace Hopper", None)]
    assert "no current team" in programme("db", "check").stderr
    active = programme("team", "list", "--active", "--on", "2027-04-01", "--json")
    assert _names(active) == ["North CMHT"]
    moved = programme("staff", "move", "Grace Hopper", "--to", "North CMHT", "--on", "2027-04-02")
    assert moved.exit_code == 0, moved


def test_unknown_team_and_empty_reference(programme):
    unknown = programme("team", "show", "Nowhere")
    assert unknown.exit_code == 1 and unknown.stderr.startswith(
        "Error: no team with name 'Nowhere'"
    )
    missing_id = programme("team", "show", "99")
    assert "no team with id '99'" in missing_id.stderr
    blank = programme("team", "show", "  ")
    assert blank.exit_code == 1 and "cannot be empty" in blank.stderr


def test_bad_team_names(programme):
    for name, words in [
        ("   ", "cannot be empty"),
        ("x" * 300, "keep it under"),
        ("Bad\x07Team", "control characters"),
        ("12345", "only digits"),
    ]:
        result = programme("team", "add", name)
        assert result.exit_code == 1 and words in result.stderr, (name, result)
    assert len(programme("team", "list", "--json").json()) == 2
