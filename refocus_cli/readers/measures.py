"""Reading `manual/measures.toml`, the outcome measures; `core.measure_defs` checks it."""

from __future__ import annotations

from pathlib import Path

from refocus_cli.core.manual_fields import problem
from refocus_cli.core.measure_defs import Measures, build_measures
from refocus_cli.readers.manual import load_curriculum, manual_folder, read_toml

FILE = "measures.toml"


def load_measures(directory: Path | None = None) -> Measures:
    """The measures of the manual folder in use (`directory`, else `$REFOCUS_MANUAL`,
    else the shipped manual). A folder without a measures.toml uses the shipped one, so
    a programme that copied only the curriculum keeps the measures refocus ships."""
    folder = manual_folder(directory)
    path = folder / FILE
    if not folder.is_dir():
        raise problem(str(folder), "", "is not a folder holding curriculum.toml")
    if not path.is_file():
        from refocus_cli.resources import manual_dir

        load_curriculum(folder)  # the folder must still be a manual that can be read

        folder = Path(manual_dir())
        path = folder / FILE
    label = f"{folder.name}/{FILE}"
    table = read_toml(path, label)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise problem(label, "", "cannot be read as UTF-8 text") from None
    return build_measures(label, table, text)
