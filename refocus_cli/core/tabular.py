"""Rows out of a CSV file, whatever a spreadsheet program saved it as."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from refocus_cli.core.errors import InvalidInput


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


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def parse_csv(data: bytes, source: str) -> Table:
    """Parse CSV bytes into a Table; blank lines are skipped and cells trimmed."""
    text = decode_text(data, source)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise InvalidInput(f"{source} is empty: it needs a header row and one row per person")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    line_number = 1
    try:
        for cells in reader:
            cleaned = [cell.strip() for cell in cells]
            if any(cleaned):
                if headers is None:
                    headers = cleaned
                else:
                    rows.append((line_number, cleaned))
            line_number = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(f"{source} row {reader.line_num}: {exc}; fix the quoting") from None
    return Table(source, headers or [], rows)
