"""Read a spreadsheet a user gives us, CSV or Excel, into a `Table`.

Rosters and registers come from people and systems refocus does not control, so every
file is held to limits sized well above the largest honest one (a national register of
about 300,000 rows; a trust's roster of a few thousand staff; refocus defaults) and far
below what would exhaust memory. A file past a limit is refused before it is read, or as
soon as the excess shows, with an `Error:` naming the limit:

- any file: a regular file of at most 50 MB (a national register is about 12 MB as CSV;
  a 200,000-row roster about 20 MB as CSV, 7 MB as .xlsx);
- CSV and Excel: at most 1,000,000 rows (blank rows and the header count, as a
  spreadsheet numbers them), 100 columns, 10,000 characters a cell and 3,000,000 cells
  in the rows that are not blank (`core.tabular.MOST_ROWS`, `MOST_COLUMNS`,
  `LONGEST_CELL`, `MOST_CELLS`);
- Excel (.xlsx, .xlsm), checked from the zip before openpyxl opens it
  (`readers.workbook_check`): at most 1,000 files inside, 500 MB unpacked in all, no
  file over 1 MB unpacking to more than 200 times its packed size (Excel's XML packs 5 to
  20 times), 2,000,000 shared strings, and a sheet dimension (`<dimension ref>`) and
  row numbers within the row and column limits.

Each cell's text is then checked by the roster or register reading it (core/text.py).
"""

from __future__ import annotations

import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.tabular import MOST_CELLS, Table, check_row_size, parse_csv, too_many_cells
from refocus_cli.readers.workbook_check import check_workbook

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
MOST_FILE_BYTES = 50_000_000


def _readable(path: Path) -> None:
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory: give a .csv or .xlsx file")
    if not path.exists():
        raise InvalidInput(f"no file at {path}: check the path")
    if not path.is_file():  # a device or pipe could be read for ever
        raise InvalidInput(f"{path} is not a regular file: give a .csv or .xlsx file")
    if path.stat().st_size > MOST_FILE_BYTES:
        raise _too_big(path)


def _too_big(path: Path) -> InvalidInput:
    return InvalidInput(
        f"{path} is over {MOST_FILE_BYTES / 1e6:,.0f} MB, more than any roster or register: "
        "split it into smaller files"
    )


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, never more than the limit (a file may grow, or say it is empty)."""
    with path.open("rb") as handle:
        data = handle.read(MOST_FILE_BYTES + 1)
    if len(data) > MOST_FILE_BYTES:
        raise _too_big(path)
    return data


@without_gc
def read_table(path: Path) -> Table:
    """The rows of a .csv or .xlsx file; anything else is refused with what to do."""
    # A file's rows are hundreds of thousands of lists and no reference cycles: the
    # collector's passes over them (half the time a national register takes to read)
    # free nothing, so it is paused.
    _readable(path)
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            return _read_excel(path)
        if suffix == ".xls":
            raise InvalidInput(f"{path} is an old .xls workbook: save it as .xlsx or .csv")
        return parse_csv(_read_bytes(path), path.name)
    except OSError as exc:  # permission denied, a device that cannot be read, ...
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_excel(path: Path) -> Table:
    from openpyxl import load_workbook

    # A read-only workbook is parsed lazily, so a damaged sheet only shows while
    # its rows are read: broken XML surfaces as a SyntaxError subclass, a damaged
    # zip member as BadZipFile, zlib.error or EOFError, an unknown compression or
    # zip version as NotImplementedError, an encrypted member as RuntimeError.
    try:
        check_workbook(path)
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise ValueError("it has no sheets")
            sheet = workbook.worksheets[0]
            # Read the rows there are: a dimension saying fewer would drop the rest, one
            # saying more would pad every row out to it.
            sheet.reset_dimensions()
            return _first_sheet(path.name, sheet)
        finally:
            workbook.close()
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        OSError,
        ValueError,
        SyntaxError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise InvalidInput(
            f"{path} is not a readable Excel workbook ({exc}): save it again as .xlsx"
        ) from None


def _first_sheet(source: str, sheet: Any) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    kept = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in values]
        check_row_size(source, number, cells)
        if not any(cells):
            continue
        if headers is None:
            headers = cells
        else:
            rows.append((number, cells))
            kept += len(cells)
            if kept > MOST_CELLS:
                raise too_many_cells(source, number)
    return Table(source, headers or [], rows)
