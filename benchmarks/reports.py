"""How long the implementation reports and bulk attendance recording take at national scale.

    python benchmarks/reports.py [--runs 5] [--seed 2027] [--marks 300000] [--fresh]
                                 [--reports-only] [--no-sanity]

The database is `refocus demo --scale national` (1,000 teams, about 15,000 staff,
about 29,000 planned sessions, staff moving and leaving mid-rollout, a team disbanded).
The demo starts its programme 13 months before REFOCUS_NOW and simulates registers for
the sessions already past; those marks are deleted (and the sessions set back to
scheduled), so the database holds no marks. The benchmark then sets the clock to the
day after a cut-off date and writes a sign-in register for every session up to the
cut-off, the cut-off chosen so that the register holds about --marks rows (the exact
count is printed). A register row is (session, name, status): for each session, its
teams' staff on the session's date (membership start_date <= day < end_date) who are
in the module's audience (managers-only modules: managers; clinical ones:
non-administrative roles); where a team is split into groups, each group's session has
its share of the team in name order, as `refocus attend` expects. The name is the
staff id or the email (a seeded half each) and the status a seeded mix: mostly
present, some late, left-early, excused or absent.

Timed, each in a child process (`refocus` itself, start-up included, stdout to
/dev/null, REFOCUS_NOW set to the day after the cut-off):

  attend (first time)   `refocus attend --from register.csv`, each run into a fresh copy
                        of the database without those marks. Bar: under 5 s.
  attend (again)        the same register into a database that already holds it: nothing
                        changes. Bar: under 5 s.
  progress, report participation, report milestones, report outcomes
                        default table output and --json, against the database holding
                        the register's marks (recorded once, untimed). Bar: under 1.5 s.
                        The demo has filled every team's QPR baseline and follow-up and
                        a staff-level score for every stayer, so report outcomes has a
                        figure for every team (with no follow-up date set, teams are
                        compared as of REFOCUS_NOW, as participation is).

The bar is met when the median of --runs runs (at least 5) is under it. The report
commands run round-robin after one warm-up round, so machine noise hits all alike.
Peak MB is the child's own peak resident memory (ru_maxrss from wait4); CPU s its
median user + system CPU time, which a busy machine inflates much less than the wall
time (the load average is printed before and after the timings).

The prepared databases and the register are cached in the temp folder, keyed on
`refocus --version`, a digest of the refocus_cli sources, the seed and --marks, so a
rerun starts timing at once; --fresh rebuilds them (and a build removes the caches
made for other sources). After the table it prints, once,
a few figures from each report's --json, to check that the numbers make sense.
Always exits 0: it reports, it does not fail.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from time import perf_counter
from zoneinfo import ZoneInfo

from _timing import CommandFailed, median, print_table, refocus_executable, run_once

DEMO_SEED = 1  # `refocus demo --seed`: the same programme every time
DEMO_NOW = "2027-01-06T12:00:00+00:00"  # the demo's "today": its rollout began 13 months before
REPORT_BAR = 1.5
ATTEND_BAR = 5.0
MIN_RUNS = 5
STATUSES = (("present", 0.76), ("late", 0.07), ("left-early", 0.04), ("excused", 0.07))
STATUSES += (("absent", 1 - sum(share for _, share in STATUSES)),)
NON_CLINICAL = ("admin", "reception", "secretar", "clerk")  # as refocus_cli.core.measures
REPORTS = (
    ("progress", ("progress",)),
    ("report participation", ("report", "participation")),
    ("report milestones", ("report", "milestones")),
    ("report outcomes", ("report", "outcomes")),
)


# --------------------------------------------------------------------------------------
# Preparing the databases and the register (cached)
# --------------------------------------------------------------------------------------


def version_key(refocus: str) -> str:
    """`refocus --version` and a digest of the refocus_cli sources, for the cache folder."""
    version = subprocess.run(
        [refocus, "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    spec = importlib.util.find_spec("refocus_cli")
    digest = hashlib.sha256()
    if spec is not None and spec.origin:
        package = Path(spec.origin).parent
        for path in sorted(package.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".md", ".toml", ".yaml", ".json"):
                digest.update(str(path.relative_to(package)).encode())
                digest.update(path.read_bytes())
    return f"{version}-{digest.hexdigest()[:10]}"


def _local_day(start_utc: str, tz: ZoneInfo) -> date:
    return datetime.fromisoformat(start_utc).astimezone(tz).date()


def register_by_day(db: Path) -> tuple[dict[date, list[tuple[int, int]]], dict[int, str]]:
    """(session id, staff id) pairs expected at each session, by session day; staff emails.

    Read straight from the SQLite file: sessions, their teams, dated memberships,
    staff roles. See the module docstring for who is expected where.
    """
    connection = sqlite3.connect(db)
    try:
        tz = ZoneInfo(connection.execute("SELECT timezone FROM programme").fetchone()[0])
        staff = {
            row[0]: (row[1], row[2] or "", row[3] or "", bool(row[4]))
            for row in connection.execute("SELECT id, name, email, role, is_manager FROM staff")
        }
        spells: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
        for staff_id, team_id, start, end in connection.execute(
            "SELECT staff_id, team_id, start_date, end_date FROM membership"
        ):
            spells[team_id].append(
                (staff_id, date.fromisoformat(start), date.fromisoformat(end) if end else None)
            )
        links: dict[int, list[int]] = defaultdict(list)
        for session_id, team_id in connection.execute(
            "SELECT session_id, team_id FROM session_team ORDER BY session_id, team_id"
        ):
            links[session_id].append(team_id)
        sessions = connection.execute(
            "SELECT id, module, occurrence, start_utc FROM session "
            "WHERE kind = 'planned' AND status = 'scheduled' ORDER BY id"
        ).fetchall()
    finally:
        connection.close()
    from refocus_cli.readers.manual import load_curriculum

    audiences = {module.key: module.audience for module in load_curriculum().modules}

    def in_audience(staff_id: int, audience: str) -> bool:
        _name, _email, role, manager = staff[staff_id]
        if audience == "managers":
            return manager
        if audience == "clinical":
            return not any(word in role.lower() for word in NON_CLINICAL)
        return True

    # A team too big for one room has several sessions of a module and occurrence, its
    # groups: each expects its share of the team in name order, as `refocus attend` does.
    groups: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for session_id, module, occurrence, _start in sessions:
        if len(links[session_id]) == 1:
            groups[(links[session_id][0], module, occurrence)].append(session_id)
    by_day: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for session_id, module, occurrence, start in sessions:
        day = _local_day(start, tz)
        audience = audiences.get(module, "whole-team")
        for team_id in links[session_id]:
            people = sorted(
                (
                    staff_id
                    for staff_id, begin, end in spells[team_id]
                    if begin <= day and (end is None or day < end)
                    and in_audience(staff_id, audience)
                ),
                key=lambda staff_id: (staff[staff_id][0].lower(), staff_id),
            )  # fmt: skip
            group = groups.get((team_id, module, occurrence), [session_id])
            if len(group) > 1:
                base, extra = divmod(len(people), len(group))
                index = group.index(session_id)
                first = index * base + min(index, extra)
                people = people[first : first + base + (1 if index < extra else 0)]
            by_day[day] += [(session_id, staff_id) for staff_id in people]
    return dict(by_day), {staff_id: email for staff_id, (_, email, _, _) in staff.items()}


def choose_cutoff(by_day: dict[date, list[tuple[int, int]]], target: int) -> date:
    """The session day whose running total of register rows comes nearest `target`."""
    total, best, best_gap = 0, min(by_day), None
    for day in sorted(by_day):
        total += len(by_day[day])
        gap = abs(total - target)
        if best_gap is None or gap < best_gap:
            best, best_gap = day, gap
    return best


def write_register(
    path: Path,
    by_day: dict[date, list[tuple[int, int]]],
    emails: dict[int, str],
    cutoff: date,
    seed: int,
) -> Counter:
    """The register CSV (session, name, status) for every session up to `cutoff`."""
    rng = random.Random(seed)
    names = [status for status, _ in STATUSES]
    weights = [share for _, share in STATUSES]
    tally: Counter = Counter()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("session", "name", "status"))
        for day in sorted(d for d in by_day if d <= cutoff):
            for session_id, staff_id in by_day[day]:
                email = emails.get(staff_id)
                name = email if email and rng.random() < 0.5 else str(staff_id)
                status = rng.choices(names, weights)[0]
                tally[status] += 1
                writer.writerow((session_id, name, status))
    return tally


def _json_of(command: list[str]) -> dict:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def strip_demo_registers(db: Path) -> int:
    """Remove the registers `refocus demo` simulates for its past sessions; how many marks.

    The demo starts its programme months before REFOCUS_NOW and marks the sessions
    already past; this benchmark records its own register instead, first time, into a
    database without marks. The sessions go back to scheduled, as before any register.
    """
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        removed = connection.execute("SELECT count(*) FROM attendance").fetchone()[0]
        connection.execute("BEGIN")
        connection.execute("DELETE FROM attendance")
        connection.execute("UPDATE session SET status = 'scheduled' WHERE status = 'held'")
        connection.execute("COMMIT")
    finally:
        connection.close()
    return removed


def prepare(refocus: str, cache: Path, seed: int, target: int) -> dict:
    """Build base.db (demo, no marks), register.csv and marked.db (base + register) in `cache`."""
    building = cache.with_name(cache.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    started = perf_counter()
    work = building / "demo.db"
    subprocess.run(
        [
            refocus, "demo", "--scale", "national", "--seed", str(DEMO_SEED),
            "--db", str(work), "--out", str(building / "demo-files"), "--json",
        ],
        env={**os.environ, "REFOCUS_NOW": DEMO_NOW},
        check=True,
        capture_output=True,
    )  # fmt: skip
    stripped = strip_demo_registers(work)
    run_once([refocus, "db", "backup", str(building / "base.db"), "--db", str(work)])
    by_day, emails = register_by_day(building / "base.db")
    cutoff = choose_cutoff(by_day, target)
    now = f"{cutoff + timedelta(days=1)}T06:00:00+00:00"
    tally = write_register(building / "register.csv", by_day, emails, cutoff, seed)
    rows = sum(tally.values())
    sessions = len({s for day, pairs in by_day.items() if day <= cutoff for s, _ in pairs})
    # Record it once, untimed, for the database the reports are timed on.
    marked = building / "marked-work.db"
    shutil.copy(building / "base.db", marked)
    env = {**os.environ, "REFOCUS_NOW": now}
    recorded = subprocess.run(
        [refocus, "attend", "--from", str(building / "register.csv"), "--db", str(marked)]
        + ["--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    if recorded.returncode != 0:
        sys.exit(f"recording the register failed:\n{recorded.stderr.strip()}")
    outcome = json.loads(recorded.stdout)
    if outcome["added"] != rows or outcome["now_held"] != sessions:
        sys.exit(
            f"recording the register added {outcome['added']} marks (expected {rows}) and "
            f"held {outcome['now_held']} sessions (expected {sessions})"
        )
    run_once([refocus, "db", "backup", str(building / "marked.db"), "--db", str(marked)])
    for leftover in (work, marked):
        for path in (leftover, Path(f"{leftover}-wal"), Path(f"{leftover}-shm")):
            path.unlink(missing_ok=True)
    shutil.rmtree(building / "demo-files", ignore_errors=True)
    meta = {
        "demo_marks_removed": stripped,
        "cutoff": cutoff.isoformat(),
        "now": now,
        "rows": rows,
        "sessions_marked": sessions,
        "statuses": dict(tally),
        "first_day": min(by_day).isoformat(),
        "register_mb": round((building / "register.csv").stat().st_size / 1e6, 1),
        "build_seconds": round(perf_counter() - started, 1),
    }
    (building / "meta.json").write_text(json.dumps(meta, indent=2))
    shutil.rmtree(cache, ignore_errors=True)
    building.rename(cache)
    return meta


def counts(db: Path) -> dict[str, int]:
    connection = sqlite3.connect(db)
    try:
        query = {
            "teams": "SELECT count(*) FROM team",
            "active teams": "SELECT count(*) FROM team WHERE status = 'active'",
            "staff": "SELECT count(*) FROM staff",
            "memberships": "SELECT count(*) FROM membership",
            "sessions": "SELECT count(*) FROM session",
            "held sessions": "SELECT count(*) FROM session WHERE status = 'held'",
            "marks": "SELECT count(*) FROM attendance",
            "audit rows": "SELECT count(*) FROM audit",
        }
        return {name: connection.execute(sql).fetchone()[0] for name, sql in query.items()}
    finally:
        connection.close()


# --------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timed:
    """One finished child process: wall time, CPU time (user + system), peak memory."""

    seconds: float
    cpu_seconds: float
    peak_mb: float


def _fork_not_vfork() -> None:
    """A preexec_fn, so that the child's ru_maxrss is its own (see _timing.run_once)."""


def run_timed(command: list[str]) -> Timed:
    """Like _timing.run_once, with the child's CPU time too: on a busy machine the wall
    time grows with the load, the CPU time much less."""
    with tempfile.TemporaryFile() as stderr:
        start = perf_counter()
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=_fork_not_vfork,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            stderr.seek(0)
            text = stderr.read().decode(errors="replace").strip()
            raise CommandFailed(f"{' '.join(command)} failed:\n{text}")
    return Timed(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def time_first_recording(
    refocus: str, base: Path, register: Path, folder: Path, runs: int
) -> list[Timed]:
    """Each run into a fresh copy of the unmarked database (the copy is not timed)."""
    times = []
    for number in range(runs):
        db = folder / f"first{number}.db"
        shutil.copy(base, db)
        times.append(run_timed([refocus, "attend", "--from", str(register), "--db", str(db)]))
        print(
            f"  attend (first time) run {number + 1}: {times[-1].seconds:.2f} s "
            f"({times[-1].cpu_seconds:.2f} s CPU)",
            flush=True,
        )
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            path.unlink(missing_ok=True)
    return times


def time_round_robin(commands: dict[str, list[str]], runs: int) -> dict[str, list[Timed]]:
    """Every command once per round after one warm-up round, so noise hits all alike."""
    results: dict[str, list[Timed]] = {label: [] for label in commands}
    for round_number in range(1 + runs):
        for label, command in commands.items():
            timed = run_timed(command)
            if round_number:
                results[label].append(timed)
    return results


def check_again(refocus: str, db: Path, register: Path, rows: int) -> str:
    """Record the register into a database already holding it; it must change nothing."""
    before = counts(db)
    outcome = _json_of([refocus, "attend", "--from", str(register), "--db", str(db), "--json"])
    after = counts(db)
    same = (
        outcome["added"] == 0
        and outcome["changed"] == 0
        and outcome["unchanged"] == rows
        and outcome["now_held"] == 0
        and before == after
    )
    return (
        f"Recording it again: {outcome['added']} new, {outcome['changed']} changed, "
        f"{outcome['unchanged']:,} unchanged, {outcome['now_held']} sessions newly held; "
        f"table counts {'unchanged' if before == after else 'CHANGED'}"
        + ("" if same else "  <-- NOT IDEMPOTENT")
    )


def row(label: str, runs: list[Timed], bar: float) -> tuple:
    seconds = [run.seconds for run in runs]
    middle = median(seconds)
    return (
        label,
        len(runs),
        f"{middle:.2f}",
        f"{min(seconds):.2f}",
        f"{max(seconds):.2f}",
        f"{median([run.cpu_seconds for run in runs]):.2f}",
        f"{max(run.peak_mb for run in runs):.0f}",
        f"< {bar:g} s",
        "pass" if middle < bar else "FAIL",
    )


def load_average() -> str:
    try:
        one, five, _fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


# --------------------------------------------------------------------------------------
# What the reports say (once, untimed): do the numbers make sense?
# --------------------------------------------------------------------------------------


def _spread(values: list[float], scale: float = 100, unit: str = "%", places: int = 0) -> str:
    if not values:
        return "none"
    cuts = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return (
        f"min {min(values) * scale:.{places}f}{unit}, quartiles "
        + "/".join(f"{c * scale:.{places}f}" for c in cuts)
        + f"{unit}, max {max(values) * scale:.{places}f}{unit} (n={len(values):,})"
    )


def sanity(refocus: str, db: Path, meta: dict) -> None:
    """A few figures from each report's --json, against what the register put in."""
    progress = _json_of([refocus, "progress", "--json", "--db", str(db)])
    participation = _json_of([refocus, "report", "participation", "--json", "--db", str(db)])
    milestones = _json_of([refocus, "report", "milestones", "--json", "--db", str(db)])
    statuses = meta["statuses"]
    attended = sum(statuses.get(s, 0) for s in ("present", "late", "left-early"))
    print()
    print(f"What the reports say as of {progress['as_of']} (from --json, once):")
    print(
        f"  register: {attended / meta['rows']:.1%} of its rows attended "
        f"(present, late or left-early)"
    )
    teams = progress["teams"]
    flagged = [t for t in teams if t["flags"]]
    kinds: Counter = Counter()
    for team in teams:
        for flag in team["flags"]:
            kinds[flag.split(":")[0].split(" attended")[0].split(" since")[0][:40]] += 1
    print(f"  progress: {len(teams):,} teams listed, {len(flagged):,} flagged")
    generic: Counter = Counter()
    for flag, number in kinds.items():
        key = "manager ... attended" if flag.startswith("manager ") else flag
        key = "staff turnover" if key.startswith("staff turnover") else key
        generic[key] += number
    for flag, number in generic.most_common(6):
        print(f"    {number:5,} x {flag}")
    for stage in ("workshop", "working-practices", "coaching", "practice-change"):
        stages = [next(s for s in t["stages"] if s["stage"] == stage) for t in teams]
        started = [s for s in stages if s["held"]]
        cliff = sum(1 for s in started if s["reach"] == 0 and (s["attendance"] or 0) > 0.7)
        print(
            f"    {stage}: {len(started):,} teams with held sessions; attendance "
            f"{_spread([s['attendance'] for s in started if s['attendance'] is not None])}; "
            f"reach {_spread([s['reach'] for s in started if s['reach'] is not None])}; "
            f"reach 0% with attendance over 70%: {cliff:,}; "
            f"awaiting a register: {sum(s['awaiting_register'] for s in stages):,}"
        )
    # A person's score is a share (0-1) of the strategies that apply to them.
    scores = Counter(
        None if person["score"] is None else round(person["score"], 1)
        for person in participation["staff"]
    )
    scored = [t for t in participation["teams"] if t["score"] is not None]
    levels = Counter(t["implementation"] for t in scored)
    why = Counter(t["why_unscored"] for t in participation["teams"] if t["score"] is None)
    connection = sqlite3.connect(db)
    try:
        managers = {row[0] for row in connection.execute("SELECT id FROM staff WHERE is_manager")}
        leavers = {row[0] for row in connection.execute("SELECT id FROM staff WHERE left_on")}
    finally:
        connection.close()
    print(
        f"  participation: {len(participation['staff']):,} staff; shares (to 0.1) "
        + ", ".join(
            f"{score}: {scores[score]:,}"
            for score in sorted(scores, key=lambda s: -1 if s is None else s)
        )
    )
    whole = [p for p in participation["staff"] if p["score"] == 1]
    zeros = [p for p in participation["staff"] if p["score"] == 0]
    whole_managers = sum(p["id"] in managers for p in whole)
    print(
        f"    share 100%: {len(whole):,}, of them managers {whole_managers:,}; "
        f"share 0: {len(zeros):,}, of them leavers {sum(p['id'] in leavers for p in zeros):,}; "
        f"leavers listed: {sum(p['id'] in leavers for p in participation['staff']):,} "
        f"of {len(leavers):,}"
    )
    middle = participation["median"]
    print(
        f"    {len(scored):,} teams scored, median "
        f"{'-' if middle is None else f'{middle:.3f}'}, "
        f"{levels.get('high', 0):,} high / {levels.get('low', 0):,} low; scores "
        f"{_spread([t['score'] for t in scored], 1, '', 2)}"
    )
    for reason, number in why.most_common(4):
        print(f"    unscored: {number:,} x {reason}")
    stayers = [t["stayers"] for t in scored]
    if stayers:
        print(f"    stayers per scored team: {_spread(stayers, 1, '')}")
    by_stage: dict[str, list[dict]] = defaultdict(list)
    for milestone in milestones["milestones"]:
        by_stage[milestone["stage"]].append(milestone)
    for stage, entries in by_stage.items():
        began = [m for m in entries if m["began"]]
        done = [m for m in entries if m["completed"]]
        print(
            f"  milestones {stage}: {len(entries):,} teams, {len(began):,} began, "
            f"{len(done):,} completed; days spent "
            f"{_spread([m['days'] for m in began], 1, '')}; delivered "
            f"{_spread([m['proportion'] for m in entries if m['proportion'] is not None])}"
        )


# --------------------------------------------------------------------------------------


def time_attend(
    refocus: str,
    cache: Path,
    folder: Path,
    runs: int,
    rows: int,
    results: dict[str, tuple[list[Timed], float]],
) -> str:
    """Time recording the register into a database without it, then again into one that
    holds it; returns what recording it again changed."""
    base, register = cache / "base.db", cache / "register.csv"
    results["attend --from register.csv (first time)"] = (
        time_first_recording(refocus, base, register, folder, runs),
        ATTEND_BAR,
    )
    again = folder / "again.db"
    shutil.copy(cache / "marked.db", again)
    note = check_again(refocus, again, register, rows)
    results["attend --from register.csv (again)"] = (
        [
            run_timed([refocus, "attend", "--from", str(register), "--db", str(again)])
            for _ in range(runs)
        ],
        ATTEND_BAR,
    )
    return note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help=f"at least {MIN_RUNS}")
    parser.add_argument("--seed", type=int, default=2027, help="seed for the register")
    parser.add_argument("--marks", type=int, default=300_000, help="register rows to aim for")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached databases")
    parser.add_argument("--no-sanity", action="store_true", help="skip the report figures")
    parser.add_argument(
        "--reports-only", action="store_true", help="time the report commands, not attend"
    )
    args = parser.parse_args(argv)
    runs = max(args.runs, MIN_RUNS)

    refocus = refocus_executable()
    key = version_key(refocus)
    name = f"reports-{key}-seed{args.seed}-{args.marks}"
    cache = Path(tempfile.gettempdir()) / "refocus-bench-cache" / name
    print(f"refocus: {refocus} ({key})")
    if args.fresh or not (cache / "meta.json").is_file():
        print(f"building the national database and register in {cache} ...", flush=True)
        meta = prepare(refocus, cache, args.seed, args.marks)
        print(f"  built in {meta['build_seconds']} s")
        for stale in cache.parent.glob("reports-*"):  # ~150 MB each, for other sources
            if stale != cache and not stale.name.startswith(f"reports-{key}-"):
                shutil.rmtree(stale, ignore_errors=True)
    else:
        meta = json.loads((cache / "meta.json").read_text())
        print(f"cached: {cache} (--fresh to rebuild)")
    os.environ["REFOCUS_NOW"] = meta["now"]
    base = cache / "base.db"
    tally = ", ".join(f"{meta['statuses'].get(s, 0):,} {s}" for s, _ in STATUSES)
    print(
        f"register: {meta['rows']:,} rows for {meta['sessions_marked']:,} sessions from "
        f"{meta['first_day']} to {meta['cutoff']} ({tally}); {meta['register_mb']} MB CSV"
    )
    print(
        f"REFOCUS_NOW={meta['now']} (the demo, built on {DEMO_NOW[:10]}, simulated "
        f"{meta['demo_marks_removed']:,} marks for its past sessions: removed before timing)"
    )

    with tempfile.TemporaryDirectory(prefix="refocus-bench-") as folder_name:
        folder = Path(folder_name)
        marked = folder / "marked.db"
        shutil.copy(cache / "marked.db", marked)
        db_counts = counts(marked)
        print(
            "database: "
            + ", ".join(f"{value:,} {name}" for name, value in db_counts.items())
            + f" (without the register: {counts(base)['marks']:,} marks)"
        )
        print()
        print(f"load average before timing: {load_average()}")
        results: dict[str, tuple[list[Timed], float]] = {}
        again_note = "Recording it again: not timed (--reports-only)."
        if not args.reports_only:
            again_note = time_attend(refocus, cache, folder, runs, meta["rows"], results)
        commands = {}
        for label, words in REPORTS:
            command = [refocus, *words, "--db", str(marked)]
            commands[label] = command
            commands[f"{label} --json"] = [*command, "--json"]
        print(f"  {len(commands)} report commands x {runs} runs, round-robin ...", flush=True)
        timed = time_round_robin(commands, runs)
        for label, report_runs in timed.items():
            results[label] = (report_runs, REPORT_BAR)
        print()
        print_table(
            ["command", "runs", "median s", "min", "max", "CPU s", "peak MB", "bar", "pass/fail"],
            [row(label, got, bar) for label, (got, bar) in results.items()],
            title=f"refocus at national scale ({meta['rows']:,}-row register; median of "
            f"{runs} runs each; stdout to /dev/null; CPU s: the child's median user + system "
            "time):",
        )
        print(f"load average after timing: {load_average()}")
        print()
        print(
            f"Database: {db_counts['teams']:,} teams ({db_counts['active teams']:,} active), "
            f"{db_counts['staff']:,} staff, {db_counts['sessions']:,} sessions "
            f"({db_counts['held sessions']:,} held), {db_counts['marks']:,} marks."
        )
        print(again_note)
        if not args.no_sanity:
            sanity(refocus, marked, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
