"""Reading the manual's TOML files from disk; `core.curriculum` checks what they hold."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.curriculum_check import build_curriculum
from refocus_cli.core.manual_fields import problem


def manual_folder(directory: Path | None = None) -> Path:
    """The manual to use: `directory`, else `$REFOCUS_MANUAL`, else the one shipped with refocus."""
    if directory is not None:
        return Path(directory)
    from refocus_cli.resources import manual_dir

    return Path(os.environ.get("REFOCUS_MANUAL") or manual_dir())


def load_curriculum(directory: Path | None = None) -> Curriculum:
    """Read and check the manual: `curriculum.toml` and one `modules/<key>.toml` per module.

    Without a directory: `$REFOCUS_MANUAL` when set, else the manual shipped with refocus,
    so that every command plans and prints from the same edited copy.
    """
    folder = manual_folder(directory)
    if not folder.is_dir():
        raise problem(str(folder), "", "is not a folder holding curriculum.toml")
    files = sorted((folder / "modules").glob("*.toml"))
    stamp = _stamps(folder, files)
    cached = _checked.get(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    curriculum = _load(folder, [path.stem for path in files])
    _checked[folder] = (stamp, curriculum)
    return curriculum


def manual_stamp(directory: Path | None = None) -> tuple[tuple[str, int, int], ...]:
    """The names, times and sizes of the manual's files (curriculum, measures, modules):
    a file edited, added or taken away changes it."""
    folder = manual_folder(directory)
    return _stamps(folder, sorted((folder / "modules").glob("*.toml")))


def _stamps(folder: Path, modules: list[Path]) -> tuple[tuple[str, int, int], ...]:
    files = [folder / "curriculum.toml", folder / "measures.toml", *modules]
    return tuple(_stamp(path) for path in files)


# Curricula already checked in this process, by folder, with the files' sizes and times
# they were read at: a long-lived process (tests, a server) re-reads only what changed.
_checked: dict[Path, tuple[tuple[tuple[str, int, int], ...], Curriculum]] = {}


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (path.name, -1, -1)
    return (path.name, info.st_mtime_ns, info.st_size)


def _load(folder: Path, stems: list[str]) -> Curriculum:
    label = folder.name
    top = read_toml(folder / "curriculum.toml", f"{label}/curriculum.toml")

    def read_module(key: str) -> dict[str, Any] | None:
        path = folder / "modules" / f"{key}.toml"
        if not path.is_file():
            return None
        return read_toml(path, f"{label}/modules/{key}.toml")

    return build_curriculum(folder, top, read_module, stems)


def read_toml(path: Path, source: str) -> dict[str, Any]:
    """A TOML file as a dict; a missing file or a syntax error is a ManualProblem."""
    import tomllib  # only commands that read the manual pay for it

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise problem(source, "", "file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise problem(source, "", f"is not valid TOML ({exc}): fix the syntax") from None
    except UnicodeDecodeError:
        raise problem(source, "", "is not UTF-8 text: save it as UTF-8") from None
    except OSError as exc:
        raise problem(source, "", f"cannot be read ({exc.strerror})") from None
