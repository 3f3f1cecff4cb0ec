"""A team's ending, a move or a leaving dated before another change already recorded for
the same person: nobody stays in a team after it ends or after they leave, leavers come
off their catch-ups, and undo puts every later date back (found by the rollout test)."""

from __future__ import annotations

from database_rows import query
from test_catchup_booked import _joiners
from three_teams import ok

MARCH = "2027-03-01T09:00:00+00:00"


def _stints(db, name: str) -> list[tuple]:
    return query(
        db,
        "SELECT t.name, m.start_date, m.end_date, m.end_reason FROM membership m "
        "JOIN team t ON t.id = m.team_id JOIN staff s ON s.id = m.staff_id "
        "WHERE s.name = ? ORDER BY m.start_date, m.id",
        (name,),
    )


def test_a_disband_ends_a_membership_due_to_end_later_and_undo_dates_it_back(programme, env_setup):
    db = env_setup
    programme("team", "add", "East CMHT")
    programme("staff", "add", "Ada", "--team", "North CMHT", "--start", "2026-05-01")
    ok(programme, "staff", "move", "Ada", "--to", "East CMHT", "--on", "2027-04-07")
    before = _stints(db, "Ada")
    ok(programme, "team", "disband", "North CMHT", "--on", "2027-03-29")
    assert _stints(db, "Ada") == [
        ("North CMHT", "2026-05-01", "2027-03-29", "disbanded"),
        ("East CMHT", "2027-04-07", None, None),
    ]
    ok(programme, "undo", "--yes")
    assert _stints(db, "Ada") == before


def test_a_merge_into_the_team_someone_is_due_to_move_to_starts_them_there_early(
    programme, env_setup
):
    db = env_setup
    programme("staff", "add", "Ada", "--team", "North CMHT", "--start", "2026-05-01")
    programme("staff", "add", "Bob", "--team", "North CMHT", "--start", "2026-05-01")
    ok(programme, "staff", "move", "Ada", "--to", "South CMHT", "--on", "2027-04-07")
    ok(programme, "staff", "leave", "Bob", "--on", "2027-04-10")
    before = _stints(db, "Ada"), _stints(db, "Bob")
    ok(programme, "team", "merge", "North CMHT", "--into", "South CMHT", "--on", "2027-03-29")
    assert _stints(db, "Ada") == [
        ("North CMHT", "2026-05-01", "2027-03-29", "merged"),
        ("South CMHT", "2027-03-29", None, None),
    ]
    assert _stints(db, "Bob") == [
        ("North CMHT", "2026-05-01", "2027-03-29", "merged"),
        ("South CMHT", "2027-03-29", "2027-04-10", "left"),
    ]
    ok(programme, "undo", "--yes")
    assert (_stints(db, "Ada"), _stints(db, "Bob")) == before


def test_leaving_before_a_disband_already_recorded_ends_the_membership_then(programme, env_setup):
    db = env_setup
    programme("staff", "add", "Ada", "--team", "North CMHT", "--start", "2026-05-01")
    ok(programme, "team", "disband", "North CMHT", "--on", "2027-03-22")
    ok(programme, "staff", "leave", "Ada", "--on", "2027-02-01")
    assert _stints(db, "Ada") == [("North CMHT", "2026-05-01", "2027-02-01", "left")]
    ok(programme, "undo", "--yes")
    assert _stints(db, "Ada") == [("North CMHT", "2026-05-01", "2027-03-22", "disbanded")]


def test_leaving_or_moving_before_a_merge_already_recorded_happens_then(programme, env_setup):
    """North merges into South on 22 March; Ada leaves and Bob moves to South in February:
    neither is refused, Ada is in no team after she leaves, Bob is in South from his move,
    and undo puts back the places the merge gave them."""
    db = env_setup
    programme("staff", "add", "Ada", "--team", "North CMHT", "--start", "2026-05-01")
    programme("staff", "add", "Bob", "--team", "North CMHT", "--start", "2026-05-01")
    ok(programme, "team", "merge", "North CMHT", "--into", "South CMHT", "--on", "2027-03-22")
    before = _stints(db, "Ada"), _stints(db, "Bob")
    ok(programme, "staff", "leave", "Ada", "--on", "2027-02-01")
    ok(programme, "staff", "move", "Bob", "--to", "South CMHT", "--on", "2027-02-08")
    assert _stints(db, "Ada") == [("North CMHT", "2026-05-01", "2027-02-01", "left")]
    assert _stints(db, "Bob") == [
        ("North CMHT", "2026-05-01", "2027-02-08", "moved"),
        ("South CMHT", "2027-02-08", None, None),
    ]
    again = programme("staff", "move", "Bob", "--to", "South CMHT", "--on", "2027-02-09")
    assert again.exit_code == 1 and "already in South CMHT on 2027-02-09" in again.stderr
    ok(programme, "undo", "--yes")
    ok(programme, "undo", "--yes")
    assert (_stints(db, "Ada"), _stints(db, "Bob")) == before


def test_leaving_before_a_move_of_ones_own_already_recorded_is_refused(programme):
    programme("staff", "add", "Ada", "--team", "North CMHT", "--start", "2026-05-01")
    ok(programme, "staff", "move", "Ada", "--to", "South CMHT", "--on", "2027-03-22")
    refused = programme("staff", "leave", "Ada", "--on", "2027-02-01")
    assert refused.exit_code == 1 and "give --on 2027-03-22 or later" in refused.stderr


def test_a_leaver_comes_off_their_catch_ups_and_undo_invites_them_again(
    cli, from_template, monkeypatch, env_setup
):
    from_template("catch-up-joiners", lambda: _joiners(cli))
    monkeypatch.setenv("REFOCUS_NOW", MARCH)
    db = env_setup
    ok(cli, "catchup", "--schedule")
    booked = query(
        db,
        "SELECT s.id, s.sequence FROM session s JOIN session_invitee i ON i.session_id = s.id "
        "JOIN staff p ON p.id = i.staff_id WHERE p.name = 'Late North' ORDER BY s.id",
    )
    assert booked
    ok(cli, "staff", "leave", "Late North", "--on", "2027-03-02")
    assert query(
        db, "SELECT count(*) FROM session_invitee i JOIN staff p ON p.id = i.staff_id "
        "WHERE p.name = 'Late North'"
    ) == [(0,)]  # fmt: skip
    raised = dict(query(db, "SELECT id, sequence FROM session"))
    assert all(raised[sid] == sequence + 1 for sid, sequence in booked)
    logged = query(db, "SELECT entity_id FROM audit WHERE action = 'uninvite' ORDER BY entity_id")
    assert [sid for (sid,) in logged] == [sid for sid, _ in booked]
    assert "invited to session" in ok(cli, "undo", "--yes").stderr
    assert [sid for sid, _ in booked] == [
        sid for (sid,) in query(
            db, "SELECT i.session_id FROM session_invitee i JOIN staff p ON p.id = i.staff_id "
            "WHERE p.name = 'Late North' ORDER BY i.session_id")
    ]  # fmt: skip
