"""Where writers write: `-o -` is standard output for every writer; a FIFO, device,
socket or folder given as -o is refused before any work and left as it was; a symlink
is replaced, never followed; missing folders are made; an unwritable one is a clear
error."""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import _command, refocus_executable, two_team_rollout
from pypdf import PdfReader

OUT = "@out"
WRITERS = {
    "handout pdf": ["handout", "strengths", "-o", OUT],
    "handout html": ["handout", "strengths", "--format", "html", "-o", OUT],
    "pack": ["pack", "1", "--only", "cover,register", "-o", OUT],
    "report html": ["report", "html", "-o", OUT],
    "export ics": ["export", "ics", "--all", "-o", OUT],
    "export csv": ["export", "csv", "sessions", "-o", OUT],
    "export json": ["export", "json", "sessions", "-o", OUT],
}
FILE_WRITERS = {**WRITERS, "db backup": ["db", "backup", OUT]}
NOT_REGULAR = "is not a regular file; give a file path or - for standard output"


@pytest.fixture
def rollout(cli, from_template, tmp_path):
    """Two teams of two, scheduled (built once, copied for each test)."""
    from_template("output-paths", lambda: two_team_rollout(cli, tmp_path, 2, "Output Trust"))
    return cli


def _args(writer: str, out: str | Path) -> list[str]:
    return [str(out) if arg == OUT else arg for arg in FILE_WRITERS[writer]]


def _bytes_of(args: list[str]) -> tuple[int, bytes, str]:
    """Run refocus in-process and keep standard output as bytes (a PDF is not text)."""
    result = CliRunner().invoke(_command(), args, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


def _refused(done, words: str) -> None:
    assert done.exit_code == 1, done
    assert done.stderr.startswith("Error: ") and words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stdout == ""


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_dash_writes_to_standard_output(rollout, writer):
    code, out, err = _bytes_of(_args(writer, "-"))
    assert code == 0, err
    if writer in ("handout pdf", "pack"):
        assert out.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(out)).pages) >= 1
    elif writer == "export ics":
        assert out.startswith(b"BEGIN:VCALENDAR") and out.count(b"BEGIN:VEVENT") > 10
    elif writer == "export json":
        assert len(json.loads(out)) > 10
    elif writer == "export csv":
        assert out.startswith(b"id,") and len(out.splitlines()) > 10
    else:
        assert out.lstrip().lower().startswith(b"<!doctype html>")
    assert not any(Path(".").glob("-*")), "a file named - was written"


def test_text_writers_default_to_standard_output(rollout):
    for args in (["export", "ics", "--all"], ["report", "html"], ["export", "csv", "teams"]):
        code, out, err = _bytes_of(args)
        assert code == 0, err
        assert out.startswith((b"BEGIN:VCALENDAR", b"<!", b"id,")), args


@pytest.mark.parametrize("writer", sorted(FILE_WRITERS))
def test_special_files_are_refused_and_left_alone(rollout, tmp_path, writer):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(tmp_path / "sock"))
    try:
        for target, kind in [
            (fifo, stat.S_ISFIFO),
            (Path("/dev/null"), stat.S_ISCHR),
            (folder, stat.S_ISDIR),
            (tmp_path / "sock", stat.S_ISSOCK),
        ]:
            _refused(rollout(*_args(writer, target)), NOT_REGULAR)
            assert kind(os.lstat(target).st_mode), f"{target} was replaced"
    finally:
        listening.close()
    assert os.listdir(folder) == [] and sorted(os.listdir(tmp_path)).count("pipe") == 1


@pytest.mark.parametrize("writer", sorted(FILE_WRITERS))
def test_a_symlink_is_replaced_never_followed(rollout, tmp_path, writer):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    for name, target in (("to-stdout", "/proc/self/fd/1"), ("to-file", victim)):
        link = tmp_path / name
        link.symlink_to(target)
        done = rollout(*_args(writer, link))
        if writer == "db backup":  # a backup never replaces anything that exists
            _refused(done, "already exists")
            assert link.is_symlink()
            continue
        assert done.exit_code == 0, done.stderr
        assert done.stdout == "", "the data went through the link"
        assert not link.is_symlink() and link.is_file()
        assert stat.S_IMODE(link.stat().st_mode) == 0o600
    assert victim.read_text() == "keep me\n"


@pytest.mark.parametrize("writer", sorted(FILE_WRITERS))
def test_missing_folders_are_made(rollout, tmp_path, writer):
    target = tmp_path / "new" / "deeper" / "out.file"
    done = rollout(*_args(writer, target))
    assert done.exit_code == 0, done.stderr
    assert target.is_file() and target.stat().st_size > 100
    assert str(target) in done.stderr or writer.startswith("export") and done.stderr == ""


def _lock(path: Path, on: bool) -> bool:
    """Make a folder unwritable, even for root (who ignores permission bits)."""
    if os.geteuid() != 0:
        path.chmod(0o500 if on else 0o700)
        return True
    try:
        flag = "+i" if on else "-i"
        return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


def test_an_unwritable_folder_is_a_clear_error(rollout, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    if not _lock(locked, True):
        pytest.skip("this file system cannot make a folder unwritable for root (chattr)")
    try:
        for writer in sorted(FILE_WRITERS):
            done = rollout(*_args(writer, locked / "out.file"))
            _refused(done, f"cannot write in the folder {locked}")
            done = rollout(*_args(writer, locked / "sub" / "out.file"))
            _refused(done, f"cannot write in the folder {locked}")
        done = rollout("pack", "--cohort", "W1", "--stage", "workshop", "-o", str(locked / "p"))
        _refused(done, f"cannot write in the folder {locked}")
    finally:
        _lock(locked, False)
    assert os.listdir(locked) == []


def test_packs_for_a_stage_need_a_folder(rollout, tmp_path):
    done = rollout("pack", "--cohort", "W1", "--stage", "workshop", "-o", "-")
    _refused(done, "-o names a folder")
    (tmp_path / "file").write_text("x")
    done = rollout("pack", "--cohort", "W1", "--stage", "workshop", "-o", str(tmp_path / "file"))
    _refused(done, "is not a folder")


def test_a_pdf_is_not_poured_onto_a_terminal(rollout, monkeypatch):
    from types import SimpleNamespace

    from refocus_cli.render import files

    class Terminal:
        buffer = io.BytesIO()

        def isatty(self) -> bool:
            return True

        def flush(self) -> None:
            pass

    terminal = Terminal()
    monkeypatch.setattr(files, "sys", SimpleNamespace(stdout=terminal))
    for args in (["handout", "strengths", "-o", "-"], ["pack", "1", "-o", "-"]):
        _refused(rollout(*args), "standard output is a terminal: redirect it (> FILE)")
    assert terminal.buffer.getvalue() == b""
    done = rollout("handout", "strengths", "--format", "html", "-o", "-")
    assert done.exit_code == 0 and b"<html" in terminal.buffer.getvalue().lower()


@pytest.mark.parametrize("writer", sorted(FILE_WRITERS))
def test_a_bad_output_is_refused_before_the_database_is_opened(cli, tmp_path, writer):
    os.mkfifo(tmp_path / "pipe")
    done = cli(*_args(writer, tmp_path / "pipe"), "--db", str(tmp_path / "none" / "x.db"))
    _refused(done, NOT_REGULAR)
    assert not (tmp_path / "none").exists()


def test_the_installed_command_pipes_a_whole_pdf(rollout, env_setup):
    """A real process: the PDF's bytes reach the pipe untouched by any text encoding."""
    done = subprocess.run(
        [refocus_executable(), "pack", "1", "--only", "cover", "-o", "-"],
        capture_output=True,
        env={**os.environ, "REFOCUS_DB": str(env_setup)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"%PDF-") and done.stdout.rstrip().endswith(b"%%EOF")
    assert len(PdfReader(io.BytesIO(done.stdout)).pages) == 1
    assert b"standard output" in done.stderr
