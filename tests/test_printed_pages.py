"""What a 15-person workshop's pack looks like on paper: how many pages each part takes,
which way up they are, and what they say (read back from the PDF with pypdf)."""

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from conftest import on_database, succeeding
from pypdf import PdfReader

from refocus_cli.core.branding import MAX_LOGO_BYTES

TEAM = "North CMHT"
PEOPLE = 15
AFTER = "2027-03-01T18:00:00+00:00"
LEAD, LIVED = "Ruth Evans", "Dai Morgan"
# Roles as a roster gives them; the last is long enough to wrap onto a second line.
ROLES = [
    "Community mental health nurse",
    "Senior occupational therapist",
    "Peer support worker",
    "Consultant psychiatrist",
    "Senior community mental health nurse and care co-ordinator",
]


def _png() -> bytes:
    """A real 2×1 PNG (red, blue), built by hand so the test needs no picture library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _pages(path: Path) -> list[tuple[str, bool]]:
    """Each page's text and whether it is landscape."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return [
        (page.extract_text(), float(page.mediabox.width) > float(page.mediabox.height))
        for page in reader.pages
    ]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    """A team of 15 through its workshop, everyone present, branding set; the pack."""
    folder = tmp_path_factory.mktemp("printed")
    db = folder / "printed.db"

    ok = succeeding(on_database(db))

    ok("init", "Wave Trust REFOCUS", "--start", "2027-01-11")
    ok("team", "add", TEAM)
    for n in range(1, PEOPLE + 1):
        role = ROLES[-1] if n == PEOPLE else ROLES[n % (len(ROLES) - 1)]
        ok("staff", "add", f"Person {n:02d}", "--team", TEAM, "--role", role,
           "--start", "2026-01-01")  # fmt: skip
    ok("trainer", "add", LEAD)
    ok("trainer", "add", LIVED, "--lived-experience", "--stages", "workshop,coaching")
    ok("cohort", "create", "Wave 1", "--team", TEAM)
    ok("schedule", "Wave 1")
    logo = folder / "logo.png"
    logo.write_bytes(_png())
    ok("programme", "set", "--organisation", "Northshire NHS Trust", "--logo", str(logo),
       "--signatory", "Dr Jo Bloggs, Director of Nursing")  # fmt: skip
    sessions = json.loads(ok("sessions", "--json").stdout)
    session = next(s for s in sessions if s["module"] == "recovery-workshop")
    ok("attend", str(session["id"]), "--all-present", now=AFTER)
    pack = folder / "pack.pdf"
    ok("pack", str(session["id"]), "-o", str(pack), now=AFTER)
    return {"session": session, "pages": _pages(pack), "db": db}


def _day(session) -> str:
    start = datetime.fromisoformat(session["start"])
    return f"{start:%A} {start.day} {start:%B %Y}"


def _part(pages, words):
    return [(text, wide) for text, wide in pages if words in text]


def test_each_part_takes_the_pages_it_should(workshop):
    pages = workshop["pages"]
    handouts = _part(pages, "Prepared for")
    forms = _part(pages, "Your view of this session")
    certificates = _part(pages, "Certificate of attendance")
    register = _part(pages, "Signature")
    # One page per person for handouts, evaluation forms and certificates.
    assert len(handouts) == PEOPLE
    assert sorted(re.search(r"Prepared for (Person \d+)", t).group(1) for t, _ in handouts) == [
        f"Person {n:02d}" for n in range(1, PEOPLE + 1)
    ]
    assert len(forms) == PEOPLE
    assert len(certificates) == PEOPLE
    assert all(wide for _, wide in certificates) and all(wide for _, wide in register)
    assert not any(wide for _, wide in handouts + forms)
    # The register fits 15 people on one page, a long role wrapping in its wide column.
    assert len(register) == 1
    # Cover, notes (at most two pages), then the parts above: nothing else.
    notes = _part(pages, "Facilitator notes")
    assert len(notes) == 1 and pages.index(notes[0]) == 1
    extra = len(pages) - 1 - 3 * PEOPLE - len(register)
    assert 1 <= extra <= 2, extra


def test_no_page_is_left_nearly_empty(workshop):
    session = workshop["session"]
    footer = f"Session {session['id']} ·"
    for number, (text, _) in enumerate(workshop["pages"], start=1):
        lines = [line for line in text.splitlines() if line.strip() and footer not in line]
        assert len(lines) >= 5, (number, lines)


def test_evaluation_forms_are_numbered_for_each_expected_person(workshop):
    session = workshop["session"]["id"]
    forms = [text for text, _ in _part(workshop["pages"], "Your view of this session")]
    numbers = [re.search(r"Form (\d+-\d+)", text).group(1) for text in forms]
    assert numbers == [f"{session}-{n}" for n in range(1, PEOPLE + 1)]
    from refocus_cli.core.documents import EVALUATION_ITEMS, EVALUATION_QUESTIONS

    for text in forms:
        flat = " ".join(text.split())
        for _, words in EVALUATION_ITEMS + EVALUATION_QUESTIONS:
            assert words in flat


def test_the_words_read_as_english_with_no_command_lines(workshop):
    text = "\n".join(t for t, _ in workshop["pages"])
    flat = " ".join(text.split())
    assert "refocus attend" not in text and "Session 1 of 1" not in text
    assert "cohort Wave 1" not in text
    day = _day(workshop["session"])
    assert f"Wave 1 · North CMHT · {day}, 09:30–16:30" in flat
    cover = " ".join(workshop["pages"][0][0].split())
    # The agenda runs from the session's start to its end, with breaks and lunch.
    times = re.findall(r"(\d\d:\d\d)–(\d\d:\d\d)", cover.split("Agenda")[1])
    assert times[0][0] == "09:30" and times[-1][1] == "16:30"
    assert all(a[1] == b[0] for a, b in zip(times, times[1:], strict=False))
    assert "Lunch" in cover and cover.count("Break") == 2


def test_certificates_carry_the_organisation_and_no_footer(workshop):
    session = workshop["session"]
    for text, _ in _part(workshop["pages"], "Certificate of attendance"):
        flat = " ".join(text.split())
        assert "Northshire NHS Trust" in flat and "Wave Trust REFOCUS" in flat
        assert "Dr Jo Bloggs Director of Nursing" in flat
        assert f"{LEAD} REFOCUS trainer" in flat and f"{LIVED} REFOCUS trainer" in flat
        assert "lived experience" not in flat.lower()
        # 09:30–16:30 is 7 hours; the workshop's activities come to 330 minutes.
        assert f"{_day(session)}, 09:30–16:30 · 7 hours" in flat
        assert "CPD: 5½ hours of learning" in flat
        assert f"Session {session['id']} ·" not in flat and "Recovery and REFOCUS Workshop" in flat
    reader = PdfReader(io.BytesIO(Path(workshop["db"]).parent.joinpath("pack.pdf").read_bytes()))
    assert len(reader.pages[-1].images) == 1  # the logo


@pytest.mark.parametrize(
    "module",
    ["recovery-workshop", "values-and-preferences", "strengths", "goal-striving",
     "coaching-for-recovery", "team-reflection", "manager-reflection",
     "supervision-reflection"],
)  # fmt: skip
def test_every_shipped_module_handout_is_one_page(module, cli, tmp_path):
    assert cli("init", "Handout Trust").exit_code == 0
    target = tmp_path / f"{module}.pdf"
    done = cli("handout", module, "-o", str(target))
    assert done.exit_code == 0, done.stderr
    pages = _pages(target)
    assert len(pages) == 1 and "Reflection" in pages[0][0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--logo", "TEXT"], "not a PNG, JPEG or SVG"),
        (["--logo", "BIG"], "is over 1024 KB"),
        (["--logo", "DAMAGED"], "cannot be drawn"),
        (["--logo", "MISSING"], "no such file"),
        (["--logo", "PNG", "--no-logo"], "contradict"),
        (["--signatory", "Jo Bloggs"], "give the name and the role"),
        (["--organisation", "\x1b[31mred"], "control characters"),
        (["--signatory", "A" * 300 + ", Director"], "under the limit"),
        ([], "nothing to change"),
    ],
)
def test_bad_branding_is_one_error_line_and_changes_nothing(cli, tmp_path, args, words):
    assert cli("init", "Brand Trust").exit_code == 0
    files = {"TEXT": tmp_path / "logo.png", "BIG": tmp_path / "big.png",
             "MISSING": tmp_path / "nope.png", "PNG": tmp_path / "real.png"}  # fmt: skip
    files["TEXT"].write_text("not a picture", encoding="utf-8")
    files["BIG"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(MAX_LOGO_BYTES))
    files["PNG"].write_bytes(_png())
    files["DAMAGED"] = tmp_path / "damaged.png"
    files["DAMAGED"].write_bytes(_png()[:40])
    done = cli("programme", "set", *[str(files.get(a, a)) for a in args])
    assert done.exit_code == 1, done.stdout
    assert done.stderr.startswith("Error: ") and words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    shown = cli("programme", "show", "--json").json()
    assert shown["logo_type"] is None and shown["organisation"] == ""


def test_a_handout_too_long_for_one_page_moves_all_its_questions_to_the_next():
    from dataclasses import replace

    from refocus_cli.core.documents import Person, document_view
    from refocus_cli.readers.manual import load_curriculum
    from refocus_cli.render.documents import render

    module = load_curriculum().module("strengths")
    wordy = replace(module.content, key_messages=module.content.key_messages * 3)
    session = {"id": 4, "start": "2027-02-02T09:30:00+00:00", "end": "2027-02-02T13:00:00+00:00",
               "teams": [TEAM], "trainers": [LEAD]}  # fmt: skip
    view = document_view(
        "Trust",
        replace(module, content=wordy),
        "Working Practices training",
        session=session,
        people=[Person(1, "Nia", "Nurse", TEAM), Person(2, "Rob", "Nurse", TEAM)],
        parts=("handouts",),
    )
    reader = PdfReader(io.BytesIO(render("pack.typ.j2", view, "pdf")))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) == 4
    prompts = module.content.reflection_prompts
    for first, second in (pages[0:2], pages[2:4]):
        assert "Prepared for" in first and not any(p in first for p in prompts)
        assert all(p in second for p in prompts)
