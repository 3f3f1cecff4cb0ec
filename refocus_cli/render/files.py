"""Writing output files whole or not at all, or to standard output.

Files are created private to their owner (mode 0600, as `tempfile` makes them): packs,
registers and exports hold personal data about staff. `-o -` means standard output.
Any other path must be a regular file, a symbolic link (the link itself is replaced,
never followed) or not exist yet: a FIFO, device, socket or folder is refused before
any work, so `-o /dev/null` or a named pipe is never replaced by a file of staff data.
Missing parent folders are made.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from refocus_cli.core.errors import InvalidInput

STANDARD_OUTPUT = "-"


def is_standard_output(path: Path | str | None) -> bool:
    """Whether an output path is `-`, standard output."""
    return path is not None and str(path) == STANDARD_OUTPUT


def where(path: Path) -> str:
    """Where something was written, in words: the file, or standard output."""
    return "standard output" if is_standard_output(path) else str(path)


def check_output(path: Path, *, binary: bool = False) -> None:
    """Refuse, before any work, an output path that cannot take a file: a FIFO, device,
    socket or folder; a folder it cannot write in; binary data for a terminal."""
    if is_standard_output(path):
        if binary and sys.stdout.isatty():
            raise InvalidInput(
                "standard output is a terminal: redirect it (> FILE) or give -o FILE"
            )
        return
    try:
        mode: int | None = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}; choose another -o") from None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise InvalidInput(
            f"{path} is not a regular file; give a file path or - for standard output"
        )
    check_folder(_folder(path))


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def check_folder(folder: Path) -> None:
    """Refuse a folder to write in, before any work, unless the nearest existing folder on
    the way to it is a folder we may write in (missing ones are made when writing)."""
    existing = folder
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InvalidInput(f"{existing} is not a folder: choose another -o")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InvalidInput(
            f"cannot write in the folder {existing}: permission denied; choose another -o"
        )


def make_folder(folder: Path) -> None:
    """Make a folder and its missing parents, or say clearly why it cannot be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InvalidInput(f"{folder} is not a folder: choose another -o") from None
    except OSError as exc:
        raise InvalidInput(
            f"folder {folder} does not exist and cannot be made ({exc.strerror}): choose another -o"
        ) from None


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename (which
    replaces a symbolic link at `path` rather than the file it points to). `-` writes
    to standard output instead (as bytes, so a PDF arrives whole)."""
    import tempfile

    data = content.encode("utf-8") if isinstance(content, str) else content
    if is_standard_output(path):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    check_output(path)
    directory = _folder(path)
    make_folder(directory)
    try:
        handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.")
    except OSError as exc:
        raise InvalidInput(
            f"cannot write in the folder {directory}: {exc.strerror}; choose another -o"
        ) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
