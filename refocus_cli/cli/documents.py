"""`refocus handout` and `refocus pack`: what trainers print and take into the room."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, ManualOpt
from refocus_cli.cli.output import message
from refocus_cli.core.errors import InvalidInput
from refocus_cli.render.files import check_output, where
from refocus_cli.services.context import opened

TemplatesOpt = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        help="Folder of your own templates (logo, wording); they replace the shipped ones "
        "of the same name.",
        file_okay=False,
    ),
]


def handout(
    module: Annotated[str, typer.Argument(help="Module key (see `refocus manual list`).")],
    session: Annotated[
        str | None, typer.Option("--session", help="Head it with this session's details.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf (A4 print) or html.")] = "pdf",
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="File, or - for standard output [default: MODULE.pdf|.html]."
        ),
    ] = None,
    templates: TemplatesOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """The participant handout for a module: aims, key messages, activities, reflection."""
    from refocus_cli.services import documents

    if output is not None:  # before the database is even opened
        check_output(output, binary=fmt.strip().lower() == "pdf")
    with opened(db) as store:
        written = documents.write_handout(
            store,
            module,
            session=session,
            fmt=fmt,
            output=output,
            templates=templates,
            manual=manual,
        )
    message(f"Wrote the {written.title} handout to {where(written.path)}.")


def pack(
    session: Annotated[
        str | None, typer.Argument(help="Session id; or use --cohort and --stage.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="PDF file for one session, or - for standard output [default: pack-ID.pdf]; "
            "a folder with --cohort [default: packs-COHORT-STAGE].",
        ),
    ] = None,
    only: Annotated[
        str | None,
        typer.Option(
            "--only",
            help="Just these parts: cover, notes, handouts, register, evaluation, certificates.",
        ),
    ] = None,
    cohort: Annotated[
        str | None, typer.Option("--cohort", help="Packs for every session of a stage...")
    ] = None,
    stage: Annotated[str | None, typer.Option("--stage", help="... of this stage.")] = None,
    templates: TemplatesOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """A printable pack for a session: cover and agenda, facilitator notes, a handout per
    person, the sign-in register, an evaluation form, and certificates once recorded."""
    from refocus_cli.core.documents import parse_parts
    from refocus_cli.services import documents

    parts = parse_parts(only)
    if (cohort is None) != (stage is None):
        raise InvalidInput("--cohort and --stage go together: give both, or a session id")
    if session is not None and cohort is not None:
        raise InvalidInput("give a session id or --cohort with --stage, not both")
    if session is not None:
        if output is not None:
            check_output(output, binary=True)
        with opened(db) as store:
            pack = documents.write_pack(
                store, session, parts=parts, output=output, templates=templates, manual=manual
            )
        message(
            f"Wrote the pack for session {pack.session} to {where(pack.path)} ({pack.pages()})."
        )
        return
    if cohort is None or stage is None:
        raise InvalidInput("name a session (refocus pack ID -o pack.pdf) or --cohort C --stage S")
    with opened(db) as store:
        packs = documents.stage_packs(
            store, cohort, stage, parts=parts, output=output, templates=templates, manual=manual
        )
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(f"Packs for {cohort} {stage}", total=len(packs.views))
        for view in packs.views:
            packs.write(view)
            bar.advance(task)
    message(f"Wrote {len(packs.views)} packs to {packs.folder}/.")
