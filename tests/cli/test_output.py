"""Tables for people: boxed for a screenful, plain aligned text for thousands of rows."""

from __future__ import annotations

from refocus_cli.cli.output import LONG_TABLE, print_table


def test_short_tables_are_boxed_and_long_ones_plain(capsys):
    columns = [("name", "Name"), ("note", "Note")]
    print_table([{"name": "Ann", "note": "two\nlines"}], columns, title="Few")
    boxed = capsys.readouterr().out
    assert "┃ Name" in boxed and "Ann" in boxed
    rows = [{"name": f"Person {i}", "note": "a\nb"} for i in range(LONG_TABLE + 1)]
    print_table(rows, columns, title="Many")
    plain = capsys.readouterr().out.splitlines()
    assert plain[0] == "Many" and plain[1].split() == ["Name", "Note"]
    assert set(plain[2].replace(" ", "")) == {"-"}
    assert len(plain) == 3 + len(rows) and plain[-1].split("  ")[0] == f"Person {LONG_TABLE}"
    assert plain[3].endswith("a · b") and "┃" not in "".join(plain)
