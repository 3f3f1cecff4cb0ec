"""Every test gets its own database file, a fixed clock and a plain terminal.

How the suite stays fast (issue 12), without changing what a test checks:
- Commands run in-process (`cli`) through one click command built once per session:
  Typer's own `CliRunner.invoke` rebuilds it from every command's annotations on each
  call, which costs more than most commands do.
- A database many tests start from is built once per session through the CLI
  (`from_template`) and each test gets its own copy of the file.
- `sh` runs the installed `refocus` in a subprocess (~0.35 s a call). It is kept for
  the tests that prove the console script, the wheel, crashes (SIGKILL) and several
  processes writing at once.
- Tests run on every core (pytest-xdist, pyproject.toml): each worker builds its own
  templates under its own temporary folder, so workers share no files.
- Files go on a RAM disk (/dev/shm) where there is one with room: every commit of a
  real SQLite database in WAL mode waits for the disk (fsync), and on this machine's
  disk that wait, not the work, was most of a test's time. A test sees the same real
  database file either way; only a power cut, which no test makes, tells them apart.
- Hypothesis: every property test keeps its number of examples. The profile below
  drops the per-example deadline (two workers on a busy machine make timings noisy)
  and the example database (no `.hypothesis` folder shared between workers).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
import typer
from hypothesis import settings
from typer.testing import CliRunner

from refocus_cli.cli.app import app

FIXED_NOW = "2027-01-04T09:00:00+00:00"  # a Monday, before the demo programme starts
# The world every command sees unless a test says otherwise (None: unset).
ENVIRONMENT: dict[str, str | None] = {
    "REFOCUS_NOW": FIXED_NOW,
    "REFOCUS_ACTOR": "tester",
    "REFOCUS_MANUAL": None,  # the shipped curriculum
    "NO_COLOR": "1",
    "COLUMNS": "200",
    "TERM": "dumb",
}

RAM_DISK = Path("/dev/shm")
RAM_DISK_ROOM = 2 * 1024**3  # bytes free the suite's files need, with room to spare


def _ram_disk_folder() -> Path | None:
    """A new private folder on the RAM disk, or None without one (or without room)."""
    try:
        room = shutil.disk_usage(RAM_DISK).free
    except OSError:
        return None
    if room < RAM_DISK_ROOM or not os.access(RAM_DISK, os.W_OK):
        return None
    return Path(tempfile.mkdtemp(prefix="refocus-tests-", dir=RAM_DISK))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """In the main process of a run given no --basetemp: every temporary file of the
    run (pytest's, the workers', and `tempfile`'s in tests and subprocesses) in one
    folder on the RAM disk, removed when the run ends."""
    if config.option.basetemp or hasattr(config, "workerinput"):
        return
    folder = _ram_disk_folder()
    if folder is None:
        return
    config.option.basetemp = str(folder / "pytest")
    os.environ["TMPDIR"] = str(folder)  # workers and subprocesses inherit it
    tempfile.tempdir = str(folder)
    config.stash[_RAM_FOLDER] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_RAM_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


_RAM_FOLDER = pytest.StashKey[Path]()

settings.register_profile("refocus", database=None, deadline=None)
settings.load_profile("refocus")

T = TypeVar("T")


@pytest.fixture(autouse=True)
def env_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "refocus.db"
    monkeypatch.setenv("REFOCUS_DB", str(db))
    for name, value in ENVIRONMENT.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    return db


class Result:
    """What a command did: exit code, stdout, stderr."""

    def __init__(self, exit_code: int, stdout: str, stderr: str, exception: BaseException | None):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.exception = exception

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"<Result {self.exit_code} stdout={self.stdout!r} stderr={self.stderr!r}>"


@functools.cache
def _command() -> Any:
    """The click command behind `refocus`, built from the Typer app once."""
    return typer.main.get_command(app)


def invoke(
    args: Sequence[str], input: str | None = None, env: Mapping[str, str | None] | None = None
) -> Result:
    """Run refocus in-process, as `refocus ARGS` would, with `env` laid over os.environ.

    An exception other than an exit is raised in the test: a command must never crash.
    """
    runner = CliRunner()
    exit_code, exception = 0, None
    with runner.isolation(input=input, env=env) as (stdout, stderr, _):
        try:
            _command().main(args=list(args), prog_name="refocus")
        except SystemExit as exc:
            exit_code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code)  # sys.exit("message") prints it, as Python does
            exception = exc if exit_code else None
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        out, err = stdout.getvalue(), stderr.getvalue()
    text = [stream.decode(runner.charset, "replace").replace("\r\n", "\n") for stream in (out, err)]
    return Result(exit_code, text[0], text[1], exception)


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run refocus in-process: cli("team", "list", "--json"); env={...} for this call only."""

    def run(
        *args: str, input: str | None = None, env: Mapping[str, str | None] | None = None
    ) -> Result:
        return invoke(args, input=input, env=env)

    return run


def succeeding(run: Callable[..., Result]) -> Callable[..., Result]:
    """`run` (a test's `cli`, or `on_database`) for the commands a test sets up with: one
    that fails fails the test there, naming the command and what it said."""

    def ok(*args: str, **options: Any) -> Result:
        done = run(*args, **options)
        assert done.exit_code == 0, (args, done.stderr)
        return done

    return ok


def on_database(db: Path) -> Callable[..., Result]:
    """Run refocus in-process on `db`, a module's own build outside any test's
    environment, with the fixed clock unless a call sets `now`."""

    def run(*args: str, now: str = FIXED_NOW) -> Result:
        return invoke(args, env={**ENVIRONMENT, "REFOCUS_DB": str(db), "REFOCUS_NOW": now})

    return run


def refocus_executable() -> str:
    """The installed `refocus` console script, as a user would type it."""
    beside = Path(sys.executable).parent / "refocus"
    found = str(beside) if beside.exists() else shutil.which("refocus")
    if not found:
        raise RuntimeError("the refocus command is not installed: pip install -e '.[test]'")
    return found


@pytest.fixture
def sh() -> Callable[..., subprocess.CompletedProcess]:
    """Run the installed `refocus` command in a subprocess: sh("team", "list")."""
    executable = refocus_executable()

    def run(*args: str, input: str | None = None, env: dict | None = None):
        return subprocess.run(
            [executable, *args],
            input=input,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=120,
        )

    return run


# Run the console script's main() on argv[2:], then print (to stderr, one line) which
# of the top-level modules named in argv[1] it had imported when it ended the process.
_LOADED_PROBE = """
import json, os, sys
wanted, sys.argv = set(json.loads(sys.argv[1])), ["refocus", *sys.argv[2:]]
from refocus_cli.cli.app import main
end = os._exit

def ended(status):  # main ends the process with os._exit, after flushing its output
    loaded = sorted(name for name in sys.modules if name in wanted)
    print("LOADED=" + json.dumps(loaded), file=sys.stderr, flush=True)
    end(status)

os._exit = ended
main()
"""


def modules_loaded(
    args: Sequence[str], names: set[str]
) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run `refocus ARGS` as the console script does, in a fresh interpreter: what it
    printed, and which of the modules `names` it had imported when it ended."""
    done = subprocess.run(
        [sys.executable, "-c", _LOADED_PROBE, json.dumps(sorted(names)), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    marker = [line for line in done.stderr.splitlines() if line.startswith("LOADED=")]
    assert marker, done.stderr
    return done, json.loads(marker[-1].removeprefix("LOADED="))


def copy_database(source: Path, target: Path) -> None:
    """Copy a database file, with its write-ahead log should one be left, keeping its mode."""
    for suffix in ("-wal", "-shm"):  # a log left beside the target belongs to another file
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")


@pytest.fixture(scope="session")
def _templates() -> dict[str, tuple[Path, Any]]:
    """The databases `from_template` built this session, and what building them returned."""
    return {}


@pytest.fixture
def from_template(
    env_setup: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _templates: dict[str, tuple[Path, Any]],
) -> Callable[[str, Callable[[], T]], T]:
    """Start this test's database as `build()` leaves it, built once per session.

    The first test to ask for `name` runs `build` (through its own `cli`, on its own
    database) and keeps a copy of the database and of what `build` returned; later
    tests get copies of both. `build` must depend on nothing but its name: it sets the
    clock per call (cli(..., env={"REFOCUS_NOW": ...})), never for the test.
    """

    def use(name: str, build: Callable[[], T]) -> T:
        if name not in _templates:
            value = build()
            template = tmp_path_factory.mktemp("template") / f"{name}.db"
            copy_database(env_setup, template)
            _templates[name] = (template, value)
        else:
            template, value = _templates[name]
            copy_database(template, env_setup)
        return copy.deepcopy(value)

    return use


def _programme(cli: Callable[..., Result]) -> None:
    assert cli("init", "Test Programme", "--start", "2027-01-11").exit_code == 0
    assert cli("team", "add", "North CMHT", "--site", "North", "--kind", "CMHT").exit_code == 0
    assert cli("team", "add", "South CMHT", "--site", "South", "--kind", "CMHT").exit_code == 0


@pytest.fixture
def programme(cli, from_template) -> Callable[..., Result]:
    """A database with a programme, two teams, and the runner to go on with."""
    from_template("programme", lambda: _programme(cli))
    return cli


def two_team_rollout(cli, folder: Path, per_team: int, programme: str) -> None:
    """North and South CMHT with `per_team` staff each (North ids first), two trainers
    who deliver every stage, and cohort W1 scheduled, all through the CLI."""
    assert cli("init", programme, "--start", "2027-01-11").exit_code == 0
    roster = ["name,team,start"]
    for team in ("North CMHT", "South CMHT"):
        assert cli("team", "add", team).exit_code == 0
        roster += [f"{team[:5]} {n:04d},{team},2026-01-01" for n in range(per_team)]
    (folder / "roster.csv").write_text("\n".join(roster) + "\n")
    assert cli("staff", "import", str(folder / "roster.csv")).exit_code == 0
    stages = "workshop,working-practices,coaching,practice-change"
    for args in (
        ("trainer", "add", "Tess Trainer", "--stages", stages),
        ("trainer", "add", "Len Lived", "--lived-experience", "--stages", stages),
        ("cohort", "create", "W1", "--team", "North CMHT", "--team", "South CMHT"),
        ("schedule", "W1"),
    ):
        assert cli(*args).exit_code == 0, args


# The few long tests (a played year of rollout, the bad-input sweep, real processes
# killed or racing) go first: the two workers start on them while the many short tests
# are left for whichever worker is free, instead of one long test starting last.
LONG_FIRST = (
    "test_rollout_stateful.py",
    "test_architecture.py",  # mypy, with no cache in a fresh clone: about 9 s
    "test_bad_input_sweep.py",
    "test_concurrency.py",
    "test_crash_safety.py",
    "test_acceptance.py",
    "test_caldav.py",
    "test_invitations.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the long test modules first, in LONG_FIRST's order (each kept whole)."""

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST)

    items.sort(key=rank)
