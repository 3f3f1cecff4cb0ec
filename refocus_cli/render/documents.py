"""Handouts and session packs: Jinja templates rendered to Typst (then PDF) or HTML.

Undefined template variables are errors (StrictUndefined), never blanks. Templates an
organisation supplies with `--templates DIR` take precedence over the shipped ones and
are rendered in Jinja's sandbox. Typst compiles in-process from its wheel, with only
the fonts it embeds (so a pack looks the same everywhere) and a root folder holding
nothing but the organisation's own template files (logos): escaped text can never
reach the file system, and nor can a template.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from refocus_cli.core.documents import DocumentView, typst_string, typst_text
from refocus_cli.core.errors import InvalidInput
from refocus_cli.resources import templates_dir

if TYPE_CHECKING:
    import jinja2


class TemplateProblem(InvalidInput):
    """A template (shipped or custom) that cannot be rendered."""


def _environment(custom: Path | None, html: bool) -> jinja2.Environment:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    folders = [str(templates_dir())]
    if custom is not None:
        if not custom.is_dir():
            raise InvalidInput(f"--templates {custom} is not a folder of templates")
        folders.insert(0, str(custom))
    kind = SandboxedEnvironment if custom is not None else jinja2.Environment
    env = kind(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=html,
        keep_trailing_newline=True,
    )
    env.filters["t"] = typst_text  # text in Typst markup
    env.filters["ts"] = typst_string  # text inside a Typst "string literal"
    return env


def render_source(name: str, view: DocumentView, custom: Path | None = None) -> str:
    """A template rendered to text (Typst source or HTML), with template errors named."""
    import jinja2

    env = _environment(custom, html=name.endswith(".html.j2"))
    try:
        return env.get_template(name).render(view=view)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise TemplateProblem(f"template {where}, line {exc.lineno}: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateProblem(
            f"template {exc.name} not found in {custom or templates_dir()}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"template {name}: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateProblem(f"template {name} tried something unsafe: {exc}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise TemplateProblem(f"template {name}: {exc}") from None


def compile_pdf(
    source: str, custom: Path | None = None, files: Mapping[str, bytes] | None = None
) -> bytes:
    """Typst source to PDF bytes, with the engine's own fonts only; `files` (the
    programme's logo, from the database) are put beside it for the source to read."""
    import typst

    with tempfile.TemporaryDirectory(prefix="refocus-typst-") as folder:
        root = Path(folder)
        if custom is not None:  # images a custom template uses, e.g. a logo
            for item in custom.iterdir():
                if item.is_file() and item.suffix.lower() in (".png", ".jpg", ".jpeg", ".svg"):
                    (root / item.name).write_bytes(item.read_bytes())
        for name, data in (files or {}).items():
            (root / Path(name).name).write_bytes(data)
        main = root / "main.typ"
        main.write_text(source, encoding="utf-8")
        try:
            return typst.compile(str(main), root=str(root), ignore_system_fonts=True)
        except typst.TypstError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
            raise TemplateProblem(
                f"the template produced a document Typst cannot typeset: {first}"
            ) from None


def render(name: str, view: DocumentView, fmt: str, custom: Path | None = None) -> bytes:
    """A document as bytes: 'pdf' through Typst, 'html' straight from its template,
    'typst' for the source itself."""
    if fmt == "html":
        return render_source(name.replace(".typ.j2", ".html.j2"), view, custom).encode("utf-8")
    source = render_source(name, view, custom)
    if fmt == "typst":
        return source.encode("utf-8")
    return compile_pdf(source, custom, view.files)
