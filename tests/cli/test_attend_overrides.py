"""`refocus attend` on a future or a cancelled session: one flag for each, and a cancelled
session's stand-in is kept or cancelled only as the user says."""

from __future__ import annotations

import pytest
from attending import first, marks, start_planned
from database_rows import every_row, last_audit, query, sequences

BEFORE_START = {"REFOCUS_NOW": "2027-01-04T09:00:00+00:00"}


@pytest.fixture
def planned(cli, monkeypatch, env_setup, from_template):
    return start_planned(cli, monkeypatch, env_setup, from_template)


def _cancelled_with_a_stand_in(cli, sessions) -> tuple[int, int]:
    """North's values session cancelled before it ran and replanned: its id and the
    id of the session now standing in for it."""
    values = first(sessions, "values-and-preferences", "North CMHT")
    cancel = cli("session", "cancel", str(values["id"]), "--reason", "ill", env=BEFORE_START)
    assert cancel.exit_code == 0, cancel
    assert cli("replan", "WAVE1", env=BEFORE_START).exit_code == 0
    after = cli("sessions", "--json").json()
    stand_in = next(
        s
        for s in after
        if s["module"] == "values-and-preferences"
        and "North CMHT" in s["teams"]
        and s["status"] == "scheduled"
    )
    return values["id"], stand_in["id"]


def test_a_cancelled_session_needs_cancelled_and_a_word_on_its_stand_in(cli, planned):
    cancelled, stand_in = _cancelled_with_a_stand_in(cli, planned["sessions"])
    before = every_row(planned["db"])
    refusals = [
        ((), "record it with --cancelled"),
        (("--future",), "record it with --cancelled"),
        (("--cancelled",), f"session {stand_in} ("),
        (("--replacement", "keep"), "--replacement goes with --cancelled"),
    ]
    for extra, words in refusals:
        result = cli("attend", str(cancelled), "--all-present", *extra)
        assert result.exit_code == 1 and words in result.stderr, (extra, result.stderr)
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
        assert every_row(planned["db"]) == before
    said = cli("attend", str(cancelled), "--all-present", "--cancelled").stderr
    assert f"stands in for cancelled session {cancelled}" in said
    assert "--replacement keep" in said and "--replacement cancel" in said

    seq = sequences(planned["db"])
    result = cli(
        "attend", str(cancelled), "--all-present", "--cancelled", "--replacement", "cancel",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result
    assert result.json()["replacements_cancelled"] == [stand_in]
    statuses = dict(query(planned["db"], "SELECT id, status FROM session"))
    assert (statuses[cancelled], statuses[stand_in]) == ("held", "cancelled")
    assert sequences(planned["db"])[stand_in] == seq[stand_in] + 1
    stood_down = query(
        planned["db"],
        "SELECT old, new FROM audit WHERE action = 'cancel' AND entity_id = ?",
        [stand_in],
    )
    assert stood_down == [
        (
            '{"status": "scheduled"}',
            f'{{"reason": "session {cancelled} was held in its place", "status": "cancelled"}}',
        )
    ]


def test_a_stand_in_kept_stays_in_the_diary_and_one_held_cannot_be_cancelled(cli, planned):
    cancelled, stand_in = _cancelled_with_a_stand_in(cli, planned["sessions"])
    # The stand-in ran (2027-01-19) and its register is in.
    assert cli("attend", str(stand_in), "--all-present").exit_code == 0
    before = every_row(planned["db"])
    refused = cli(
        "attend", str(cancelled), "--present", "Nia North", "--cancelled", "--replacement",
        "cancel",
    )  # fmt: skip
    assert refused.exit_code == 1 and "has taken place" in refused.stderr
    assert "--replacement keep" in refused.stderr
    assert every_row(planned["db"]) == before
    kept = cli(
        "attend", str(cancelled), "--present", "Nia North", "--cancelled", "--replacement",
        "keep",
    )  # fmt: skip
    assert kept.exit_code == 0, kept
    statuses = dict(query(planned["db"], "SELECT id, status FROM session"))
    assert (statuses[cancelled], statuses[stand_in]) == ("held", "held")


def test_force_still_records_both_as_before_with_a_note(cli, planned):
    cancelled, stand_in = _cancelled_with_a_stand_in(cli, planned["sessions"])
    result = cli("attend", str(cancelled), "--present", "Nia North", "--force")
    assert result.exit_code == 0, result
    note = [line for line in result.stderr.splitlines() if "--force" in line]
    assert note == [
        "Note: --force is deprecated and will go: use --future for a session not yet begun, "
        "--cancelled for a cancelled one."
    ]
    statuses = dict(query(planned["db"], "SELECT id, status FROM session"))
    assert (statuses[cancelled], statuses[stand_in]) == ("held", "scheduled")
    assert marks(planned["db"], cancelled) == {"Nia North": "present"}
    ahead = next(s for s in planned["sessions"] if s["start"] > "2027-03-01")
    forced = cli("attend", str(ahead["id"]), "--present", "Nia North", "--force")
    assert forced.exit_code == 0 and "deprecated" in forced.stderr


def test_a_future_session_needs_future_and_cancelled_does_not_unlock_it(cli, planned):
    ahead = next(
        s for s in planned["sessions"] if s["start"] > "2027-03-01" and "North CMHT" in s["teams"]
    )
    before = every_row(planned["db"])
    for extra in ((), ("--cancelled",)):
        result = cli("attend", str(ahead["id"]), "--all-present", *extra)
        assert result.exit_code == 1 and "record it anyway with --future" in result.stderr
        assert ahead["start"][:16].replace("T", " ") in result.stderr
    assert every_row(planned["db"]) == before
    assert cli("attend", str(ahead["id"]), "--all-present", "--future").exit_code == 0
    assert last_audit(planned["db"], "held")["entity_id"] == ahead["id"]


def test_a_register_file_names_each_refusal_and_its_flag(cli, planned, tmp_path):
    cancelled, stand_in = _cancelled_with_a_stand_in(cli, planned["sessions"])
    ahead = next(
        s for s in planned["sessions"] if s["start"] > "2027-03-01" and "North CMHT" in s["teams"]
    )
    register = tmp_path / "registers.csv"
    register.write_text(
        f"session,name,status\n{cancelled},Nia North,present\n{ahead['id']},Ned North,late\n",
        encoding="utf-8",
    )
    before = every_row(planned["db"])
    result = cli("attend", "--from", str(register))
    assert result.exit_code == 1
    assert f"row 2: session {cancelled} was cancelled (record it anyway with --cancelled)" in (
        result.stderr
    )
    assert f"row 3: session {ahead['id']} is in the future (record it anyway with --future)" in (
        result.stderr
    )
    both = cli("attend", "--from", str(register), "--future", "--cancelled")
    assert both.exit_code == 1 and f"session {stand_in} (" in both.stderr
    assert every_row(planned["db"]) == before
    done = cli(
        "attend", "--from", str(register), "--future", "--cancelled", "--replacement", "cancel",
        "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done
    assert done.json()["replacements_cancelled"] == [stand_in]
    assert done.json()["now_held"] == 2
