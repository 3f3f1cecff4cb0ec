"""How long `refocus` takes to start, against the floor of `import typer`.

    python benchmarks/startup.py [--runs 15]

Target: `refocus --help` within 2.5x the time of `python -c "import typer"` on the
same interpreter. Also timed: `refocus team list` on a one-team database, the fixed
cost every command pays before its own work (its imports, and Typer's checking of its
options). The commands run round-robin so machine noise hits all alike.
Always exits 0: it reports, it does not fail.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _timing import (
    CommandFailed,
    Run,
    median,
    print_table,
    refocus_executable,
    run_interleaved,
    spawn_floor_mb,
)

TARGET_RATIO = 2.5
WARMUP = 2

# Imports DESIGN.md §4 wants kept out of `refocus --help`, and other usual suspects.
HEAVY = (
    "rich",
    "sqlite_utils",
    "sqlite3",
    "openpyxl",
    "jinja2",
    "icalendar",
    "click",
    "pydantic",
    "markdown_it",
    "pygments",
    "yaml",
    "requests",
    "httpx",
    "caldav",
    "weasyprint",
    "reportlab",
    "fpdf",
)


@dataclass(frozen=True)
class Imported:
    """One line of `python -X importtime`."""

    name: str
    depth: int
    self_us: int
    cumulative_us: int


def import_tree(command: list[str]) -> list[Imported]:
    """The modules `command` imports, in -X importtime's order (children before parents)."""
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    modules = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        stripped = name.lstrip()
        depth = (len(name) - len(stripped) - 1) // 2
        modules.append(Imported(stripped, depth, int(self_us), int(cumulative_us)))
    return modules


def importer_of(modules: list[Imported], index: int) -> str:
    """The module whose import pulled in modules[index]: the next line one level up."""
    depth = modules[index].depth
    for later in modules[index + 1 :]:
        if later.depth < depth:
            return later.name
    return "(top level)"


def report_imports(python: str, args: Sequence[str]) -> None:
    shown = f"refocus {' '.join(args)}"
    modules = import_tree([python, "-X", "importtime", "-m", "refocus_cli", *args])
    if not modules:
        print("Could not read -X importtime output.")
        return
    by_package: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for module in modules:
        package = by_package[module.name.split(".")[0]]
        package[0] += 1
        package[1] += module.self_us
    total_us = sum(module.self_us for module in modules)
    largest = sorted(by_package.items(), key=lambda item: item[1][1], reverse=True)[:12]
    print()
    print_table(
        ["package", "modules", "self ms", "share"],
        [
            (name, count, f"{self_us / 1000:.1f}", f"{100 * self_us / total_us:.0f}%")
            for name, (count, self_us) in largest
        ],
        title=(
            f"Where `{shown}` spends its import time (-X importtime, one run; "
            f"{len(modules)} modules, {total_us / 1000:.0f} ms in total, inflated by the "
            "measuring itself):"
        ),
    )
    heavy = [
        (module.name, f"{module.cumulative_us / 1000:.1f}", importer_of(modules, index))
        for index, module in enumerate(modules)
        if module.name in HEAVY
    ]
    print()
    if heavy:
        print_table(
            ["heavy module", "cumulative ms", "imported by"],
            heavy,
            title=f"Heavy modules `{shown}` loads:",
        )
    else:
        print(f"Heavy modules `{shown}` loads: none.")
    absent = [name for name in HEAVY if name not in {module.name for module in modules}]
    print(f"Not loaded: {', '.join(absent) or 'none'}.")


def one_team_database(refocus: str, folder: Path) -> Path:
    """A fresh database holding a programme and one team, for timing a command's fixed cost."""
    db = folder / "startup.db"
    for args in (["init", "Startup benchmark"], ["team", "add", "Alpha"]):
        subprocess.run([refocus, *args, "--db", str(db)], check=True, capture_output=True)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command")
    runs = parser.parse_args().runs

    refocus = refocus_executable()
    print(f"refocus: {refocus}")
    print(f"python:  {sys.executable} ({sys.version.split()[0]})")
    print(f"{runs} timed runs per command after {WARMUP} warm-up runs, round-robin.")
    print()
    with tempfile.TemporaryDirectory() as folder:
        team_list = ["team", "list", "--db", str(one_team_database(refocus, Path(folder)))]
        commands = {
            "refocus --help": [refocus, "--help"],
            "refocus --version": [refocus, "--version"],
            "refocus team list (one team)": [refocus, *team_list],
            'python -c "import typer"': [sys.executable, "-c", "import typer"],
        }
        try:
            results = run_interleaved(commands, runs, WARMUP)
        except CommandFailed as failure:
            print(f"Could not measure: {failure}")
            return
        report_times(results)
        report_imports(sys.executable, ["--help"])
        report_imports(sys.executable, team_list)


def report_times(results: dict[str, list[Run]]) -> None:
    print_table(
        ["command", "median s", "min s", "max s", "peak MB"],
        [
            (
                label,
                f"{median([run.seconds for run in timed]):.3f}",
                f"{min(run.seconds for run in timed):.3f}",
                f"{max(run.seconds for run in timed):.3f}",
                f"{max(run.peak_mb for run in timed):.1f}",
            )
            for label, timed in results.items()
        ],
    )
    print(f"(peak MB cannot read below {spawn_floor_mb():.1f}, what /bin/true shows here)")

    floor = median([run.seconds for run in results['python -c "import typer"']])

    def ratio(label: str) -> float:
        return median([run.seconds for run in results[label]]) / floor

    help_ratio = ratio("refocus --help")
    verdict = "met" if help_ratio <= TARGET_RATIO else "NOT met"
    print()
    print(
        f"refocus --help is {help_ratio:.2f}x the import-typer floor "
        f"(target: within {TARGET_RATIO}x): {verdict}"
    )
    print(f"refocus --version is {ratio('refocus --version'):.2f}x the floor")
    print(f"refocus team list (one team) is {ratio('refocus team list (one team)'):.2f}x the floor")


if __name__ == "__main__":
    main()
