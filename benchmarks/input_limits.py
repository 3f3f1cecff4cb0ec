"""How fast, and in how little memory, hostile spreadsheets are refused (issue 16, item 5).

    python benchmarks/input_limits.py [--runs 3]

Builds the issue's files (2 GiB of whitespace in a 2 MB .xlsx, 20 million shared strings
in under 1 MB, 3 million empty rows), the variants that get past the zip checks to the
counting ones (tests/hostile_files.py makes them) and two CSV files (3 million blank
lines; 48 MB of 100-column rows, refused at 2,000,000 cells), then times `refocus staff import FILE`
on each in a subprocess, start-up included, and reads its peak memory; and times
`read_table` refusing it in this process, which is what the limits decide. Each must
exit 1 with one `Error:` line, be refused in under a second (in-process) and stay under
200 MB. The floor is the same command given a missing file: start-up and the error path
alone. It also times the zip check of an honest 200,000-row roster workbook, to show what
the check costs a real import (whose reading by openpyxl takes far longer).
Before the limits: 39 s and 4.3 GB, over 300 s at 1.7 GB, and 30 s (the issue's figures).
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from time import perf_counter

from _timing import median, print_table, refocus_executable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import hostile_files as hostile  # noqa: E402

from refocus_cli.core.errors import InvalidInput  # noqa: E402
from refocus_cli.readers.sheets import read_table  # noqa: E402
from refocus_cli.readers.workbook_check import check_workbook  # noqa: E402

TARGET_SECONDS = 1.0
TARGET_MB = 200


def numbered_empty_rows(path: Path, count: int) -> Path:
    """`count` empty rows, each with its number (<row r="N"/>), deflated for real."""
    body = "".join(f'<row r="{n}"/>' for n in range(2, count + 2))
    return hostile.workbook(path, hostile.sheet(body))


def honest_roster(path: Path, rows: int) -> Path:
    """A roster of `rows` people as openpyxl writes it (7 columns)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Full name", "Team", "Email", "Job title", "Manager", "Start date", "Clinical"])
    first = datetime.date(2026, 1, 1)
    for n in range(rows):
        sheet.append(
            [f"Person {n:06d}", f"Team {n % 500}", f"person.{n:06d}@nhs.example", "nurse",
             "no", first + datetime.timedelta(days=n % 900), "yes"]
        )  # fmt: skip
    book.save(path)
    return path


def csv_file(path: Path, data: bytes) -> Path:
    """`data` as a .csv file beside `path`."""
    written = path.with_suffix(".csv")
    written.write_bytes(data)
    return written


def refused(command: list[str]) -> tuple[float, float, str]:
    """Run a command that must be refused: its wall time, peak MB and error line."""
    start = perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=lambda: None
    )
    assert child.stderr is not None
    said = child.stderr.read().decode(errors="replace").strip()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 1 or not said.startswith("Error: "):
        raise SystemExit(f"{' '.join(command)} was not refused cleanly: {said[:300]}")
    return seconds, usage.ru_maxrss / 1024, said


def in_process(path: Path) -> float:
    """Seconds `read_table` takes to refuse `path` in this process."""
    start = perf_counter()
    try:
        read_table(path)
    except InvalidInput:
        return perf_counter() - start
    raise SystemExit(f"{path} was read, not refused")


def check_whitespace_crc() -> None:
    """tests/hostile_files.py's CRC of the 2 GiB sheet, computed for real (1-2 s)."""
    crc = zlib.crc32((hostile.SHEET_HEAD + hostile.HEADER_ROW).encode())
    chunk = b" " * hostile.MIB
    for _ in range(2048):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(hostile.SHEET_TAIL.encode(), crc)
    if crc != hostile.WHITESPACE_CRC:
        raise SystemExit(f"WHITESPACE_CRC should be {crc:#010x}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    check_whitespace_crc()
    refocus = refocus_executable()
    cases = {
        "2 GiB of whitespace": hostile.whitespace_bomb,
        "20 M shared strings": lambda p: hostile.shared_strings(p, 20_000_000),
        "2.1 M shared strings, padded": lambda p: hostile.shared_strings(p, 2_100_000, 400_000),
        "3 M empty rows": lambda p: hostile.empty_rows(p, 3_000_000),
        "3 M empty rows, padded": lambda p: hostile.empty_rows(p, 3_000_000, pad=200_000),
        "3 M numbered empty rows": lambda p: numbered_empty_rows(p, 3_000_000),
        "CSV: 3 M blank lines": lambda p: csv_file(p, b"name,team\n" + b"\n" * 3_000_000),
        "CSV: 48 MB of 100-column rows": lambda p: csv_file(
            p, b"name,team\n" + (b",".join([b"ab"] * 100) + b"\n") * 160_000
        ),
    }
    with tempfile.TemporaryDirectory(prefix="refocus-limits-") as folder:
        root = Path(folder)
        db = root / "refocus.db"
        subprocess.run(
            [refocus, "init", "Limits", "--db", str(db)], check=True, capture_output=True
        )
        rows = []
        for label, make in cases.items():
            path = make(root / f"{len(rows)}.xlsx")
            runs = [refused([refocus, "staff", "import", str(path), "--db", str(db)])
                    for _ in range(args.runs)]  # fmt: skip
            seconds = median([run[0] for run in runs])
            peak = max(run[1] for run in runs)
            inside = median([in_process(path) for _ in range(args.runs)])
            met = inside < TARGET_SECONDS and peak < TARGET_MB
            why = runs[0][2].removeprefix(f"Error: {path}").split(": ", 1)[-1].split(";")[0]
            rows.append([label, f"{path.stat().st_size / 1e6:.2f}", f"{inside:.3f}",
                         f"{seconds:.2f}", f"{peak:.0f}", "yes" if met else "NO", why])  # fmt: skip
        floor = median(
            [refused([refocus, "staff", "import", str(root / "missing.xlsx"), "--db", str(db)])[0]
             for _ in range(args.runs)]
        )  # fmt: skip
        honest = honest_roster(root / "honest.xlsx", 200_000)
        start = perf_counter()
        check_workbook(honest)
        checked = perf_counter() - start
    print_table(
        ["file", "MB", "in-process s", "command s", "peak MB", "met", "refused because"],
        rows,
        title=f"Hostile workbooks (target: refused in-process under {TARGET_SECONDS:.0f} s, "
        f"command under {TARGET_MB} MB peak; {args.runs} runs each)",
    )
    print(f"\nThe same command given a missing file (start-up and error alone): {floor:.2f} s")
    print(f"Zip check of an honest 200,000-row roster workbook: {checked:.2f} s")


if __name__ == "__main__":
    main()
