"""How long `refocus feeds build DIR` takes to write every feed of a national programme.

    python benchmarks/feeds_build.py [--runs 3] [--fresh]

Builds once (cached in the temp folder, keyed on the refocus version; --fresh rebuilds)
a national demo database with `refocus demo --scale national`: 1,000 teams, about
15,000 staff, 60 trainers and 20 cohorts, so about 14,700 feeds. Each run copies it
(the first build makes every feed's token; later ones only rewrite the files) and times,
end to end in a subprocess, `refocus feeds build` into an empty folder: the median of
--runs runs, with the peak memory and the feeds written. Target: under 60 s. Always
exits 0: it reports, it does not fail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from _timing import median, national_demo, print_table, refocus_executable, run_once

TARGET_SECONDS = 60.0
NOW = "2026-11-23T12:00:00+00:00"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database")
    args = parser.parse_args()
    source = national_demo("feeds", args.fresh, NOW)
    os.environ["REFOCUS_NOW"] = NOW
    times, peaks, written = [], [], 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as work:
            db, out = Path(work) / "national.db", Path(work) / "feeds"
            shutil.copyfile(source, db)
            run = run_once([refocus_executable(), "feeds", "build", str(out), "--db", str(db)])
            times.append(run.seconds)
            peaks.append(run.peak_mb)
            written = sum(1 for _ in out.iterdir())
    seconds = median(times)
    print_table(
        ["command", "feeds", "median s", "ms/feed", "peak MB", "target s", "ok"],
        [
            [
                "feeds build",
                str(written),
                f"{seconds:.1f}",
                f"{1000 * seconds / max(written, 1):.2f}",
                f"{median(peaks):.0f}",
                f"{TARGET_SECONDS:.0f}",
                "yes" if seconds < TARGET_SECONDS else "NO",
            ]
        ],
    )


if __name__ == "__main__":
    main()
