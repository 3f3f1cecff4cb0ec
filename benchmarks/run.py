"""The whole benchmark suite in one table: every command a national programme leans on.

    python benchmarks/run.py [--runs 3]

Builds with `refocus demo` a trust database (30 teams) and a national one (1,000
teams, about 15,000 staff, about 29,000 sessions of which some 24,000 are past and
recorded, about 280,000 attendance marks), then times, end to end in child processes
(start-up included, stdout discarded), each the median of --runs runs:

  import typer          `python -c "import typer"`: the floor for any Typer CLI
  refocus --help        target: within 2.5x the floor
  demo small|trust|national
                        building the demo from nothing; target (national): under 60 s
  schedule national     `refocus schedule ALL --dry-run` for one cohort of all 999 active
                        teams, in a copy of the national database with its sessions
                        removed; target: under 10 s
  progress, report participation, report milestones
                        on the national database; target: under 1.5 s each
  export ics --all      every national session; target: under 5 s
  pack (30 people)      `refocus pack ID` for a workshop of a team of 30, about 70
                        pages; target: under 2 s
  attend --from (N rows)
                        recording the national registers again from one CSV with a
                        session column (every mark the demo made), into a copy of the
                        database with no marks; target: under 5 s
  every command         peak resident memory under 500 MB (the "peak MB" column)

Everything is built afresh in a temporary folder (the national demo is built once, and
that build is its timed run). Always exits 0: it reports, it does not fail.
Finer-grained suites: startup.py, roster_import.py, schedule.py, reports.py, ics.py,
packs.py, caldav.py.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from _timing import Run, median, print_table, refocus_executable, run_once

MEMORY_MB = 500
NOW = "2026-11-23T12:00:00+00:00"


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "REFOCUS_DB": str(db), "REFOCUS_NOW": NOW, "NO_COLOR": "1"}


def timed(command: list[str], runs: int, db: Path | None = None, fresh=None) -> list[Run]:
    """Median-ready runs; `fresh` (if given) is called before each run to reset state."""
    results = []
    saved = dict(os.environ)
    try:
        if db is not None:
            os.environ.update(_env(db))
        for _ in range(runs):
            if fresh is not None:
                fresh()
            results.append(run_once(command))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return results


def unscheduled_copy(national: Path, folder: Path) -> Path:
    """The national database without sessions, and one cohort of every active team."""
    target = folder / "unscheduled.db"
    shutil.copyfile(national, target)
    with sqlite3.connect(target) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM session")
        conn.execute(
            "INSERT INTO cohort (uuid, name, created_at) VALUES ('bench-all', 'ALL', '2026-11-23')"
        )
        conn.execute(
            "INSERT INTO cohort_team (cohort_id, team_id) SELECT (SELECT id FROM cohort "
            "WHERE name = 'ALL'), id FROM team WHERE status = 'active'"
        )
    return target


def register_and_blank_copy(national: Path, folder: Path) -> tuple[Path, Path, int]:
    """Every mark of the national demo as one register CSV, and a copy without marks."""
    register = folder / "register.csv"
    with sqlite3.connect(national) as conn, register.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["session", "id", "status"])
        rows = conn.execute(
            "SELECT session_id, staff_id, status FROM attendance WHERE staff_id IS NOT NULL"
        ).fetchall()
        writer.writerows(rows)
    blank = folder / "blank.db"
    shutil.copyfile(national, blank)
    with sqlite3.connect(blank) as conn:
        conn.execute("DELETE FROM attendance")
        conn.execute("UPDATE session SET status = 'scheduled' WHERE status = 'held'")
    return register, blank, len(rows)


def pack_database(refocus: str, folder: Path) -> tuple[Path, str]:
    """One team of 30 with its workshop recorded (so the pack has certificates too)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import packs

    packs.TEAMS = 1
    sub = folder / "pack"
    sub.mkdir(exist_ok=True)
    built = packs.build(sub)
    built["ok"]("attend", str(built["workshop"]["id"]), "--all-present", now=packs.AFTER)
    return sub / "packs.db", str(built["workshop"]["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    refocus = refocus_executable()
    runs = max(1, args.runs)
    rows: list[tuple] = []

    def add(label: str, results: list[Run], target: str, met: bool | None) -> None:
        seconds = median([r.seconds for r in results])
        peak = max(r.peak_mb for r in results)
        verdict = "-" if met is None else ("yes" if met else "NO")
        memory = "yes" if peak < MEMORY_MB else "NO"
        rows.append((label, len(results), f"{seconds:.2f}", f"{peak:.0f}", target, verdict, memory))
        print(f"  {label}: {seconds:.2f} s, {peak:.0f} MB", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="refocus-bench-") as work:
        folder = Path(work)
        floor = timed([sys.executable, "-c", "import typer"], runs * 3)
        add("import typer (floor)", floor, "-", None)
        helped = timed([refocus, "--help"], runs * 3)
        ratio = median([r.seconds for r in helped]) / median([r.seconds for r in floor])
        add(f"refocus --help ({ratio:.2f}x floor)", helped, "<= 2.5x floor", ratio <= 2.5)
        for scale in ("small", "trust", "national"):
            db = folder / f"{scale}.db"
            count = 1 if scale == "national" else runs
            results = timed(
                [refocus, "demo", "--scale", scale, "--out", str(folder / f"{scale}-files")],
                count,
                db,
                fresh=lambda db=db: db.unlink(missing_ok=True),
            )
            national_scale = scale == "national"
            target = "< 60 s" if national_scale else "-"
            add(f"demo {scale}", results, target, _median(results) < 60 if national_scale else None)
        national = folder / "national.db"
        unscheduled = unscheduled_copy(national, folder)
        results = timed([refocus, "schedule", "ALL", "--dry-run"], runs, unscheduled)
        add("schedule national (999 teams)", results, "< 10 s", _median(results) < 10)
        for label in ("progress", "report participation", "report milestones"):
            results = timed([refocus, *label.split()], runs, national)
            add(f"{label} (national)", results, "< 1.5 s", _median(results) < 1.5)
        results = timed([refocus, "export", "ics", "--all", "-o", str(folder / "all.ics")],
                        runs, national)  # fmt: skip
        events = (folder / "all.ics").read_bytes().count(b"BEGIN:VEVENT")
        add(f"export ics --all ({events:,} events)", results, "< 5 s", _median(results) < 5)
        pack_db, session = pack_database(refocus, folder)
        results = timed([refocus, "pack", session, "-o", str(folder / "pack.pdf")], runs, pack_db)
        add("pack (30 people)", results, "< 2 s", _median(results) < 2)
        register, blank, marks = register_and_blank_copy(national, folder)
        target = folder / "recording.db"
        results = timed(
            [refocus, "attend", "--from", str(register)],
            runs,
            target,
            fresh=lambda: shutil.copyfile(blank, target),
        )
        add(f"attend --from ({marks:,} rows)", results, "< 5 s", _median(results) < 5)
    print_table(
        ["command", "runs", "median s", "peak MB", "target", "met", f"< {MEMORY_MB} MB"],
        rows,
        title=f"refocus benchmarks (medians of --runs {runs}; national demo built once)",
    )


def _median(results: list[Run]) -> float:
    return median([r.seconds for r in results])


if __name__ == "__main__":
    main()
