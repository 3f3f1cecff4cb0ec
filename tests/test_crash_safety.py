"""An import killed at any moment leaves a sound database holding all of it or none of it.

The real `refocus` command is killed with SIGKILL (no clean-up, as in a power cut
or an out-of-memory kill) at seeded random points during a roster import and a
many-session register import; each time the database must pass its integrity
check and `refocus db check`, and hold the import wholly or not at all. Running
the import again then completes it.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from conftest import refocus_executable, two_team_rollout

LATE = "2028-06-01T09:00:00+00:00"  # every planned session is past
KILLS = 6  # kill points per import
SEED = 20270104
STATUSES = ("present", "late", "absent", "excused", "left-early")


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def restore(pristine: Path, db: Path) -> None:
    """Put back the database as it was before the import."""
    for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy(pristine, db)


def writing(db: Path) -> bool:
    """Whether some process holds the database's write lock right now."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def run(args: list[str], db: Path, kill_at: tuple[str, float] | None = None) -> dict:
    """Run refocus; with `kill_at`, SIGKILL it ("start", s) seconds after it starts or
    ("write", s) seconds after it takes the write lock.

    Returns its exit code, stderr and seconds taken, and whether it held the
    write lock when killed (or, run whole, whether it was ever seen holding it).
    """
    env = {**os.environ, "REFOCUS_NOW": LATE}
    started = time.monotonic()
    process = subprocess.Popen(
        [refocus_executable(), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    held = False
    if kill_at is None or kill_at[0] == "write":
        while process.poll() is None and not held:
            held = writing(db)
            time.sleep(0.001)
    if kill_at is not None:
        try:
            process.wait(timeout=kill_at[1])
        except subprocess.TimeoutExpired:
            held = writing(db)
            process.send_signal(signal.SIGKILL)
        else:
            held = False
    _, stderr = process.communicate(timeout=120)
    assert b"Traceback" not in stderr, stderr.decode()
    return {
        "code": process.returncode,
        "stderr": stderr.decode(),
        "took": time.monotonic() - started,
        "held": held,
    }


def snapshot(db: Path, queries: list[str]) -> list[int]:
    return [count(db, sql) for sql in queries]


def kill_at_random_points(cli, db: Path, args: list[str], queries: list[str], label: str):
    """Kill the import at seeded points, checking the database after each; then finish it.

    `queries` count what the import writes, the rows it imports first; after a kill
    every count must be as it was before the import or as a whole import leaves it.
    Half the kills fall anywhere in a run, half inside its write transaction.
    Returns the kill points, the inconsistent databases found, and the kills made
    while the import held the write lock.
    """
    pristine = db.with_name("pristine.db")
    shutil.copy(db, pristine)
    before = snapshot(db, queries)
    whole = run(args, db)  # how long an import takes
    full = snapshot(db, queries)
    assert whole["code"] == 0, whole["stderr"]
    assert all(after > was for after, was in zip(full, before, strict=True))
    restore(pristine, db)

    rng = random.Random(f"{SEED}-{label}")
    points = [("start", rng.uniform(0.01, whole["took"])) for _ in range(KILLS // 2)]
    points += [("write", rng.uniform(0.0, 0.05)) for _ in range(KILLS - KILLS // 2)]
    inconsistent, mid_write = [], 0
    for point in points:
        killed = run(args, db, kill_at=point)
        mid_write += killed["held"] and killed["code"] == -signal.SIGKILL
        now = snapshot(db, queries)
        checked = cli("db", "check")
        if integrity(db) != "ok" or checked.exit_code != 0 or now not in (before, full):
            inconsistent.append((point, now, integrity(db), checked.stderr))
        if now != before:  # each kill starts from the database as it was before the import
            restore(pristine, db)
    again = cli(*args)  # a re-run after a kill completes the import
    assert again.exit_code == 0, again
    assert snapshot(db, queries) == full
    shown = ", ".join(f"{at} +{seconds * 1000:.0f} ms" for at, seconds in points)
    print(
        f"{label}: {len(points)} kill points ({shown}), {mid_write} inside the write "
        f"transaction; whole run {whole['took']:.2f} s; {len(inconsistent)} inconsistent databases"
    )
    return points, inconsistent, mid_write


def test_a_killed_roster_import_is_all_or_nothing(cli, tmp_path, env_setup, monkeypatch):
    assert cli("init", "Crash Programme", "--start", "2027-01-11").exit_code == 0
    assert cli("team", "add", "North CMHT").exit_code == 0
    rows = ["name,team,email,role,manager,start"]
    teams = ["North CMHT", "New Team A", "New Team B"]
    people = 3000
    for n in range(people):
        rows.append(
            f"Person {n:05d},{teams[n % 3]},p{n}@nhs.example,nurse,"
            f"{'yes' if n % 50 == 0 else 'no'},2026-{1 + n % 12:02d}-{1 + n % 28:02d}"
        )
    big = tmp_path / "big.csv"
    big.write_text("\n".join(rows) + "\n")
    args = ["staff", "import", str(big), "--create-teams"]
    monkeypatch.setenv("REFOCUS_NOW", LATE)

    queries = [
        "SELECT count(*) FROM staff",
        "SELECT count(*) FROM membership",
        "SELECT count(*) FROM team",
        "SELECT count(*) FROM audit",
    ]
    points, inconsistent, mid_write = kill_at_random_points(
        cli, env_setup, args, queries, "roster import"
    )
    assert inconsistent == []
    assert mid_write >= 1  # at least one kill landed inside the import's transaction


def test_a_killed_register_import_is_all_or_nothing(cli, tmp_path, env_setup, monkeypatch):
    per_team = 190
    two_team_rollout(cli, tmp_path, per_team, "Crash Programme")
    register = ["session,id,status"]
    staff_of = {
        "North CMHT": range(1, per_team + 1),
        "South CMHT": range(per_team + 1, 2 * per_team + 1),
    }
    for session in cli("sessions", "--json").json():
        for team in session["teams"]:
            register += [
                f"{session['id']},{person},{STATUSES[(person + session['id']) % 5]}"
                for person in staff_of[team]
            ]
        if len(register) > 20_000:
            break
    marks = len(register) - 1
    assert 15_000 <= marks <= 25_000
    path = tmp_path / "register.csv"
    path.write_text("\n".join(register) + "\n")
    args = ["attend", "--from", str(path)]
    monkeypatch.setenv("REFOCUS_NOW", LATE)  # the sessions are past now

    queries = [
        "SELECT count(*) FROM attendance",
        "SELECT count(*) FROM audit",
        "SELECT count(*) FROM session WHERE status = 'held'",
    ]
    points, inconsistent, mid_write = kill_at_random_points(
        cli, env_setup, args, queries, "register import"
    )
    assert inconsistent == []
    assert mid_write >= 1
