"""Checking an .xlsx file's zip before openpyxl reads it (limits: see readers/sheets.py).

A workbook is a zip of XML files, and a zip can unpack to far more than it holds: 2 GiB
of whitespace fits in a 2 MB file, 20 million shared strings in 830 KB. Everything here
is read from the zip's directory or by streaming its XML through a byte pattern, so a
hostile file is refused in well under a second and a few megabytes of memory, before
openpyxl builds anything from it.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.tabular import MOST_COLUMNS, MOST_ROWS

MOST_ENTRIES = 1_000  # files inside the zip; Excel writes about a dozen
MOST_DIRECTORY_BYTES = 1_000_000  # the zip's table of contents, read before the entries
MOST_UNPACKED_BYTES = 500_000_000  # all entries together, unpacked
MOST_RATIO = 200  # unpacked size over packed size for one entry (Excel's XML: 5–20)
RATIO_FROM_BYTES = 1_000_000  # a smaller entry may be as repetitive as it likes
MOST_SHARED_STRINGS = 2_000_000  # openpyxl holds every one of them in memory

_END_OF_DIRECTORY = b"PK\x05\x06"
_CHUNK = 1 << 20
# The start tags of rows and shared strings, counted with bytes.count (memchr speed): a
# regular expression would take seconds on a big sheet. `<rowBreaks` is counted too, so
# a count can only be high by one. A prefixed part (<x:worksheet ...>) has its prefix's
# tags counted as well; tags with another prefix are left to read_table's own count.
_ROW = b"row"
_STRING = b"si"
_PREFIX = re.compile(rb"<([A-Za-z_][\w.\-]{0,63}):[A-Za-z]")
_HEAD = 65_536  # the root element and the dimension come before this
# A row numbered 1,000,000 or more (seven digits at least): openpyxl would fill every row
# before it. Cells are numbered with letters first (r="A1"), so they never match. The
# patterns start with a literal, which `re` finds at memchr speed; a row number written
# otherwise (r = "…") is still caught by read_table counting the rows it reads.
_BIG_ROW_NUMBERS = (re.compile(rb' r="0*([1-9]\d{6,})'), re.compile(rb" r='0*([1-9]\d{6,})"))
_DIMENSION = re.compile(
    rb"<(?:[\w.\-]{1,64}:)?dimension\s[^<>]{0,300}?ref\s*=\s*[\"']([^\"'<>]{0,40})"
)
_CELL = re.compile(rb"^([A-Za-z]{1,3})?(\d{1,9})?$")


def check_workbook(path: Path) -> None:
    """Refuse a workbook whose zip or XML goes past the limits, saying which and what to do."""
    _check_directory(path)
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
        if len(entries) > MOST_ENTRIES:
            raise _refused(path, f"it holds {len(entries):,} files (at most {MOST_ENTRIES:,})")
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > MOST_UNPACKED_BYTES:
            raise _refused(
                path,
                f"it unpacks to {unpacked / 1e6:,.0f} MB "
                f"(at most {MOST_UNPACKED_BYTES / 1e6:,.0f} MB)",
            )
        for entry in entries:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > RATIO_FROM_BYTES and ratio > MOST_RATIO:
                raise _refused(
                    path,
                    f"{entry.filename} unpacks to {ratio:,.0f} times its size "
                    f"(a spreadsheet's XML: at most {MOST_RATIO})",
                )
        for entry in entries:
            if entry.filename.lower().endswith((".xml", ".rels")):
                _scan(path, archive, entry)


def _check_directory(path: Path) -> None:
    """Refuse a zip whose table of contents is too big to read, before zipfile reads it."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 65_557))  # the end record and the longest zip comment
        tail = handle.read()
    at = tail.rfind(_END_OF_DIRECTORY)
    if at == -1 or len(tail) < at + 22:
        return  # not a zip: zipfile says so, and read_table turns that into an error
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries > MOST_ENTRIES or directory_bytes > MOST_DIRECTORY_BYTES:
        raise _refused(
            path,
            f"its table of contents lists {entries:,} files in {directory_bytes:,} bytes "
            f"(at most {MOST_ENTRIES:,} files)",
        )


@dataclass
class _Tally:
    rows: int = 0
    last_row: int = 0
    shared_strings: int = 0
    dimension: bytes | None = None
    starts: tuple[bytes, ...] = (b"<",)  # what opens a tag: "<", and "<x:" for prefix x


def _scan(path: Path, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Count an XML entry's rows and shared strings as it streams; stop at the first excess."""
    tally = _Tally()
    carry, seen = b"", 0
    with archive.open(entry) as stream:
        while chunk := stream.read(_CHUNK):
            buffer = carry + chunk
            if seen < _HEAD:
                _read_head(buffer, tally)
            seen += len(chunk)
            # Count what starts before `cut`; what starts after is counted with the next
            # chunk, whose buffer begins at `cut`.
            cut = max(len(buffer) - 80, 0)
            _count(buffer, cut, tally)
            _check_tally(path, entry.filename, tally)
            carry = buffer[cut:]
    _count(carry, len(carry), tally)
    _check_tally(path, entry.filename, tally)


def _read_head(buffer: bytes, tally: _Tally) -> None:
    """Note the root element's namespace prefix and the sheet's dimension, if given."""
    if len(tally.starts) == 1 and (prefix := _PREFIX.search(buffer)):
        tally.starts = (b"<", b"<" + prefix.group(1) + b":")
    if tally.dimension is None and (found := _DIMENSION.search(buffer)):
        tally.dimension = found.group(1)


def _count(buffer: bytes, cut: int, tally: _Tally) -> None:
    """Add the rows and shared strings whose start tags begin in `buffer` before `cut`."""
    for start in tally.starts:
        row, string = start + _ROW, start + _STRING
        tally.rows += buffer.count(row, 0, cut + len(row) - 1)
        tally.shared_strings += buffer.count(string, 0, cut + len(string) - 1)
    for pattern in _BIG_ROW_NUMBERS:
        for number in pattern.findall(buffer):
            tally.last_row = max(tally.last_row, int(number[:12]))


def _check_tally(path: Path, name: str, tally: _Tally) -> None:
    rows = max(tally.rows, tally.last_row)
    if rows > MOST_ROWS:
        raise _refused(path, f"{name} has more than {MOST_ROWS:,} rows")
    if tally.shared_strings > MOST_SHARED_STRINGS:
        raise _refused(
            path, f"{name} has more than {MOST_SHARED_STRINGS:,} different pieces of text"
        )
    if tally.dimension:
        last_row, last_column = _extent(tally.dimension)
        if last_row > MOST_ROWS or last_column > MOST_COLUMNS:
            shown = tally.dimension.decode("ascii", "replace")
            raise _refused(
                path,
                f"{name} says it spans {shown} ({last_row:,} rows by {last_column:,} columns; "
                f"at most {MOST_ROWS:,} by {MOST_COLUMNS})",
            )


def _extent(dimension: bytes) -> tuple[int, int]:
    """The last row and column a dimension such as b"A1:G200" reaches (0 where unsaid)."""
    last_row = last_column = 0
    for corner in dimension.split(b":")[:2]:
        found = _CELL.match(corner.strip().replace(b"$", b""))
        if found is None:
            continue
        letters, digits = found.groups()
        if letters:
            number = 0
            for letter in letters.upper():
                number = number * 26 + letter - 64
            last_column = max(last_column, number)
        if digits:
            last_row = max(last_row, int(digits))
    return last_row, last_column


def _refused(path: Path, why: str) -> InvalidInput:
    return InvalidInput(
        f"{path} is too big to be a roster or register: {why}; "
        "save only the sheet refocus needs as .xlsx or .csv, or split it"
    )
