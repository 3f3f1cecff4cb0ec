"""Putting mistakes right: staff show and edit, team edit, trainer edit, remove and
available, venue edit and remove. Each edit is checked with its write, audited old → new,
raises the SEQUENCE of the calendar entries it changes, and a refusal writes nothing."""

from __future__ import annotations

import pytest
from database_rows import every_row, last_audit, query, sequences

STAGES = "workshop,working-practices,coaching,practice-change"


@pytest.fixture
def planned(cli, tmp_path):
    """North (3 staff) and South (2) in cohort W1, planned with Tess, Len (lived
    experience) and the Hall; the test clock (2027-01-04) is before the first session."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,team,email,role,start\n"
        "Ann North,North CMHT,ann@nhs.example,nurse,2026-01-01\n"
        "Ben North,North CMHT,,psychologist,2026-01-01\n"
        "Cat North,North CMHT,,administrator,2026-01-01\n"
        "Dee South,South CMHT,dee@nhs.example,nurse,2026-01-01\n"
        "Eve South,South CMHT,,social worker,2026-01-01\n"
    )
    for args in (
        ("init", "Edits", "--start", "2027-01-11"),
        ("team", "add", "North CMHT", "--site", "North"),
        ("team", "add", "South CMHT", "--site", "South"),
        ("staff", "import", str(roster)),
        ("trainer", "add", "Tess Trainer", "--email", "tess@nhs.example", "--stages", STAGES),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", STAGES),
        ("venue", "add", "Hall", "--capacity", "30"),
        ("cohort", "create", "W1", "--team", "North CMHT", "--team", "South CMHT"),
        ("schedule", "W1"),
    ):
        done = cli(*args)
        assert done.exit_code == 0, (args, done)
    return cli


def _refused(cli, db, *args, words):
    """Run a command that must be refused with `words`, writing nothing."""
    before = every_row(db)
    result = cli(*args)
    assert result.exit_code == 1, (args, result)
    assert result.stderr.startswith("Error: ") and words in result.stderr, (args, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1
    assert every_row(db) == before, args


def _sessions_of(db, team):
    return {
        session_id
        for (session_id,) in query(
            db,
            "SELECT st.session_id FROM session_team st JOIN team t ON t.id = st.team_id "
            "WHERE t.name = ?",
            (team,),
        )
    }


def test_staff_show_tells_everything_about_one_person(planned, monkeypatch):
    monkeypatch.setenv("REFOCUS_NOW", "2027-01-12T17:00:00+00:00")  # after the first workshop
    assert planned("attend", "1", "--all-present", "--except", "Ben North").exit_code == 0
    shown = planned("staff", "show", "ann@nhs.example", "--json").json()
    person = shown["person"]
    assert (person["name"], person["team"], person["since"]) == (
        "Ann North",
        "North CMHT",
        "2026-01-01",
    )
    assert (person["clinical"], person["clinical_guessed"]) == (True, True)
    assert [(m["team"], m["standing"]) for m in shown["memberships"]] == [("North CMHT", "current")]
    assert shown["attendance"]["marked"] == 1 and shown["attendance"]["attended"] == 1
    assert shown["attendance"]["by_stage"] == [
        {"stage": "workshop", "attended": 1, "excused": 0, "absent": 0}
    ]
    text = planned("staff", "show", "Ann North").stdout
    assert "guessed from the job title" in text and "attended 1 of 1" in text
    assert planned("staff", "show", "Nobody").exit_code == 1


def test_staff_edit_changes_what_was_typed_wrong(planned, env_setup):
    before = sequences(env_setup)
    edited = planned(
        "staff", "edit", "Ben North", "--name", "Ben Northcott", "--email", "ben@nhs.example",
        "--role", "clinical psychologist", "--manager", "--no-clinical", "--json",
    )  # fmt: skip
    assert edited.exit_code == 0, edited
    record = edited.json()
    assert record["name"] == "Ben Northcott"
    assert {c["field"]: (c["old"], c["new"]) for c in record["changes"]} == {
        "name": ("Ben North", "Ben Northcott"),
        "email": (None, "ben@nhs.example"),
        "role": ("psychologist", "clinical psychologist"),
        "manager": (False, True),
        "clinical": (True, False),
        "clinical_guessed": (True, False),
    }
    person = planned("staff", "show", "ben@nhs.example", "--json").json()["person"]
    assert (person["name"], person["manager"], person["clinical"]) == ("Ben Northcott", True, False)
    assert person["clinical_guessed"] is False
    entry = last_audit(env_setup, "edit")
    assert entry["entity"] == "staff" and entry["old"]["name"] == "Ben North"
    assert entry["new"]["name"] == "Ben Northcott"
    # No calendar names staff (only invitations do, each to its own person), so no
    # session's SEQUENCE moves: `refocus invite` would otherwise update the whole team.
    assert "sessions_updated" not in entry["new"] and record["sessions_updated"] == []
    assert sequences(env_setup) == before


def test_staff_edit_of_the_role_alone_leaves_calendars(planned, env_setup):
    before = sequences(env_setup)
    edited = planned("staff", "edit", "Eve South", "--role", "senior social worker")
    assert edited.exit_code == 0 and "role social worker → senior social worker" in edited.stderr
    assert sequences(env_setup) == before
    same = planned("staff", "edit", "Eve South", "--role", "senior social worker")
    assert same.exit_code == 0 and "Nothing changed" in same.stderr
    assert last_audit(env_setup, "edit")["new"] == {"role": "senior social worker"}


def test_staff_edit_refusals_write_nothing(planned, env_setup):
    _refused(planned, env_setup, "staff", "edit", "Ann North", words="nothing to change")
    _refused(
        planned, env_setup, "staff", "edit", "Ann North", "--email", "DEE@nhs.example",
        words="already belongs to Dee South",
    )  # fmt: skip
    _refused(planned, env_setup, "staff", "edit", "Ann North", "--email", "x", words="not an email")
    _refused(
        planned, env_setup, "staff", "edit", "Ann North", "--email", " ", words="cannot be empty"
    )
    _refused(
        planned, env_setup, "staff", "edit", "Ann North", "--name", "  ", words="cannot be empty"
    )
    _refused(planned, env_setup, "staff", "edit", "Nobody", "--role", "x", words="no staff")
    assert planned("staff", "forget", "Eve South", "--yes").exit_code == 0
    _refused(planned, env_setup, "staff", "edit", "5", "--role", "x", words="was forgotten")


def test_team_edit_renames_and_updates_calendars(planned, env_setup):
    before = sequences(env_setup)
    edited = planned(
        "team", "edit", "North CMHT", "--name", "Northgate CMHT", "--site", "Northgate"
    )
    assert edited.exit_code == 0, edited
    assert "name North CMHT → Northgate CMHT; site North → Northgate" in edited.stderr
    north = _sessions_of(env_setup, "Northgate CMHT")
    after = sequences(env_setup)
    assert all(after[i] == before[i] + 1 for i in north)
    assert all(after[i] == before[i] for i in set(before) - north)
    listed = planned("sessions", "--team", "Northgate CMHT", "--json").json()
    assert listed and all("Northgate CMHT" in s["teams"] for s in listed)
    entry = last_audit(env_setup, "edit")
    assert entry["old"] == {"name": "North CMHT", "site": "North"}
    assert entry["new"]["name"] == "Northgate CMHT" and len(
        entry["new"]["sessions_updated"]
    ) == len(north)
    kind_only = planned("team", "edit", "South CMHT", "--kind", "CMHT", "--json").json()
    assert kind_only["sessions_updated"] == [] and sequences(env_setup) == after


def test_team_edit_refusals_write_nothing(planned, env_setup):
    _refused(planned, env_setup, "team", "edit", "North CMHT", words="nothing to change")
    _refused(
        planned, env_setup, "team", "edit", "North CMHT", "--name", "south cmht",
        words="already exists",
    )  # fmt: skip
    _refused(planned, env_setup, "team", "edit", "North CMHT", "--name", "12", words="only digits")
    _refused(planned, env_setup, "team", "edit", "Nowhere", "--site", "x", words="no team")


def test_trainer_edit_keeps_what_booked_sessions_need(planned, env_setup):
    _refused(
        planned, env_setup, "trainer", "edit", "Tess Trainer", "--stages", "workshop",
        words="is booked to deliver coaching, practice-change, working-practices on session",
    )  # fmt: skip
    _refused(
        planned, env_setup, "trainer", "edit", "Len Lived", "--no-lived-experience",
        words="booked as the lived-experience trainer on session 1 (Mon 11 Jan 2027, 09:30",
    )  # fmt: skip
    _refused(
        planned, env_setup, "trainer", "edit", "Len Lived", "--email", "TESS@nhs.example",
        words="already belongs to trainer Tess Trainer",
    )  # fmt: skip
    _refused(planned, env_setup, "trainer", "edit", "Len Lived", words="nothing to change")
    _refused(
        planned, env_setup, "trainer", "edit", "Len Lived", "--stages", "tea", words="unknown stage"
    )


def test_trainer_edit_renames_and_updates_their_calendars(planned, env_setup):
    before = sequences(env_setup)
    booked = {
        i
        for (i,) in query(env_setup, "SELECT session_id FROM session_trainer WHERE trainer_id = 1")
    }
    edited = planned("trainer", "edit", "Tess Trainer", "--name", "Tess Teacher", "--json").json()
    assert edited["changes"] == [{"field": "name", "old": "Tess Trainer", "new": "Tess Teacher"}]
    after = sequences(env_setup)
    assert set(edited["sessions_updated"]) == booked
    assert all(after[i] == before[i] + 1 for i in booked)
    assert all(after[i] == before[i] for i in set(before) - booked)
    widened = planned("trainer", "edit", "Len Lived", "--stages", STAGES, "--lived-experience")
    assert widened.exit_code == 0 and "Nothing changed" in widened.stderr
    planned("trainer", "add", "Sam Spare", "--stages", "coaching")
    more = planned("trainer", "edit", "Sam Spare", "--stages", "coaching,workshop", "--json").json()
    assert more["changes"] == [
        {"field": "stages", "old": ["coaching"], "new": ["workshop", "coaching"]}
    ]
    listed = {t["name"]: t for t in planned("trainer", "list", "--json").json()}
    assert listed["Sam Spare"]["stages"] == ["workshop", "coaching"]
    assert last_audit(env_setup, "edit")["new"] == {"stages": ["workshop", "coaching"]}


def test_trainer_remove_is_refused_while_booked(planned, env_setup, monkeypatch):
    _refused(
        planned, env_setup, "trainer", "remove", "Tess Trainer",
        words="is booked on session 1 (Mon 11 Jan 2027, 09:30, recovery-workshop)",
    )  # fmt: skip
    ((booked,),) = query(env_setup, "SELECT count(*) FROM session_trainer WHERE trainer_id = 1")
    assert f"and {booked - 8} more" in planned("trainer", "remove", "Tess Trainer").stderr
    planned("trainer", "add", "Typo Trainer", "--stages", "coaching")
    removed = planned("trainer", "remove", "Typo Trainer", "--json")
    assert removed.exit_code == 0 and removed.json()["name"] == "Typo Trainer"
    assert query(env_setup, "SELECT count(*) FROM trainer WHERE name = 'Typo Trainer'") == [(0,)]
    assert last_audit(env_setup, "remove")["old"] == {"name": "Typo Trainer"}
    monkeypatch.setenv("REFOCUS_NOW", "2030-01-01T09:00:00+00:00")  # every session is past
    retired = planned("trainer", "remove", "Len Lived")
    assert retired.exit_code == 0 and "kept on the record" in retired.stderr, retired
    assert query(env_setup, "SELECT removed_on FROM trainer WHERE name = 'Len Lived'") == [
        ("2030-01-01",)
    ]  # the past sessions still name who delivered them
    assert query(env_setup, "SELECT count(*) FROM session_trainer WHERE trainer_id = 2")[0][0] > 0
    names = [t["name"] for t in planned("trainer", "list", "--json").json()]
    assert "Len Lived" not in names and "Tess Trainer" in names
    assert last_audit(env_setup, "retire")["new"] == {"removed_on": "2030-01-01"}


def test_trainer_available_trims_splits_and_removes_leave(planned, env_setup):
    planned(
        "trainer",
        "unavailable",
        "Tess Trainer",
        "--from",
        "2027-05-10",
        "--to",
        "2027-05-21",
        "--reason",
        "leave",
    )
    planned("trainer", "unavailable", "Tess Trainer", "--from", "2027-08-02", "--to", "2027-08-06")
    split = planned(
        "trainer", "available", "Tess Trainer", "--from", "2027-05-12", "--to", "2027-05-13"
    )
    assert split.exit_code == 0, split
    assert "2027-05-10 to 2027-05-11, 2027-05-14 to 2027-05-21" in split.stderr
    trimmed = planned(
        "trainer",
        "available",
        "Tess Trainer",
        "--from",
        "2027-05-20",
        "--to",
        "2027-08-03",
        "--json",
    ).json()
    assert trimmed["changed"] == ["2027-05-14 to 2027-05-21", "2027-08-02 to 2027-08-06"]
    assert trimmed["left"] == ["2027-05-14 to 2027-05-19", "2027-08-04 to 2027-08-06"]
    tess = {t["name"]: t for t in planned("trainer", "list", "--json").json()}["Tess Trainer"]
    assert [(p["from_date"], p["to_date"], p["reason"]) for p in tess["unavailable"]] == [
        ("2027-05-10", "2027-05-11", "leave"),
        ("2027-05-14", "2027-05-19", "leave"),
        ("2027-08-04", "2027-08-06", ""),
    ]
    gone = planned(
        "trainer", "available", "Tess Trainer", "--from", "2027-08-01", "--to", "2027-08-31"
    )
    assert gone.exit_code == 0 and "what is left of it: none" in gone.stderr
    entry = last_audit(env_setup, "available")
    assert entry["old"] == {"unavailable": "2027-08-04 to 2027-08-06"} and entry["new"] == {
        "unavailable": []
    }
    _refused(
        planned, env_setup, "trainer", "available", "Tess Trainer", "--from", "2027-09-01",
        "--to", "2027-09-02", words="has no leave between 2027-09-01 and 2027-09-02",
    )  # fmt: skip
    _refused(
        planned, env_setup, "trainer", "available", "Tess Trainer", "--from", "2027-05-11",
        "--to", "2027-05-10", words="before --from",
    )  # fmt: skip


def test_venue_edit_keeps_sessions_to_come_fitting(planned, env_setup):
    _refused(
        planned, env_setup, "venue", "edit", "Hall", "--capacity", "4",
        words="would seat 4, fewer than expected at session 9 (Tue 16 Feb 2027, 09:30, "
        "coaching-for-recovery)",
    )  # fmt: skip
    assert "give --capacity 5 or more" in planned("venue", "edit", "Hall", "--capacity", "4").stderr
    before = sequences(env_setup)
    at_hall = {i for (i,) in query(env_setup, "SELECT id FROM session WHERE venue_id = 1")}
    edited = planned(
        "venue", "edit", "Hall", "--capacity", "5", "--name", "Main Hall", "--json"
    ).json()
    assert [c["field"] for c in edited["changes"]] == ["name", "capacity"]
    after = sequences(env_setup)
    assert set(edited["sessions_updated"]) == at_hall
    assert all(after[i] == before[i] + 1 for i in at_hall)
    assert all(after[i] == before[i] for i in set(before) - at_hall)
    planned("venue", "add", "Annex", "--capacity", "10")
    _refused(
        planned, env_setup, "venue", "edit", "Main Hall", "--name", "annex", words="already exists"
    )
    _refused(planned, env_setup, "venue", "edit", "Main Hall", words="nothing to change")


def test_venue_remove_is_refused_while_booked(planned, env_setup):
    _refused(
        planned, env_setup, "venue", "remove", "Hall",
        words="is booked for session 1 (Mon 11 Jan 2027, 09:30, recovery-workshop)",
    )  # fmt: skip
    planned("venue", "add", "Typo Room", "--capacity", "10")
    assert planned("venue", "remove", "typo room").exit_code == 0
    assert [v["name"] for v in planned("venue", "list", "--json").json()] == ["Hall"]
    assert last_audit(env_setup, "remove")["old"]["name"] == "Typo Room"


def test_a_removed_trainer_or_venue_that_sessions_name_is_retired_and_never_booked(
    planned, env_setup
):
    planned("trainer", "add", "Sue Spare", "--stages", "practice-change")
    planned("venue", "add", "Annexe", "--capacity", "40")
    ahead = [
        s["id"]
        for s in planned("sessions", "--json").json()
        if s["stage"] == "practice-change" and s["trainers"]
    ]
    first, second = str(ahead[0]), str(ahead[1])
    assert planned("session", "assign", first, "--trainer", "Sue Spare").exit_code == 0
    assert planned("session", "assign", first, "--venue", "Annexe").exit_code == 0
    assert planned("session", "cancel", first, "--reason", "room flooded").exit_code == 0
    for kind, name in (("trainer", "Sue Spare"), ("venue", "Annexe")):
        removed = planned(kind, "remove", name, "--json")
        assert removed.exit_code == 0 and removed.json()["kept_for"] == 1, removed
        assert query(env_setup, f"SELECT removed_on FROM {kind} WHERE name = ?", [name]) == [
            ("2027-01-04",)
        ]
        assert name not in {t["name"] for t in planned(kind, "list", "--json").json()}
    _refused(
        planned, env_setup, "session", "assign", second, "--trainer", "Sue Spare",
        words="was removed from the programme on 2027-01-04",
    )  # fmt: skip
    _refused(
        planned, env_setup, "session", "assign", second, "--venue", "Annexe",
        words="was taken out of use on 2027-01-04",
    )  # fmt: skip
