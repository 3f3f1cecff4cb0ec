"""Output: tables for people, fitted to a terminal, plain aligned text when piped or long;
JSON for programs."""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import NamedTuple

import pytest

from refocus_cli.cli import output
from refocus_cli.cli.output import LONG_TABLE, print_record, print_table


class Point(NamedTuple):
    x: int
    y: int


COLUMNS = [("id", "Id"), ("when", "When"), ("name", "Name"), ("note", "Note")]
ROW = {"id": 12345, "when": "Tue 24 Feb 2027", "name": "Siobhán Kelly-Okafor", "note": "x"}


def test_piped_tables_are_plain_aligned_text_at_full_width(capsys, monkeypatch):
    monkeypatch.setattr(output, "on_terminal", lambda: False)
    monkeypatch.setenv("COLUMNS", "20")
    print_table([{**ROW, "note": "two\nlines"}], COLUMNS, title="Few")
    plain = capsys.readouterr().out.splitlines()
    assert plain[0] == "Few" and plain[1].split() == ["Id", "When", "Name", "Note"]
    assert set(plain[2].replace(" ", "")) == {"-"}
    assert plain[3] == "12345  Tue 24 Feb 2027  Siobhán Kelly-Okafor  two · lines"


def test_long_tables_are_plain_even_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(output, "on_terminal", lambda: True)
    rows = [{"name": f"Person {i}", "note": "a\nb"} for i in range(LONG_TABLE + 1)]
    print_table(rows, [("name", "Name"), ("note", "Note")], title="Many")
    plain = capsys.readouterr().out.splitlines()
    assert len(plain) == 3 + len(rows) and plain[-1].split("  ")[0] == f"Person {LONG_TABLE}"
    assert plain[3].endswith("a · b") and "━" not in "".join(plain)


@pytest.mark.parametrize("width", [40, 80])
def test_a_narrow_terminal_wraps_names_and_keeps_ids_and_dates_whole(capsys, monkeypatch, width):
    monkeypatch.setattr(output, "on_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", str(width))
    print_table([ROW], COLUMNS[:3])  # 5 + 15 + 12 ("Kelly-Okafor") and two gutters fit 40
    shown = capsys.readouterr().out
    assert all(len(line) <= width for line in shown.splitlines())
    assert "12345" in shown and "Tue 24 Feb 2027" in shown and "…" not in shown
    if width == 40:  # the name wraps at its space, not inside a word
        assert "Siobhán" in shown and "Kelly-Okafor" in shown
        assert "Siobhán Kelly-Okafor" not in shown


def test_optional_columns_make_room_last_first(capsys, monkeypatch):
    monkeypatch.setattr(output, "on_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "40")
    print_table([{**ROW, "note": "a-very-long-single-word"}], COLUMNS, optional=("name", "note"))
    shown = capsys.readouterr().out
    assert "Tue 24 Feb 2027" in shown and "Siobhán" in shown and "a-very-long" not in shown


def test_a_piped_record_is_plain_aligned_lines(capsys, monkeypatch):
    monkeypatch.setattr(output, "on_terminal", lambda: False)
    monkeypatch.setenv("COLUMNS", "20")
    record = {"when": "Tue 24 Feb 2027, 10:00–13:30", "teams": ["North CMHT", "South CMHT"]}
    print_record(record, [("when", "When"), ("teams", "Teams")])
    assert capsys.readouterr().out.splitlines() == [
        "When   Tue 24 Feb 2027, 10:00–13:30",
        "Teams  North CMHT, South CMHT",
    ]


# What --json has always written for the values records hold (json.dumps, default=str),
# whitespace aside: records are checked parsed, as a program reads them.
VALUES = {
    "named": Point(1, 2),
    7: "a key that is not text",
    "day": date(2027, 1, 4),
    "when": datetime(2027, 1, 4, 9, 30, tzinfo=UTC),
    "share": Fraction(2, 3),
    "name": "Siobhán",
    "empty": [],
}
WRITTEN = {
    "named": [1, 2],
    "7": "a key that is not text",
    "day": "2027-01-04",
    "when": "2027-01-04 09:30:00+00:00",
    "share": "2/3",
    "name": "Siobhán",
    "empty": [],
}


def test_json_for_a_program_is_what_json_dumps_wrote(capsys):
    output.print_json(VALUES)
    written = capsys.readouterr().out
    assert written.endswith("}\n") and "\n" not in written[:-1]  # one line
    assert json.loads(written) == WRITTEN == json.loads(json.dumps(VALUES, default=str))
    assert "Siobhán" in written  # UTF-8, not escaped


def test_json_at_a_terminal_is_indented_as_json_dumps_indented_it(monkeypatch):
    shown = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(shown, "isatty", lambda: True)
    monkeypatch.setattr(sys, "stdout", shown)
    print("Before:")  # written as text first: it stays first
    output.print_json(WRITTEN)
    shown.flush()
    text = shown.buffer.getvalue().decode()
    assert text == "Before:\n" + json.dumps(WRITTEN, indent=2, ensure_ascii=False) + "\n"


def test_json_to_an_output_in_another_encoding_goes_through_it(monkeypatch):
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    monkeypatch.setattr(sys, "stdout", latin)
    output.print_json({"name": "Siobhán"})
    latin.flush()
    assert latin.buffer.getvalue() == '{"name":"Siobhán"}\n'.encode("latin-1")
