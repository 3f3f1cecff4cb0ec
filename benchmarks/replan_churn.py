"""How much one change churns a plan: the sessions `replan` changes after a week's leave or
a single cancellation, on the trust demo.

    python benchmarks/replan_churn.py [--runs 3] [--seed 2026]

Builds `refocus demo --scale trust` (30 teams in three cohorts, 8 trainers, about 860
sessions) in a temporary folder with the clock at NOW, adds a fourth cohort of four new
teams scheduled from the next Monday (the demo's own cohorts are past their training
stages by then, so this one shows chains in training: a workshop, then weekly
working-practices modules, then coaching), and then, each on a fresh copy:

  leave (practice change)   the trainer with most sessions in the week after next takes
                            that week off (Monday to Friday); every cohort is replanned
  leave (training)          the same for the trainer with most WAVE4 sessions in its
                            second week of working practices
  cancel (training)         WAVE4's first values-and-preferences session is cancelled
                            ("snow"), then WAVE4 is replanned
  cancel as unavailable     the same session cancelled with --trainer-unavailable
  cancel (practice change)  the next team reflection of WAVE1 is cancelled
  closure (training)        the day of that values-and-preferences session is closed:
                            nothing that day can keep its date

For each it counts, from `replan --dry-run --json` (a dry run lists exactly what the
real one does): the sessions the change itself touches (the leave week's sessions of
that trainer; the cancelled session; the closed day's sessions), the calendar entries
that change (sessions moved or given another trainer or venue, sessions added, sessions
cancelled), how many of those keep their date, and how many follow a moved session
("dragged"). Target: only the touched sessions change, plus at most the next session of
the same series for each: dragged <= touched and changed <= 2 x touched. It also times
`replan --dry-run` (median of --runs, in a child process, start-up included; summed over
the cohorts replanned).

Always exits 0: it reports, it does not fail.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from _timing import median, print_table, refocus_executable, run_once

NOW = "2026-11-23T12:00:00+00:00"  # a Monday
TODAY = date(2026, 11, 23)
NEW_TEAMS = 4
STAFF_PER_TEAM = 12


@dataclass(frozen=True)
class Outcome:
    """What one change and the replans after it did to the diary."""

    case: str
    touched: int
    changed: int
    same_date: int
    added: int
    dragged: int
    seconds: float

    def row(self) -> list[object]:
        # Each touched session changes, and drags at most the next of its series along.
        within = self.changed <= 2 * self.touched and self.dragged <= self.touched
        return [
            self.case,
            self.touched,
            self.changed,
            self.same_date,
            self.added,
            self.dragged,
            "yes" if within else "no",
            f"{self.seconds:.2f}",
        ]


class Refocus:
    """The installed `refocus`, on one database, with the clock at NOW."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.executable = refocus_executable()

    def env(self) -> dict[str, str]:
        return {**os.environ, "REFOCUS_DB": str(self.db), "REFOCUS_NOW": NOW, "NO_COLOR": "1"}

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            [self.executable, *args], capture_output=True, text=True, env=self.env()
        )
        if done.returncode != 0:
            sys.exit(f"refocus {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def json(self, *args: str) -> object:
        return json.loads(self(*args, "--json"))

    def timed(self, args: Sequence[str], runs: int) -> float:
        saved = dict(os.environ)
        os.environ.update(self.env())
        try:
            return median([run_once([self.executable, *args]).seconds for _ in range(runs)])
        finally:
            os.environ.clear()
            os.environ.update(saved)


def build(folder: Path, seed: int) -> Path:
    """The trust demo with a fourth cohort of new teams scheduled from the next Monday."""
    db = folder / "trust.db"
    refocus = Refocus(db)
    refocus("demo", "--scale", "trust", "--seed", str(seed), "--out", str(folder / "files"))
    sites = sorted({team["site"] for team in refocus.json("team", "list")})
    names = [f"New Wave Team {number + 1}" for number in range(NEW_TEAMS)]
    roster = ["name,team,role,manager"]
    for number, name in enumerate(names):
        refocus("team", "add", name, "--site", sites[number % len(sites)], "--kind", "CMHT")
        roster.append(f"Manager of {name},{name},team manager,yes")
        roster += [f"Clinician {n} of {name},{name},nurse,no" for n in range(1, STAFF_PER_TEAM)]
    (folder / "new-teams.csv").write_text("\n".join(roster) + "\n")
    refocus("staff", "import", str(folder / "new-teams.csv"))
    refocus("cohort", "create", "WAVE4", *(arg for name in names for arg in ("--team", name)))
    refocus("schedule", "WAVE4", "--start", str(TODAY + timedelta(days=7)))
    return db


def sessions(refocus: Refocus) -> list[dict]:
    found = refocus.json("sessions", "--from", str(TODAY + timedelta(days=1)))
    assert isinstance(found, list)
    return [s for s in found if s["status"] == "scheduled"]


def day_of(session: dict) -> date:
    return datetime.fromisoformat(session["start"]).date()


def week_of(found: list[dict], monday: date) -> list[dict]:
    """The sessions from `monday` to that Friday."""
    return [s for s in found if monday <= day_of(s) <= monday + timedelta(days=4)]


def busiest(week: list[dict]) -> str:
    """The trainer with most of these sessions (the first by name of those with most)."""
    counts = Counter(t for s in week for t in s["trainers"])
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]


def theirs(trainer: str, week: list[dict]) -> int:
    """How many of these sessions a trainer is booked on."""
    return sum(1 for s in week if trainer in s["trainers"])


def leave(trainer: str, monday: date) -> Callable[[Refocus], None]:
    def change(refocus: Refocus) -> None:
        friday = monday + timedelta(days=4)
        refocus("trainer", "unavailable", trainer, "--from", str(monday), "--to", str(friday))

    return change


def cancel(session_id: int, *flags: str) -> Callable[[Refocus], None]:
    def change(refocus: Refocus) -> None:
        refocus("session", "cancel", str(session_id), "--reason", "benchmark", *flags)

    return change


def closure(day: date) -> Callable[[Refocus], None]:
    def change(refocus: Refocus) -> None:
        refocus("closure", "add", str(day), "--reason", "benchmark")

    return change


def measure(
    case: str,
    source: Path,
    folder: Path,
    change: Callable[[Refocus], None],
    touched: int,
    cohorts: Sequence[str],
    runs: int,
) -> Outcome:
    """Make the change on a copy of `source`, then replan (dry run) each cohort: count, time."""
    db = folder / f"{case.replace(' ', '-')}.db"
    shutil.copy(source, db)
    refocus = Refocus(db)
    change(refocus)
    changes: list[dict] = []
    seconds = 0.0
    for cohort in cohorts:
        repair = refocus.json("replan", cohort, "--dry-run")
        assert isinstance(repair, dict)
        changes += repair["changes"]
        seconds += refocus.timed(["replan", cohort, "--dry-run"], runs)
    return Outcome(
        case=case,
        touched=touched,
        changed=len(changes),
        same_date=sum(1 for c in changes if "date" not in c["changed"]),
        added=sum(1 for c in changes if c["new"]),
        dragged=sum(1 for c in changes if c["why"].startswith("follows ")),
        seconds=seconds,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = build(folder, options.seed)
        found = sessions(Refocus(source))
        cohorts = sorted({s["cohort"] for s in found if s["cohort"]})
        next_monday = TODAY + timedelta(days=14)
        week = week_of(found, next_monday)
        trainer = busiest([s for s in week if s["cohort"] != "WAVE4"])
        wave4 = [s for s in found if s["cohort"] == "WAVE4"]
        values = min(
            (s for s in wave4 if s["module"] == "values-and-preferences"), key=lambda s: s["start"]
        )
        wp_monday = day_of(values) - timedelta(days=day_of(values).weekday() - 7)
        training_week = week_of(found, wp_monday)
        training_trainer = busiest([s for s in training_week if s["cohort"] == "WAVE4"])
        reflection = min(
            (s for s in found if s["cohort"] == "WAVE1" and s["module"] == "team-reflection"),
            key=lambda s: s["start"],
        )
        lead = values["trainers"][0]
        cases = [
            (
                "leave (practice change)",
                leave(trainer, next_monday),
                theirs(trainer, week),
                cohorts,
            ),
            (
                "leave (training)",
                leave(training_trainer, wp_monday),
                theirs(training_trainer, training_week),
                cohorts,
            ),
            ("cancel (training)", cancel(values["id"]), 1, ["WAVE4"]),
            (
                "cancel as unavailable",
                cancel(values["id"], "--trainer-unavailable", "--trainer", lead),
                1,
                ["WAVE4"],
            ),
            ("cancel (practice change)", cancel(reflection["id"]), 1, ["WAVE1"]),
            (
                "closure (training)",
                closure(day_of(values)),
                len([s for s in found if day_of(s) == day_of(values)]),
                cohorts,
            ),
        ]
        outcomes = [
            measure(case, source, folder, change, touched, replanned, options.runs)
            for case, change, touched, replanned in cases
        ]
    print_table(
        [
            "change",
            "touched",
            "changed",
            "same date",
            "added",
            "dragged",
            "within target",
            "replan s (median)",
        ],
        [outcome.row() for outcome in outcomes],
        title=(
            f"replan churn on the trust demo (seed {options.seed}, clock {NOW}); "
            f"{trainer} on leave {next_monday} to {next_monday + timedelta(days=4)}, "
            f"{training_trainer} from {wp_monday}; session {values['id']} and {reflection['id']} "
            "cancelled"
        ),
    )
    print(
        "touched: sessions the change itself affects; changed: calendar entries replan changes "
        "(moved, trainer or venue swapped, added in place of a cancelled one); same date: of "
        "those, on the date they (or the session they replace) had; dragged: moved because a "
        "session before them in their chain moved. Target: dragged <= touched and changed <= "
        "2 x touched (each touched session, plus at most the next of its series)."
    )


if __name__ == "__main__":
    main()
