"""Many `refocus` processes writing to one database at once lose nothing and never fail.

Each round starts every process together (the real installed command, as a user
types it); each writes several rows: attendance marks, corrections of earlier
marks, session moves and new staff. Afterwards every write is counted back.

Then the check-then-write races: two commands that each check the database and
then write (the same register, two moves into one slot, one cohort scheduled
twice, a team merged and disbanded, one team put in two cohorts) are started
while the test holds the write lock, so both have read before either writes.
Exactly one may succeed, and the database must show only its change.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import time
from collections import Counter
from datetime import datetime

import pytest
from conftest import refocus_executable, two_team_rollout

STATUSES = ("present", "late", "left-early", "excused", "absent")
LATER = "2027-06-15T09:00:00+00:00"  # half the plan is past, half still to come
PEOPLE_PER_TEAM = 10
KINDS = ("attend", "attend", "move", "staff")


def _build_rollout(cli, folder) -> dict[int, dict]:
    two_team_rollout(cli, folder, PEOPLE_PER_TEAM, "Busy Programme")
    return {s["id"]: s for s in cli("sessions", "--json").json()}


@pytest.fixture
def rollout(cli, tmp_path, from_template):
    """Two teams of ten, two trainers and a scheduled cohort, made through the CLI once."""
    return from_template("busy-rollout", lambda: _build_rollout(cli, tmp_path))


def team_of(session: dict) -> list[int]:
    """Staff ids of the teams at a session (the roster gives North ids 1-10, South 11-20)."""
    ids = []
    if "North CMHT" in session["teams"]:
        ids += range(1, PEOPLE_PER_TEAM + 1)
    if "South CMHT" in session["teams"]:
        ids += range(PEOPLE_PER_TEAM + 1, 2 * PEOPLE_PER_TEAM + 1)
    return ids


class Workload:
    """The commands of each round, and what they should leave in the database."""

    def __init__(self, sessions: dict[int, dict]):
        self.sessions = sessions
        later = datetime.fromisoformat(LATER)
        self.past = [i for i, s in sessions.items() if datetime.fromisoformat(s["start"]) < later]
        # North's future team reflections: each is the only session of its team and
        # trainer that day, so moving it within its day clashes with nothing.
        self.movable = [
            i
            for i, s in sessions.items()
            if datetime.fromisoformat(s["start"]) > later
            and s["module"] == "team-reflection"
            and s["teams"] == ["North CMHT"]
        ]
        self.marks: dict[tuple[int, int], str] = {}
        self.attend_audits = 0
        self.moves: Counter[int] = Counter()
        self.staff_added: list[str] = []
        self.writes = 0

    def commands(self, processes: int, round_no: int, tag: str) -> list[list[str]]:
        commands = []
        attend_at = move_at = 0
        for k in range(processes):
            kind = KINDS[(k + round_no) % len(KINDS)]
            if kind == "attend":
                # The same sessions come back in later rounds, so most marks then
                # are corrections of what an earlier round recorded.
                session_id = self.past[attend_at % len(self.past)]
                attend_at += 1
                commands.append(self._attend(session_id, round_no))
            elif kind == "move":
                session_id = self.movable[move_at % len(self.movable)]
                move_at += 1
                commands.append(self._move(session_id))
            else:
                name = f"Newcomer {tag} {round_no}-{k}"
                self.staff_added.append(name)
                self.writes += 1
                commands.append(
                    ["staff", "add", name, "--team", "South CMHT", "--email",
                     f"new.{tag}.{round_no}.{k}@nhs.example", "--start", "2027-01-01"]
                )  # fmt: skip
        return commands

    def _attend(self, session_id: int, round_no: int) -> list[str]:
        people = team_of(self.sessions[session_id])[: 4 + round_no]
        args = ["attend", str(session_id)]
        for person in people:
            status = STATUSES[(person + round_no + session_id) % len(STATUSES)]
            args += [f"--{status}", str(person)]
            if self.marks.get((session_id, person)) != status:
                self.attend_audits += 1
                self.writes += 1
            self.marks[(session_id, person)] = status
        return args

    def _move(self, session_id: int) -> list[str]:
        day = self.sessions[session_id]["start"][:10]
        self.moves[session_id] += 1
        self.writes += 1
        hour = 9 + (self.moves[session_id] % 5)
        return ["session", "move", str(session_id), "--to", f"{day} {hour:02d}:00"]


def run_together(
    commands: list[list[str]], hold: float = 0.0
) -> list[tuple[list[str], int, str, str]]:
    """Start every command before waiting for any of them.

    With `hold`, the test keeps the write lock for that many seconds after starting
    them, so every process has read what it needs before any of them can write:
    the widest window a check-then-write race can have.
    """
    env = {**os.environ, "REFOCUS_NOW": LATER}
    executable = refocus_executable()
    holder = None
    if hold:
        holder = sqlite3.connect(os.environ["REFOCUS_DB"], isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    running = [
        (command, subprocess.Popen([executable, *command], env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        for command in commands
    ]  # fmt: skip
    if holder is not None:
        time.sleep(hold)
        holder.execute("COMMIT")
        holder.close()
    finished = []
    for command, process in running:
        stdout, stderr = process.communicate(timeout=60)
        finished.append((command, process.returncode, stdout, stderr))
    return finished


def audit_counts(db) -> Counter[str]:
    conn = sqlite3.connect(db)
    try:
        return Counter(
            f"{action} {entity}"
            for action, entity in conn.execute("SELECT action, entity FROM audit")
        )
    finally:
        conn.close()


def count(db, sql: str, params=()) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize(("processes", "rounds"), [(2, 3), (8, 2)])
def test_concurrent_writers_lose_nothing(rollout, env_setup, processes, rounds, record_property):
    db = env_setup
    staff_before = count(db, "SELECT count(*) FROM staff")
    audits_before = audit_counts(db)
    work = Workload(rollout)
    started = time.monotonic()
    failures = []
    for round_no in range(rounds):
        for command, code, stdout, stderr in run_together(
            work.commands(processes, round_no, tag=str(processes))
        ):
            if code != 0 or "locked" in stdout + stderr or "Traceback" in stdout + stderr:
                failures.append((command, code, stderr))
    elapsed = time.monotonic() - started
    assert failures == []

    conn = sqlite3.connect(db)
    marks = {
        (session_id, staff_id): status
        for session_id, staff_id, status in conn.execute(
            "SELECT session_id, staff_id, status FROM attendance"
        )
    }
    audits = audit_counts(db) - audits_before
    sequences = dict(conn.execute("SELECT id, sequence FROM session"))
    new_staff = [
        row[0] for row in conn.execute("SELECT name FROM staff WHERE id > ?", [staff_before])
    ]
    held = {row[0] for row in conn.execute("SELECT id FROM session WHERE status = 'held'")}
    conn.close()

    lost = 0
    lost += sum(1 for key, status in work.marks.items() if marks.get(key) != status)
    lost += max(0, work.attend_audits - audits["attend attendance"])
    lost += sum(max(0, n - sequences[i]) for i, n in work.moves.items())
    lost += max(0, work.moves.total() - audits["move session"])
    lost += len(set(work.staff_added) - set(new_staff))
    lost += max(0, len(work.staff_added) - audits["add staff"])
    figures = (
        f"{processes} processes x {rounds} rounds, {work.writes} writes, "
        f"{lost} lost, {elapsed:.1f} s"
    )
    print(figures)
    record_property("concurrency", figures)

    assert lost == 0, figures
    assert marks == work.marks  # nothing extra either
    assert audits["attend attendance"] == work.attend_audits
    assert {i: sequences[i] for i in work.moves} == dict(work.moves)
    assert audits["move session"] == work.moves.total()
    assert sorted(new_staff) == sorted(work.staff_added)
    assert audits["add staff"] == len(work.staff_added)
    assert count(db, "SELECT count(*) FROM staff") == staff_before + len(work.staff_added)
    assert held == {session_id for session_id, _ in work.marks}
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_the_same_register_recorded_at_once_is_recorded_once(rollout, env_setup):
    """Several coordinators typing up the same sign-in sheet at the same moment."""
    session_id = min(rollout)
    people = team_of(rollout[session_id])
    register = ["attend", str(session_id)]
    for person in people:
        register += [f"--{STATUSES[person % len(STATUSES)]}", str(person)]
    outcomes = run_together([register] * 4, hold=1.5)
    assert [(code, stderr) for _, code, _, stderr in outcomes if code != 0] == []
    assert count(env_setup, "SELECT count(*) FROM attendance") == len(people)
    assert count(env_setup, "SELECT count(*) FROM audit WHERE action = 'attend'") == len(people)


def test_two_moves_into_one_slot_cannot_both_succeed(rollout, env_setup):
    """Two of North's sessions moved by two people at once into the same hour: one must lose."""
    later = datetime.fromisoformat(LATER)

    def next_north(module: str) -> int:
        return min(
            i
            for i, s in rollout.items()
            if datetime.fromisoformat(s["start"]) > later
            and s["module"] == module
            and s["teams"] == ["North CMHT"]
        )

    reflection, supervision = next_north("team-reflection"), next_north("supervision-reflection")
    slot = rollout[reflection]["start"][:10] + " 10:00"
    outcomes = run_together(
        [["session", "move", str(i), "--to", slot] for i in (reflection, supervision)], hold=1.5
    )
    assert sorted(code for _, code, _, _ in outcomes) == [0, 1], outcomes
    refused = next(stderr for _, code, _, stderr in outcomes if code == 1)
    assert refused.startswith("Error: cannot move session") and "team North CMHT is in" in refused
    assert "Traceback" not in refused
    starts = count(
        env_setup,
        "SELECT count(DISTINCT start_utc) FROM session WHERE id IN (?, ?)",
        [reflection, supervision],
    )
    assert starts == 2, "North CMHT is booked into two sessions at once"


def test_a_cohort_scheduled_twice_at_once_gets_one_plan(cli, tmp_path, env_setup):
    """Two coordinators press `schedule` for the same cohort at the same moment."""
    assert cli("init", "Busy Programme", "--start", "2027-01-11").exit_code == 0
    stages = "workshop,working-practices,coaching,practice-change"
    for args in (
        ("team", "add", "North CMHT"),
        ("staff", "add", "Ann Lee", "--team", "North CMHT", "--start", "2026-01-01"),
        ("trainer", "add", "Tess Trainer", "--stages", stages),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", stages),
        ("cohort", "create", "W1", "--team", "North CMHT"),
    ):
        assert cli(*args).exit_code == 0, args
    outcomes = run_together([["schedule", "W1"]] * 2, hold=1.5)
    assert sorted(code for _, code, _, _ in outcomes) == [0, 1], outcomes
    refused = next(stderr for _, code, _, stderr in outcomes if code == 1)
    assert refused.startswith("Error: cohort W1 already has"), refused
    stored = next(out + err for _, code, out, err in outcomes if code == 0)
    planned = int(re.search(r"Stored (\d+) sessions", stored).group(1))
    assert count(env_setup, "SELECT count(*) FROM session") == planned


def test_a_team_merged_and_disbanded_at_once_ends_one_way(rollout, env_setup, cli):
    """One coordinator merges South CMHT into North CMHT as another disbands it."""
    outcomes = run_together(
        [
            ["team", "merge", "South CMHT", "--into", "North CMHT", "--on", "2027-06-14"],
            ["team", "disband", "South CMHT", "--on", "2027-06-14"],
        ],
        hold=1.5,
    )
    assert sorted(code for _, code, _, _ in outcomes) == [0, 1], outcomes
    then = {"REFOCUS_NOW": LATER}  # looked at on the day the two commands ran
    south = cli("team", "show", "South CMHT", "--json", env=then).json()
    north = cli("staff", "list", "--team", "North CMHT", "--json", env=then).json()
    north_staff = {p["name"] for p in north}
    southerners = {f"South {n:04d}" for n in range(PEOPLE_PER_TEAM)}
    if south["status"] == "merged":  # then its staff moved across with it
        assert southerners <= north_staff
    else:
        assert south["status"] == "disbanded" and not southerners & north_staff
    assert cli("db", "check").exit_code == 0


def test_one_team_put_in_two_cohorts_at_once_joins_one(cli, env_setup):
    assert cli("init", "Busy Programme", "--start", "2027-01-11").exit_code == 0
    assert cli("team", "add", "North CMHT").exit_code == 0
    outcomes = run_together(
        [["cohort", "create", name, "--team", "North CMHT"] for name in ("W1", "W2")], hold=1.5
    )
    assert sorted(code for _, code, _, _ in outcomes) == [0, 1], outcomes
    refused = next(stderr for _, code, _, stderr in outcomes if code == 1)
    assert "is already in cohort" in refused
    assert count(env_setup, "SELECT count(*) FROM cohort_team") == 1
