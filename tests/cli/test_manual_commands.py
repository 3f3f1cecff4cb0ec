"""`refocus manual list | show`: the curriculum for people and for programs."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import modules_loaded

from refocus_cli.resources import manual_dir

MODULE_KEYS = {
    "stage",
    "module",
    "order",
    "title",
    "sessions",
    "duration_minutes",
    "spacing_days",
    "audience",
    "max_group",
    "co_delivered",
    "facilitator",
    "venue",
    "strategy",
    "start_time",
    "end_time",
}
CONTENT_KEYS = {
    "aims",
    "key_messages",
    "activities",
    "reflection_prompts",
    "chime",
    "what_to_bring",
    "facilitator_notes",
    "reflection_prompts_without_caseload",
}


def test_list_json_has_every_module_in_rollout_order(cli):
    done = cli("manual", "list", "--json")
    assert done.exit_code == 0, done
    rows = done.json()
    assert all(row.keys() == MODULE_KEYS for row in rows)
    assert [row["module"] for row in rows] == [
        "recovery-workshop",
        "values-and-preferences",
        "strengths",
        "goal-striving",
        "coaching-for-recovery",
        "team-reflection",
        "manager-reflection",
        "supervision-reflection",
    ]
    coaching = next(row for row in rows if row["module"] == "coaching-for-recovery")
    assert coaching == {
        "stage": "coaching",
        "module": "coaching-for-recovery",
        "order": 1,
        "title": "REFOCUS Coaching for Recovery",
        "sessions": 3,
        "duration_minutes": 210,
        "spacing_days": 7,
        "audience": "mixed-teams",
        "max_group": 16,
        "co_delivered": False,
        "facilitator": "trainer",
        "venue": "booked",
        "strategy": "coaching-training",
        "start_time": "09:30",
        "end_time": "13:00",
    }


def test_list_csv_and_table(cli):
    lines = cli("manual", "list", "--csv").stdout.splitlines()
    assert lines[0].split(",")[:4] == ["stage", "module", "order", "title"]
    assert lines[1].startswith("workshop,recovery-workshop,1,Recovery and REFOCUS Workshop,1,420")
    assert len(lines) == 9
    table = cli("manual", "list")
    assert table.exit_code == 0
    for text in ("Stages, in rollout order", "Sessions × length", "3 × 3 h 30 min", "14 days"):
        assert text in table.stdout
    assert "mixed teams" in table.stdout and "information-session" in table.stdout
    assert "Working hours 09:00–17:00" in table.stderr


def test_show_json_has_the_numbers_and_the_content(cli):
    done = cli("manual", "show", "strengths", "--json")
    assert done.exit_code == 0, done
    record = done.json()
    assert record.keys() == MODULE_KEYS | CONTENT_KEYS | {"stage_title"}
    assert record["stage_title"] == "Working Practices training"
    assert record["activities"][0].keys() == {"title", "minutes", "description"}
    assert sum(a["minutes"] for a in record["activities"]) <= record["duration_minutes"]
    assert set(record["chime"]) <= {"connectedness", "hope", "identity", "meaning", "empowerment"}


def test_show_for_a_person(cli):
    done = cli("manual", "show", "Recovery-Workshop")
    assert done.exit_code == 0, done
    for text in (
        "Recovery and REFOCUS Workshop",
        "yes: a lived-experience trainer delivers it beside the trainer",
        "Information session (the workshop)",
        "Aims",
        "Key messages",
        "Activities",
        "of 420 minutes planned",
        "Reflection prompts",
        "What to bring",
        "Facilitator notes",
    ):
        assert text in done.stdout, text
    assert "recovery-workshop.toml" in done.stderr


def test_an_unknown_module_is_one_error_line(cli):
    done = cli("manual", "show", "mindfulness")
    assert done.exit_code == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "Error: no module 'mindfulness': the modules are "
        "recovery-workshop, values-and-preferences, strengths, goal-striving, "
        "coaching-for-recovery, team-reflection, manager-reflection, supervision-reflection"
    ]
    typo = cli("manual", "show", "strenghts")
    assert typo.exit_code == 1 and "did you mean 'strengths'?" in typo.stderr


def _broken_copy(tmp_path: Path) -> Path:
    copy = Path(shutil.copytree(manual_dir(), tmp_path / "manual"))
    path = copy / "modules" / "goal-striving.toml"
    path.write_text(path.read_text().replace("minutes = 40", "minutes = forty", 1))
    return copy


def test_a_broken_manual_is_one_error_line_naming_file_and_field(cli, tmp_path, monkeypatch):
    copy = _broken_copy(tmp_path)
    done = cli("manual", "list", "--manual", str(copy))
    assert done.exit_code == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("Error: manual/modules/goal-striving.toml: is not valid TOML")
    assert "line" in line
    monkeypatch.setenv("REFOCUS_MANUAL", str(copy))
    again = cli("manual", "show", "strengths")
    assert again.exit_code == 1 and again.stderr.splitlines() == [line]


def test_the_installed_command_reports_a_broken_manual_without_a_traceback(cli, sh, tmp_path):
    copy = Path(shutil.copytree(manual_dir(), tmp_path / "manual"))
    curriculum = copy / "curriculum.toml"
    curriculum.write_text(curriculum.read_text().replace("sessions = 12", "sessions = 0"))
    done = sh("manual", "list", "--manual", str(copy))
    assert done.returncode == 1
    assert done.stderr == (
        "Error: manual/curriculum.toml: module[team-reflection].sessions "
        "must be a positive whole number\n"
    )
    assert cli("manual", "list", "--json").json()[5]["sessions"] == 12


def test_manual_help_does_not_read_the_manual():
    done, loaded = modules_loaded(
        ["manual", "show", "--help"], {"tomllib", "refocus_cli.core.curriculum"}
    )
    assert "refocus manual show" in done.stdout
    assert loaded == []


def test_a_programme_overrides_numbers_and_plans_use_them(programme):
    programme("staff", "add", "Manager North", "--team", "North CMHT", "--manager")
    programme("trainer", "add", "Ruth Evans")
    programme("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop")
    programme("cohort", "create", "WAVE1", "--team", "North CMHT")
    changed = programme("manual", "set", "team-reflection", "--sessions", "5", "--spacing", "21")
    assert changed.exit_code == 0, changed
    module = programme("manual", "show", "team-reflection", "--json").json()
    assert (module["sessions"], module["spacing_days"]) == (5, 21)
    assert programme("schedule", "WAVE1").exit_code == 0
    reflections = sorted(
        s["start"]
        for s in programme("sessions", "--json").json()
        if s["module"] == "team-reflection"
    )
    assert len(reflections) == 5
    assert programme("manual", "reset", "team-reflection").exit_code == 0
    assert programme("manual", "show", "team-reflection", "--json").json()["sessions"] == 12


def test_overrides_that_do_not_fit_are_refused(programme):
    for args, words in [
        (["recovery-workshop", "--duration", "600"], "runs past the end of the working day"),
        (["strengths", "--sessions", "0"], "out of range"),
        (["strengths", "--max-group", "5000"], "out of range"),
        (["strengths"], "nothing to set"),
        (["yoga", "--sessions", "2"], "no module 'yoga'"),
    ]:
        result = programme("manual", "set", *args)
        assert result.exit_code == 1, (args, result)
        assert result.stderr.startswith("Error: ") and words in result.stderr
    assert programme("manual", "show", "strengths", "--json").json()["sessions"] == 1
