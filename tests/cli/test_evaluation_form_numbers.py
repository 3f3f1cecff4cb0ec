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


def test_a_catch_ups_forms_count_everyone_invited_to_it(cli, workshops, tmp_path):
    """Two late joiners booked on catch-ups; one leaves, and is taken off them, after the
    packs were printed: both printed forms are still taken, a third is not."""
    march = "2027-03-01T09:00:00+00:00"
    for name in ("Late One", "Late Two"):
        ok(cli, "staff", "add", name, "--team", "North", "--start", "2027-02-20", now=march)
    ok(cli, "catchup", "--schedule", now=march)
    sessions = ok(cli, "sessions", "--json", now=march).json()
    first = min((s for s in sessions if s["kind"] == "catch-up"), key=lambda s: s["start"])
    assert printed(cli, first["id"], tmp_path, march) == [1, 2]
    ok(cli, "staff", "leave", "Late Two", "--on", "2027-03-02", now=march)
    assert printed(cli, first["id"], tmp_path, "2027-03-02T09:00:00+00:00") == [1]
    after = "2027-12-01T09:00:00+00:00"
    catch_up = str(first["id"])
    forms = f"form,useful\n{catch_up}-1,4\n{catch_up}-2,5\n"
    assert ok(cli, "evaluate", catch_up, "--from", csv(tmp_path, "f.csv", forms), now=after)
    extra = csv(tmp_path, "g.csv", f"form,useful\n{catch_up}-3,4\n")
    done = run(cli, "evaluate", catch_up, "--from", extra, now=after)
    assert done.exit_code == 1
    assert f"forms {catch_up}-1 to {catch_up}-2 (one per person expected)" in done.stderr
