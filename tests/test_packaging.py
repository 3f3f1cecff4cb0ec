"""The package as a user gets it: a wheel with manual/ and templates/, and a fast start."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import modules_loaded

REPO = Path(__file__).resolve().parent.parent
HEAVY = {"sqlite_utils", "jinja2", "icalendar", "openpyxl", "typst", "holidays"}


@pytest.mark.parametrize(
    "args", [["--help"], ["--version"], ["team", "--help"], ["staff", "import", "--help"]]
)
def test_help_and_version_do_not_import_heavy_libraries(args):
    done, loaded = modules_loaded(args, HEAVY)
    assert done.returncode == 0, done.stderr
    assert loaded == []
    assert "refocus" in done.stdout


def test_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "refocus_cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("refocus ")


def test_wheel_ships_manual_and_templates_and_runs(tmp_path):
    """Build the wheel, install it alone into a fresh venv, and run `refocus --help` from it."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("refocus-*.whl")
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # The dependencies come from this environment; the project itself only from the wheel
    # (a bare path line: .pth files there, such as the editable install's, are not run).
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = (
        "import refocus_cli, refocus_cli.resources as r; "
        "print(refocus_cli.__file__); print(r.manual_dir()); print(r.templates_dir())"
    )
    where = subprocess.run(
        [str(python), "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.split()
    assert all(Path(path).is_relative_to(venv) for path in where), where
    assert any(Path(where[1]).iterdir()) and any(Path(where[2]).iterdir())
    helped = subprocess.run(
        [str(python), "-m", "refocus_cli", "--help"], capture_output=True, text=True, cwd=tmp_path
    )
    assert helped.returncode == 0, helped.stderr
    assert "cohort" in helped.stdout
