"""How long `refocus export ics` takes for a national programme's calendar.

    python benchmarks/ics.py [--runs 5] [--fresh]

Builds once (cached in the temp folder, keyed on the refocus version; --fresh
rebuilds) a national demo database with `refocus demo --scale national`: 1,000 teams
with every cohort planned, about 28,000 sessions. Then times, end to end in a
subprocess (start-up included), `refocus export ics --all` (every session) and
`refocus export ics --cohort` for the first cohort, each the median of --runs runs,
and counts the events written. Target: 20,000 sessions in under 5 s, so the --all
row must stay under 5 s x (its events / 20,000) at worst; the s/1k column makes the
comparison direct. Always exits 0: it reports, it does not fail.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from _timing import median, national_demo, print_table, refocus_executable, run_once

TARGET_SECONDS_PER_20K = 5.0
NOW = "2026-11-23T12:00:00+00:00"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    db = national_demo("ics", args.fresh, NOW)
    os.environ.update({"REFOCUS_DB": str(db), "REFOCUS_NOW": NOW})
    first_cohort = (
        subprocess.run(
            [refocus_executable(), "cohort", "list", "--csv"], capture_output=True, text=True
        )
        .stdout.splitlines()[1]
        .split(",")[1]
    )
    rows = []
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "out.ics"
        choices = [("--all", ["--all"]), (f"--cohort {first_cohort}", ["--cohort", first_cohort])]
        for label, choice in choices:
            command = [refocus_executable(), "export", "ics", *choice, "-o", str(out)]
            runs = [run_once(command) for _ in range(args.runs)]
            events = out.read_bytes().count(b"BEGIN:VEVENT")
            seconds = median([r.seconds for r in runs])
            per_1k = seconds / events * 1000 if events else 0.0
            rows.append(
                (
                    label,
                    events,
                    f"{seconds:.2f}",
                    f"{min(r.seconds for r in runs):.2f}",
                    f"{max(r.seconds for r in runs):.2f}",
                    f"{per_1k:.3f}",
                    f"{max(r.peak_mb for r in runs):.0f}",
                    f"{out.stat().st_size / 1e6:.1f}",
                )
            )
    print_table(
        ["export ics", "events", "median s", "min s", "max s", "s/1k events", "peak MB", "MB"],
        rows,
        title=f"refocus export ics, {args.runs} runs each (national demo database)",
    )
    budget = TARGET_SECONDS_PER_20K / 20
    print(f"\nTarget: 20,000 sessions under {TARGET_SECONDS_PER_20K:.0f} s = {budget:.3f} s/1k.")


if __name__ == "__main__":
    main()
