"""Now views are as of today; a later merge, move or leaving shows as scheduled, never as
done; --on shows any day the same way in every view (issue 13, point 3).

The test clock says 2027-01-04; Hillview EIP merges into Riverside CMHT on 2027-07-01.
"""

from __future__ import annotations

import pytest

MERGE_DAY = "2027-07-01"
MERGES = "moves to Riverside CMHT on 2027-07-01 (Hillview EIP merges into it)"


@pytest.fixture
def rollout(cli):
    for args in (
        ("init", "Dated Views", "--start", "2027-01-11"),
        ("team", "add", "Riverside CMHT"),
        ("team", "add", "Hillview EIP"),
        ("team", "add", "Eastside CMHT"),
        ("staff", "add", "Rita River", "--team", "Riverside CMHT", "--start", "2026-01-01"),
        ("staff", "add", "Mo Mover", "--team", "Riverside CMHT", "--start", "2026-01-01"),
        ("staff", "add", "Lee Leaver", "--team", "Riverside CMHT", "--start", "2026-01-01"),
        ("staff", "add", "Hana Hill", "--team", "Hillview EIP", "--start", "2026-02-01"),
        ("staff", "add", "Harry Hill", "--team", "Hillview EIP", "--start", "2026-03-01"),
        ("staff", "move", "Mo Mover", "--to", "Eastside CMHT", "--on", "2027-03-01"),
        ("staff", "leave", "Lee Leaver", "--on", "2027-05-31"),
        ("cohort", "create", "WAVE1", "--team", "Riverside CMHT", "--team", "Hillview EIP"),
        ("team", "merge", "Hillview EIP", "--into", "Riverside CMHT", "--on", MERGE_DAY),
        ("team", "disband", "Eastside CMHT", "--on", "2027-09-01"),
    ):
        done = cli(*args)
        assert done.exit_code == 0, (args, done)
    return cli


def _teams(cli, *on):
    return {team["name"]: team for team in cli("team", "list", *on, "--json").json()}


def _names(rows):
    return [row["name"] for row in rows]


def test_team_list_shows_a_later_merge_as_scheduled(rollout):
    teams = _teams(rollout)
    hillview = teams["Hillview EIP"]
    assert (hillview["status"], hillview["staff"], hillview["ended_on"]) == ("active", 2, None)
    assert hillview["merged_into"] is None
    assert hillview["scheduled"] == "merges into Riverside CMHT on 2027-07-01"
    assert teams["Riverside CMHT"]["staff"] == 3  # Rita, Mo until March, Lee until May
    assert teams["Eastside CMHT"]["scheduled"] == "disbands on 2027-09-01"
    assert "merges into Riverside CMHT on 2027-07-01" in rollout("team", "list").stdout
    active = rollout("team", "list", "--active", "--json").json()
    assert _names(active) == ["Eastside CMHT", "Hillview EIP", "Riverside CMHT"]


def test_team_list_on_a_date_shows_that_day(rollout):
    teams = _teams(rollout, "--on", MERGE_DAY)
    hillview = teams["Hillview EIP"]
    assert (hillview["status"], hillview["staff"], hillview["ended_on"]) == (
        "merged",
        0,
        MERGE_DAY,
    )
    assert (hillview["merged_into"], hillview["scheduled"]) == ("Riverside CMHT", None)
    assert teams["Riverside CMHT"]["staff"] == 3  # Rita, Hana, Harry: Mo moved, Lee left
    assert teams["Eastside CMHT"]["staff"] == 1
    the_day_before = _teams(rollout, "--on", "2027-06-30")
    assert the_day_before["Hillview EIP"]["status"] == "active"
    assert the_day_before["Hillview EIP"]["staff"] == 2
    later = rollout("team", "list", "--active", "--on", "2027-09-01", "--json").json()
    assert _names(later) == ["Riverside CMHT"]


def test_staff_list_of_a_team_merging_later_lists_its_people(rollout):
    hillview = rollout("staff", "list", "--team", "Hillview EIP", "--json").json()
    assert [(p["name"], p["team"], p["scheduled"]) for p in hillview] == [
        ("Hana Hill", "Hillview EIP", [MERGES]),
        ("Harry Hill", "Hillview EIP", [MERGES]),
    ]
    assert (
        rollout("staff", "list", "--team", "Hillview EIP", "--on", MERGE_DAY, "--json").json() == []
    )
    riverside = rollout("staff", "list", "--team", "Riverside CMHT", "--json").json()
    assert {(p["name"], tuple(p["scheduled"])) for p in riverside} == {
        ("Lee Leaver", ("leaves on 2027-05-31",)),
        (
            "Mo Mover",
            ("moves to Eastside CMHT on 2027-03-01", "Eastside CMHT disbands on 2027-09-01"),
        ),
        ("Rita River", ()),
    }
    table = rollout("staff", "list", "--team", "Riverside CMHT").stdout
    assert "leaves on 2027-05-31" in table and "moves to Eastside CMHT" in table


def test_staff_list_on_a_date_leaves_out_who_has_left_by_then(rollout):
    on_leaving_day = rollout("staff", "list", "--on", "2027-05-31", "--json").json()
    assert "Lee Leaver" not in _names(on_leaving_day)
    everyone = rollout("staff", "list", "--all", "--on", "2027-05-31", "--json").json()
    lee = next(p for p in everyone if p["name"] == "Lee Leaver")
    assert (lee["team"], lee["left_on"], lee["scheduled"]) == (None, "2027-05-31", [])
    the_day_before = rollout("staff", "list", "--on", "2027-05-30", "--json").json()
    assert "Lee Leaver" in _names(the_day_before)
    mo = next(p for p in on_leaving_day if p["name"] == "Mo Mover")
    assert (mo["team"], mo["since"]) == ("Eastside CMHT", "2027-03-01")
    assert mo["scheduled"] == ["Eastside CMHT disbands on 2027-09-01"]


def test_team_show_lists_only_people_in_the_team_that_day(rollout):
    today = rollout("team", "show", "Riverside CMHT", "--json").json()
    assert today["on"] == "2027-01-04"
    assert _names(today["members"]) == ["Lee Leaver", "Mo Mover", "Rita River"]
    mo = next(m for m in today["members"] if m["name"] == "Mo Mover")
    assert mo["scheduled"] == [
        "moves to Eastside CMHT on 2027-03-01",
        "Eastside CMHT disbands on 2027-09-01",
    ]
    assert [(j["name"], j["joins_on"], j["coming_from"]) for j in today["joining"]] == [
        ("Hana Hill", MERGE_DAY, "Hillview EIP"),
        ("Harry Hill", MERGE_DAY, "Hillview EIP"),
    ]
    assert today["merged_from"] == []
    assert today["merging_in"] == ["Hillview EIP merges into it on 2027-07-01"]
    merged = rollout("team", "show", "Riverside CMHT", "--on", MERGE_DAY, "--json").json()
    assert _names(merged["members"]) == ["Hana Hill", "Harry Hill", "Rita River"]
    assert merged["joining"] == [] and merged["merged_from"] == ["Hillview EIP"]
    february = rollout("team", "show", "Riverside CMHT", "--on", "2027-02-01", "--json").json()
    assert "Mo Mover" in _names(february["members"])  # in Riverside until March
    hillview = rollout("team", "show", "Hillview EIP", "--json").json()
    assert (hillview["status"], hillview["scheduled"]) == (
        "active",
        "merges into Riverside CMHT on 2027-07-01",
    )
    shown = rollout("team", "show", "Riverside CMHT").stdout
    assert "Joining later" in shown and "Staff on 2027-01-04" in shown


def test_cohort_show_is_as_of_a_day(rollout):
    today = rollout("cohort", "show", "WAVE1", "--json").json()
    teams = {team["name"]: team for team in today["team_list"]}
    assert (teams["Hillview EIP"]["status"], teams["Hillview EIP"]["staff"]) == ("active", 2)
    assert teams["Hillview EIP"]["scheduled"] == "merges into Riverside CMHT on 2027-07-01"
    assert today["staff"] == 5
    later = rollout("cohort", "show", "WAVE1", "--on", MERGE_DAY, "--json").json()
    teams = {team["name"]: team for team in later["team_list"]}
    assert (teams["Hillview EIP"]["status"], teams["Hillview EIP"]["staff"]) == ("merged", 0)
    assert teams["Riverside CMHT"]["staff"] == 3 and later["staff"] == 3
    listed = rollout("cohort", "list", "--on", MERGE_DAY, "--json").json()
    assert listed[0]["staff"] == 3


def test_staff_show_is_as_of_a_day(rollout):
    today = rollout("staff", "show", "Mo Mover", "--json").json()
    assert (today["person"]["team"], today["on"]) == ("Riverside CMHT", "2027-01-04")
    assert [(m["team"], m["standing"]) for m in today["memberships"]] == [
        ("Riverside CMHT", "current"),
        ("Eastside CMHT", "scheduled"),
    ]
    march = rollout("staff", "show", "Mo Mover", "--on", "2027-03-01", "--json").json()
    assert march["person"]["team"] == "Eastside CMHT"
    assert [m["standing"] for m in march["memberships"]] == ["past", "current"]
    shown = rollout("staff", "show", "Hana Hill").stdout
    assert MERGES in shown.replace("\n", " ") or "merges into it" in shown


def test_a_bad_date_is_refused(rollout):
    for args in (
        ("team", "list", "--on", "2027-02-30"),
        ("team", "show", "Hillview EIP", "--on", "soon"),
        ("staff", "list", "--on", "tomorrow"),
        ("staff", "show", "Mo Mover", "--on", "2027/03/01"),
        ("cohort", "show", "WAVE1", "--on", ""),
    ):
        refused = rollout(*args)
        assert refused.exit_code == 1 and refused.stderr.startswith("Error: "), (args, refused)


def test_progress_shows_a_later_merge_as_scheduled_and_a_past_one_as_done(cli):
    for args in (
        ("init", "Dated Progress", "--start", "2027-01-11"),
        ("team", "add", "Riverside CMHT"),
        ("team", "add", "Hillview EIP"),
        ("staff", "add", "Rita River", "--team", "Riverside CMHT", "--start", "2026-01-01"),
        ("staff", "add", "Hana Hill", "--team", "Hillview EIP", "--start", "2026-02-01"),
        ("trainer", "add", "Tess Trainer"),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", "workshop,coaching"),
        ("cohort", "create", "WAVE1", "--team", "Riverside CMHT", "--team", "Hillview EIP"),
        ("schedule", "WAVE1"),
        ("team", "merge", "Hillview EIP", "--into", "Riverside CMHT", "--on", MERGE_DAY),
    ):
        assert cli(*args).exit_code == 0, args

    def hillview(*on):
        report = cli("progress", *on, "--json").json()
        named = [team for team in report["teams"] if team["name"] == "Hillview EIP"]
        assert len(named) == 1, (on, [team["name"] for team in report["teams"]])
        return named[0]

    for on in ((), ("--on", "2027-02-01")):  # today, and a day before the merge
        before = hillview(*on)
        assert before["status"] == "active" and before["ended_on"] is None
        assert before["scheduled"] == f"merges on {MERGE_DAY}"
    after = hillview("--on", MERGE_DAY)
    assert (after["status"], after["ended_on"], after["scheduled"]) == ("merged", MERGE_DAY, None)
    table = cli("progress", "--on", "2027-02-01").stdout
    assert f"Hillview EIP (merges on {MERGE_DAY})" in " ".join(table.split())
