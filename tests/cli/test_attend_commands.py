"""`refocus attend`: registers from flags, files and a walk; what they change and what not."""

from __future__ import annotations

import sqlite3

import pytest
from attending import first as _first
from attending import marks as _marks
from attending import start_planned


@pytest.fixture
def planned(cli, monkeypatch, env_setup, from_template):
    return start_planned(cli, monkeypatch, env_setup, from_template)


def test_flags_record_each_status_and_list_the_unmarked(cli, planned):
    workshop = _first(planned["sessions"], "recovery-workshop", "North CMHT")
    result = cli(
        "attend",
        str(workshop["id"]),
        "--present",
        "Nia North",
        "--late",
        "ned.north@nhs.example",
        "--excused",
        "Nell North",
        "--json",
    )
    assert result.exit_code == 0, result
    data = result.json()
    assert data["marks"] == {"present": 1, "late": 1, "left-early": 0, "excused": 1, "absent": 0}
    assert [p["name"] for p in data["not_marked"]] == ["Noor North"]
    assert _marks(planned["db"], workshop["id"]) == {
        "Nia North": "present",
        "Ned North": "late",
        "Nell North": "excused",
    }
    shown = cli("session", "show", str(workshop["id"]), "--json").json()
    assert shown["status"] == "held"
    assert {m["name"]: m["status"] for m in shown["attendance"]}["Ned North"] == "late"
    # Now the rest, absent; nothing else changes.
    again = cli("attend", str(workshop["id"]), "--rest-absent", "--present", "Nia North", "--json")
    assert again.json()["added"] == 1 and again.json()["unchanged"] == 1
    assert _marks(planned["db"], workshop["id"])["Noor North"] == "absent"


def test_all_present_except_and_a_visitor(cli, planned):
    workshop = _first(planned["sessions"], "recovery-workshop", "South CMHT")
    result = cli(
        "attend",
        str(workshop["id"]),
        "--all-present",
        "--except",
        "Sol South",
        "--visitor",
        "Pat Service-User",
    )
    assert result.exit_code == 0, result
    assert "now held" in result.stderr
    assert _marks(planned["db"], workshop["id"]) == {
        "Sam South": "present",
        "Sid South": "present",
        "Sue South": "present",
        "Sol South": "absent",
        "Pat Service-User": "present",
    }
    # Absent from the workshop: catch-up finds her.
    missed = cli("catchup", "--json").json()["missed"]
    assert ("Sol South", "recovery-workshop") in {(m["name"], m["module"]) for m in missed}


def test_the_same_register_twice_changes_nothing_and_a_correction_is_audited(
    cli, planned, tmp_path
):
    workshop = _first(planned["sessions"], "recovery-workshop", "North CMHT")
    register = tmp_path / "register.csv"
    register.write_text(
        "Name,Status\nNia North,P\nNed North,late\nNell North,apologies\nNoor North,A\n",
        encoding="utf-8",
    )
    first = cli("attend", str(workshop["id"]), "--from", str(register), "--json").json()
    assert (first["added"], first["changed"], first["now_held"]) == (4, 0, 1)
    second = cli("attend", str(workshop["id"]), "--from", str(register), "--json").json()
    assert (second["added"], second["changed"], second["unchanged"]) == (0, 0, 4)
    with sqlite3.connect(planned["db"]) as conn:
        audits_before = conn.execute("SELECT count(*) FROM audit WHERE action='attend'").fetchone()
    assert audits_before[0] == 4
    fix = cli("attend", str(workshop["id"]), "--present", "Noor North", "--json").json()
    assert fix["changed"] == 1
    with sqlite3.connect(planned["db"]) as conn:
        old, new, actor = conn.execute(
            "SELECT old, new, actor FROM audit WHERE action='attend' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert '"absent"' in old and '"present"' in new and actor == "tester"


def test_a_register_with_a_session_column_records_many_sessions(cli, planned, tmp_path):
    north = _first(planned["sessions"], "recovery-workshop", "North CMHT")
    south = _first(planned["sessions"], "recovery-workshop", "South CMHT")
    register = tmp_path / "many.csv"
    lines = ["session,person,status"]
    lines += [f"{north['id']},{n},present" for n in ("Nia North", "Ned North")]
    lines += [f"{south['id']},sam.south@nhs.example,left early"]
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("attend", "--from", str(register), "--json")
    assert result.exit_code == 0, result
    assert result.json()["sessions"] == sorted([north["id"], south["id"]])
    assert result.json()["now_held"] == 2
    assert _marks(planned["db"], south["id"]) == {"Sam South": "left-early"}


def test_the_interactive_walk_asks_for_each_expected_person(cli, planned):
    workshop = _first(planned["sessions"], "recovery-workshop", "South CMHT")
    # Sam, Sid, Sol, Sue in name order; Enter means present; then one visitor, then done.
    answers = "\nlate\nx\na\ne\nRay Visitor\n\n"
    result = cli("attend", str(workshop["id"]), "--interactive", input=answers)
    assert result.exit_code == 0, result
    assert "unknown status 'x'" in result.stderr
    assert _marks(planned["db"], workshop["id"]) == {
        "Sam South": "present",
        "Sid South": "late",
        "Sol South": "absent",
        "Sue South": "excused",
        "Ray Visitor": "present",
    }


def test_progress_and_reports_reflect_the_register(cli, planned):
    workshop = _first(planned["sessions"], "recovery-workshop", "North CMHT")
    cli("attend", str(workshop["id"]), "--all-present", "--except", "Noor North")
    progress = cli("progress", "WAVE1", "--json").json()
    north = next(t for t in progress["teams"] if t["name"] == "North CMHT")
    stage = north["stages"][0]
    assert (stage["stage"], stage["held"], stage["planned"]) == ("workshop", 1, 1)
    assert stage["attendance"] == 0.75 and stage["reach"] == 0.75
    people = {p["name"]: p for p in cli("report", "participation", "--json").json()["staff"]}
    assert people["Nia North"]["strategies"]["information-session"] == 1
    assert people["Noor North"]["score"] == 0
    milestones = cli("report", "milestones", "--json").json()["milestones"]
    began = next(m for m in milestones if m["team"] == "North CMHT" and m["stage"] == "workshop")
    assert began["began"] == workshop["start"][:10] and began["proportion"] == 1.0


def test_export_csv_neutralises_formulas(cli, planned):
    workshop = _first(planned["sessions"], "recovery-workshop", "North CMHT")
    cli("attend", str(workshop["id"]), "--present", "Nia North", "--visitor", "=HYPERLINK(1)")
    text = cli("export", "csv", "attendance").stdout
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text
    rows = cli("export", "json", "attendance").json()
    assert {r["name"] for r in rows} == {"Nia North", "=HYPERLINK(1)"}
    bad = cli("export", "csv", "everything")
    assert bad.exit_code == 1 and "choose one of" in bad.stderr


def test_the_walk_does_not_ask_again_about_people_named_by_options(cli, planned):
    workshop = _first(planned["sessions"], "recovery-workshop", "South CMHT")
    # Sol is named with --absent; the walk asks about Sam, Sid and Sue only.
    result = cli("attend", str(workshop["id"]), "--absent", "Sol South", "--interactive",
                 input="\nlate\n\n\n")  # fmt: skip
    assert result.exit_code == 0, result
    assert "Sol South (" not in result.stderr
    assert _marks(planned["db"], workshop["id"]) == {
        "Sam South": "present",
        "Sid South": "late",
        "Sue South": "present",
        "Sol South": "absent",
    }


def test_a_split_team_is_shared_between_its_groups_and_a_joiner_goes_to_the_last(
    cli, monkeypatch, env_setup
):
    monkeypatch.setenv("REFOCUS_NOW", "2027-01-04T09:00:00+00:00")
    cli("init", "Split Trust", "--start", "2027-01-11")
    cli("team", "add", "Big CMHT")
    for name in ("Bo", "Cy", "Di", "Ed", "Fi", "Gu", "Mo"):
        cli("staff", "add", name, "--team", "Big CMHT", "--start", "2026-01-01")
    cli("trainer", "add", "Ruth Evans")
    cli("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    cli("manual", "set", "recovery-workshop", "--max-group", "4")
    cli("cohort", "create", "W", "--team", "Big CMHT")
    assert cli("schedule", "W").exit_code == 0
    groups = [s for s in cli("sessions", "--json").json() if s["module"] == "recovery-workshop"]
    assert len(groups) == 2
    second_day = groups[1]["start"][:10]
    cli("staff", "add", "Aaron", "--team", "Big CMHT", "--start", second_day)
    monkeypatch.setenv("REFOCUS_NOW", "2027-03-01T09:00:00+00:00")
    for group in groups:
        assert cli("attend", str(group["id"]), "--all-present").exit_code == 0
    first, second = (_marks(env_setup, g["id"]) for g in groups)
    assert not set(first) & set(second)  # nobody is expected at both groups
    assert set(first) | set(second) == {"Aaron", "Bo", "Cy", "Di", "Ed", "Fi", "Gu", "Mo"}
    assert "Aaron" in second and set(first) == {"Bo", "Cy", "Di", "Ed"}


def test_correcting_one_mark_with_rest_absent_leaves_the_other_marks(cli, planned):
    # Issue 13: a full register, then one correction with --rest-absent (as the tool
    # used to advise) turned everyone else absent.
    workshop = _first(planned["sessions"], "recovery-workshop", "North CMHT")
    assert cli("attend", str(workshop["id"]), "--all-present").exit_code == 0
    fix = cli("attend", str(workshop["id"]), "--late", "Ned North", "--rest-absent", "--json")
    assert fix.exit_code == 0, fix
    assert (fix.json()["added"], fix.json()["changed"]) == (0, 1)
    assert fix.json()["not_marked"] == []
    assert _marks(planned["db"], workshop["id"]) == {
        "Nia North": "present",
        "Ned North": "late",
        "Nell North": "present",
        "Noor North": "present",
    }
    # --all-present fills only the people with no mark either: a change needs a name.
    cli("attend", str(workshop["id"]), "--absent", "Noor North")
    cli("attend", str(workshop["id"]), "--all-present")
    assert _marks(planned["db"], workshop["id"])["Noor North"] == "absent"


def test_people_marked_earlier_are_not_listed_as_not_marked(cli, planned):
    workshop = _first(planned["sessions"], "recovery-workshop", "South CMHT")
    cli("attend", str(workshop["id"]), "--present", "Sam South", "--absent", "Sid South")
    again = cli("attend", str(workshop["id"]), "--late", "Sue South")
    assert again.exit_code == 0, again
    assert "Not marked (1): Sol South" in again.stderr
    rest = cli("attend", str(workshop["id"]), "--present", "Sam South", "--rest-absent", "--json")
    assert (rest.json()["added"], rest.json()["changed"], rest.json()["unchanged"]) == (1, 0, 1)
    assert _marks(planned["db"], workshop["id"]) == {
        "Sam South": "present",
        "Sid South": "absent",
        "Sue South": "late",
        "Sol South": "absent",
    }


def test_walking_a_register_again_offers_each_mark_on_record(cli, planned):
    workshop = _first(planned["sessions"], "recovery-workshop", "South CMHT")
    cli("attend", str(workshop["id"]), "--absent", "Sid South", "--excused", "Sue South")
    # Sam, Sid, Sol, Sue: Enter keeps Sid absent and Sue excused; Sam late, Sol present.
    result = cli("attend", str(workshop["id"]), "--interactive", input="l\n\n\n\n\n")
    assert result.exit_code == 0, result
    assert "Sid South (South CMHT) [absent]" in result.stdout  # the prompt
    assert _marks(planned["db"], workshop["id"]) == {
        "Sam South": "late",
        "Sid South": "absent",
        "Sol South": "present",
        "Sue South": "excused",
    }
