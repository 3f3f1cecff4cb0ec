"""`refocus pack` and `refocus handout`: real PDFs, read back with pypdf."""

from __future__ import annotations

import io
import os
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import copy_database, on_database, succeeding
from pypdf import PdfReader

INJECTIONS = [
    '#read("/etc/passwd")',
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "$x$ *bold* _it_ [link] // not a comment",
]
NAMES = ["Siobhán Kelly", "Zoë Adams", "Łukasz Nowak", "Ngozi Adébáyọ̀"]
TEAM = 'Riverside #read("/etc/passwd") CMHT'
AFTER = "2027-03-01T18:00:00+00:00"


def _pdf_text(path: Path) -> list[str]:
    """Each page's text. Typst maps every glyph of a shaped cluster (a letter with a
    combining mark that has no precomposed form, like the "ọ̀" of Adébáyọ̀) to the whole
    cluster, so extractors repeat it; the page shows it once. Repeats are folded here."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    pages = [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]
    return [re.sub(r"(\w[\u0300-\u036f]+)\1", r"\1", page) for page in pages]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A team whose people have awkward names, scheduled, with the workshop recorded."""
    db = tmp_path_factory.mktemp("packs") / "built.db"

    ok = succeeding(on_database(db))

    ok("init", "Pack Trust", "--start", "2027-01-11")
    ok("team", "add", TEAM)
    ok("team", "add", "Empty Team")
    people = NAMES + INJECTIONS
    for index, name in enumerate(people):
        ok("staff", "add", name, "--team", TEAM, "--role", "nurse & [care] co-ordinator",
           "--start", "2026-01-01", *(["--manager"] if index == 0 else []))  # fmt: skip
    ok("trainer", "add", "Ruth Evans")
    ok("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    ok("cohort", "create", "WAVE1", "--team", TEAM, "--team", "Empty Team")
    ok("schedule", "WAVE1")
    import json

    sessions = json.loads(ok("sessions", "--json").stdout)
    workshop = next(
        s for s in sessions if s["module"] == "recovery-workshop" and TEAM in s["teams"]
    )
    empty = next(s for s in sessions if s["teams"] == ["Empty Team"])
    # Present, late, left early, excused, absent: only the first two earn certificates.
    ok("attend", str(workshop["id"]), "--present", NAMES[0], "--present", INJECTIONS[0],
       "--late", NAMES[1], "--left-early", NAMES[2], "--excused", NAMES[3],
       "--rest-absent", "--visitor", "Pat Reid", now=AFTER)  # fmt: skip
    return {"db": db, "workshop": workshop, "empty": empty, "people": people, "sessions": sessions}


@pytest.fixture
def prog(built, env_setup, monkeypatch):
    copy_database(built["db"], env_setup)
    monkeypatch.setenv("REFOCUS_NOW", AFTER)
    return built


def test_a_session_pack_has_every_part_in_order(prog, cli, tmp_path):
    target = tmp_path / "pack.pdf"
    done = cli("pack", str(prog["workshop"]["id"]), "-o", str(target))
    assert done.exit_code == 0, done.stderr
    pages = _pdf_text(target)
    people = prog["people"]
    handouts = [p for p in pages if "Prepared for" in p]
    certificates = [p for p in pages if "Certificate of attendance" in p]
    registers = [i for i, p in enumerate(pages) if "Sign-in register" in p]
    evaluation = [i for i, p in enumerate(pages) if "Your view of this session" in p]
    # One handout per expected person (each fits on its pages, with their name on it).
    assert sorted(re.search(r"Prepared for (.+?),", p).group(1) for p in handouts) == sorted(people)
    # Certificates: present and late people and the visitor who came, nobody else.
    certified = sorted(re.search(r"certify that\s*\n?(.+?)\s*\n", p).group(1) for p in certificates)
    assert certified == sorted([NAMES[0], INJECTIONS[0], NAMES[1], "Pat Reid"])
    # The register lists every expected name, with role and team as typed (long ones
    # wrap inside their narrow column, so spacing is ignored).
    register = re.sub(r"\s+", "", "".join(pages[registers[0] : evaluation[0]]))
    for name in people:
        assert re.sub(r"\s+", "", name) in register, name
    assert "nurse&[care]" in register
    # Order: cover, notes, handouts, register, evaluation, certificates.
    assert "Agenda" in pages[0] and "Facilitator notes" in pages[1]
    first_handout = next(i for i, p in enumerate(pages) if "Prepared for" in p)
    first_certificate = next(i for i, p in enumerate(pages) if "Certificate of" in p)
    assert first_handout < registers[0] < evaluation[0] < first_certificate
    assert len(pages) == first_certificate + len(certified)
    # Names with accents and marks print as typed; injections print literally.
    text = "\n".join(pages)
    for name in NAMES + INJECTIONS:
        assert name in text, name
    assert "root:" not in text and "49" not in re.sub(r"\d{4}", "", text.split("Agenda")[0])


def test_only_prints_the_parts_asked_for(prog, cli, tmp_path):
    target = tmp_path / "register.pdf"
    done = cli("pack", str(prog["workshop"]["id"]), "--only", "register", "-o", str(target))
    assert done.exit_code == 0, done.stderr
    pages = _pdf_text(target)
    assert len(pages) == 1 and "Sign-in register" in pages[0]
    certificates = tmp_path / "certs.pdf"
    cli("pack", str(prog["workshop"]["id"]), "--only", "certificates", "-o", str(certificates))
    assert len(_pdf_text(certificates)) == 4


def test_before_attendance_there_are_no_certificates(prog, cli, tmp_path):
    later = next(s for s in prog["sessions"] if s["module"] == "strengths" and TEAM in s["teams"])
    target = tmp_path / "later.pdf"
    assert cli("pack", str(later["id"]), "-o", str(target)).exit_code == 0
    assert not any("Certificate" in p for p in _pdf_text(target))


def test_handout_pdf_and_html(prog, cli, tmp_path):
    pdf = tmp_path / "h.pdf"
    done = cli("handout", "strengths", "-o", str(pdf))
    assert done.exit_code == 0, done.stderr
    text = "\n".join(_pdf_text(pdf))
    assert "strengths" in text.lower() and "Reflection" in text
    html = tmp_path / "h.html"
    session = prog["workshop"]["id"]
    done = cli("handout", "recovery-workshop", "--session", str(session), "--format", "html",
               "-o", str(html))  # fmt: skip
    assert done.exit_code == 0, done.stderr
    page = html.read_text(encoding="utf-8")
    assert "<h1>Recovery and REFOCUS Workshop</h1>" in page
    assert "#read(&#34;/etc/passwd&#34;)" in page or "#read(&quot;/etc/passwd&quot;)" in page


def test_custom_templates_replace_the_shipped_ones_in_a_sandbox(prog, cli, tmp_path):
    custom = tmp_path / "ours"
    (custom / "typst").mkdir(parents=True)
    shipped = Path(__file__).resolve().parent.parent / "templates" / "typst" / "parts.typ.j2"
    text = shipped.read_text(encoding="utf-8").replace(
        "Certificate of attendance", "Our Trust certifies"
    )
    (custom / "typst" / "parts.typ.j2").write_text(text, encoding="utf-8")
    target = tmp_path / "ours.pdf"
    args = ("pack", str(prog["workshop"]["id"]), "--only", "certificates")
    assert cli(*args, "--templates", str(custom), "-o", str(target)).exit_code == 0
    assert "Our Trust certifies" in _pdf_text(target)[0]
    # A template that reaches for Python internals is stopped by the sandbox.
    (custom / "typst" / "parts.typ.j2").write_text(
        "{% macro cover(view) %}{{ view.__class__.__mro__ }}{% endmacro %}", encoding="utf-8"
    )
    done = cli("pack", str(prog["workshop"]["id"]), "--only", "cover", "--templates", str(custom),
               "-o", str(tmp_path / "evil.pdf"))  # fmt: skip
    assert done.exit_code == 1 and done.stderr.startswith("Error: typst/parts.typ.j2:1: ")
    assert not (tmp_path / "evil.pdf").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["pack", "99999"], "no session with id 99999"),
        (["pack", "EMPTY"], "nobody is expected"),
        (["pack", "WORKSHOP", "--only", "posters"], "--only"),
        (["pack", "LATER", "--only", "certificates"], "nobody is recorded as attending"),
        (["pack", "WORKSHOP", "-o", "/proc/nope/pack.pdf"], "does not exist"),
        (["pack", "--cohort", "WAVE1"], "--cohort and --stage go together"),
        (["pack", "--cohort", "WAVE1", "--stage", "lunch"], "--stage"),
        (["handout", "juggling"], "no module 'juggling'"),
        (["handout", "strengths", "--format", "docx"], "--format"),
        (["handout", "strengths", "--session", "WORKSHOP"], "not strengths"),
    ],
)
def test_bad_input_is_one_error_line_and_no_file(prog, cli, tmp_path, args, words):
    later = next(s for s in prog["sessions"] if s["module"] == "strengths" and TEAM in s["teams"])
    ids = {
        "WORKSHOP": str(prog["workshop"]["id"]),
        "EMPTY": str(prog["empty"]["id"]),
        "LATER": str(later["id"]),
    }
    args = [ids.get(a, a) for a in args]
    if "-o" not in args:
        args += ["-o", str(tmp_path / "out.pdf")]
    done = cli(*args)
    assert done.exit_code == 1, done
    assert done.stderr.startswith("Error: ") and words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not any(p.name.endswith(".pdf") for p in tmp_path.iterdir())


def test_a_broken_custom_template_is_named_with_its_line(prog, cli, tmp_path):
    custom = tmp_path / "broken"
    custom.mkdir()
    (custom / "handout.typ.j2").write_text("line one\n{% if %}\n", encoding="utf-8")
    done = cli("handout", "strengths", "--templates", str(custom), "-o", str(tmp_path / "x.pdf"))
    assert done.exit_code == 1
    assert "Error: handout.typ.j2:2: " in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_rendered_template_source_matches_the_golden_copy(prog):
    """The Typst source of a fixed view: a change to the templates shows up here."""
    from refocus_cli.core.documents import Person, document_view
    from refocus_cli.readers.manual import load_curriculum
    from refocus_cli.render.documents import render_source

    curriculum = load_curriculum()
    module = next(m for m in curriculum.modules if m.key == "goal-striving")
    session = {"id": 7, "start": "2027-02-02T13:30:00+00:00", "end": "2027-02-02T17:00:00+00:00",
               "venue": "Room $1", "teams": ["North_CMHT"], "trainers": ["Ruth [Evans]"],
               "cohort": "W*1", "occurrence": 1, "status": "held"}  # fmt: skip
    people = [Person(1, "Zoë #Adams", "nurse", "North_CMHT")]
    view = document_view("Golden Trust", module, "Working Practices training", session=session,
                         people=people, marks=[Person(1, "Zoë #Adams", "", "", "present")],
                         generated="2027-02-02")  # fmt: skip
    source = render_source("pack.typ.j2", view)
    golden = Path(__file__).resolve().parent / "golden" / "pack.typ"
    if os.environ.get("REFOCUS_REGENERATE_GOLDEN"):
        golden.write_text(source, encoding="utf-8")
    assert source == golden.read_text(encoding="utf-8")
    assert "Zoë \\#Adams" in source and "Room \\$1" in source
