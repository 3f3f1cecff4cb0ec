"""`refocus evaluate` takes only the form numbers a session's pack could have printed:
one form per person expected. Someone leaving after the pack was printed does not make
a printed form's number wrong; a number higher than any printed is refused, row by row,
naming the highest, and nothing of the file is recorded."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from database_rows import every_row, query
from outcome_records import SETUP, build, csv, ok, run


@pytest.fixture
def workshops(cli, from_template) -> dict[str, int]:
    return from_template("outcome-records", lambda: build(cli))


def printed(cli, session: int, folder: Path, now: str) -> list[int]:
    """The numbers of the evaluation forms `refocus pack` prints for a session."""
    pdf = folder / f"pack-{now[:10]}.pdf"
    ok(cli, "pack", str(session), "--only", "evaluation", "-o", str(pdf), now=now)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return sorted(int(n) for n in re.findall(rf"Form {session}-(\d+)", text))


def test_every_printed_form_is_taken_after_the_expected_list_shrank(cli, workshops, tmp_path):
    north = workshops["North"]
    assert printed(cli, north, tmp_path, SETUP) == [1, 2]  # Ann Lee and Bob Roe
    # Bob's leaving is recorded after the packs were printed, dated before the session.
    ok(cli, "staff", "leave", "Bob Roe", "--on", "2027-01-08")
    assert printed(cli, north, tmp_path, "2027-01-20T18:00:00+00:00") == [1]
    forms = f"form,useful\n{north}-1,4\n{north}-2,5\n"
    done = ok(cli, "evaluate", str(north), "--from", csv(tmp_path, "f.csv", forms), "--json")
    assert done.json()["added"] == 2


def test_a_number_never_printed_is_refused_row_by_row(cli, workshops, env_setup, tmp_path):
    north = workshops["North"]
    forms = f"form,useful\n{north}-1,4\n{north}-3,5\nForm {north}-12,3\n"
    before = every_row(env_setup)
    done = run(cli, "evaluate", str(north), "--from", csv(tmp_path, "f.csv", forms))
    assert done.exit_code == 1 and "Traceback" not in done.stderr
    said = f"session {north}'s pack numbers its forms {north}-1 to {north}-2"
    assert f"row 3: form '{north}-3' was never printed: {said}" in done.stderr
    assert f"row 4: form 'Form {north}-12' was never printed: {said}" in done.stderr
    assert "row 2" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Error: f.csv has 2 problems")
    assert every_row(env_setup) == before
    assert query(env_setup, "SELECT count(*) FROM evaluation_form") == [(0,)]
