"""Printing: rich tables for people, JSON and CSV for programs; messages to stderr."""

from __future__ import annotations

import csv
import sys
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from refocus_cli.core.exports import Columns, csv_lines, plain

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def message(text: str) -> None:
    """A line for the person at the terminal, on stderr so stdout stays data."""
    print(text, file=sys.stderr)


def print_json(data: Any) -> None:
    """JSON on stdout (render/json_text.py): indented for a person at a terminal, one
    line for a program."""
    from refocus_cli.render.json_text import json_bytes

    encoded = json_bytes(data, indent=sys.stdout.isatty())
    binary = getattr(sys.stdout, "buffer", None)
    if binary is not None and (sys.stdout.encoding or "").lower().replace("-", "") == "utf8":
        sys.stdout.flush()  # what was written as text first goes first
        binary.write(encoded)
    else:  # another encoding: written through it
        sys.stdout.write(encoded.decode())


def write_csv(out: Any, rows: Sequence[dict[str, Any]], columns: Columns) -> None:
    """Rows as CSV with a header of column keys; formula-looking cells neutralised."""
    csv.writer(out, lineterminator="\n").writerows(csv_lines(rows, columns))


def print_csv(rows: Sequence[dict[str, Any]], columns: Columns) -> None:
    """Rows as CSV on stdout."""
    write_csv(sys.stdout, rows, columns)


LONG_TABLE = 300  # rows above which a plain text table replaces rich's boxed one
# Columns whose cells are never wrapped or cut: what people type back (ids, keys) and
# dates. Names and free text wrap instead, at spaces, or fold; nothing gets an ellipsis.
KEY_COLUMNS = frozenset(
    {
        "id",
        "session",
        "when",
        "start",
        "end",
        "date",
        "day",
        "on",
        "from",
        "to",
        "first",
        "last",
        "module",
        "key",
        "stage",
        "status",
        "created",
        "joined",
        "left",
        "since",
    }
)


def on_terminal() -> bool:
    """Whether standard output is a terminal (else tables print as plain aligned text)."""
    return sys.stdout.isatty()


def print_table(
    rows: Sequence[dict[str, Any]],
    columns: Columns,
    title: str | None = None,
    *,
    keep: Collection[str] = KEY_COLUMNS,
    optional: Sequence[str] = (),
) -> None:
    """A table for people.

    On a terminal: fitted to its width, where the columns named in `keep` are never
    wrapped or cut and the others wrap at spaces (names, free text); the columns in
    `optional` are left out, last first, while the table cannot fit. Piped, or over a few
    hundred rows (rich lays out every cell and would take seconds over thousands): plain
    aligned text at full width, every column, nothing cut."""
    if len(rows) > LONG_TABLE or not on_terminal():
        _print_plain_table(rows, columns, title)
        return
    console = _console()
    cells = [[str(plain(row.get(key))) for key, _ in columns] for row in rows]
    shown = list(range(len(columns)))
    widths = _fitted(cells, columns, shown, keep, console.width)
    for dropped in reversed(optional):
        if widths is not None:
            break
        shown = [i for i in shown if columns[i][0] != dropped]
        widths = _fitted(cells, columns, shown, keep, console.width)
    console.print(_rich_table(cells, columns, shown, widths, title))


GUTTER = 2  # characters between two columns of the table below


def _fitted(
    cells: list[list[str]], columns: Columns, shown: list[int], keep: Collection[str], room: int
) -> list[int] | None:
    """Widths for the `shown` columns within `room` characters: kept columns whole, the
    others at least their longest word, sharing what is left by how much they hold;
    None when they cannot fit."""
    from rich.cells import cell_len

    natural, least = [], []
    for i in shown:
        key, header = columns[i]
        lines = [line for cell in [header, *(row[i] for row in cells)] for line in cell.split("\n")]
        natural.append(max(cell_len(line) for line in lines))
        words = [word for line in lines for word in line.split()] or [""]
        least.append(natural[-1] if key in keep else max(cell_len(word) for word in words))
    room -= GUTTER * (len(shown) - 1)
    if sum(natural) <= room:
        return natural
    if sum(least) > room:
        return None
    spare, wants = room - sum(least), [n - m for n, m in zip(natural, least, strict=True)]
    return [m + spare * want // sum(wants) for m, want in zip(least, wants, strict=True)]


def _rich_table(
    cells: list[list[str]],
    columns: Columns,
    shown: list[int],
    widths: list[int] | None,
    title: str | None,
) -> Table:
    """The rich table of the `shown` columns at `widths` (None: rich's own best effort)."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for place, i in enumerate(shown):
        width = widths[place] if widths else None
        table.add_column(columns[i][1], width=width, overflow="fold")
    for row in cells:
        table.add_row(*(escape(row[i]) for i in shown))
    return table


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
    keep: Collection[str] = KEY_COLUMNS,
    optional: Sequence[str] = (),
) -> None:
    """Print a list of records in the format asked for (`keep`, `optional`: `print_table`)."""
    if as_json:
        print_json(list(rows))
    elif as_csv:
        print_csv(rows, columns)
    elif not rows:
        message(empty)
    else:
        print_table(rows, columns, title, keep=keep, optional=optional)


def print_record(record: dict[str, Any], fields: Columns) -> None:
    """One record as a two-column table of labels and values: fitted to a terminal,
    plain aligned lines at full width when piped."""
    if not on_terminal():
        width = max((len(label) for _, label in fields), default=0)
        lines = [
            f"{label:<{width}}  {' · '.join(str(plain(record.get(key))).splitlines())}".rstrip()
            for key, label in fields
        ]
        sys.stdout.write("\n".join(lines) + "\n")
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for key, label in fields:
        table.add_row(label, escape(str(plain(record.get(key)))))
    _console().print(table)
