"""Every command, given malformed values, fails cleanly and changes nothing.

The sweep walks the Typer app (so a new command is swept as soon as it exists),
builds a valid call of each command, then spoils one value at a time: impossible
dates, words for dates, dates outside 2000–2100, a time in a clock-change gap,
negative and huge numbers, unknown ids, empty strings, 10,000-character names,
control characters (C0 and C1), right-to-left overrides and zero-width spaces,
3,000-character emails, unreadable or binary files, spreadsheets built to exhaust
memory (tests/hostile_files.py), a roster and register with escapes in their
cells, a device for a file, folders where files belong, unwritable outputs, and
databases that are folders or read-only. Each call must exit 1 (one `Error: `
line) or 2 (usage), show no traceback, and leave every table as it was.
Hypothesis then feeds arbitrary text and bytes to the roster and register parsers.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import hostile_files as hostile
import pytest
import typer.main
import typer.testing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from refocus_cli.cli.app import app
from refocus_cli.core.errors import InvalidInput, RefocusError
from refocus_cli.core.programme import STAGES
from refocus_cli.core.register import STATUSES, read_register, status_of
from refocus_cli.core.roster import RosterContext, check_roster
from refocus_cli.core.tabular import Table, parse_csv
from refocus_cli.readers.sheets import read_table

HUGE = str(10**20)
LONG = "A" * 10_000
NUL = "bad\x00name"
ESCAPE = "\x1b[31mred\x1b[0m"
BIDI = "Ann \u202eeeL"  # a right-to-left override: shows as "Ann Lee"
C1 = "bad\x9bname"  # a C1 control (CSI)
HIDDEN = "An\u200bn"  # a zero-width space


def _commands(command, path):
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in subcommands.items():
            yield from _commands(sub, [*path, name])
    else:
        yield tuple(path), command


COMMANDS = dict(_commands(typer.main.get_command(app), []))

# Malformed values by the kind of value a parameter takes.
BAD = {
    "ref": ["999999", "-1", HUGE, "²", "", LONG, NUL, ESCAPE],
    "name": ["", "   ", LONG, NUL, ESCAPE, "12345", BIDI, C1, HIDDEN],
    "date": ["2027-02-30", "tomorrow", "", "-1", HUGE, NUL, LONG, "9999-12-31", "0001-01-01"],
    "datetime": [
        "2027-02-30 10:00",
        "2027-03-01 25:00",
        "tomorrow",
        "",
        NUL,
        "9999-12-31 23:59",
        "0001-01-01 00:00",
        "2027-03-28 01:30",  # in Europe/London's spring-forward gap
    ],
    "int": ["-1", HUGE, "many", ""],
    "seed": ["many", "", "1.5"],
    "limit": ["-1", "many", "", "1.5"],  # a huge limit is just "all of them"
    "alarm": ["nonsense", "0m", "1x", "²d", HUGE + "d", "999999h", NUL],
    "count": ["-1", "0", HUGE],
    "choice": ["nonsense", "", NUL, LONG],
    "email": [
        "not-an-email",
        "a@b",
        "x\x00@example.org",
        LONG + "@example.org",
        "a" * 2988 + "@example.org",
        "ann\u202e@example.org",
    ],
    "text": [LONG, NUL, ESCAPE, BIDI, C1, HIDDEN],
    "url": ["not a url", "", "ftp://example.org/cal", "http://127.0.0.1:99999/", "http://[::1"],
    "in": [
        "@dir",
        "@missing",
        "@latin",
        "@binary.csv",
        "@binary.xlsx",
        "@empty",
        "@proc",
        "@huge_ids",
        "@superscript_ids",
        "@bomb.xlsx",
        "@strings.xlsx",
        "@rows.xlsx",
        "@escapes.csv",
        "@dev_zero",
    ],
    "out": ["@proc_out", "@readonly_out", "@dir", ""],
    "folder_out": ["@proc_out", "@readonly_out", "@a_file"],
    "folder": ["@a_file", "@missing", "@junk_folder"],
    "db": ["@dir", "@readonly_db", "@garbage_db", "@missing"],
}

# What each parameter takes, by command and parameter name; `*` is any command.
KINDS = {
    ("*", "db"): "db",
    ("*", "manual"): "folder",
    ("*", "templates"): "folder",
    ("*", "output"): "out",
    ("*", "on"): "date",
    ("*", "start"): "date",
    ("*", "since"): "date",
    ("*", "until"): "date",
    ("*", "end"): "date",
    ("*", "day"): "date",
    ("*", "email"): "email",
    ("*", "organiser"): "email",
    ("*", "reason"): "text",
    ("*", "site"): "text",
    ("*", "kind"): "text",
    ("*", "role"): "text",
    ("*", "visitor"): "name",
    ("*", "calendar_name"): "text",
    ("*", "user"): "text",
    ("*", "url"): "url",
    ("*", "tz"): "choice",
    ("*", "region"): "choice",
    ("*", "scale"): "choice",
    ("*", "fmt"): "choice",
    ("*", "only"): "choice",
    ("*", "what"): "choice",
    ("*", "stages"): "choice",
    ("*", "stage"): "choice",
    ("*", "alarm"): "alarm",
    ("*", "capacity"): "count",
    ("*", "limit"): "limit",
    ("*", "duration"): "count",
    ("*", "sessions"): "count",
    ("*", "spacing"): "int",
    ("*", "max_group"): "count",
    ("*", "seed"): "seed",
    ("*", "out"): "folder_out",
    ("*", "file"): "in",
    ("*", "register"): "in",
    ("*", "name"): "name",
    ("programme set", "organisation"): "text",
    ("programme set", "signatory"): "text",
    ("programme set", "logo"): "in",
    ("closure add", "to"): "date",
    ("closure remove", "to"): "date",
    ("programme set", "follow_up"): "date",
    ("session move", "to"): "datetime",
    ("db backup", "file"): "out",
}

# A valid value for each parameter a command needs, by command and name.
VALID = {
    ("*", "session"): "1",
    ("*", "cohort"): "W1",
    ("*", "team"): "North CMHT",
    ("*", "person"): "Ann Lee",
    ("*", "trainer"): "Tess Trainer",
    ("*", "staff"): "Ann Lee",
    ("*", "module"): "strengths",
    ("*", "what"): "sessions",
    ("*", "into"): "South CMHT",
    ("*", "to"): "South CMHT",
    ("*", "output"): "@fresh_out",
    ("*", "start"): "2027-03-01",
    ("*", "end"): "2027-03-02",
    ("*", "name"): "Fresh Name",
    ("*", "capacity"): "12",
    ("*", "url"): "http://127.0.0.1:9/",
    ("*", "day"): "2027-03-03",
    ("*", "file"): "@roster",
    ("*", "present"): "Ann Lee",
    ("staff add", "team"): "North CMHT",
    ("trainer unavailable", "start"): "2027-03-01",
    ("db backup", "file"): "@fresh_out",
    ("db restore", "file"): "@backup",
    ("init", "db"): "@fresh_db",
    ("demo", "db"): "@fresh_db",
    ("demo", "out"): "@fresh_out",
    ("schedule", "cohort"): "W2",  # W1 is scheduled already
    ("schedule", "cohort_option"): "W2",
    ("replan", "cohort_option"): "W1",
    ("measure window add", "kind"): "baseline",
    ("measure window remove", "window"): "1",
    ("measure import", "file"): "@scores",
    ("measure import", "measure"): "staff-recovery-promotion",
    ("measure import", "window"): "baseline",
    ("evaluate", "source"): "@forms",
    ("session delivered", "delivered_by"): "Tess Trainer",
    ("cohort create", "team"): "West CMHT",  # in no cohort yet
    ("manual set", "duration"): "90",
    ("staff edit", "role"): "senior nurse",
    ("team edit", "site"): "Northgate",
    ("trainer edit", "email"): "tess@nhs.example",
    ("trainer remove", "trainer"): "Spare Trainer",
    ("*", "venue"): "Hall",
    ("venue edit", "site"): "Main site",
    ("venue remove", "venue"): "Spare Room",
    ("closure remove", "day"): "2027-12-24",
    ("cohort add-team", "teams"): "West CMHT",
    ("programme set", "notice_days"): "5",
    ("feeds serve", "port"): "0",  # any free port (with --check it only tries)
    ("feeds build", "out"): "@fresh_out",
}
# Optional values a command needs to do anything at all.
NEEDED = {
    ("session delivered", "delivered_by"),
    ("schedule", "cohort_option"),
    ("replan", "cohort_option"),
    ("attend", "session"),
    ("attend", "present"),
    ("pack", "session"),
    ("manual set", "duration"),
    ("export ics", "cohort"),
    ("staff edit", "role"),
    ("team edit", "site"),
    ("trainer edit", "email"),
    ("venue edit", "site"),
    ("programme set", "notice_days"),
    ("closure add", "day"),
    ("closure remove", "day"),
    ("session assign", "venue"),
    ("feeds serve", "port"),
    ("feeds build", "out"),
    ("feeds revoke", "trainer"),
    ("feeds rotate", "trainer"),
}
FLAGS = {("staff", "forget"): ["--yes"], ("undo",): ["--yes"], ("db", "restore"): ["--yes"]}
FLAGS[("feeds", "serve")] = ["--check"]  # serving would never return
# Commands that make a new database: their valid call names a fresh file.
CREATES = {("init",), ("demo",)}
# Parameters that are never spoiled: on/off flags, and confirmation.
SKIP = {"help", "yes", "interactive"}


def lookup(table: dict, path: tuple[str, ...], name: str):
    return table.get((" ".join(path), name), table.get(("*", name)))


def kind_of(path: tuple[str, ...], param) -> str | None:
    if getattr(param, "is_flag", False) or param.name in SKIP:
        return None
    kind = lookup(KINDS, path, param.name)
    if kind:
        return kind
    bare = str(param.bare_type())
    return {"int": "int", "Path": "in"}.get(bare, "ref")


def flag(param) -> str | None:
    """The option's first long flag, or None for an argument."""
    if param.param_type_name == "argument":
        return None
    return next((o for o in param.opts if o.startswith("--")), param.opts[0])


def invocation(path, command, spoil=None, bad=None) -> list[str]:
    """A valid call of `command`, with parameter `spoil` given the value `bad`."""
    args: list[str] = []
    tail: list[str] = []
    for param in command.params:
        if param.name in SKIP or getattr(param, "is_flag", False):
            continue
        if param is spoil:
            value = bad
        else:
            value = lookup(VALID, path, param.name)
            needed = (
                param.required
                or (" ".join(path), param.name) in NEEDED
                or (path in CREATES and param.name == "db")
            )
            if value is None or not needed:
                continue
        if flag(param) is None:
            tail.append(value)
        else:
            args += [flag(param), value]
    # A lone "--" keeps values such as "-1" as values, not options.
    return [*path, *FLAGS.get(path, []), *args, *(["--", *tail] if tail else [])]


def read_only(path: Path, on: bool = True) -> bool:
    """Make a file or folder unwritable, even for root (who ignores permission bits),
    or writable again; False when this file system cannot."""
    if os.geteuid() != 0:
        path.chmod((0o500 if path.is_dir() else 0o400) if on else 0o700)
        return True
    try:
        done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    except FileNotFoundError:
        return False
    return done.returncode == 0


class World:
    """The files and folders the spoiled values point at."""

    def __init__(self, root: Path, db: Path):
        self.root = root
        self.db = db
        self.fresh = 0
        (root / "a_folder").mkdir()
        (root / "latin.csv").write_bytes(b"name,team\n\xff\xfe\xfa\x81,\x8d\x8f\x90\n")
        (root / "binary.csv").write_bytes(bytes(range(256)) * 8)
        (root / "binary.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
        (root / "empty.csv").write_bytes(b"")
        (root / "a_file.txt").write_text("not a folder\n")
        junk = root / "junk_folder"
        (junk / "modules").mkdir(parents=True)
        (junk / "curriculum.toml").write_bytes(b"\xff\xfe[[module]\x00 = = \n")
        (junk / "modules" / "strengths.toml").write_bytes(bytes(range(256)))
        (root / "readonly").mkdir()
        shutil.copy(db, root / "readonly.db")
        self.locked = read_only(root / "readonly") and read_only(root / "readonly.db")
        (root / "roster.csv").write_text("name,team\nZed Zimmer,North CMHT\n")
        (root / "scores.csv").write_text("person,score\nAnn Lee,3\n")
        (root / "forms.csv").write_text(
            "form,useful,understood,able,trainers,recovery,will_do,better\n1-1,5,4,4,5,5,,\n"
        )
        (root / "huge_ids.csv").write_text(f"session,name,status\n{HUGE},{HUGE},present\n")
        (root / "superscript_ids.csv").write_text("session,name,status\n²,²,present\n")
        hostile.whitespace_bomb(root / "bomb.xlsx")
        hostile.shared_strings(root / "strings.xlsx", 20_000_000)
        hostile.empty_rows(root / "rows.xlsx", 3_000_000, pad=200_000)
        # Fits a roster and a register: an escape in the name, an override in the role.
        (root / "escapes.csv").write_text(
            "name,team,status,visitor,role\nZed\x1b[2J,North CMHT,present,yes,\u202enurse\n"
        )
        conn = sqlite3.connect(db)
        conn.execute(f"VACUUM INTO '{root / 'backup.db'}'")
        conn.close()

    def resolve(self, value: str) -> str:
        if not value.startswith("@"):
            return value
        self.fresh += 1
        key = value[1:]
        if key == "garbage_db":  # a new one each time: `db restore` repairs it
            garbage = self.root / f"garbage-{self.fresh}.db"
            garbage.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
            return str(garbage)
        return str(
            {
                "dir": self.root / "a_folder",
                "missing": self.root / "no" / "such" / "file.csv",
                "latin": self.root / "latin.csv",
                "binary.csv": self.root / "binary.csv",
                "binary.xlsx": self.root / "binary.xlsx",
                "empty": self.root / "empty.csv",
                "proc": "/proc/self/mem",
                "proc_out": "/proc/x/out.ics",
                "readonly_out": self.root / "readonly" / "out.ics",
                "a_file": self.root / "a_file.txt",
                "junk_folder": self.root / "junk_folder",
                "readonly_db": self.root / "readonly.db",
                "huge_ids": self.root / "huge_ids.csv",
                "superscript_ids": self.root / "superscript_ids.csv",
                "bomb.xlsx": self.root / "bomb.xlsx",
                "strings.xlsx": self.root / "strings.xlsx",
                "rows.xlsx": self.root / "rows.xlsx",
                "escapes.csv": self.root / "escapes.csv",
                "dev_zero": "/dev/zero",
                "fresh_out": self.root / f"fresh-{self.fresh}.out",
                "fresh_db": self.root / f"fresh-{self.fresh}.db",
                "roster": self.root / "roster.csv",
                "scores": self.root / "scores.csv",
                "forms": self.root / "forms.csv",
                "backup": self.root / "backup.db",
            }[key]
        )


def dump(db: Path) -> str:
    """Every table's schema and rows, as a digest (iterdump's content, without its SQL)."""
    conn = sqlite3.connect(db)
    try:
        digest = hashlib.sha256()
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        for kind, name, sql in schema.fetchall():
            digest.update(repr((kind, name, sql)).encode())
            if kind == "table":
                digest.update(repr(conn.execute(f'SELECT * FROM "{name}"').fetchall()).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def fingerprint(db: Path) -> str:
    """A digest of the database file's bytes and its write-ahead log's (a missing log
    counts as an empty one): equal fingerprints mean equal content."""
    digest = hashlib.sha256()
    for part in (db, Path(f"{db}-wal")):
        digest.update(part.read_bytes() if part.exists() else b"")
        digest.update(b"\0")
    return digest.hexdigest()


def touched(db: Path) -> tuple[tuple[int, int, int] | None, ...]:
    """The modification and change times (in ns, as tmpfs and ext4 keep them) and sizes
    of the database and its log: a call that writes either changes them, so unchanged
    ones need no reading."""
    stats = []
    for part in (db, Path(f"{db}-wal")):
        try:
            info = part.stat()
        except FileNotFoundError:
            stats.append(None)
        else:
            stats.append((info.st_mtime_ns, info.st_ctime_ns, info.st_size))
    return tuple(stats)


def unexpected(result) -> str | None:
    """An exception that escaped the command, or a traceback it printed."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"raised {type(result.exception).__name__}: {result.exception}"
    if "Traceback" in result.stdout + result.stderr:
        return "printed a traceback"
    return None


def failed_cleanly(result) -> str | None:
    """What is wrong with how a call failed, or None when it failed as it should."""
    crashed = unexpected(result)
    if crashed:
        return crashed
    if result.exit_code not in (1, 2):
        return f"exit code {result.exit_code}"
    lines = result.stderr.rstrip("\n").split("\n")
    if result.exit_code == 1:
        if not lines[-1].startswith("Error: "):
            return f"last line of stderr is not `Error: …`: {lines[-1][:120]!r}"
        # Above the one error line, a file's problems may be listed, indented, or
        # a warning given about what was being tried (`Warning: … is not https`).
        if any(not line.startswith(("  ", "Warning: ")) for line in lines[:-1]):
            return f"more than one error line: {result.stderr[:200]!r}"
    elif not any(line.startswith("Error: ") for line in lines):
        return f"usage error without an `Error: ` line: {result.stderr[:200]!r}"
    return None


def _build_world(cli) -> dict:
    """Teams, staff, trainers, a venue, a scheduled cohort and one still to schedule."""
    for args in (
        ("staff", "add", "Ann Lee", "--team", "North CMHT", "--email", "ann@nhs.example"),
        ("staff", "add", "Bo Diaz", "--team", "South CMHT"),
        ("trainer", "add", "Tess Trainer", "--stages", ",".join(STAGES)),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", "workshop"),
        ("venue", "add", "Hall", "--capacity", "30"),
        ("cohort", "create", "W1", "--team", "North CMHT", "--team", "South CMHT"),
        ("schedule", "W1"),
        ("team", "add", "East CMHT"),
        ("team", "add", "West CMHT"),
        ("cohort", "create", "W2", "--team", "East CMHT"),
        ("trainer", "add", "Spare Trainer", "--stages", "coaching"),
        ("venue", "add", "Spare Room", "--capacity", "5"),
        ("trainer", "unavailable", "Tess Trainer", "--from", "2027-03-01", "--to", "2027-03-05"),
        ("closure", "add", "2027-12-24"),
        ("measure", "window", "add", "baseline", "--from", "2027-01-01", "--to", "2027-01-31"),
    ):
        assert cli(*args).exit_code == 0, args
    return cli("sessions", "--json").json()[-1]  # a session to move


@pytest.fixture
def world(programme, tmp_path, env_setup, monkeypatch, from_template):
    last = from_template("sweep-world", lambda: _build_world(programme))
    # Later, so the first sessions are past (registers) and the last still to come (moves).
    monkeypatch.setenv("REFOCUS_NOW", "2027-06-15T09:00:00+00:00")
    VALID[("session move", "session")] = str(last["id"])
    VALID[("session move", "to")] = last["start"][:10] + " 10:00"
    VALID[("session assign", "session")] = str(last["id"])
    # A cancelled session to restore: the one before the last, still to come.
    before_last = programme("sessions", "--json").json()[-2]
    assert programme("session", "cancel", str(before_last["id"])).exit_code == 0
    VALID[("session restore", "session")] = str(before_last["id"])
    # A held session to say who delivered: the second, past by now.
    assert programme("attend", "2", "--all-present").exit_code == 0
    VALID[("session delivered", "session")] = "2"
    root = tmp_path / "inputs"
    root.mkdir()
    try:
        yield World(root, env_setup)
    finally:
        for path in (root / "readonly", root / "readonly.db"):
            if path.exists():
                read_only(path, on=False)


# Odd values that are accepted, each for a stated reason; by command and parameter,
# with the spoiled values concerned (None: all of them).
ACCEPTED = {
    # `db path` only prints where the database would be; the curriculum needs none.
    ("db path", "db"): None,
    ("manual list", "db"): None,
    ("manual show", "db"): None,
    # Restoring over a damaged database is what `db restore` is for.
    ("db restore", "db"): {"@garbage_db"},
    # Options read only in some modes, and ignored (unchecked) in the mode swept.
    ("catchup", "manual"): None,  # read only with --schedule
    ("handout", "templates"): {"@junk_folder"},  # missing templates fall back to shipped ones
    ("pack", "templates"): {"@junk_folder"},
}


def listed(table: dict, path: tuple[str, ...], param_name: str, bad: str) -> bool:
    key = (" ".join(path), param_name)
    return key in table and (table[key] is None or bad in table[key])


def sweep(world: World, runner):
    """Run every command once as given and once per spoiled value, in-process.

    Returns the calls tried per command, the spoiled calls that went wrong, and
    the commands whose unspoiled call failed (their spoiled calls prove less).
    """
    tried: Counter[str] = Counter()
    wrong, invalid_baseline = [], []
    pristine = world.root / "pristine.db"
    shutil.copy(world.db, pristine)
    before, untouched = dump(world.db), fingerprint(world.db)
    unwritten = touched(world.db)

    def run(args: list[str]):
        nonlocal unwritten
        result = runner.invoke(app, args, input="secret\n", catch_exceptions=True)
        # Not written, or the same bytes: the same content; other bytes (a checkpoint,
        # say) are compared in full.
        changed = (
            touched(world.db) != unwritten
            and fingerprint(world.db) != untouched
            and dump(world.db) != before
        )
        if changed:  # put the database back for the next call
            for leftover in (Path(f"{world.db}-wal"), Path(f"{world.db}-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copy(pristine, world.db)
        unwritten = touched(world.db)
        return result, changed

    for path, command in COMMANDS.items():
        valid = [world.resolve(a) for a in invocation(path, command)]
        result, _ = run(valid)
        if result.exit_code != 0:
            invalid_baseline.append((" ".join(path), result.stderr.strip()[-150:]))
        for param in command.params:
            kind = kind_of(path, param)
            if kind is None:
                continue
            for bad in BAD[kind]:
                if bad.startswith("@readonly") and not world.locked:
                    continue
                args = [world.resolve(a) for a in invocation(path, command, param, bad)]
                result, changed = run(args)
                tried[" ".join(path)] += 1
                problem = failed_cleanly(result)
                # A read-only database can still be read; writing to it fails (and does).
                if listed(ACCEPTED, path, param.name, bad) or bad == "@readonly_db":
                    problem = unexpected(result)  # it may succeed, but never crash
                if changed:
                    problem = problem or "changed the database"
                if problem:
                    shown = " ".join(args).replace(LONG, "<10,000 x A>")
                    wrong.append((shown[:200], problem.replace(LONG, "<10,000 x A>")[:300]))
    return tried, wrong, invalid_baseline


def test_every_command_refuses_malformed_values_cleanly(world, monkeypatch, record_property):
    # Build the click command once: Typer otherwise rebuilds it on every call.
    built = typer.main.get_command(app)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: built)
    tried, wrong, invalid_baseline = sweep(world, CliRunner())
    figures = (
        f"bad-input sweep: {sum(tried.values())} inputs x {len(tried)} commands, "
        f"{len(wrong)} went wrong"
    )
    print(figures)
    record_property("bad_input_sweep", figures)
    assert wrong == [], "\n".join(f"{call!r}: {problem}" for call, problem in wrong)
    assert set(tried) == {" ".join(path) for path in COMMANDS}  # every command was swept
    # Each valid call works, so each spoiled value is what made its call fail
    # (publishing and inviting need a CalDAV or mail server; tests/test_caldav.py and
    # tests/test_invitations.py run one).
    assert [command for command, _ in invalid_baseline] == ["invite", "publish caldav"], (
        invalid_baseline
    )


# A few of the same, through the installed command exactly as a user types them: one
# for each way in (an argument, an option, a file read, a file written, the database,
# the global --actor); the sweep above runs every value in-process.
SH_CASES = [
    ["team", "show", HUGE],
    ["staff", "add", LONG, "--team", "North CMHT"],
    ["staff", "import", "@bomb.xlsx"],
    ["attend", "--from", "@escapes.csv"],
    ["export", "ics", "--all", "-o", "@proc_out"],
    ["team", "list", "--db", "@dir"],
    ["team", "add", "Read Only Team", "--db", "@readonly_db"],
    ["init", "Another", "--tz", LONG, "--db", "@fresh_db"],
    ["--actor", BIDI, "team", "add", "Actor Team"],
]


def test_the_installed_command_refuses_them_too(world, sh):
    before = dump(world.db)
    for case in SH_CASES:
        if "@readonly_db" in case and not world.locked:
            continue
        args = [world.resolve(arg) for arg in case]
        done = sh(*args)
        done.exit_code, done.exception = done.returncode, None
        assert failed_cleanly(done) is None, (case, failed_cleanly(done))
        assert dump(world.db) == before, case
    print(f"through the installed command: {len(SH_CASES)} inputs")


# --- the parsers, over arbitrary text and bytes ------------------------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Characters that make CSV and registers interesting, mixed into arbitrary text.
PIECES = st.sampled_from(
    [",", ";", "\t", '"', "\n", "\r", " ", "name", "team", "status", "session", "email",
     "visitor", "start", "manager", "yes", "P", "late", "12", "²", "٣", HUGE, "2027-02-30",
     "31/02/2027", "a@b.org", "\x1b[31m", "\u00a0", "é"]
)  # fmt: skip
TEXT = st.lists(PIECES | st.text(max_size=8), max_size=40).map("".join)
CELLS = st.lists(TEXT, max_size=7)
TABLES = st.builds(
    lambda headers, rows: Table("fuzz.csv", headers, [(n + 2, r) for n, r in enumerate(rows)]),
    CELLS,
    st.lists(CELLS, max_size=6),
)


def _only_refocus_errors(call) -> None:
    try:
        call()
    except RefocusError as exc:
        assert str(exc).strip() and "\n" not in str(exc)


NORTH_ONLY = RosterContext(teams={"north cmht": "North CMHT"})


@FUZZ
@given(st.binary(max_size=600) | TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_roster_checking_of_any_bytes_raises_only_refocus_errors(data):
    def check():
        table = parse_csv(data, "fuzz.csv")
        check_roster(table, NORTH_ONLY, date(2027, 1, 4), True)

    _only_refocus_errors(check)


@FUZZ
@given(TABLES, st.booleans())
def test_roster_checking_of_any_table_raises_only_refocus_errors(table, create_teams):
    _only_refocus_errors(lambda: check_roster(table, NORTH_ONLY, date(2027, 1, 4), create_teams))


@FUZZ
@given(st.binary(max_size=600) | TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_register_reading_of_any_bytes_raises_only_refocus_errors(data):
    _only_refocus_errors(lambda: read_register(parse_csv(data, "fuzz.csv")))


@FUZZ
@given(TABLES)
def test_register_reading_of_any_table_raises_only_refocus_errors(table):
    def read():
        for line in read_register(table):
            assert line.status in STATUSES and line.person == " ".join(line.person.split())

    _only_refocus_errors(read)


@FUZZ
@given(TEXT | st.text())
def test_any_status_is_read_or_refused(text):
    try:
        assert status_of(text) in STATUSES
    except InvalidInput as exc:
        assert "unknown status" in str(exc)


def _workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["session", "name", "status"])
    for n in range(20):
        sheet.append([n + 1, f"Person {n}", "present"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WORKBOOK = _workbook()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(st.tuples(st.integers(0, len(WORKBOOK) - 1), st.integers(0, 255)), max_size=12))
def test_a_damaged_workbook_raises_only_refocus_errors(tmp_path, damage):
    data = bytearray(WORKBOOK)
    for at, byte in damage:
        data[at] = byte
    path = tmp_path / "register.xlsx"
    path.write_bytes(bytes(data))
    _only_refocus_errors(lambda: read_register(read_table(path)))
