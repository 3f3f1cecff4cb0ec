"""Spreadsheets built to exhaust memory or time are refused before they are read (issue 16,
item 5): the issue's three files (2 GiB of whitespace in 2 MB, 20 million shared strings,
3 million empty rows), each line of defence on its own, and CSV's limits. Timings and
memory are measured by benchmarks/input_limits.py, not here.
"""

from __future__ import annotations

import dataclasses
import io
import os
import sqlite3
import zipfile
from pathlib import Path

import hostile_files as hostile
import pytest
from hypothesis import given
from hypothesis import strategies as st

from refocus_cli.core import tabular
from refocus_cli.core.errors import InvalidInput
from refocus_cli.readers import sheets, workbook_check
from refocus_cli.readers.sheets import read_table

TOO_BIG = "is too big to be a roster or register: "
WHAT_TO_DO = "; save only the sheet refocus needs as .xlsx or .csv, or split it"


def _staff(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM staff").fetchone()[0]


def _refused(result, said: str) -> None:
    assert result.exit_code == 1, result
    lines = result.stderr.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("Error: "), result
    assert said in lines[0], result
    assert "Traceback" not in result.stdout + result.stderr


HOSTILE = {
    "2 GiB of whitespace in 2 MB": (
        hostile.whitespace_bomb,
        "it unpacks to 2,147 MB (at most 500 MB)",
    ),
    "20 million shared strings in under 1 MB": (
        lambda path: hostile.shared_strings(path, 20_000_000),
        "xl/sharedStrings.xml unpacks to 3",  # 379 times its size
    ),
    "2.1 million shared strings that do not look like a bomb": (
        lambda path: hostile.shared_strings(path, 2_100_000, pad=400_000),
        "xl/sharedStrings.xml has more than 2,000,000 different pieces of text",
    ),
    "3 million empty rows": (
        lambda path: hostile.empty_rows(path, 3_000_000),
        "xl/worksheets/sheet1.xml unpacks to 5",  # 506 times its size
    ),
    "3 million empty rows that do not look like a bomb": (
        lambda path: hostile.empty_rows(path, 3_000_000, pad=200_000),
        "xl/worksheets/sheet1.xml has more than 1,000,000 rows",
    ),
    "one row numbered 3,000,000": (
        lambda path: hostile.workbook(path, hostile.sheet('<row r="3000000"/>')),
        "xl/worksheets/sheet1.xml has more than 1,000,000 rows",
    ),
    "a dimension of 3,000,000 rows": (
        lambda path: hostile.workbook(
            path,
            hostile.sheet(
                "",
                hostile.SHEET_HEAD.replace("<sheetData>", "")
                + '<dimension ref="A1:B3000000"/><sheetData>',
            ),
        ),  # fmt: skip
        "says it spans A1:B3000000 (3,000,000 rows by 2 columns; at most 1,000,000 by 100)",
    ),
    "a dimension of every column": (
        lambda path: hostile.workbook(
            path,
            hostile.sheet(
                "",
                hostile.SHEET_HEAD.replace("<sheetData>", "")
                + '<x:dimension ref="A1:XFD2"/><sheetData>',
            ),
        ),  # fmt: skip
        "(2 rows by 16,384 columns; at most 1,000,000 by 100)",
    ),
    "1,001 files in the zip": (
        lambda path: hostile.write_zip(
            path, [hostile.entry(f"junk/{n}.xml", "<x/>") for n in range(1001)]
        ),
        "its table of contents lists 1,001 files",
    ),
}


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_workbook_is_refused_before_it_is_read(programme, env_setup, tmp_path, case):
    make, said = case
    path = make(tmp_path / "roster.xlsx")
    assert path.stat().st_size < 3_000_000  # each is small on disk
    _refused(programme("staff", "import", str(path)), f"{path} {TOO_BIG}")
    _refused(programme("staff", "import", str(path)), said)
    assert _staff(env_setup) == 0


def test_a_register_workbook_gets_the_same_checks(programme, tmp_path):
    path = hostile.whitespace_bomb(tmp_path / "register.xlsx")
    result = programme("attend", "1", "--from", str(path))
    _refused(result, f"{path} {TOO_BIG}it unpacks to 2,147 MB (at most 500 MB){WHAT_TO_DO}")


def test_a_sheet_that_understates_its_size_is_read_no_further_than_it_says(programme, tmp_path):
    """The zip's sizes pass the checks when they lie small; zipfile then stops at the size
    given, and the CRC (that of the whole 2 GiB) shows the lie."""
    sheet = hostile.repeated(
        "xl/worksheets/sheet1.xml",
        hostile.SHEET_HEAD + hostile.HEADER_ROW,
        b" " * hostile.MIB,
        2048,
        hostile.SHEET_TAIL,
        hostile.WHITESPACE_CRC,
    )
    path = hostile.workbook(tmp_path / "roster.xlsx", dataclasses.replace(sheet, size=5000))
    _refused(
        programme("staff", "import", str(path)),
        f"{path} is not a readable Excel workbook (Bad CRC-32 for file "
        "'xl/worksheets/sheet1.xml'): save it again as .xlsx",
    )


def test_the_bomb_is_what_it_claims(tmp_path):
    """The whitespace bomb is a valid zip: its CRC and sizes are those of 2 GiB unpacked."""
    path = hostile.whitespace_bomb(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.file_size == 2 * 1024**3 + len(hostile.SHEET_HEAD + hostile.HEADER_ROW) + len(
            hostile.SHEET_TAIL
        )
        with archive.open(sheet) as stream:
            assert stream.read(100).startswith(b"<?xml")


@pytest.mark.parametrize("prefix", ["", "x:"])
@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_rows_and_strings_are_counted_exactly_across_chunk_boundaries(
    tmp_path, monkeypatch, prefix, chunk
):
    monkeypatch.setattr(workbook_check, "_CHUNK", chunk)
    monkeypatch.setattr(workbook_check, "MOST_ROWS", 300)
    monkeypatch.setattr(workbook_check, "MOST_SHARED_STRINGS", 200)
    head = hostile.SHEET_HEAD.replace("<worksheet ", f"<{prefix}worksheet ").replace(
        "<sheetData>", f"<{prefix}sheetData>"
    )
    rows = "".join(
        f'<{prefix}row r="{n}"><{prefix}c r="A{n}"/></{prefix}row>' for n in range(2, 301)
    )
    strings = "<sst>" + f"<{prefix}si><t>s</t></{prefix}si>" * 200 + "</sst>"
    tail = f"</{prefix}sheetData></{prefix}worksheet>"
    fits = hostile.workbook(
        tmp_path / "fits.xlsx",
        hostile.entry("xl/worksheets/sheet1.xml", head + hostile.HEADER_ROW + rows + tail),
        hostile.entry("xl/sharedStrings.xml", strings),
    )
    workbook_check.check_workbook(fits)  # 300 rows and 200 strings: just within
    one_more_row = hostile.workbook(
        tmp_path / "row.xlsx",
        hostile.entry(
            "xl/worksheets/sheet1.xml", head + hostile.HEADER_ROW + rows + f"<{prefix}row/>" + tail
        ),
    )
    with pytest.raises(InvalidInput, match="has more than 300 rows"):
        workbook_check.check_workbook(one_more_row)
    one_more_string = hostile.workbook(
        tmp_path / "string.xlsx",
        hostile.sheet(""),
        hostile.entry("xl/sharedStrings.xml", strings.replace("</sst>", "<si/></sst>")),
    )
    with pytest.raises(InvalidInput, match="more than 200 different pieces of text"):
        workbook_check.check_workbook(one_more_string)


def _cells(row: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{_column(n)}{row}" t="inlineStr"><is><t>{value}</t></is></c>'
        for n, value in enumerate(values, start=1)
    )
    return f'<row r="{row}">{cells}</row>'


def _column(number: int) -> str:
    letters = ""
    while number:
        number, left = divmod(number - 1, 26)
        letters = chr(65 + left) + letters
    return letters


def test_a_dimension_saying_fewer_rows_does_not_hide_the_rest(tmp_path):
    body = "".join(_cells(n, [f"Person {n}", "North CMHT"]) for n in range(2, 7))
    head = hostile.SHEET_HEAD.replace("<sheetData>", '<dimension ref="A1:B2"/><sheetData>')
    path = hostile.workbook(tmp_path / "roster.xlsx", hostile.sheet(body, head))
    table = read_table(path)
    assert [cells[0] for _, cells in table.rows] == [f"Person {n}" for n in range(2, 7)]


def test_a_workbook_row_past_the_column_or_cell_limit_is_refused_while_streaming(tmp_path):
    wide = hostile.workbook(tmp_path / "wide.xlsx", hostile.sheet(_cells(2, ["x"] * 101)))
    with pytest.raises(InvalidInput, match="row 2 has 101 columns, more than 100"):
        read_table(wide)
    long = hostile.workbook(tmp_path / "long.xlsx", hostile.sheet(_cells(2, ["x" * 10_001])))
    with pytest.raises(InvalidInput, match="row 2 has a cell over 10,000 characters long"):
        read_table(long)


def test_rows_past_the_limit_are_refused_while_streaming_when_the_zip_hides_them(
    tmp_path, monkeypatch
):
    """Row numbers written as r = "…" escape the zip scan; the reader's count catches them."""
    monkeypatch.setattr(tabular, "MOST_ROWS", 50)
    body = "".join(f'<row r = "{n}"/>' for n in range(2, 40)) + '<row r = "60"/>'
    path = hostile.workbook(tmp_path / "roster.xlsx", hostile.sheet(body))
    with pytest.raises(InvalidInput, match="has more than 50 rows: split it into smaller files"):
        read_table(path)


CSV = {
    "101 columns": ("name,team" + ",x" * 99 + "\n", "row 1 has 101 columns, more than 100"),
    "a 10,001-character cell": (
        f"name,team\n{'A' * 10_001},North CMHT\n",
        "row 2 has a cell over 10,000 characters long: shorten it or remove that column",
    ),
    "a 200,000-character cell (past the csv module's own limit)": (
        f'name,team\n"{"A" * 200_000}",North CMHT\n',
        "row 2 has a cell over 10,000 characters long",
    ),
}


@pytest.mark.parametrize("case", CSV.values(), ids=CSV.keys())
def test_csv_limits(programme, env_setup, tmp_path, case):
    text, said = case
    path = tmp_path / "roster.csv"
    path.write_text(text)
    _refused(programme("staff", "import", str(path)), f"roster.csv {said}")
    assert _staff(env_setup) == 0


def test_csv_rows_past_the_limit_are_refused_blank_ones_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MOST_ROWS", 1_000)
    path = tmp_path / "roster.csv"
    path.write_text("name,team\n" + "\n" * 998 + "Ann Lee,North CMHT\n")
    assert len(read_table(path).rows) == 1  # row 1,000: within
    path.write_text("name,team\n" + "\n" * 999 + "Ann Lee,North CMHT\n")
    with pytest.raises(InvalidInput, match="has more than 1,000 rows: split it into smaller"):
        read_table(path)


def test_the_real_row_limit_holds_a_national_register_and_refuses_3_million_blank_lines(
    tmp_path,
):
    assert tabular.MOST_ROWS == 1_000_000  # a national register is about 300,000 rows
    path = tmp_path / "register.csv"
    path.write_bytes(b"name,status\n" + b"\n" * 3_000_000)
    with pytest.raises(InvalidInput, match="has more than 1,000,000 rows"):
        read_table(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_over_50_mb_is_refused_unread(programme, tmp_path, suffix):
    path = tmp_path / f"roster{suffix}"
    with path.open("wb") as handle:  # sparse: no disk is used
        handle.truncate(50_000_001)
    _refused(
        programme("staff", "import", str(path)),
        f"{path} is over 50 MB, more than any roster or register: split it into smaller files",
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cells_past_the_limit_are_refused_while_reading(tmp_path, monkeypatch, suffix):
    monkeypatch.setattr(tabular, "MOST_CELLS", 100)
    monkeypatch.setattr(sheets, "MOST_CELLS", 100)
    rows = [["name", "team"]] + [[f"Person {n}", "North CMHT"] for n in range(2, 52)]
    path = tmp_path / f"roster{suffix}"
    if suffix == ".csv":
        path.write_text("".join(",".join(row) + "\n" for row in rows))
    else:
        body = "".join(_cells(n, row) for n, row in enumerate(rows[1:], start=2))
        hostile.workbook(path, hostile.sheet(body))
    assert len(read_table(path).rows) == 50  # 100 cells: just within
    path.unlink()
    rows.append(["One More", "North CMHT"])
    if suffix == ".csv":
        path.write_text("".join(",".join(row) + "\n" for row in rows))
    else:
        body = "".join(_cells(n, row) for n, row in enumerate(rows[1:], start=2))
        hostile.workbook(path, hostile.sheet(body))
    with pytest.raises(InvalidInput, match="has more than 100 cells by row 52: keep only the"):
        read_table(path)


@given(st.text(alphabet='ab,"\r\n\x0b\x1c\x85\u2028 '))
def test_csv_lines_are_split_as_the_csv_module_splits_them(text):
    assert list(tabular._lines(text)) == list(io.StringIO(text, newline=""))


def test_a_device_is_refused_not_read_for_ever(programme):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    _refused(
        programme("staff", "import", "/dev/zero"),
        "/dev/zero is not a regular file: give a .csv or .xlsx file",
    )


def test_a_csv_with_more_separators_than_cells_allowed_is_refused_before_parsing(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(tabular, "MOST_CELLS", 100)
    path = tmp_path / "roster.csv"
    path.write_text("name,team\n" + "a,b\n" * 99)  # 100 separators: parsed, then counted
    with pytest.raises(InvalidInput, match="has more than 100 cells by row 52: keep only"):
        read_table(path)
    path.write_text("name,team\n" + "a,b\n" * 100)  # 101 separators: refused unparsed
    with pytest.raises(InvalidInput, match="roster.csv has more than 100 cells: keep only"):
        read_table(path)
