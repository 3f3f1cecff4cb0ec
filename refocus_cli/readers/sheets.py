"""Read a spreadsheet a user gives us, CSV or Excel, into a `Table`."""

from __future__ import annotations

import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.tabular import Table, parse_csv

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


def _readable(path: Path) -> None:
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory: give a .csv or .xlsx file")
    if not path.exists():
        raise InvalidInput(f"no file at {path}: check the path")


def read_table(path: Path) -> Table:
    """The rows of a .csv or .xlsx file; anything else is refused with what to do."""
    _readable(path)
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            return _read_excel(path)
        if suffix == ".xls":
            raise InvalidInput(f"{path} is an old .xls workbook: save it as .xlsx or .csv")
        return parse_csv(path.read_bytes(), path.name)
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
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise ValueError("it has no sheets")
            return _first_sheet(path.name, workbook.worksheets[0])
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
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in values]
        if not any(cells):
            continue
        if headers is None:
            headers = cells
        else:
            rows.append((number, cells))
    return Table(source, headers or [], rows)
