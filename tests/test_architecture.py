"""The layers of DESIGN.md section 4 hold, and the code stays small and typed enough to read.

cli → services → core, store, render, readers; cli never reaches the store itself;
store, render and readers → core; core → nothing outside core, and no I/O, clock or
environment.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "refocus_cli"

# What each layer may import from refocus_cli (besides itself); None = anything.
ALLOWED: dict[str, set[str] | None] = {
    "cli": {"cli", "services", "core", "render", "readers"},
    "services": {"services", "core", "store", "render", "readers"},
    "store": {"store", "core"},
    "render": {"render", "core"},
    "readers": {"readers", "core"},
    "core": {"core"},
}
# core is pure: none of these, whatever the path.
IMPURE = {
    "typer",
    "rich",
    "sqlite_utils",
    "sqlite3",
    "jinja2",
    "icalendar",
    "typst",
    "openpyxl",
    "os",
    "subprocess",
    "socket",
    "shutil",
    "urllib",
    "http",
    "tempfile",
    "glob",
}
IMPURE_CALLS = {"open", "input", "print"}
IMPURE_ATTRIBUTES = {("datetime", "now"), ("date", "today"), ("datetime", "today")}
LONGEST_MODULE = 400
MOST_COMPLEX = 20


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _layer(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _imports(tree: ast.AST, path: Path) -> list[tuple[int, str]]:
    """Every module named by an import anywhere in the file (lazy imports too)."""
    found = []
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def test_imports_flow_one_way():
    broken = []
    for path in _modules():
        layer = _layer(path)
        if layer is None:
            continue
        allowed = ALLOWED[layer]
        tree = ast.parse(path.read_text(), str(path))
        for line, name in _imports(tree, path):
            parts = name.split(".")
            if parts[0] == "refocus_cli" and len(parts) > 1:
                target = parts[1]
                if target in ALLOWED and allowed is not None and target not in allowed:
                    broken.append(f"{path.relative_to(REPO)}:{line} imports {name}")
            elif layer == "core" and parts[0] in IMPURE:
                broken.append(f"{path.relative_to(REPO)}:{line} (core) imports {name}")
    assert not broken, "\n".join(broken)


def test_core_does_no_io_and_reads_no_clock():
    broken = []
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in IMPURE_CALLS:
                broken.append(f"{path.relative_to(REPO)}:{node.lineno} calls {func.id}()")
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and (func.value.id, func.attr) in IMPURE_ATTRIBUTES
            ):
                broken.append(
                    f"{path.relative_to(REPO)}:{node.lineno} calls {func.value.id}.{func.attr}()"
                )
            if isinstance(func, ast.Attribute) and func.attr in {
                "read_text",
                "read_bytes",
                "write_text",
                "write_bytes",
                "glob",
                "rglob",
                "iterdir",
                "exists",
                "is_file",
                "is_dir",
            }:
                broken.append(f"{path.relative_to(REPO)}:{node.lineno} calls .{func.attr}()")
    assert not broken, "\n".join(broken)


def test_no_module_is_too_long_to_read_in_one_sitting():
    long = [
        f"{path.relative_to(REPO)} ({count} lines)"
        for path in _modules()
        if (count := len(path.read_text().splitlines())) > LONGEST_MODULE
    ]
    assert not long, "split by responsibility:\n" + "\n".join(long)


def test_no_function_is_too_complex():
    radon = pytest.importorskip("radon.complexity", reason="radon is in the test extras")
    complex_ = []
    for path in _modules():
        for block in radon.cc_visit(path.read_text()):
            if block.complexity > MOST_COMPLEX:
                complex_.append(
                    f"{path.relative_to(REPO)}:{block.lineno} {block.name} ({block.complexity})"
                )
    assert not complex_, "split these (cyclomatic complexity above 20):\n" + "\n".join(complex_)


def test_mypy_is_clean():
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
