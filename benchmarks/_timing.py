"""Shared helpers for the benchmark scripts: timed child processes, medians, tables.

Standard library only, so the numbers do not depend on what the harness imports.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter


@dataclass(frozen=True)
class Run:
    """One finished child process: wall time and peak resident memory."""

    seconds: float
    peak_kib: int

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / 1024


class CommandFailed(RuntimeError):
    """A timed command exited non-zero; the message carries its stderr."""


def refocus_executable() -> str:
    """The `refocus` script beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "refocus"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("refocus")
    if found is None:
        sys.exit("benchmarks: no `refocus` executable beside this Python or on PATH")
    return found


def _no_vfork() -> None:
    """Passed as preexec_fn only to force fork() instead of vfork(): see run_once."""


def national_demo(label: str, fresh: bool, now: str) -> Path:
    """The national demo database for benchmark `label`, built once per refocus version
    (again with `fresh`), with the clock at `now`."""
    version = subprocess.run(
        [refocus_executable(), "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    folder = Path(tempfile.gettempdir()) / f"refocus-bench-{label}-{version}"
    db = folder / "national.db"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if not db.exists():
        folder.mkdir(parents=True, exist_ok=True)
        print("building the national demo database (once)...", file=sys.stderr)
        subprocess.run(
            [refocus_executable(), "demo", "--scale", "national", "--out", str(folder / "demo")],
            env={**os.environ, "REFOCUS_DB": str(db), "REFOCUS_NOW": now},
            check=True,
            capture_output=True,
        )
    return db


def run_once(command: Sequence[str]) -> Run:
    """Run `command` once, stdout discarded, timed from spawn to reaping; raise if it fails.

    The peak memory is the child's own ru_maxrss from os.wait4. Python spawns
    children with vfork() by default, and Linux then credits the child with the
    *parent's* high-water RSS at exec time, so a big harness would inflate every
    figure; a preexec_fn makes subprocess use fork(), after which the floor is
    only the pages the forked copy had mapped (see `spawn_floor_mb`).
    """
    with tempfile.TemporaryFile() as stderr:
        start = perf_counter()
        child = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=_no_vfork,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            stderr.seek(0)
            text = stderr.read().decode(errors="replace").strip()
            raise CommandFailed(f"{' '.join(command)} exited {child.returncode}:\n{text}")
    return Run(seconds, usage.ru_maxrss)


def run_interleaved(
    commands: Mapping[str, Sequence[str]], runs: int, warmup: int = 0
) -> dict[str, list[Run]]:
    """Run every command once per round, round-robin, so machine noise hits all alike."""
    results: dict[str, list[Run]] = {label: [] for label in commands}
    for round_number in range(warmup + runs):
        for label, command in commands.items():
            run = run_once(command)
            if round_number >= warmup:
                results[label].append(run)
    return results


def spawn_floor_mb() -> float:
    """Peak RSS reported for /bin/true: the least any figure from run_once can show."""
    return run_once(["/bin/true"]).peak_mb


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("×%sx "))
    except ValueError:
        return False
    return True


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], title: str | None = None
) -> None:
    """Print rows as a plain-text table: text left-aligned, numeric columns right-aligned."""
    cells = [[str(value) for value in row] for row in rows]
    numeric = [
        bool(cells) and all(_looks_numeric(row[index]) for row in cells)
        for index in range(len(headers))
    ]
    widths = [
        max([len(header)] + [len(row[index]) for row in cells])
        for index, header in enumerate(headers)
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    if title:
        print(title)
    print(line(list(headers)))
    print(line(["-" * width for width in widths]))
    for row in cells:
        print(line(row))
