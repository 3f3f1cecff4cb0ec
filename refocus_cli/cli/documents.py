"""`refocus handout` and `refocus pack`: what trainers print and take into the room."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, ManualOpt
from refocus_cli.cli.output import message
from refocus_cli.core.errors import InvalidInput
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
FORMATS = ("pdf", "html")


def handout(
    module: Annotated[str, typer.Argument(help="Module key (see `refocus manual list`).")],
    session: Annotated[
        str | None, typer.Option("--session", help="Head it with this session's details.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf (A4 print) or html.")] = "pdf",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File [default: MODULE.pdf|.html].")
    ] = None,
    templates: TemplatesOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """The participant handout for a module: aims, key messages, activities, reflection."""
    from refocus_cli.render.documents import render
    from refocus_cli.render.files import write_atomically
    from refocus_cli.services import manual as manual_service
    from refocus_cli.store import documents

    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise InvalidInput(f"--format {fmt!r}: choose pdf or html")
    with opened(db) as store:
        curriculum = manual_service.curriculum(store, manual)
        if session is None:
            view = documents.module_view(store, curriculum, module)
        else:
            view = documents.session_view(store, curriculum, session, need_people=False)
            if view.module["module"] != module.strip().lower():
                raise InvalidInput(
                    f"session {view.session.id} is {view.module['module']}, not {module}: "
                    "name the session's module or leave out --session"
                )
    target = output or Path(f"{view.module['module']}.{fmt}")
    write_atomically(target, render("handout.typ.j2", view, fmt, templates))
    message(f"Wrote the {view.module['title']} handout to {target}.")


def pack(
    session: Annotated[
        str | None, typer.Argument(help="Session id; or use --cohort and --stage.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="PDF file for one session [default: pack-ID.pdf]; a folder with --cohort.",
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
    from refocus_cli.render.documents import render
    from refocus_cli.render.files import write_atomically
    from refocus_cli.services import manual as manual_service
    from refocus_cli.store import documents

    parts = parse_parts(only)
    if (cohort is None) != (stage is None):
        raise InvalidInput("--cohort and --stage go together: give both, or a session id")
    if session is not None and cohort is not None:
        raise InvalidInput("give a session id or --cohort with --stage, not both")
    if session is None and cohort is None:
        raise InvalidInput("name a session (refocus pack ID -o pack.pdf) or --cohort C --stage S")
    with opened(db) as store:
        curriculum = manual_service.curriculum(store, manual)
        if session is not None:
            view = documents.session_view(store, curriculum, session, parts)
            if set(parts) <= {"certificates"} and not view.certified:
                raise InvalidInput(
                    f"nobody is recorded as attending session {view.session.id} yet, so there "
                    f"are no certificates: record it first with `refocus attend {view.session.id}`"
                )
            target = output or Path(f"pack-{view.session.id}.pdf")
            write_atomically(target, render("pack.typ.j2", view, "pdf", templates))
            pages = _pages(view)
            message(f"Wrote the pack for session {view.session.id} to {target} ({pages}).")
            return
        ids = documents.stage_session_ids(store, cohort, stage)
        if not ids:
            raise InvalidInput(f"cohort {cohort} has no {stage} sessions: schedule it first")
        folder = output or Path(f"packs-{cohort}-{stage}")
        if folder.exists() and not folder.is_dir():
            raise InvalidInput(f"{folder} is a file: with --cohort, -o names a folder")
        views = [
            documents.session_view(store, curriculum, str(i), parts, need_people=False) for i in ids
        ]
    folder.mkdir(parents=True, exist_ok=True)
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(f"Packs for {cohort} {stage}", total=len(views))
        for view in views:
            name = f"pack-{view.session.id}-{view.module['module']}.pdf"
            write_atomically(folder / name, render("pack.typ.j2", view, "pdf", templates))
            bar.advance(task)
    message(f"Wrote {len(views)} packs to {folder}/.")


def _pages(view) -> str:
    parts = []
    if "handouts" in view.parts:
        parts.append(f"{len(view.people)} handouts")
    if "certificates" in view.parts and view.certified:
        parts.append(f"{len(view.certified)} certificates")
    return ", ".join(parts) or "no per-person pages"
