"""Options shared by many commands, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DbOpt = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="REFOCUS_DB",
        help="Database file (else $REFOCUS_DB, else ./refocus.db).",
        dir_okay=True,
    ),
]
DEFAULT_DB = Path("refocus.db")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (stable keys, ISO-8601 dates).")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV.")]
OnOpt = Annotated[
    str | None,
    typer.Option("--on", help="Date it takes effect, YYYY-MM-DD [default: today]."),
]
ManualOpt = Annotated[
    Path | None,
    typer.Option(
        "--manual",
        envvar="REFOCUS_MANUAL",
        help="Curriculum folder (else $REFOCUS_MANUAL, else the manual shipped with refocus).",
        file_okay=False,
    ),
]
