"""`refocus undo`: the last change the same person made, reversed when that is safe, and
refused (saying why, writing nothing) when it is not."""

from __future__ import annotations

import pytest
from attending import first, marks, start_planned
from database_rows import every_row, query, sequences


@pytest.fixture
def planned(cli, monkeypatch, env_setup, from_template):
    return start_planned(cli, monkeypatch, env_setup, from_template)


def ok(cli, *args, **options):
    result = cli(*args, **options)
    assert result.exit_code == 0, (args, result.stderr)
    return result


def _ahead(planned, module="team-reflection", team="North CMHT"):
    """A session of `module` for `team` still to come."""
    return next(
        s
        for s in planned["sessions"]
        if s["module"] == module and team in s["teams"] and s["start"] > "2027-03-01"
    )


def _move_a_day_on(cli, session, *actor):
    """Move a session to the next free weekday at 10:00; its new start."""
    from datetime import date, timedelta

    day = date.fromisoformat(session["start"][:10])
    for ahead in range(1, 8):
        target = f"{day + timedelta(days=ahead)} 10:00"
        if cli(*actor, "session", "move", str(session["id"]), "--to", target).exit_code == 0:
            return target
    raise AssertionError(f"nowhere to move session {session['id']}")


def _without_audit(db):
    """Every row but the audit log's; sessions without what calendars need to change
    (SEQUENCE, updated_at) or a note (undo does not know the note a session had)."""
    rows = every_row(db)
    rows.pop("audit")
    rows["session"] = query(
        db,
        "SELECT id, uuid, cohort_id, module, occurrence, group_no, kind, start_utc, end_utc, "
        "venue_id, expected, status FROM session ORDER BY id",
    )
    return rows


def _undone_entries(db):
    """Each entry an undo reversed, with the action of the entry that reversed it."""
    return query(
        db,
        "SELECT a.action, a.entity, a.entity_id, u.action FROM audit a "
        "JOIN audit u ON u.id = a.undone_by ORDER BY a.id",
    )


def test_undo_a_move_then_the_register_before_it(cli, planned):
    db = planned["db"]
    workshop = first(planned["sessions"], "recovery-workshop", "North CMHT")
    ok(cli, "attend", str(workshop["id"]), "--all-present")
    before_move = _without_audit(db)
    session = _ahead(planned)
    _move_a_day_on(cli, session)
    moved = sequences(db)[session["id"]]

    undone = ok(cli, "undo", "--yes")
    assert f"session {session['id']} back at {session['start'][:10]} 14:00" in undone.stderr
    now = ok(cli, "session", "show", str(session["id"]), "--json").json()
    assert now["start"] == session["start"]
    assert sequences(db)[session["id"]] == moved + 1  # calendars update again
    assert _undone_entries(db) == [("move", "session", session["id"], "undo")]
    assert _without_audit(db) == before_move

    # A second undo goes on to the change before: the register.
    second = ok(cli, "undo", "--yes", "--json").json()
    assert len(second["steps"]) == 5 and "scheduled again" in second["steps"][0]
    assert marks(db, workshop["id"]) == {}
    shown = ok(cli, "session", "show", str(workshop["id"]), "--json").json()
    assert shown["status"] == "scheduled"
    # The audit log keeps the changes and their reversals.
    assert [u for *_, u in _undone_entries(db)] == ["undo"] * 6


def test_undo_a_cancel_takes_back_the_leave_it_recorded(cli, planned):
    db = planned["db"]
    session = _ahead(planned)
    before = _without_audit(db)
    ok(cli, "session", "cancel", str(session["id"]), "--reason", "ill", "--trainer-unavailable")
    assert query(db, "SELECT count(*) FROM trainer_unavailable") == [(1,)]
    result = ok(cli, "undo", "--yes")
    assert "back in the diary" in result.stderr and "no longer unavailable" in result.stderr
    assert query(db, "SELECT count(*) FROM trainer_unavailable") == [(0,)]
    assert _without_audit(db) == before


def test_undo_an_assign(cli, planned):
    db = planned["db"]
    ok(cli, "trainer", "add", "Tess Trainer", "--stages", "practice-change")
    session = _ahead(planned)
    ok(cli, "session", "assign", str(session["id"]), "--trainer", "Tess Trainer")
    assert ok(cli, "undo", "--yes").exit_code == 0
    now = ok(cli, "session", "show", str(session["id"]), "--json").json()
    assert now["trainers"] == ["Ruth Evans"]
    # The trainer added before it is the next change back; she is in use no longer.
    ok(cli, "undo", "--yes")
    assert query(db, "SELECT name FROM trainer ORDER BY id") == [("Ruth Evans",), ("Dai Morgan",)]


def test_undo_a_correction_a_clear_and_a_rename(cli, planned):
    db = planned["db"]
    workshop = first(planned["sessions"], "recovery-workshop", "South CMHT")["id"]
    ok(cli, "attend", str(workshop), "--all-present", "--visitor", "Pat Reid")
    recorded = marks(db, workshop)
    ok(cli, "attend", str(workshop), "--late", "Sid South", "--rest-absent")
    corrected = {**recorded, "Sid South": "late"}
    ok(cli, "attend", str(workshop), "--rename-visitor", "Pat Reid", "--to", "Pat Reed")
    ok(cli, "attend", str(workshop), "--clear", "Sam South", "--clear", "Pat Reed")
    assert set(marks(db, workshop)) == {"Sid South", "Sue South", "Sol South"}

    assert "Sam South's mark at session" in ok(cli, "undo", "--yes").stderr  # the clear
    renamed = {k: v for k, v in corrected.items() if k != "Pat Reid"}
    assert marks(db, workshop) == {**renamed, "Pat Reed": "present"}
    ok(cli, "undo", "--yes")  # the rename
    assert marks(db, workshop) == corrected
    ok(cli, "undo", "--yes")  # the correction
    assert marks(db, workshop) == recorded


def test_undo_a_roster_import_removes_every_row_and_the_team_it_made(cli, planned, tmp_path):
    db = planned["db"]
    before = _without_audit(db)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,team,email,start\n"
        "Ava East,East CMHT,ava@nhs.example,2027-01-01\n"
        "Bo East,East CMHT,,2027-01-01\n"
        "Cy North,North CMHT,cy@nhs.example,2027-01-01\n",
        encoding="utf-8",
    )
    ok(cli, "staff", "import", str(roster), "--create-teams")
    assert len(query(db, "SELECT id FROM staff")) == 8 + 3
    result = ok(cli, "undo", "--yes", "--json").json()
    assert len(result["steps"]) == 4
    assert "teams East CMHT taken away" in result["steps"][-1]
    assert _without_audit(db) == before


def test_undo_staff_moves_leaves_and_edits(cli, planned):
    db = planned["db"]
    before = _without_audit(db)
    ok(cli, "staff", "move", "Ned North", "--to", "South CMHT", "--on", "2027-03-01")
    ok(cli, "staff", "leave", "Sue South", "--on", "2027-02-20")
    ok(cli, "staff", "edit", "Nia North", "--role", "team manager", "--email", "nia@nhs.example")
    ok(cli, "team", "edit", "South CMHT", "--site", "Southgate")
    for words in ("South CMHT: site Southgate → none", "role team manager → ",
                  "Sue South back in South CMHT", "Ned North back in North CMHT"):  # fmt: skip
        assert words in ok(cli, "undo", "--yes").stderr
    assert _without_audit(db) == before


def test_undo_a_merge_brings_back_the_team_its_people_and_sessions(cli, planned):
    db = planned["db"]
    before = _without_audit(db)
    ok(cli, "team", "merge", "South CMHT", "--into", "North CMHT", "--on", "2027-03-01")
    assert query(db, "SELECT status FROM team WHERE name = 'South CMHT'") == [("merged",)]
    result = ok(cli, "undo", "--yes")
    assert "team South CMHT active again, with 4 people back in it" in result.stderr
    assert _without_audit(db) == before
    statuses = dict(query(db, "SELECT id, status FROM session"))
    assert statuses == {s["id"]: s["status"] for s in planned["sessions"]}


def test_undo_a_replan(cli, planned):
    db = planned["db"]
    session = _ahead(planned, "coaching-for-recovery")
    ok(cli, "session", "cancel", str(session["id"]), "--reason", "ill")
    before = _without_audit(db)
    ok(cli, "replan", "WAVE1")
    assert len(query(db, "SELECT id FROM session")) > len(planned["sessions"])
    ok(cli, "undo", "--yes")
    assert _without_audit(db) == before
    # Then the cancellation, which nothing stands in for now.
    assert "back in the diary" in ok(cli, "undo", "--yes").stderr


def test_only_your_own_changes_and_not_under_a_later_one(cli, planned):
    db = planned["db"]
    session = _ahead(planned)
    _move_a_day_on(cli, session, "--actor", "Ann")
    before = every_row(db)
    theirs = cli("--actor", "Bob", "undo", "--yes")
    assert theirs.exit_code == 1 and theirs.stderr.count("\n") == 1
    assert "nothing to undo: Bob has made no change" in theirs.stderr
    assert "only whoever made a change can undo it" in theirs.stderr
    ok(cli, "--actor", "Bob", "session", "cancel", str(session["id"]), "--reason", "snow")
    before = every_row(db)
    refused = cli("--actor", "Ann", "undo", "--yes")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error: ")
    assert f"session {session['id']}" in refused.stderr and "(cancel by Bob" in refused.stderr
    assert every_row(db) == before
    ok(cli, "--actor", "Bob", "undo", "--yes")  # Bob's cancel; then Ann's move may go
    assert "back at" in ok(cli, "--actor", "Ann", "undo", "--yes").stderr


def test_nothing_to_undo_and_what_cannot_be_undone(cli, planned):
    db = planned["db"]
    before = every_row(db)
    nothing = cli("--actor", "Nobody", "undo", "--yes")
    assert nothing.exit_code == 1 and nothing.stderr.startswith("Error: nothing to undo")
    scheduled = cli("undo", "--yes")  # the plan itself: tester's last change
    assert scheduled.exit_code == 1
    assert "a schedule records how many sessions it planned, not which" in scheduled.stderr
    assert every_row(db) == before


def test_undo_asks_on_a_terminal_and_needs_yes_without_one(cli, planned, monkeypatch):
    db = planned["db"]
    session = _ahead(planned)
    ok(cli, "session", "cancel", str(session["id"]), "--reason", "snow")
    before = every_row(db)
    script = cli("undo")
    assert script.exit_code == 1 and "add --yes" in script.stderr
    monkeypatch.setattr("refocus_cli.cli.undo._on_terminal", lambda: True)
    declined = cli("undo", input="n\n")
    assert declined.exit_code == 1 and "Nothing was undone." in declined.stderr
    assert "Undo change" in declined.stderr and "back in the diary" in declined.stderr
    assert every_row(db) == before
    accepted = cli("undo", input="y\n")
    assert accepted.exit_code == 0 and "Undone change" in accepted.stderr
    shown = ok(cli, "session", "show", str(session["id"]), "--json").json()
    assert shown["status"] == "scheduled"


def test_undo_refused_when_the_old_slot_is_no_longer_free(cli, planned):
    db = planned["db"]
    session = _ahead(planned)
    _move_a_day_on(cli, session, "--actor", "Ann")
    day = session["start"][:10]
    ok(cli, "--actor", "Bob", "trainer", "unavailable", "Ruth Evans", "--from", day, "--to", day)
    before = every_row(db)
    refused = cli("--actor", "Ann", "undo", "--yes")
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
    assert "cannot be undone" in refused.stderr
    assert "trainer Ruth Evans is unavailable then" in refused.stderr
    assert every_row(db) == before


def test_undo_a_register_that_cancelled_a_stand_in(cli, planned):
    db = planned["db"]
    values = first(planned["sessions"], "values-and-preferences", "North CMHT")
    earlier = {"REFOCUS_NOW": "2027-01-04T09:00:00+00:00"}
    ok(cli, "session", "cancel", str(values["id"]), "--reason", "ill", env=earlier)
    ok(cli, "replan", "WAVE1", env=earlier)
    before = _without_audit(db)
    done = ok(cli, "attend", str(values["id"]), "--all-present", "--cancelled",
              "--replacement", "cancel", "--json").json()  # fmt: skip
    (stand_in,) = done["replacements_cancelled"]
    result = ok(cli, "undo", "--yes")
    assert f"session {stand_in}" in result.stderr and "cancelled again" in result.stderr
    assert _without_audit(db) == before


def test_undo_clearing_a_whole_register_holds_the_session_again(cli, planned):
    db = planned["db"]
    workshop = first(planned["sessions"], "recovery-workshop", "South CMHT")["id"]
    ok(cli, "attend", str(workshop), "--present", "Sam South", "--absent", "Sid South")
    ok(cli, "attend", str(workshop), "--clear", "Sam South", "--clear", "Sid South")
    assert query(db, "SELECT status FROM session WHERE id = ?", [workshop]) == [("scheduled",)]
    assert "held again" in ok(cli, "undo", "--yes").stderr
    assert marks(db, workshop) == {"Sam South": "present", "Sid South": "absent"}
    assert query(db, "SELECT status FROM session WHERE id = ?", [workshop]) == [("held",)]


def test_undo_people_added_leave_and_cohort_changes(cli, planned, tmp_path):
    db = planned["db"]
    before = _without_audit(db)
    ok(cli, "staff", "add", "Zed North", "--team", "North CMHT")
    roster = tmp_path / "roster.csv"
    roster.write_text("name,team,email\nZed North,North CMHT,zed@nhs.example\n")
    ok(cli, "staff", "import", str(roster))
    assert query(db, "SELECT email FROM staff WHERE name = 'Zed North'") == [("zed@nhs.example",)]
    ok(cli, "team", "add", "East CMHT")
    ok(cli, "cohort", "add-team", "WAVE1", "East CMHT")
    ok(cli, "cohort", "remove-team", "WAVE1", "South CMHT", "--on", "2027-04-01")
    ok(cli, "trainer", "unavailable", "Ruth Evans", "--from", "2027-06-01", "--to", "2027-06-10")
    ok(cli, "trainer", "available", "Ruth Evans", "--from", "2027-06-04", "--to", "2027-06-05")

    told = [ok(cli, "undo", "--yes").stderr for _ in range(7)]
    assert "Ruth Evans unavailable again 2027-06-01 to 2027-06-10" in told[0]
    assert "Ruth Evans no longer unavailable from 2027-06-01 to 2027-06-10" in told[1]
    assert "South CMHT back in cohort WAVE1" in told[2]
    assert "East CMHT out of cohort WAVE1 again" in told[3]
    assert "team East CMHT taken off the record" in told[4]
    assert "Zed North's email back as before the import" in told[5]
    assert "Zed North (staff 9) taken off the record" in told[6]
    assert _without_audit(db) == before


def test_the_audit_log_shows_each_change_and_what_undid_it(cli, planned):
    session = _ahead(planned)
    ok(cli, "session", "cancel", str(session["id"]), "--reason", "snow")
    ok(cli, "undo", "--yes")
    log = ok(cli, "audit", "--session", str(session["id"]), "--json").json()
    cancel, undo = log[-2], log[-1]
    assert (cancel["action"], undo["action"]) == ("cancel", "undo")
    assert cancel["undone_by"] == undo["id"] and undo["undone_by"] is None
    assert undo["change_id"] == cancel["change_id"] + 1
    assert undo["change"] == "status cancelled → scheduled; undoes " + str(cancel["id"])


def test_undoing_a_correction_gives_back_who_recorded_the_mark_and_when(cli, planned):
    db = planned["db"]
    workshop = first(planned["sessions"], "recovery-workshop", "North CMHT")["id"]
    ok(cli, "attend", str(workshop), "--absent", "Ned North")
    later = {"REFOCUS_NOW": "2027-02-20T10:00:00+00:00"}
    ok(cli, "--actor", "Ann", "attend", str(workshop), "--present", "Ned North", env=later)
    ok(cli, "--actor", "Ann", "undo", "--yes", env=later)
    assert query(db, "SELECT status, recorded_by, recorded_at FROM attendance") == [
        ("absent", "tester", "2027-02-15T18:00:00+00:00")
    ]
