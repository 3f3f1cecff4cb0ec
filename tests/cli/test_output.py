"""Tables for people: fitted to a terminal, plain aligned text when piped or long."""

from __future__ import annotations

import pytest

from refocus_cli.cli import output
from refocus_cli.cli.output import LONG_TABLE, print_record, print_table

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
