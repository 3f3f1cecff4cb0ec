"""Handouts and session packs: Jinja templates rendered to Typst (then PDF) or HTML.

Templates render in refocus's limited sandbox (render/sandbox.py), the shipped ones and
those an organisation supplies with `--templates DIR` alike; the organisation's take
precedence, and each file is read only if it resolves inside its own folder. Typst
compiles in-process from its wheel, with only the fonts it embeds (so a pack looks the
same everywhere), a root folder holding nothing but the source and private copies of
the picture files in DIR (only regular files inside DIR), and no packages: neither the
user's own (@local) nor downloads (@preview). Escaped text can never reach the file
system, and nor can a template.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NoReturn

from refocus_cli.core.documents import DocumentView, typst_string, typst_text
from refocus_cli.core.errors import InvalidInput
from refocus_cli.render.sandbox import LimitedEnvironment, TemplateProblem
from refocus_cli.resources import templates_dir

PICTURES = (".png", ".jpg", ".jpeg", ".svg")  # what Typst may read from a custom folder
MAX_PICTURE_BYTES = 10_000_000  # one picture in a custom templates folder
# Typst fetches @preview packages through a proxy if one is set: this one (port 0) can
# never answer, so a package import cannot reach the network.
NO_NETWORK = "http://127.0.0.1:0"
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy")

__all__ = ["TemplateProblem", "compile_pdf", "render", "render_source"]


def _environment(custom: Path | None, html: bool) -> LimitedEnvironment:
    from refocus_cli.render.sandbox import environment

    folders = [templates_dir()]
    if custom is not None:
        if not custom.is_dir():
            raise InvalidInput(f"--templates {custom} is not a folder of templates")
        folders.insert(0, custom)
    env = environment(folders, custom, autoescape=html, keep_trailing_newline=True)
    env.filters["t"] = typst_text  # text in Typst markup
    env.filters["ts"] = typst_string  # text inside a Typst "string literal"
    return env


def render_source(name: str, view: DocumentView, custom: Path | None = None) -> str:
    """A template rendered to text (Typst source or HTML); a failure names its template
    and line."""
    from refocus_cli.render.sandbox import render as render_template

    env = _environment(custom, html=name.endswith(".html.j2"))
    return render_template(env, name, view=view)


def _pictures(custom: Path) -> dict[str, bytes]:
    """The picture files of a custom templates folder: regular files whose real path is
    inside it (a link pointing elsewhere is refused, never read)."""
    folder = Path(os.path.realpath(custom))
    found = {}
    for entry in os.scandir(folder):
        if not entry.name.lower().endswith(PICTURES):
            continue
        real = Path(os.path.realpath(entry.path))
        if not real.is_relative_to(folder):
            raise TemplateProblem(
                f"--templates {custom}: {entry.name} leads outside the folder; "
                "put the picture itself in the folder"
            )
        found[entry.name] = _read_picture(real, entry.name)
    return found


def _read_picture(path: Path, name: str) -> bytes:
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise TemplateProblem(f"cannot read {name} in --templates: {exc.strerror}") from None
    with os.fdopen(handle, "rb") as picture:
        if not stat.S_ISREG(os.fstat(picture.fileno()).st_mode):
            raise TemplateProblem(f"{name} in --templates is not a regular file")
        data = picture.read(MAX_PICTURE_BYTES + 1)
    if len(data) > MAX_PICTURE_BYTES:
        raise TemplateProblem(f"{name} in --templates is over {MAX_PICTURE_BYTES:,} bytes")
    return data


def _offline_environment() -> dict[str, str]:
    """The environment with Typst's package downloads pointed at a proxy that never
    answers."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_PROXY", "no_proxy")}
    return environment | dict.fromkeys(PROXY_VARIABLES, NO_NETWORK)


@contextlib.contextmanager
def _offline() -> Iterator[None]:
    """This process offline for Typst (see `_offline_environment`) while it compiles."""
    changed = (*PROXY_VARIABLES, "NO_PROXY", "no_proxy")
    saved = {name: os.environ.get(name) for name in changed}
    offline = _offline_environment()
    for name in changed:
        if name in offline:
            os.environ[name] = offline[name]
        else:
            os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# A custom template is typeset in a child process, so that its own Typst code (a loop
# that never ends, a huge string) meets a deadline and a memory cap (refocus defaults).
TYPST_SECONDS = 60
TYPST_MEMORY = 2 << 30  # bytes of address space
TYPESET = """
import sys, typst
try:
    pdf = typst.compile(sys.argv[1], root=sys.argv[2], ignore_system_fonts=True,
                        package_path=sys.argv[3], package_cache_path=sys.argv[3])
except typst.TypstError as exc:
    sys.stderr.write(str(exc))
    sys.exit(3)
sys.stdout.buffer.write(pdf)
"""


def _cap_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (TYPST_MEMORY, TYPST_MEMORY))


def _typeset_apart(main: Path, root: Path, packages: Path) -> bytes:
    import subprocess
    import sys

    try:
        done = subprocess.run(
            [sys.executable, "-c", TYPESET, str(main), str(root), str(packages)],
            capture_output=True,
            timeout=TYPST_SECONDS,
            env=_offline_environment(),
            preexec_fn=_cap_memory if sys.platform == "linux" else None,
        )
    except subprocess.TimeoutExpired:
        raise TemplateProblem(
            f"Typst took over {TYPST_SECONDS} seconds to typeset your template: "
            "look for a loop in its Typst code that does not end"
        ) from None
    if done.returncode == 3:
        _cannot_typeset(done.stderr.decode("utf-8", "replace"))
    if done.returncode != 0:
        raise TemplateProblem(
            "Typst stopped typesetting your template (it needed more than "
            f"{TYPST_MEMORY >> 30} GiB of memory, or failed): check its Typst code"
        )
    return done.stdout


def _cannot_typeset(message: str) -> NoReturn:
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    raise TemplateProblem(f"the template produced a document Typst cannot typeset: {first}")


def compile_pdf(
    source: str, custom: Path | None = None, files: Mapping[str, bytes] | None = None
) -> bytes:
    """Typst source to PDF bytes, with the engine's own fonts only; `files` (the
    programme's logo, from the database) are put beside it for the source to read. With
    `custom` templates it runs in a child process with a deadline and a memory cap."""
    import typst

    pictures = _pictures(custom) if custom is not None else {}
    with tempfile.TemporaryDirectory(prefix="refocus-typst-") as folder:
        root = Path(folder)
        no_packages = root / "packages"  # empty: no @local packages, no cached downloads
        no_packages.mkdir()
        for name, data in {**pictures, **(files or {})}.items():
            (root / Path(name).name).write_bytes(data)
        main = root / "main.typ"
        main.write_text(source, encoding="utf-8")
        if custom is not None:
            return _typeset_apart(main, root, no_packages)
        try:
            with _offline():
                return typst.compile(
                    str(main),
                    root=str(root),
                    ignore_system_fonts=True,
                    package_path=str(no_packages),
                    package_cache_path=str(no_packages),
                )
        except typst.TypstError as exc:
            _cannot_typeset(str(exc))


def render(name: str, view: DocumentView, fmt: str, custom: Path | None = None) -> bytes:
    """A document as bytes: 'pdf' through Typst, 'html' straight from its template,
    'typst' for the source itself."""
    if fmt == "html":
        return render_source(name.replace(".typ.j2", ".html.j2"), view, custom).encode("utf-8")
    source = render_source(name, view, custom)
    if fmt == "typst":
        return source.encode("utf-8")
    return compile_pdf(source, custom, view.files)
