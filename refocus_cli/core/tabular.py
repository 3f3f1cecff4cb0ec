"""Rows out of a CSV file, whatever a spreadsheet program saved it as."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

from refocus_cli.core.errors import InvalidInput

# The most a file of rows may hold (readers/sheets.py documents these with the limits on
# workbooks): refocus defaults, well above the largest honest file, a national register
# of about 300,000 rows, and below what would exhaust memory.
MOST_ROWS = 1_000_000  # rows as a spreadsheet shows them, blank ones and the header included
MOST_COLUMNS = 100
LONGEST_CELL = 10_000  # characters
# Cells in the rows kept (not blank): each costs memory, about 70 bytes for a short one,
# so this holds a file of many wide rows to a few hundred megabytes.
MOST_CELLS = 2_000_000


def check_row_size(source: str, row: int, cells: list[str]) -> None:
    """Refuse a row past MOST_ROWS, wider than MOST_COLUMNS or with a cell over LONGEST_CELL."""
    if row > MOST_ROWS:
        raise InvalidInput(
            f"{source} has more than {MOST_ROWS:,} rows: split it into smaller files"
        )
    if len(cells) > MOST_COLUMNS:
        raise InvalidInput(
            f"{source} row {row} has {len(cells):,} columns, more than {MOST_COLUMNS}: "
            "keep only the columns refocus reads"
        )
    if cells and max(map(len, cells)) > LONGEST_CELL:
        raise _cell_too_long(source, row)


def too_many_cells(source: str, row: int | None = None) -> InvalidInput:
    """The refusal of a file (whose rows up to `row`) hold more than MOST_CELLS cells."""
    where = f" by row {row}" if row is not None else ""
    return InvalidInput(
        f"{source} has more than {MOST_CELLS:,} cells{where}: keep only the columns "
        "refocus reads, or split it into smaller files"
    )


def _cell_too_long(source: str, row: int) -> InvalidInput:
    return InvalidInput(
        f"{source} row {row} has a cell over {LONGEST_CELL:,} characters long: "
        "shorten it or remove that column"
    )


@dataclass
class Table:
    """A header and the non-blank rows under it, each with its row number in the file."""

    source: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]


def decode_text(data: bytes, source: str) -> str:
    """Text from UTF-8 (with or without Excel's byte-order mark) or Windows-1252 bytes."""
    if b"\x00" in data:
        raise InvalidInput(
            f"{source} is not a text file (it contains binary data): save it as CSV or XLSX"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{source} is neither UTF-8 nor Windows-1252 text: save it as CSV UTF-8 or XLSX"
        ) from None


SEPARATORS = (",", ";", "\t")


def _quoted_cells(separators: str) -> re.Pattern[str]:
    """Quoted cells as the csv module reads them; group 1 is empty when one never closes."""
    # A quote opens a cell only at the start of a field (O"Brien is plain text);
    # inside a quoted cell "" stands for a quote, and line breaks are text.
    return re.compile(rf'(?:^|(?<=[{re.escape(separators)}\r\n]))"[^"]*(?:""[^"]*)*("?)')


def _first_line(text: str) -> str:
    """The first non-blank line, found without splitting the whole text."""
    start = 0
    while start < len(text):
        end = len(text)
        for mark in ("\n", "\r"):
            found = text.find(mark, start)
            if found != -1:
                end = min(end, found)
        if text[start:end].strip():
            return text[start:end]
        start = end + 1
    return ""


def _delimiter(text: str) -> str:
    # Separators inside quoted cells ("Surname, first";Team) are text, so quoted
    # cells are blanked out before the header's separators are counted. A file with
    # no quotes at all (most registers and rosters) needs only its first line read.
    if '"' in text:
        unquoted = _quoted_cells("".join(SEPARATORS)).sub("x", text)
        first_line = next((line for line in re.split(r"[\r\n]", unquoted) if line.strip()), "")
    else:
        first_line = _first_line(text)
    counts = {sep: first_line.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _unclosed_quote(text: str, delimiter: str) -> bool:
    """Whether a quoted cell is still open at the end of the text."""
    return any(not match.group(1) for match in _quoted_cells(delimiter).finditer(text))


# A line with its ending, as io.StringIO(text, newline="") gives them to the csv module,
# without the copy of the whole text, four bytes a character, that StringIO makes.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    return (match.group() for match in _LINE.finditer(text))


def parse_csv(data: bytes, source: str) -> Table:
    """Parse CSV bytes into a Table; blank lines are skipped and cells trimmed."""
    text = decode_text(data, source)
    if not text.strip():
        raise InvalidInput(f"{source} is empty: it needs a header row and one row per person")
    delimiter = _delimiter(text)
    # Every separator parts two cells, so this refuses, before a cell is made, a file that
    # would have too many (a separator inside quotes counts too: generous, never short).
    if text.count(delimiter) > MOST_CELLS:
        raise too_many_cells(source)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    # Rows are counted as a spreadsheet shows them: a blank line is a row, and a
    # cell with line breaks inside quotes keeps its record on one row.
    row_number = kept = 0
    # The csv module refuses a cell over its field limit: set to LONGEST_CELL while this
    # file is read, the cell check costs nothing per cell (a register has 300,000 rows).
    usual_limit = csv.field_size_limit(LONGEST_CELL)
    try:
        for row_number, cells in enumerate(reader, start=1):
            if row_number > MOST_ROWS or len(cells) > MOST_COLUMNS:
                check_row_size(source, row_number, cells)
            cleaned = list(map(str.strip, cells))
            if any(cleaned):
                if headers is None:
                    headers = cleaned
                else:
                    rows.append((row_number, cleaned))
                    kept += len(cleaned)
                    if kept > MOST_CELLS:
                        raise too_many_cells(source, row_number)
    except csv.Error as exc:
        if "field limit" in str(exc):  # a cell far longer than LONGEST_CELL
            raise _cell_too_long(source, row_number + 1) from None
        raise InvalidInput(f"{source} row {row_number + 1}: {exc}; fix the quoting") from None
    finally:
        csv.field_size_limit(usual_limit)
    # The csv module reads an unclosed quote to the end of the file as one cell,
    # which would silently swallow every row after it.
    if '"' in text and _unclosed_quote(text, delimiter):
        raise InvalidInput(
            f'{source} row {row_number}: a cell opens a quote (") that is never closed, '
            "so the rows after it cannot be read: close or remove the quote"
        )
    return Table(source, headers or [], rows)
