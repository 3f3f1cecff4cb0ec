"""How long `refocus measure import` takes for a staff-level measure at national scale.

    python benchmarks/measure_import.py [--runs 5] [--seed 2027]

Builds, untimed, a database of 15,000 staff in 1,000 teams (the roster of
benchmarks/roster_import.py, imported with `refocus staff import`) with a programme-wide
baseline window, and a scores file with one row per person: `person,score`, the person
named by id or by email (a seeded half each), the score a seeded value from 1 to 5 on
the staff recovery-promotion measure. Then it times, each in a child process (`refocus`
itself, start-up included):

  import (first time)  into a fresh copy of the database without scores. Bar: under 3 s.
  import (again)       the same file into the database holding it: nothing changes.
                       Bar: under 3 s.

The bar is met when the median of the runs (at least 5) is under it. CPU s is the
child's median user + system time, which a busy machine inflates much less than the
wall time.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import median, print_table, refocus_executable, run_once
from roster_import import STAFF, build_template, roster_rows, team_names, write_csv

BAR = 3.0
MIN_RUNS = 5
MEASURE = "staff-recovery-promotion"


def distinct_in_team(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The roster with a number after a name already used in the same team (compared as
    refocus compares names), which a roster import would question (one person twice?)."""
    from refocus_cli.core.people import folded

    seen: dict[tuple[str, str], int] = {}
    distinct = []
    for name, team, *rest in rows:
        key = (folded(name), team)
        count = seen[key] = seen.get(key, 0) + 1
        distinct.append((name if count == 1 else f"{name} {count}", team, *rest))
    return distinct


def prepare(refocus: str, folder: Path, seed: int) -> tuple[Path, Path]:
    """The database with staff and a baseline window, and the scores file."""
    rng = random.Random(seed)
    teams = team_names(rng)
    rows = distinct_in_team(roster_rows(rng, teams))
    roster = folder / "roster.csv"
    write_csv(roster, rows)
    template = build_template(refocus, folder, teams)
    base = folder / "base.db"
    shutil.copy(template, base)
    run_once([refocus, "staff", "import", str(roster), "--db", str(base)])
    run_once([refocus, "measure", "window", "add", "baseline", "--from", "2026-01-01",
              "--to", "2026-01-31", "--db", str(base)])  # fmt: skip
    listed = json.loads(
        subprocess.run(
            [refocus, "staff", "list", "--json", "--db", str(base)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    scores = folder / "scores.csv"
    with scores.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("person", "score"))
        for person in listed:
            who = person["email"] if rng.random() < 0.5 else str(person["id"])
            writer.writerow((who, f"{rng.randint(10, 50) / 10:.1f}"))
    if len(listed) != STAFF:
        sys.exit(f"expected {STAFF} staff, found {len(listed)}")
    return base, scores


def timed(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak MB of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = run_once(command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return run.seconds, cpu, run.peak_mb


def _imported(refocus: str, db: Path, scores: Path) -> dict:
    done = subprocess.run(
        [refocus, "measure", "import", str(scores), "--measure", MEASURE, "--window",
         "baseline", "--db", str(db), "--json"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"measure import failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help=f"at least {MIN_RUNS}")
    parser.add_argument("--seed", type=int, default=2027, help="seed for roster and scores")
    options = parser.parse_args()
    runs = max(options.runs, MIN_RUNS)
    refocus = refocus_executable()
    with tempfile.TemporaryDirectory(prefix="refocus-bench-") as folder_name:
        folder = Path(folder_name)
        print(f"refocus: {refocus}\nbuilding {STAFF:,} staff and their scores file ...")
        base, scores = prepare(refocus, folder, options.seed)
        command = ["measure", "import", str(scores), "--measure", MEASURE, "--window", "baseline"]
        first = []
        for number in range(runs):
            db = folder / f"first{number}.db"
            shutil.copy(base, db)
            first.append(timed([refocus, *command, "--db", str(db)]))
            print(f"  import (first time) run {number + 1}: {first[-1][0]:.2f} s")
        again_db = folder / "first0.db"
        outcome = _imported(refocus, again_db, scores)
        again = [timed([refocus, *command, "--db", str(again_db)]) for _ in range(runs)]
    results = (("measure import (first time)", first), ("measure import (again)", again))
    print()
    print_table(
        [
            "command",
            "rows",
            "runs",
            "median s",
            "min",
            "max",
            "CPU s",
            "peak MB",
            "bar",
            "pass/fail",
        ],
        [
            (
                label,
                f"{STAFF:,}",
                len(found),
                f"{median([r[0] for r in found]):.2f}",
                f"{min(r[0] for r in found):.2f}",
                f"{max(r[0] for r in found):.2f}",
                f"{median([r[1] for r in found]):.2f}",
                f"{max(r[2] for r in found):.0f}",
                f"< {BAR:g} s",
                "pass" if median([r[0] for r in found]) < BAR else "FAIL",
            )
            for label, found in results
        ],
        title=f"refocus measure import, {STAFF:,} staff-level rows (median of {runs} runs):",
    )
    print(
        f"Importing it again: {outcome['added']} added, {outcome['replaced']} changed, "
        f"{outcome['unchanged']:,} unchanged"
        + ("" if outcome["unchanged"] == STAFF else "  <-- NOT IDEMPOTENT")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
