"""Picture files people give refocus: a programme's logo, read with a size limit."""

from __future__ import annotations

from pathlib import Path

from refocus_cli.core.branding import MAX_LOGO_BYTES, Logo, check_logo
from refocus_cli.core.errors import InvalidInput


def read_logo(path: Path) -> Logo:
    """A logo file's bytes, checked (PNG, JPEG or SVG by its contents; under the limit)."""
    if path.is_dir():
        raise InvalidInput(f"--logo {path} is a folder: give a PNG, JPEG or SVG file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)  # one byte over is enough to refuse
    except FileNotFoundError:
        raise InvalidInput(f"--logo {path}: no such file, check the path") from None
    except OSError as exc:
        raise InvalidInput(f"--logo {path}: cannot read it ({exc.strerror or exc})") from None
    return check_logo(data, str(path))
