"""Trainers with stages and leave, venues with capacity, cohorts of teams."""

from __future__ import annotations


def test_trainers_with_stages_and_unavailability(programme):
    added = programme(
        "trainer",
        "add",
        "Ruth Evans",
        "--email",
        "ruth@example.org",
        "--stages",
        "coaching, workshop",
        "--json",
    )
    assert added.exit_code == 0, added
    assert added.json()["stages"] == ["workshop", "coaching"]  # rollout order
    programme("trainer", "add", "Dai Morgan", "--lived-experience")
    away = programme(
        "trainer",
        "unavailable",
        "Dai Morgan",
        "--from",
        "2027-02-01",
        "--to",
        "2027-02-12",
        "--reason",
        "annual leave",
    )
    assert away.exit_code == 0, away
    trainers = {t["name"]: t for t in programme("trainer", "list", "--json").json()}
    assert trainers["Dai Morgan"]["lived_experience"] is True
    assert trainers["Dai Morgan"]["stages"] == [
        "workshop",
        "working-practices",
        "coaching",
        "practice-change",
    ]
    assert trainers["Dai Morgan"]["unavailable"] == [
        {"from_date": "2027-02-01", "to_date": "2027-02-12", "reason": "annual leave"}
    ]
    assert trainers["Ruth Evans"]["unavailable"] == []
    table = programme("trainer", "list").stdout
    assert "2027-02-01" in table and "Ruth Evans" in table


def test_trainer_bad_input(programme):
    bad_stage = programme("trainer", "add", "X Y", "--stages", "workshop,yoga")
    assert bad_stage.exit_code == 1 and "unknown stage 'yoga'" in bad_stage.stderr
    programme("trainer", "add", "Ruth Evans")
    backwards = programme(
        "trainer", "unavailable", "Ruth Evans", "--from", "2027-03-01", "--to", "2027-02-01"
    )
    assert backwards.exit_code == 1 and "before --from" in backwards.stderr
    nobody = programme(
        "trainer", "unavailable", "Nobody", "--from", "2027-03-01", "--to", "2027-03-02"
    )
    assert nobody.exit_code == 1 and "no trainer with name" in nobody.stderr
    assert programme("trainer", "list", "--json").json()[0]["unavailable"] == []


def test_venues(programme):
    assert (
        programme("venue", "add", "Board Room", "--capacity", "24", "--site", "North").exit_code
        == 0
    )
    assert programme("venue", "list", "--json").json()[0]["capacity"] == 24
    for capacity in ["0", "-3", "100000", "many"]:
        result = programme("venue", "add", "Hall", "--capacity", capacity)
        assert result.exit_code == 2, (capacity, result)
    assert len(programme("venue", "list", "--json").json()) == 1
    assert programme("venue", "add", "board room", "--capacity", "5").exit_code == 1


def test_cohorts(programme):
    programme("staff", "add", "Ann", "--team", "North CMHT")
    programme("staff", "add", "Bob", "--team", "South CMHT")
    created = programme(
        "cohort", "create", "WAVE1", "--team", "North CMHT", "--team", "2", "--json"
    )
    assert created.exit_code == 0, created
    record = created.json()
    assert record["teams"] == 2 and record["staff"] == 2
    assert [t["name"] for t in record["team_list"]] == ["North CMHT", "South CMHT"]
    listed = programme("cohort", "list", "--json").json()
    assert [(c["name"], c["teams"], c["staff"]) for c in listed] == [("WAVE1", 2, 2)]
    assert programme("team", "show", "North CMHT", "--json").json()["cohort"] == "WAVE1"
    shown = programme("cohort", "show", "wave1")
    assert shown.exit_code == 0 and "South CMHT" in shown.stdout


def test_cohort_refusals(programme):
    programme("team", "add", "East CMHT")
    programme("cohort", "create", "WAVE1", "--team", "North CMHT")
    for args, words in [
        (["WAVE2", "--team", "North CMHT"], "already in cohort WAVE1"),
        (["WAVE2", "--team", "East CMHT", "--team", "east cmht"], "named twice"),
        (["WAVE2", "--team", "Nowhere"], "no team with name"),
        (["wave1", "--team", "East CMHT"], "already exists"),
    ]:
        result = programme("cohort", "create", *args)
        assert result.exit_code == 1 and words in result.stderr, (args, result)
    assert programme("cohort", "create", "WAVE2").exit_code == 2  # --team is required
    assert [c["name"] for c in programme("cohort", "list", "--json").json()] == ["WAVE1"]
