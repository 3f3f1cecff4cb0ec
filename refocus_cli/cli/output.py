"""Printing: rich tables for people, JSON and CSV for programs; messages to stderr."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from refocus_cli.core.exports import Columns, csv_lines, plain

if TYPE_CHECKING:
    from rich.console import Console


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def message(text: str) -> None:
    """A line for the person at the terminal, on stderr so stdout stays data."""
    print(text, file=sys.stderr)


def print_json(data: Any) -> None:
    """JSON on stdout: indented for a person at a terminal, compact for a program (the
    compact form uses the C encoder, several times faster on national-size output)."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, indent=indent, ensure_ascii=False, default=str) + "\n")


def write_csv(out: Any, rows: Sequence[dict[str, Any]], columns: Columns) -> None:
    """Rows as CSV with a header of column keys; formula-looking cells neutralised."""
    csv.writer(out, lineterminator="\n").writerows(csv_lines(rows, columns))


def print_csv(rows: Sequence[dict[str, Any]], columns: Columns) -> None:
    """Rows as CSV on stdout."""
    write_csv(sys.stdout, rows, columns)


LONG_TABLE = 300  # rows above which a plain text table replaces rich's boxed one


def print_table(rows: Sequence[dict[str, Any]], columns: Columns, title: str | None = None) -> None:
    """A table for people: rich's boxes for a screenful, plain aligned text for long ones
    (rich lays out every cell and would take seconds over thousands of rows)."""
    if len(rows) > LONG_TABLE:
        _print_plain_table(rows, columns, title)
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    for _, header in columns:
        table.add_column(header)
    for row in rows:
        table.add_row(*(escape(str(plain(row.get(key)))) for key, _ in columns))
    _console().print(table)


def _print_plain_table(rows: Sequence[dict[str, Any]], columns: Columns, title: str | None) -> None:
    cells = [
        [" · ".join(str(plain(row.get(key))).splitlines()) for key, _ in columns] for row in rows
    ]
    headers = [header for _, header in columns]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    out = [title] if title else []
    out.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    sys.stdout.write("\n".join(out) + "\n")


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Columns,
    *,
    as_json: bool = False,
    as_csv: bool = False,
    title: str | None = None,
    empty: str = "Nothing to show.",
) -> None:
    """Print a list of records in the format asked for."""
    if as_json:
        print_json(list(rows))
    elif as_csv:
        print_csv(rows, columns)
    elif not rows:
        message(empty)
    else:
        print_table(rows, columns, title)


def print_record(record: dict[str, Any], fields: Columns) -> None:
    """One record as a two-column table of labels and values."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for key, label in fields:
        table.add_row(label, escape(str(plain(record.get(key)))))
    _console().print(table)
