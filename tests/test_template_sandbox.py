"""Custom templates (`--templates DIR`) that try to read what they should not, or to
exhaust the machine: each is refused quickly with `Error: TEMPLATE:LINE: …`, exit 1,
and nothing is written."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

SECRET = "the-secret-in-a-file-outside-the-templates-folder"
# (template source, the line named in the error, words the error says)
HTML_ATTACKS = {
    "range": ("{{ range(100000000000)|list }}", 1, "100,000,000,000"),
    "power": ("ok\n{{ 9**99999999 }}", 2, "too large a number"),
    "repeat": ('{{ ("a"*1000000000)|length }}', 1, "over the limit"),
    "format-attribute": ('{{ "{0.__class__}".format(view) }}', 1, "not allowed"),
    "format-width": ('{{ "{0:999999999}".format(1) }}', 1, "over the limit"),
    "percent-width": ('{{ "%999999999d"|format(1) }}', 1, "over the limit"),
    "center": ('{{ "a"|center(1000000000) }}', 1, "over the limit"),
    "recursive-macro": ("{% macro m() %}{{ m() }}{% endmacro %}\n\n{{ m() }}", 1, "deep"),
    "globals": ("{{ view.reflection_for.__globals__ }}", 1, "unsafe"),
    "mro": ("{{ view.__class__.__mro__ }}", 1, "unsafe"),
    "huge-output": (
        "{% for i in range(100000) %}{% for j in range(100000) %}"
        + "x" * 200
        + "{% endfor %}{% endfor %}",
        1,
        "output is over",
    ),
    "doubling": (
        '{% set ns = namespace(x="a") %}\n{% for i in range(60) %}'
        "{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
        2,
        "over the limit",
    ),
    "silent-loops": (
        "{% macro m() %}{% for i in range(100000) %}{% for j in range(100000) %}"
        "{% endfor %}{% endfor %}{% endmacro %}{{ m() }}",
        1,
        "loops went round",
    ),
    "lipsum-globals": ("{{ lipsum.__globals__ }}", 1, "unsafe"),
    "private": ("{{ self._TemplateReference__context }}", 1, "unsafe"),
    "indent": ('{{ "a\\nb"|indent(1000000000) }}', 1, "over the limit"),
    "join": ('{{ (["a" * 10000000] * 100000)|join }}', 1, "more memory"),
    "concat": ('{{ "a" * 10000000 ~ "b" * 10000000 ~ "c" * 10000000 }}', 1, "over the limit"),
    "self-include": ('{% include "handout.html.j2" %}', 1, "too deeply"),
    "dotdot": ('{% include "../secret.txt" %}', 1, "no template ../secret.txt"),
    "absolute": ('{% include "' + "/etc/hostname" + '" %}', 1, "no template /etc/hostname"),
}


@pytest.fixture
def custom(tmp_path: Path) -> Path:
    """A custom templates folder, and a secret beside it that no template may read."""
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "ours"
    folder.mkdir()
    return folder


def _refused(done, template: str, line: int | None, words: str, out: Path, started: float):
    where = f"Error: {template}:{line}: " if line else "Error: "
    assert done.exit_code == 1, done
    assert done.stderr.startswith(where) and words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and SECRET not in done.stderr + done.stdout
    assert not out.exists() and not any(out.parent.glob(f".{out.name}.*"))
    assert time.monotonic() - started < 10, "refused, but not quickly"


@pytest.mark.parametrize("attack", sorted(HTML_ATTACKS))
def test_jinja_attacks_on_html_are_refused_quickly(programme, custom, tmp_path, attack):
    source, line, words = HTML_ATTACKS[attack]
    (custom / "handout.html.j2").write_text(source, encoding="utf-8")
    out = tmp_path / "out.html"
    started = time.monotonic()
    done = programme(
        "handout", "strengths", "--format", "html", "--templates", str(custom), "-o", str(out)
    )
    _refused(done, "handout.html.j2", line, words, out, started)


def test_an_include_through_a_symlink_out_of_the_folder_is_refused(programme, custom, tmp_path):
    (custom / "x").symlink_to(tmp_path / "secret.txt")
    (custom / "handout.html.j2").write_text('before\n{% include "x" %}', encoding="utf-8")
    out = tmp_path / "out.html"
    started = time.monotonic()
    done = programme(
        "handout", "strengths", "--format", "html", "--templates", str(custom), "-o", str(out)
    )
    _refused(done, "handout.html.j2", 2, "leads outside", out, started)
    # A linked folder is no way round it, nor is an import or extends.
    (custom / "typst").symlink_to(tmp_path)
    for tag in ('{% import "typst/secret.txt" as s %}', '{% extends "typst/secret.txt" %}'):
        (custom / "handout.html.j2").write_text(tag, encoding="utf-8")
        done = programme(
            "handout", "strengths", "--format", "html", "--templates", str(custom), "-o", str(out)
        )
        _refused(done, "handout.html.j2", 1, "leads outside", out, started)


def test_a_link_inside_the_folder_is_followed(programme, custom, tmp_path):
    (custom / "parts").mkdir()
    (custom / "parts" / "greeting.j2").write_text("Hello from our trust", encoding="utf-8")
    (custom / "greeting.j2").symlink_to(custom / "parts" / "greeting.j2")
    (custom / "handout.html.j2").write_text('{% include "greeting.j2" %}', encoding="utf-8")
    out = tmp_path / "out.html"
    done = programme(
        "handout", "strengths", "--format", "html", "--templates", str(custom), "-o", str(out)
    )
    assert done.exit_code == 0, done.stderr
    assert out.read_text(encoding="utf-8") == "Hello from our trust"


def test_a_template_edited_between_renders_renders_as_edited(programme, custom, tmp_path):
    # One process compiles each template once (render/template_cache.py): an edited
    # file must still render as it now reads, and a refused one be refused each time.
    page = custom / "handout.html.j2"
    for n, text in enumerate(["First version", "Second version", "First version"]):
        page.write_text(text, encoding="utf-8")
        out = tmp_path / f"out{n}.html"
        done = programme(
            "handout", "strengths", "--format", "html", "--templates", str(custom), "-o", str(out)
        )
        assert done.exit_code == 0, done.stderr
        assert out.read_text(encoding="utf-8") == text
    page.write_text(HTML_ATTACKS["mro"][0], encoding="utf-8")
    for n in range(2):
        out = tmp_path / f"refused{n}.html"
        started = time.monotonic()
        done = programme(
            "handout", "strengths", "--format", "html", "--templates", str(custom), "-o", str(out)
        )
        _refused(done, "handout.html.j2", 1, "unsafe", out, started)


def _typst(programme, custom: Path, out: Path, source: str):
    (custom / "handout.typ.j2").write_text(source, encoding="utf-8")
    return programme("handout", "strengths", "--templates", str(custom), "-o", str(out))


def test_typst_cannot_read_a_file_through_a_symlinked_picture(programme, custom, tmp_path):
    (custom / "logo.png").symlink_to(tmp_path / "secret.txt")
    out = tmp_path / "out.pdf"
    started = time.monotonic()
    done = _typst(programme, custom, out, '#raw(read("logo.png"))')
    _refused(done, "", None, "logo.png leads outside the folder", out, started)
    (custom / "logo.png").unlink()
    (custom / "logo.png").symlink_to("/etc/hostname")
    done = _typst(programme, custom, out, '#raw(read("logo.png"))')
    _refused(done, "", None, "logo.png leads outside the folder", out, started)


@pytest.mark.parametrize(
    "path", ["../secret.txt", "/etc/hostname", "../../../../../../etc/hostname", "handout.typ.j2"]
)
def test_typst_reads_nothing_but_the_pictures(programme, custom, tmp_path, path):
    out = tmp_path / "out.pdf"
    started = time.monotonic()
    done = _typst(programme, custom, out, f'#raw(read("{path}"))')
    _refused(done, "", None, "Typst cannot typeset", out, started)


def test_a_real_picture_in_the_folder_can_be_placed(programme, custom, tmp_path):
    shipped = Path(__file__).resolve().parent / "data"
    png = next(shipped.rglob("*.png"), None)
    if png is None:  # a one-pixel PNG
        import base64

        data = base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        )
    else:
        data = png.read_bytes()
    (custom / "logo.png").write_bytes(data)
    out = tmp_path / "out.pdf"
    done = _typst(programme, custom, out, '#image("logo.png", width: 2cm)')
    assert done.exit_code == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_typst_packages_are_refused(programme, custom, tmp_path):
    out = tmp_path / "out.pdf"
    started = time.monotonic()
    for source in ('#import "@preview/cetz:0.2.2"', "\n#import '@local/ours:0.1.0'"):
        done = _typst(programme, custom, out, source)
        line = source.count("\n") + 1
        _refused(done, "handout.typ.j2", line, "cannot use Typst packages", out, started)


def test_a_package_name_built_at_run_time_reaches_neither_network_nor_data_folder(
    programme, custom, tmp_path, monkeypatch
):
    # A @local package in the user's data folder, where Typst looks by default.
    data = tmp_path / "data"
    package = data / "typst" / "packages" / "local" / "ours" / "0.1.0"
    package.mkdir(parents=True)
    (package / "typst.toml").write_text(
        '[package]\nname = "ours"\nversion = "0.1.0"\nentrypoint = "lib.typ"\n', encoding="utf-8"
    )
    (package / "lib.typ").write_text("#let leaked = [LEAKED]", encoding="utf-8")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    out = tmp_path / "out.pdf"
    started = time.monotonic()
    local = '#import ("@lo" + "cal/ours:0.1.0"): leaked\n#leaked'
    done = _typst(programme, custom, out, local)
    _refused(done, "", None, "package not found", out, started)
    remote = '#import ("@pre" + "view/cetz:0.2.2")'
    done = _typst(programme, custom, out, remote)
    _refused(done, "", None, "Connection refused", out, started)
    assert "HTTPS_PROXY" not in os.environ  # put back as it was


def test_a_render_past_its_deadline_is_stopped(programme, custom, tmp_path, monkeypatch):
    from refocus_cli.render import sandbox

    monkeypatch.setattr(sandbox, "SECONDS", 0.3)
    monkeypatch.setattr(sandbox, "MAX_LOOPS", 10**12)
    (custom / "handout.html.j2").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        encoding="utf-8",
    )
    out = tmp_path / "out.html"
    started = time.monotonic()
    done = programme(
        "handout", "strengths", "--format", "html", "--templates", str(custom), "-o", str(out)
    )
    _refused(done, "handout.html.j2", 1, "longer than 0.3 seconds", out, started)


def test_big_numbers_are_fine_as_data(programme, custom, tmp_path):
    (custom / "handout.html.j2").write_text(
        '{{ "{:,}".format(123456789) }} {{ "%d"|format(987654321) }} {{ 2**64 }} '
        "{{ 123456789 * 1000 }} {{ [1, 2] * 3 }} {{ range(5)|list }}",
        encoding="utf-8",
    )
    out = tmp_path / "out.html"
    done = programme(
        "handout", "strengths", "--format", "html", "--templates", str(custom), "-o", str(out)
    )
    assert done.exit_code == 0, done.stderr
    assert out.read_text(encoding="utf-8") == (
        "123,456,789 987654321 18446744073709551616 123456789000 [1, 2, 1, 2, 1, 2] [0, 1, 2, 3, 4]"
    )


def test_the_shipped_templates_render_under_the_same_limits(programme, tmp_path):
    for fmt in ("html", "pdf"):
        out = tmp_path / f"strengths.{fmt}"
        done = programme("handout", "strengths", "--format", fmt, "-o", str(out))
        assert done.exit_code == 0, done.stderr
        assert out.stat().st_size > 1000


def test_typst_code_in_a_custom_template_meets_a_deadline(programme, custom, tmp_path, monkeypatch):
    from refocus_cli.render import documents

    monkeypatch.setattr(documents, "TYPST_SECONDS", 1)
    out = tmp_path / "out.pdf"
    started = time.monotonic()
    done = _typst(programme, custom, out, "#for i in range(100000) { for j in range(100000) { } }")
    _refused(done, "", None, "took over 1 seconds", out, started)


def test_typst_code_in_a_custom_template_meets_a_memory_cap(
    programme, custom, tmp_path, monkeypatch
):
    from refocus_cli.render import documents

    monkeypatch.setattr(documents, "TYPST_MEMORY", 1 << 30)  # quicker to reach than 2 GiB
    out = tmp_path / "out.pdf"
    started = time.monotonic()
    done = _typst(programme, custom, out, "#let many = range(100000000)\n#many.len()")
    _refused(done, "", None, "stopped typesetting", out, started)
