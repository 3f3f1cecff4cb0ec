"""Writing output files whole or not at all.

Files are created private to their owner (mode 0600, as `tempfile` makes them): packs,
registers and exports hold personal data about staff.
"""

from __future__ import annotations

from pathlib import Path

from refocus_cli.core.errors import InvalidInput


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename."""
    import os
    import tempfile

    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InvalidInput(f"folder {directory} does not exist: create it or choose another -o")
    try:
        handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.")
    except OSError as exc:
        raise InvalidInput(f"cannot write in {directory}: {exc.strerror}") from None
    try:
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
