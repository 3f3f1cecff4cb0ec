"""Outcome measures, measurement windows, score imports and session evaluations, through
the real commands: what a user types, what is written, and every bad input refused with
one `Error: …` line, exit 1 and nothing written."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import ENVIRONMENT, invoke

SETUP = "2027-01-04T09:00:00+00:00"
LATER = "2027-01-20T18:00:00+00:00"  # after the workshops of WAVE1


def run(db: Path, *args: str, now: str = LATER):
    env = {**ENVIRONMENT, "REFOCUS_DB": str(db), "REFOCUS_NOW": now, "REFOCUS_ACTOR": "lead"}
    return invoke(args, env=env)


def ok(db: Path, *args: str, now: str = LATER):
    done = run(db, *args, now=now)
    assert done.exit_code == 0, (args, done.stdout, done.stderr)
    return done


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    """Two teams (North: Ann Lee, Ann Lee the second, Bob Roe; South: Cy Dee) in WAVE1,
    scheduled from 2027-01-11 with its default windows; a third team in no cohort."""
    db = tmp_path_factory.mktemp("measures") / "refocus.db"
    ok(db, "init", "Measures Trust", "--start", "2027-01-11", now=SETUP)
    for team in ("North", "South", "West"):
        ok(db, "team", "add", team, now=SETUP)
    ok(db, "staff", "add", "Ann Lee", "--team", "North", "--email", "ann@x.example", now=SETUP)
    ok(db, "staff", "add", "Ann Lee", "--team", "North", "--email", "ann2@x.example", now=SETUP)
    ok(db, "staff", "add", "Bob Roe", "--team", "North", now=SETUP)
    ok(db, "staff", "add", "Cy Dee", "--team", "South", now=SETUP)
    ok(db, "staff", "add", "Wes West", "--team", "West", now=SETUP)
    ok(db, "trainer", "add", "Tess Trainer", now=SETUP)
    ok(db, "trainer", "add", "Lew Lived", "--lived-experience", now=SETUP)
    ok(db, "cohort", "create", "WAVE1", "--team", "North", "--team", "South", now=SETUP)
    ok(db, "schedule", "WAVE1", "--start", "2027-01-11", now=SETUP)
    return db


@pytest.fixture
def db(planned, tmp_path) -> Path:
    copy = tmp_path / "copy.db"
    shutil.copy(planned, copy)
    return copy


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def refused(db: Path, *args: str) -> str:
    """Run a command that must be refused; its one error line (after any row problems)."""
    before = rows(db, "SELECT count(*) FROM audit")
    done = run(db, *args)
    assert done.exit_code == 1, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert rows(db, "SELECT count(*) FROM audit") == before  # nothing written
    return done.stderr


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text)
    return str(path)


# -- windows ------------------------------------------------------------------------------


def test_schedule_adds_the_default_windows_around_the_plan(db):
    windows = json.loads(ok(db, "measure", "window", "list", "--json").stdout)
    sessions = json.loads(ok(db, "sessions", "--json").stdout)
    first = min(s["start"][:10] for s in sessions)
    last = max(s["start"][:10] for s in sessions if s["stage"] == "practice-change")
    assert first == "2027-01-11"
    baseline, follow_up = windows
    # The month ending the day before the first session: 2026-12-11 to 2027-01-10.
    assert baseline == {
        "id": 1, "kind": "baseline", "from": "2026-12-11", "to": "2027-01-10", "cohort": "WAVE1"
    }  # fmt: skip
    assert follow_up["kind"] == "follow-up" and follow_up["cohort"] == "WAVE1"
    assert follow_up["from"] > last  # the day after the last reflection session


def test_schedule_without_windows_and_a_dry_run_write_none(tmp_path):
    db = tmp_path / "w.db"
    ok(db, "init", "W", "--start", "2027-01-11", now=SETUP)
    ok(db, "team", "add", "North", now=SETUP)
    ok(db, "staff", "add", "Ann Lee", "--team", "North", now=SETUP)
    ok(db, "trainer", "add", "Tess", now=SETUP)
    ok(db, "trainer", "add", "Lew", "--lived-experience", now=SETUP)
    ok(db, "cohort", "create", "W1", "--team", "North", now=SETUP)
    dry = json.loads(ok(db, "schedule", "W1", "--dry-run", "--json", now=SETUP).stdout)
    assert [w["kind"] for w in dry["windows"]] == ["baseline", "follow-up"]
    assert rows(db, "SELECT count(*) FROM measure_window") == [(0,)]
    # The timeline shows the windows as milestones on a line of their own.
    told = ok(db, "schedule", "W1", "--dry-run", now=SETUP).stderr.splitlines()
    measures = next(line for line in told if line.startswith("Measures"))
    assert measures.split()[1].startswith("bbbb") and measures.rstrip().endswith("ffff")
    added = "Would add a baseline window Fri 11 Dec 2026 to Sun 10 Jan 2027 (the month before"
    assert any(line.startswith(added) for line in told)
    done = ok(db, "schedule", "W1", "--no-windows", "--json", now=SETUP)
    assert json.loads(done.stdout)["windows"] == []
    assert rows(db, "SELECT count(*) FROM measure_window") == [(0,)]


def test_the_diary_shows_windows_as_milestones_not_sessions(db):
    table = ok(db, "sessions", "--cohort", "WAVE1", "--to", "2027-01-31").stdout
    lines = table.splitlines()
    first = next(i for i, line in enumerate(lines) if "milestone" in line)
    assert "Fri 11 Dec 2026 to Sun 10 Jan 2027" in lines[first] and "baseline" in lines[first]
    assert "recovery-workshop" in lines[first + 1]  # the window opens before the first session
    assert "follow-up window" not in table  # --to leaves it out
    assert all(s["status"] != "milestone" for s in json.loads(ok(db, "sessions", "--json").stdout))
    assert "milestone" in ok(db, "sessions", "--team", "North").stdout
    # A trainer's diary shows what their calendar shows: the windows of the cohorts
    # they train; a trainer who trains none has no sessions, and so no diary at all.
    tess = ok(db, "sessions", "--trainer", "Tess Trainer").stdout
    assert "baseline window" in tess and "follow-up window" in tess
    ok(db, "trainer", "add", "Nia New")
    assert "milestone" not in ok(db, "sessions", "--trainer", "Nia New").stdout


def test_windows_are_added_listed_and_removed(db):
    ok(db, "measure", "window", "add", "baseline", "--from", "2026-11-01", "--to", "2026-11-30")
    # Another cohort's window (here WAVE1's) may overlap a programme-wide one.
    listed = json.loads(ok(db, "measure", "window", "list", "--json").stdout)
    assert [(w["kind"], w["cohort"]) for w in listed][:2] == [
        ("baseline", None),
        ("baseline", "WAVE1"),
    ]
    ok(db, "measure", "window", "remove", "3")
    assert len(json.loads(ok(db, "measure", "window", "list", "--json").stdout)) == 2
    table = ok(db, "measure", "window", "list").stdout
    assert "2026-12-11" in table and "WAVE1" in table


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("baseline", "--from", "2026-12-20", "--to", "2027-01-05", "--cohort", "WAVE1"),
         "already covers 2026-12-11 to 2027-01-10"),
        (("midpoint", "--from", "2026-12-01", "--to", "2026-12-05"), "use baseline or follow-up"),
        (("baseline", "--from", "2026-12-05", "--to", "2026-12-01"), "is before --from"),
        (("baseline", "--from", "2026-13-01", "--to", "2026-12-05"), "--from"),
        (("baseline", "--from", "2026-12-01", "--to", "2026-12-05", "--cohort", "NOPE"),
         "no cohort"),
    ],
)  # fmt: skip
def test_bad_windows_are_refused(db, args, says):
    assert says in refused(db, "measure", "window", "add", *args)


def test_removing_an_unknown_window_is_refused(db):
    assert "no window with id '99'" in refused(db, "measure", "window", "remove", "99")


# -- importing scores -----------------------------------------------------------------------


def test_staff_scores_import_by_id_email_or_name_idempotently(db, tmp_path):
    ids = {row[1]: row[0] for row in rows(db, "SELECT id, email FROM staff")}
    path = write(
        tmp_path,
        "staff.csv",
        f"person,score\n{ids['ann@x.example']},3\nann2@x.example,4.5\nbob roe,2\nCy Dee,5\n",
    )
    args = ("measure", "import", path, "--measure", "staff-recovery-promotion")
    done = json.loads(ok(db, *args, "--window", "baseline", "--json").stdout)
    assert (done["added"], done["replaced"], done["unchanged"]) == (4, 0, 0)
    again = json.loads(ok(db, *args, "--window", "baseline", "--json").stdout)
    assert (again["added"], again["replaced"], again["unchanged"]) == (0, 0, 4)
    assert rows(db, "SELECT count(*) FROM audit WHERE entity = 'score'") == [(1,)]
    # A corrected score replaces the old one, and the audit entry keeps both.
    write(tmp_path, "staff.csv", "person,score\nbob roe,2.5\n")
    ok(db, *args, "--window", "baseline")
    assert rows(db, "SELECT score FROM staff_score s JOIN staff p ON p.id = s.staff_id "
                    "WHERE p.name = 'Bob Roe'") == [(2.5,)]  # fmt: skip
    entry = json.loads(rows(db, "SELECT new FROM audit WHERE entity = 'score' ORDER BY id")[-1][0])
    assert entry["replaced"][0]["old"]["score"] == 2 and entry["replaced"][0]["new"]["score"] == 2.5
    listed = json.loads(ok(db, "measure", "list", "--team", "North", "--json").stdout)
    assert {(r["staff"], r["mean"]) for r in listed} == {("Ann Lee", 3), ("Ann Lee", 4.5),
                                                         ("Bob Roe", 2.5)}  # fmt: skip


def test_a_persons_scores_are_in_their_subject_access_export(db, tmp_path):
    path = write(tmp_path, "s.csv", "person,score\nCy Dee,4.5\n")
    ok(db, "measure", "import", path, "--measure", "staff-recovery-promotion", "--window",
       "baseline")  # fmt: skip
    held = json.loads(ok(db, "staff", "export", "Cy Dee", "--json").stdout)
    assert [(s["measure"], s["window"], s["score"]) for s in held["outcome_scores"]] == [
        ("staff-recovery-promotion", "baseline", 4.5)
    ]


def test_team_results_import_from_excel(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in (("team", "n", "mean"), ("North", 12, 41.5), ("south", 9, 38)):
        sheet.append(line)
    book.save(tmp_path / "qpr.xlsx")
    ok(db, "measure", "import", str(tmp_path / "qpr.xlsx"), "--measure", "QPR-total",
       "--window", "baseline", "--cohort", "WAVE1")  # fmt: skip
    assert rows(db, "SELECT team_id, n, mean FROM team_score ORDER BY team_id") == [
        (1, 12, 41.5), (2, 9, 38.0)
    ]  # fmt: skip
    table = ok(db, "measure", "list", "--measure", "qpr-total").stdout
    assert "North" in table and "41.5" in table


BAD_STAFF = (
    "person,score\n"
    "Ann Lee,3\n"  # two people share the name
    "Nobody Here,3\n"
    "Bob Roe,6\n"  # the range is 1-5
    "Cy Dee,three\n"
    "Cy Dee,4\n"
    "Cy Dee,4\n"  # twice
    "Wes West,4\n"  # not in WAVE1
)


def test_a_bad_staff_file_is_refused_row_by_row(db, tmp_path):
    path = write(tmp_path, "bad.csv", BAD_STAFF)
    stderr = refused(db, "measure", "import", path, "--measure", "staff-recovery-promotion",
                     "--window", "baseline", "--cohort", "WAVE1")  # fmt: skip
    assert "row 2: 'Ann Lee' matches 2 records" in stderr
    assert "row 3: no staff member 'Nobody Here'" in stderr
    assert "row 4: score 6 is outside staff-recovery-promotion's range 1–5" in stderr
    assert "row 5: score 'three' is not a number" in stderr
    assert "rows 6–7: 'Cy Dee' is also on row 5" in stderr  # one line for the same problem
    assert "row 8: 'Wes West' is not in the cohort given" in stderr
    assert "nothing was recorded" in stderr.splitlines()[-1]
    assert rows(db, "SELECT count(*) FROM staff_score") == [(0,)]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("team,n,mean\nNorth,0,40\n", "row 2: n '0' must be a whole number"),
        ("team,n,mean\nNorth,10,61\n", "mean 61 is outside qpr-total's range 0–60"),
        ("team,n,mean\nEast,10,40\n", "row 2: no team 'East'"),
        ("team,n,mean\nNorth,10,40\nnorth,8,41\n", "row 3: 'north' is also on row 2"),
        ("team,n,mean,service user\nNorth,1,40,Jo Bloggs\n", "column 'service user' is not read"),
        ("person,score\nAnn Lee,3\n", "the header row must have team, n"),
        ("team,n,mean\n", "has no rows"),
    ],
)
def test_a_bad_team_file_is_refused(db, tmp_path, text, says):
    path = write(tmp_path, "bad.csv", text)
    stderr = refused(db, "measure", "import", path, "--measure", "qpr-total", "--window",
                     "follow-up")  # fmt: skip
    assert says in stderr
    assert rows(db, "SELECT count(*) FROM team_score") == [(0,)]


def test_unknown_measures_windows_and_files_are_refused(db, tmp_path):
    path = write(tmp_path, "s.csv", "team,n,mean\nNorth,10,40\n")
    assert "no measure 'inspire'" in refused(
        db, "measure", "import", path, "--measure", "inspire", "--window", "baseline"
    )
    assert "use baseline or follow-up" in refused(
        db, "measure", "import", path, "--measure", "qpr-total", "--window", "midway"
    )
    assert "no file at" in refused(
        db, "measure", "import", str(tmp_path / "none.csv"), "--measure", "qpr-total",
        "--window", "baseline",
    )  # fmt: skip
    ok(db, "measure", "window", "remove", "2")
    assert "no follow-up window" in refused(
        db, "measure", "import", path, "--measure", "qpr-total", "--window", "follow-up"
    )


# -- the measures file ------------------------------------------------------------------------


def _manual_copy(tmp_path: Path, text: str) -> Path:
    from refocus_cli.resources import manual_dir

    folder = tmp_path / "manual"
    shutil.copytree(manual_dir(), folder)
    (folder / "measures.toml").write_text(text)
    return folder


M = "manual/measures.toml"
GOOD_ENTRY = """
[[measure]]
key = "inspire"
name = "INSPIRE"
level = "service-user"
scale_min = 0
scale_max = 100
higher_is_better = true
source = "Added by the programme."
"""


def test_a_programme_adds_a_measure_by_editing_the_file(tmp_path):
    from refocus_cli.resources import manual_dir

    shipped = (Path(manual_dir()) / "measures.toml").read_text()
    folder = _manual_copy(tmp_path, shipped + GOOD_ENTRY)
    done = ok(tmp_path / "x.db", "measure", "measures", "--manual", str(folder), "--json")
    keys = [m["key"] for m in json.loads(done.stdout)]
    assert keys == ["qpr-total", "qpr-interpersonal", "staff-recovery-promotion", "inspire"]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (("scale_max = 100", "scale_max = -1"), M + ":7: measure[1].scale_max must be above"),
        (('level = "service-user"', 'level = "patient"'), M + ":5: measure[1].level is 'patient'"),
        (('key = "inspire"', 'key = "Inspire Scale"'), M + ":3: measure[1].key"),
        (("higher_is_better = true", "higher_is_better = 1"), M + ":8: measure[1].higher_is_"),
        (("scale_min = 0", 'scale_min = "0"'), M + ":6: measure[1].scale_min must be a number"),
        (('source = "Added by the programme."', 'sauce = "x"'), M + ":9: measure[1].sauce is not"),
        (("[[measure]]", "[[measures]]"), M + ": measures is not a known table"),
        (("key =", "key = = "), "is not valid TOML"),
    ],
)  # fmt: skip
def test_mistakes_in_the_measures_file_name_file_line_and_field(tmp_path, change, says):
    folder = _manual_copy(tmp_path, GOOD_ENTRY.replace(*change))
    done = run(tmp_path / "x.db", "measure", "measures", "--manual", str(folder))
    assert done.exit_code == 1 and says in done.stderr, done.stderr


# -- session evaluations ----------------------------------------------------------------------


def _workshops(db: Path) -> dict[str, dict]:
    return {
        s["teams"][0]: s
        for s in json.loads(ok(db, "sessions", "--json").stdout)
        if s["stage"] == "workshop"
    }


FORMS = (
    "form,useful,understood,able,trainers,recovery,will_do,better\n"
    "{id}-1,5,4,4,5,5,Ask about strengths,More time for practice\n"
    "Form {id}-2,4,,3,4,4,,\n"
    "3,3,3,3,3,3,,Shorter breaks\n"
)


def test_returned_forms_are_recorded_once_and_summarised(db, tmp_path):
    north = _workshops(db)["North"]["id"]
    path = write(tmp_path, "forms.csv", FORMS.format(id=north))
    done = json.loads(ok(db, "evaluate", str(north), "--from", path, "--json").stdout)
    assert (done["added"], done["replaced"], done["unchanged"]) == (3, 0, 0)
    again = json.loads(ok(db, "evaluate", str(north), "--from", path, "--json").stdout)
    assert (again["added"], again["unchanged"]) == (0, 3)
    write(tmp_path, "forms.csv", FORMS.format(id=north).replace("3,3,3,3,3,3", "3,3,3,3,3,2"))
    again = json.loads(ok(db, "evaluate", str(north), "--from", path, "--json").stdout)
    assert (again["replaced"], again["unchanged"]) == (1, 2)
    report = json.loads(ok(db, "report", "evaluations", "--json").stdout)
    assert (report["forms"], report["sessions"]) == (3, 1)
    items = {item["key"]: item for item in report["items"]}
    assert items["useful"]["counts"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert items["useful"]["mean"] == round((5 + 4 + 3) / 3, 2)
    assert (items["understood"]["answered"], items["understood"]["blank"]) == (2, 1)
    assert items["recovery"]["counts"]["2"] == 1  # the corrected form
    texts = [(c["question"], c["text"], c["form"]) for c in report["comments"]]
    assert texts == [
        ("One thing I will do differently", "Ask about strengths", f"{north}-1"),
        ("What would have made the session better?", "More time for practice", f"{north}-1"),
        ("What would have made the session better?", "Shorter breaks", f"{north}-3"),
    ]
    assert (
        json.loads(ok(db, "report", "evaluations", "--stage", "coaching", "--json").stdout)["forms"]
        == 0
    )
    assert (
        json.loads(ok(db, "report", "evaluations", "--trainer", "Tess Trainer", "--json").stdout)[
            "forms"
        ]
        == 3
    )
    table = ok(db, "report", "evaluations").stdout
    assert "Shorter breaks" in table and "The session was useful" in table


def test_forms_may_be_headed_with_the_printed_words(db, tmp_path):
    south = _workshops(db)["South"]["id"]
    text = (
        "Form,The session was useful for my everyday work,I understood the key messages,"
        "What would have made the session better?\n"
        f"{south}-1,4,5,Nothing\n"
    )
    ok(db, "evaluate", str(south), "--from", write(tmp_path, "f.csv", text))
    assert rows(db, "SELECT form, better FROM evaluation_form") == [(1, "Nothing")]


def test_bad_forms_are_refused_row_by_row(db, tmp_path):
    north = _workshops(db)["North"]["id"]
    text = (
        "form,useful,understood,better\n"
        f"{north}-1,6,4,\n"
        f"{north + 1}-2,3,3,\n"
        f"{north}-3,,,\n"
        "x,1,1,\n"
        f"{north}-2,1,1,\n"
        f"{north}-2,2,2,\n"
        f"{north}-3,2,2,bad \x1b[31m text\n"
        f"{north}-4,3,3,\n"  # North has three staff: its pack printed three forms
    )
    stderr = refused(db, "evaluate", str(north), "--from", write(tmp_path, "bad.csv", text))
    assert "row 2: useful '6' must be a whole number from 1 to 5" in stderr
    assert f"row 3: form '{north + 1}-2' belongs to session {north + 1}" in stderr
    assert f"row 4: form {north}-3 is blank" in stderr
    assert "row 5: form 'x' is not a form number" in stderr
    assert f"row 7: form {north}-2 is also on row 6" in stderr
    assert "row 8:" in stderr
    assert (
        f"row 9: form '{north}-4' was never printed: session {north}'s pack numbers its forms "
        f"{north}-1 to {north}-3" in stderr
    )
    assert rows(db, "SELECT count(*) FROM evaluation_form") == [(0,)]


def test_forms_for_sessions_that_cannot_have_them_are_refused(db, tmp_path):
    path = write(tmp_path, "f.csv", "form,useful\n1,4\n")
    future = max(json.loads(ok(db, "sessions", "--json").stdout), key=lambda s: s["start"])
    assert "has not begun yet" in refused(db, "evaluate", str(future["id"]), "--from", path)
    assert "no session with id 9999" in refused(db, "evaluate", "9999", "--from", path)
    north = _workshops(db)["North"]["id"]
    ok(db, "session", "cancel", str(north), "--reason", "snow", now=SETUP)
    assert "was cancelled" in refused(db, "evaluate", str(north), "--from", path)
    assert "--stage 'nope'" in refused(db, "report", "evaluations", "--stage", "nope")
    assert "no trainer" in refused(db, "report", "evaluations", "--trainer", "Nobody")


# -- the demo ---------------------------------------------------------------------------------


def test_the_demo_fills_windows_scores_and_forms(tmp_path):
    db = tmp_path / "demo.db"
    done = ok(db, "demo", "--out", str(tmp_path / "files"), now="2027-01-06T12:00:00+00:00")
    assert "refocus report outcomes" in done.stderr and "report evaluations" in done.stderr
    cohorts = rows(db, "SELECT count(*) FROM cohort")[0][0]
    assert rows(db, "SELECT kind, count(*) FROM measure_window GROUP BY kind") == [
        ("baseline", cohorts), ("follow-up", cohorts)
    ]  # fmt: skip
    # Every team with sessions has a QPR baseline and follow-up; every score in range.
    teams = rows(db, "SELECT count(DISTINCT team_id) FROM session_team")[0][0]
    assert rows(db, "SELECT measure, window_kind, count(*) FROM team_score "
                    "GROUP BY measure, window_kind ORDER BY 1, 2") == [  # fmt: skip
        ("qpr-interpersonal", "baseline", teams), ("qpr-interpersonal", "follow-up", teams),
        ("qpr-total", "baseline", teams), ("qpr-total", "follow-up", teams),
    ]  # fmt: skip
    assert rows(db, "SELECT count(*) FROM team_score WHERE mean < 0 OR mean > 60") == [(0,)]
    staff = rows(db, "SELECT count(*), min(score) >= 1, max(score) <= 5 FROM staff_score")
    assert staff[0][0] > 0 and staff[0][1:] == (1, 1)
    assert rows(db, "SELECT count(*) > 0 FROM evaluation_form") == [(1,)]
    report = json.loads(
        ok(db, "report", "outcomes", "--include-unfinished", "--json",
           now="2027-01-06T12:00:00+00:00").stdout
    )  # fmt: skip
    assert all(m["teams"] for m in report["measures"])
    assert report["stayers_rule"].endswith("computed over them")
