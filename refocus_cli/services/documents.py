"""What trainers print and take into the room: handouts and session packs."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from refocus_cli.core.documents import PARTS, DocumentView, SessionView
from refocus_cli.core.errors import InvalidInput
from refocus_cli.services import manual as manual_service
from refocus_cli.store import documents
from refocus_cli.store.database import Store

FORMATS = ("pdf", "html")


def _session(view: DocumentView) -> SessionView:
    if view.session is None:
        raise ValueError("a session pack's view names its session")
    return view.session


@dataclass(frozen=True)
class Handout:
    """A handout written: the module's key and title, and the file."""

    module: str
    title: str
    path: Path


def write_handout(
    store: Store,
    module: str,
    *,
    session: str | None = None,
    fmt: str = "pdf",
    output: Path | None = None,
    templates: Path | None = None,
    manual: Path | None = None,
) -> Handout:
    """Write a module's participant handout (headed with a session's details if one is
    named) as PDF or HTML, to `output` (`-` for standard output) or MODULE.pdf|.html."""
    from refocus_cli.render.documents import render
    from refocus_cli.render.files import check_output, write_atomically

    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise InvalidInput(f"--format {fmt!r}: choose pdf or html")
    if output is not None:
        check_output(output, binary=fmt == "pdf")
    curriculum = manual_service.curriculum(store, manual)
    if session is None:
        view = documents.module_view(store, curriculum, module)
    else:
        view = documents.session_view(store, curriculum, session, need_people=False)
        if view.module["module"] != module.strip().lower():
            raise InvalidInput(
                f"session {_session(view).id} is {view.module['module']}, not {module}: "
                "name the session's module or leave out --session"
            )
    target = output or Path(f"{view.module['module']}.{fmt}")
    check_output(target)
    write_atomically(target, render("handout.typ.j2", view, fmt, templates))
    return Handout(view.module["module"], view.module["title"], target)


@dataclass(frozen=True)
class Pack:
    """A session pack written: the session, the file, and its per-person pages."""

    session: int
    path: Path
    handouts: int | None  # None when the pack has no handouts
    certificates: int | None  # None when it has none

    def pages(self) -> str:
        """Its per-person pages in words, e.g. "12 handouts, 10 certificates"."""
        parts = []
        if self.handouts is not None:
            parts.append(f"{self.handouts} handouts")
        if self.certificates is not None:
            parts.append(f"{self.certificates} certificates")
        return ", ".join(parts) or "no per-person pages"


def write_pack(
    store: Store,
    session: str,
    *,
    parts: Sequence[str] = PARTS,
    output: Path | None = None,
    templates: Path | None = None,
    manual: Path | None = None,
    need_people: bool = True,
) -> Pack:
    """Write one session's printable pack (the parts chosen) to `output` (`-` for
    standard output) or pack-ID.pdf; refuses a certificates-only pack while nobody is
    recorded as attending and, when `need_people`, handouts or a register for a session
    nobody is expected at."""
    from refocus_cli.render.documents import render
    from refocus_cli.render.files import check_output, write_atomically

    if output is not None:
        check_output(output, binary=True)
    curriculum = manual_service.curriculum(store, manual)
    view = documents.session_view(store, curriculum, session, tuple(parts), need_people=need_people)
    session_id = _session(view).id
    if set(parts) <= {"certificates"} and not view.certified:
        raise InvalidInput(
            f"nobody is recorded as attending session {session_id} yet, so there "
            f"are no certificates: record it first with `refocus attend {session_id}`"
        )
    target = output or Path(f"pack-{session_id}.pdf")
    check_output(target)
    write_atomically(target, render("pack.typ.j2", view, "pdf", templates))
    return Pack(
        session_id,
        target,
        len(view.people) if "handouts" in view.parts else None,
        len(view.certified) if "certificates" in view.parts and view.certified else None,
    )


@dataclass(frozen=True)
class StagePacks:
    """The packs of a cohort's stage, ready to write into `folder` one by one."""

    folder: Path
    views: tuple[DocumentView, ...]
    templates: Path | None = None

    def write(self, view: DocumentView) -> Path:
        """Write one of the packs into the folder (made if missing); returns its path."""
        from refocus_cli.render.documents import render
        from refocus_cli.render.files import make_folder, write_atomically

        make_folder(self.folder)
        path = self.folder / f"pack-{_session(view).id}-{view.module['module']}.pdf"
        write_atomically(path, render("pack.typ.j2", view, "pdf", self.templates))
        return path


def stage_packs(
    store: Store,
    cohort: str,
    stage: str,
    *,
    parts: Sequence[str] = PARTS,
    output: Path | None = None,
    templates: Path | None = None,
    manual: Path | None = None,
) -> StagePacks:
    """The packs for every session of a cohort's stage, for the folder `output` (or
    packs-COHORT-STAGE); written one by one with `StagePacks.write`."""
    from refocus_cli.render.files import check_folder, is_standard_output

    if is_standard_output(output):
        raise InvalidInput(
            "with --cohort, -o names a folder for the packs: write one session's pack "
            "to standard output with `refocus pack ID -o -`"
        )
    curriculum = manual_service.curriculum(store, manual)
    ids = documents.stage_session_ids(store, cohort, stage)
    if not ids:
        raise InvalidInput(f"cohort {cohort} has no {stage} sessions: schedule it first")
    folder = output or Path(f"packs-{cohort}-{stage}")
    if os.path.lexists(folder) and not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder: with --cohort, -o names a folder")
    check_folder(folder)
    views = tuple(
        documents.session_view(store, curriculum, str(i), tuple(parts), need_people=False)
        for i in ids
    )
    return StagePacks(folder, views, templates)
