"""`refocus undo` of outcome records: a score import, a session's evaluation forms, a
measurement window added or removed. Undone, the database is as it was before (every
table but the audit log, row for row); refused, with one `Error:` line, when what the
change wrote has changed since, writing nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from database_rows import every_row, query
from outcome_records import build, csv, ok, run

STAFF_MEASURE = ("--measure", "staff-recovery-promotion", "--window", "baseline")


@pytest.fixture
def workshops(cli, from_template) -> dict[str, int]:
    return from_template("outcome-records", lambda: build(cli))


def refused(cli, db: Path, *args: str) -> str:
    """A command refused: exit 1, one `Error:` line, nothing written at all."""
    before = every_row(db)
    done = run(cli, *args)
    assert done.exit_code == 1, (args, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert every_row(db) == before
    return lines[0]


def records(db: Path) -> dict[str, list[tuple]]:
    """Every table but the audit log (an undo adds to it, and marks what it undid)."""
    return {table: rows for table, rows in every_row(db).items() if table != "audit"}


def test_undoing_score_imports_puts_every_score_back_as_it_was(cli, workshops, env_setup, tmp_path):
    nothing = records(env_setup)
    first = csv(tmp_path, "a.csv", "person,score\nAnn Lee,3\nBob Roe,2\n")
    ok(cli, "measure", "import", first, *STAFF_MEASURE)
    teams = csv(tmp_path, "t.csv", "team,n,mean\nNorth,12,41.5\n")
    ok(cli, "measure", "import", teams, "--measure", "QPR-total", "--window", "baseline")
    after_first = records(env_setup)
    # Bob's score corrected (replaced) and Cy's added; the team result corrected too.
    second = csv(tmp_path, "b.csv", "person,score\nAnn Lee,3\nBob Roe,2.5\nCy Dee,4\n")
    ok(cli, "measure", "import", second, *STAFF_MEASURE)
    ok(cli, "measure", "import", csv(tmp_path, "t.csv", "team,n,mean\nNorth,12,40\nSouth,9,38\n"),
       "--measure", "QPR-total", "--window", "baseline")  # fmt: skip
    told = ok(cli, "undo", "--yes").stderr
    assert "qpr-total baseline scores from t.csv taken back: 1 removed, 1 put back" in told
    ok(cli, "undo", "--yes")
    assert records(env_setup) == after_first  # values, who recorded them and when
    ok(cli, "undo", "--yes")
    ok(cli, "undo", "--yes")
    assert records(env_setup) == nothing
    undos = query(env_setup, "SELECT count(*) FROM audit WHERE action = 'undo'")
    assert undos == [(4,)]
    assert query(env_setup, "SELECT count(*) FROM audit WHERE entity = 'score' "
                            "AND undone_by IS NULL AND action = 'record'") == [(0,)]  # fmt: skip


def test_a_score_import_changed_since_is_not_undone(cli, workshops, env_setup, tmp_path):
    ok(cli, "measure", "import", csv(tmp_path, "a.csv", "person,score\nBob Roe,2\n"),
       *STAFF_MEASURE)  # fmt: skip
    ok(cli, "measure", "import", csv(tmp_path, "b.csv", "person,score\nBob Roe,4\n"),
       *STAFF_MEASURE, actor="analyst")  # fmt: skip
    said = refused(cli, env_setup, "undo", "--yes")
    assert "Bob Roe's staff-recovery-promotion baseline score has changed since" in said
    assert "(an import by analyst, 2027-01-20 18:00)" in said
    assert "that import is undone first (only whoever made it can), or put the scores" in said
    # Once the analyst undoes theirs, the lead's import can be undone.
    ok(cli, "undo", "--yes", actor="analyst")
    ok(cli, "undo", "--yes")
    assert query(env_setup, "SELECT count(*) FROM staff_score") == [(0,)]


FORMS = "form,useful,understood,better\n{id}-1,5,4,More time\n"


def test_undoing_evaluation_imports_puts_the_forms_back(cli, workshops, env_setup, tmp_path):
    north = workshops["North"]
    nothing = records(env_setup)
    ok(cli, "evaluate", str(north), "--from", csv(tmp_path, "f.csv", FORMS.format(id=north)))
    after_first = records(env_setup)
    corrected = FORMS.format(id=north).replace("5,4,", "5,2,") + f"{north}-2,3,3,Shorter\n"
    done = ok(cli, "evaluate", str(north), "--from", csv(tmp_path, "f.csv", corrected), "--json")
    assert (done.json()["added"], done.json()["replaced"]) == (1, 1)
    told = ok(cli, "undo", "--yes").stderr
    assert f"session {north}'s evaluation forms from f.csv taken back: 1 removed, 1 put" in told
    assert records(env_setup) == after_first
    ok(cli, "undo", "--yes")
    assert records(env_setup) == nothing


def test_evaluation_forms_changed_since_are_not_undone(cli, workshops, env_setup, tmp_path):
    north = workshops["North"]
    ok(cli, "evaluate", str(north), "--from", csv(tmp_path, "f.csv", FORMS.format(id=north)))
    changed = FORMS.format(id=north).replace("5,4,More", "1,1,More")
    ok(cli, "evaluate", str(north), "--from", csv(tmp_path, "g.csv", changed), actor="analyst")
    said = refused(cli, env_setup, "undo", "--yes")
    assert f"session {north}" in said and "has changed since (evaluate by analyst" in said


def test_a_window_added_or_removed_is_undone(cli, workshops, env_setup):
    before = records(env_setup)
    ok(cli, "measure", "window", "add", "baseline", "--from", "2026-11-01", "--to", "2026-11-30")
    assert "the baseline window 2026-11-01 to 2026-11-30 for the programme taken away" in (
        ok(cli, "undo", "--yes").stderr
    )
    assert records(env_setup) == before
    window = json.loads(ok(cli, "measure", "window", "list", "--json").stdout)[0]
    ok(cli, "measure", "window", "remove", str(window["id"]))
    assert "back" in ok(cli, "undo", "--yes").stderr
    assert records(env_setup) == before  # its id, calendar id and creation time too


def test_a_window_is_not_taken_away_once_scores_are_recorded_in_it(
    cli, workshops, env_setup, tmp_path
):
    window = json.loads(ok(cli, "measure", "window", "list", "--json").stdout)[0]
    ok(cli, "measure", "window", "remove", str(window["id"]))
    ok(cli, "measure", "window", "add", "baseline", "--from", "2026-12-01", "--to", "2026-12-31")
    ok(cli, "measure", "import", csv(tmp_path, "a.csv", "person,score\nCy Dee,4\n"),
       *STAFF_MEASURE, actor="analyst")  # fmt: skip
    said = refused(cli, env_setup, "undo", "--yes")
    assert "1 baseline score was recorded since it was added: undo those imports first" in said
    ok(cli, "undo", "--yes", actor="analyst")
    ok(cli, "undo", "--yes")  # the window added goes
    # The window removed cannot come back over the one added while it was away.
    ok(cli, "measure", "window", "add", "baseline", "--from", "2026-12-20", "--to", "2027-01-05",
       "--cohort", "WAVE1", actor="analyst")  # fmt: skip
    said = refused(cli, env_setup, "undo", "--yes")
    assert "a baseline window for cohort WAVE1 covers 2026-12-20 to 2027-01-05 since" in said


def test_imports_recorded_before_undo_kept_enough_are_refused(cli, workshops, env_setup, tmp_path):
    """Entries from before imports kept what undo needs (read back as a database from
    then would hold them) say what to do instead."""
    ok(cli, "measure", "import", csv(tmp_path, "a.csv", "person,score\nBob Roe,2\n"),
       *STAFF_MEASURE)  # fmt: skip
    with sqlite3.connect(env_setup) as connection:
        connection.execute(
            "UPDATE audit SET new = json_remove(new, '$.recorded_at', '$.added_rows') "
            "WHERE entity = 'score'"
        )
    said = refused(cli, env_setup, "undo", "--yes")
    assert "before refocus kept which scores an import added: put the scores right" in said
