"""How long printable session packs take: one 30-person pack, and 50 packs in one go.

    python benchmarks/packs.py [--runs 5]

Builds (in a temporary folder) a programme of 17 teams of 30 staff each in one
cohort, scheduled from 2027-01-11, with the workshop of the first team recorded (so
its pack has certificates too). Then times, end to end in a subprocess:

  pack 30     `refocus pack ID` for the first team's workshop, before it is recorded:
              30 expected people, a handout each (about 70 pages); target under 2 s.
  pack 30+    the same pack once the workshop is recorded: 30 certificates as well.
  packs       `refocus pack --cohort WAVE1 --stage working-practices`: working-practices
              groups hold at most 20, so each team of 30 is two groups of 15 (each
              group's pack carries its share of the team): 17 teams x 3 modules x 2
              groups = 102 packs; target 50 packs under 30 s (scaled from the total).

Each is the median of --runs runs (packs 51: of max(1, runs // 2)), with pages counted
from the PDFs by pypdf. Always exits 0: it reports, it does not fail.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

from _timing import median, print_table, refocus_executable, run_once

TEAMS = 17
STAFF = 30
NOW = "2027-01-04T09:00:00+00:00"
AFTER = "2027-01-20T18:00:00+00:00"


def build(folder: Path) -> dict:
    env = {**os.environ, "REFOCUS_DB": str(folder / "packs.db"), "REFOCUS_NOW": NOW}

    def ok(*args: str, now: str = NOW) -> str:
        done = subprocess.run(
            [refocus_executable(), *args],
            capture_output=True,
            text=True,
            env={**env, "REFOCUS_NOW": now},
        )
        if done.returncode:
            raise SystemExit(f"{args}: {done.stderr}")
        return done.stdout

    ok("init", "Bench Trust", "--start", "2027-01-11")
    roster = folder / "roster.csv"
    lines = ["name,team,role,manager,start"]
    for team in range(TEAMS):
        for person in range(STAFF):
            lines.append(
                f"Person {team:02d}-{person:02d} Adébáyọ̀,Team {team:02d},nurse,"
                f"{'yes' if person == 0 else 'no'},2026-01-01"
            )
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ok("staff", "import", str(roster), "--create-teams")
    for index in range(6):
        ok("trainer", "add", f"Trainer {index}")
    for index in range(3):
        ok(
            "trainer",
            "add",
            f"Lived {index}",
            "--lived-experience",
            "--stages",
            "workshop,coaching",
        )
    teams = [arg for team in range(TEAMS) for arg in ("--team", f"Team {team:02d}")]
    ok("cohort", "create", "WAVE1", *teams)
    ok("schedule", "WAVE1")
    sessions = json.loads(ok("sessions", "--team", "Team 00", "--json"))
    workshop = next(s for s in sessions if s["module"] == "recovery-workshop")
    return {"env": {**env, "REFOCUS_NOW": AFTER}, "workshop": workshop, "ok": ok}


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        built = build(folder)
        os.environ.update(built["env"])
        refocus = refocus_executable()
        for label, record, target in (
            ("pack 30", False, 2.0),
            ("pack 30+ certificates", True, 2.0),
        ):
            session = built["workshop"]
            if record:
                built["ok"]("attend", str(session["id"]), "--all-present", now=AFTER)
            out = folder / f"{label.replace(' ', '-')}.pdf"
            runs = [
                run_once([refocus, "pack", str(session["id"]), "-o", str(out)])
                for _ in range(args.runs)
            ]
            seconds = median([r.seconds for r in runs])
            rows.append(
                (
                    label,
                    1,
                    pages(out),
                    f"{seconds:.2f}",
                    f"{min(r.seconds for r in runs):.2f}",
                    f"{max(r.seconds for r in runs):.2f}",
                    f"{max(r.peak_mb for r in runs):.0f}",
                    f"< {target:.0f} s",
                    "yes" if seconds < target else "NO",
                )  # fmt: skip
            )
        out = folder / "packs"
        command = [refocus, "pack", "--cohort", "WAVE1", "--stage", "working-practices",
                   "-o", str(out)]  # fmt: skip
        runs = [run_once(command) for _ in range(max(1, args.runs // 2))]
        made = sorted(out.glob("*.pdf"))
        seconds = median([r.seconds for r in runs])
        scaled = seconds * 50 / len(made)
        rows.append(
            (
                f"packs {len(made)}",
                len(made),
                sum(pages(p) for p in made),
                f"{seconds:.2f}",
                f"{min(r.seconds for r in runs):.2f}",
                f"{max(r.seconds for r in runs):.2f}",
                f"{max(r.peak_mb for r in runs):.0f}",
                "50 < 30 s",
                f"yes ({scaled:.1f} s per 50)" if scaled < 30 else f"NO ({scaled:.1f} s per 50)",
            )  # fmt: skip
        )
    print_table(
        ["case", "packs", "pages", "median s", "min s", "max s", "peak MB", "target", "met"],
        rows,
        title=f"refocus pack: {TEAMS} teams of {STAFF}, end to end in a subprocess",
    )


if __name__ == "__main__":
    main()
