"""One vocabulary of options: the cohort is --cohort everywhere (a positional cohort
still works, with a note), date ranges are --from/--to, exports narrow like `sessions`.

The small demo (seven months under way, with registers) is built once for the module.
"""

from __future__ import annotations

import csv
import io

import pytest
from conftest import invoke

NOW = "2026-12-01T09:00:00+00:00"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vocabulary")
    env = {"REFOCUS_NOW": NOW, "REFOCUS_DB": str(folder / "demo.db")}
    assert invoke(["demo", "--out", str(folder / "files")], env=env).exit_code == 0

    def run(*args: str, code: int = 0):
        done = invoke(list(args), env=env)
        assert done.exit_code == code, (args, done.stdout, done.stderr)
        return done

    return run


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_attendance_rows_carry_the_team_and_stage_and_narrow_like_sessions(demo):
    every = _rows(demo("export", "csv", "attendance").stdout)
    assert {"team", "stage", "module", "session_id"} <= set(every[0])
    team = "Riverside CMHT 2"
    june = demo(
        "export", "csv", "attendance", "--team", team, "--from", "2026-06-01", "--to", "2026-06-30"
    )
    rows = _rows(june.stdout)
    assert rows and {row["team"] for row in rows} == {team}
    assert all("2026-06-01" <= row["start"][:10] <= "2026-06-30" for row in rows)
    expected = [
        row
        for row in every
        if row["team"] == team and "2026-06-01" <= row["start"][:10] <= "2026-06-30"
    ]
    assert rows == expected
    assert _rows(demo("export", "csv", "attendance", "--cohort", "WAVE1").stdout) == every


def test_exported_sessions_are_the_ones_sessions_lists(demo):
    filters = ("--team", "riverside cmht 1", "--from", "2026-07-01", "--to", "2026-09-30")
    listed = [s["id"] for s in demo("sessions", *filters, "--json").json()]
    exported = [s["id"] for s in demo("export", "json", "sessions", *filters).json()]
    assert listed and exported == listed


def test_staff_and_reports_narrow_by_cohort_and_team(demo):
    staff = _rows(demo("export", "csv", "staff", "--team", "Northgate CMHT 1").stdout)
    assert staff and {row["team"] for row in staff} == {"Northgate CMHT 1"}
    progress = demo("export", "json", "progress", "--cohort", "WAVE1", "--team", "Northgate CMHT 1")
    assert {row["team"] for row in progress.json()} == {"Northgate CMHT 1"}


def test_dates_do_not_narrow_what_is_not_sessions(demo):
    done = demo("export", "csv", "staff", "--from", "2026-01-01", code=1)
    assert done.stderr.startswith("Error: --from and --to choose sessions")
    backwards = demo(
        "export", "csv", "sessions", "--from", "2026-09-01", "--to", "2026-08-01", code=1
    )
    assert "is before --from" in backwards.stderr


@pytest.mark.parametrize("command", [("progress",), ("report", "milestones")])
def test_a_positional_cohort_still_works_with_a_note(demo, command):
    positional = demo(*command, "WAVE1", "--json")
    option = demo(*command, "--cohort", "WAVE1", "--json")
    assert positional.stdout == option.stdout
    assert "--cohort WAVE1" in positional.stderr and positional.stderr.startswith("Note:")
    assert option.stderr == ""


def test_schedule_and_replan_take_the_cohort_as_an_option(demo):
    assert demo("schedule", code=2).stderr.count("--cohort") >= 1
    replanned = demo("replan", "--cohort", "WAVE1", "--dry-run", "--json")
    assert replanned.json()["cohort"] == "WAVE1" and "Note:" not in replanned.stderr


def test_closure_add_takes_from_and_to_and_the_old_form(demo):
    demo("closure", "add", "--from", "2027-08-02", "--to", "2027-08-04", "--reason", "freeze")
    demo("closure", "add", "2027-08-05", "--to", "2027-08-06")
    days = [row["date"] for row in demo("closure", "list", "--json").json()]
    assert days == [f"2027-08-0{day}" for day in range(2, 7)]


def test_attend_help_gives_the_database_option_on_one_clean_line(demo):
    shown = invoke(["attend", "--help"], env={"COLUMNS": "80"}).stdout
    line = next(line for line in shown.splitlines() if "--db" in line)
    assert line.split() == "--db <path> Database (else $REFOCUS_DB or ./refocus.db).".split()
    assert "[env var: REFOCUS_DB" not in shown
