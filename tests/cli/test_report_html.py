"""`refocus report html`: one self-contained page for a steering group, drawn by a browser.

The programme is built once through the commands: registers are recorded for
every stage's first sessions but one, one session is cancelled, and one team's name is
markup, which must reach the page as text.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zlib
from collections import Counter
from itertools import accumulate
from pathlib import Path

import pytest
from browser import run_headless
from conftest import ENVIRONMENT, FIXED_NOW, invoke

EVIL = "<b>Evil & Co</b>"
ESCAPED_EVIL = "&lt;b&gt;Evil &amp; Co&lt;/b&gt;"
TEAMS = ("North CMHT", EVIL, "South Early Intervention")
PROGRAMME = "Steering Trust REFOCUS"
REPORT_DAY = "2027-04-20T12:00:00+00:00"
# The stage colours the page draws its bars in (refocus_cli/render/report.py).
STAGE_COLOURS = ("0072B2", "E69F00", "009E73", "CC79A7")
# The measurement windows' marks: baseline, follow-up (templates/report.html.j2).
WINDOW_COLOURS = ("56B4E9", "F0E442")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """report.html, written by `refocus report html -o report.html` typed in its folder."""
    folder = tmp_path_factory.mktemp("report-html")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(folder)  # the files below are named as typed there
        _build(folder)
    return folder / "report.html"


def _build(folder: Path) -> None:
    def ok(*args: str, now: str = FIXED_NOW) -> str:
        env = {**ENVIRONMENT, "REFOCUS_DB": str(folder / "refocus.db"), "REFOCUS_NOW": now}
        done = invoke(args, env=env)
        assert done.exit_code == 0, (args, done.stderr)
        return done.stdout

    ok("init", PROGRAMME, "--start", "2027-01-11")
    roster = ["name,team,email,role,manager,start"]
    for t, team in enumerate(TEAMS):
        ok("team", "add", team)
        for n in range(4):
            roster.append(f'P{t}{n},"{team}",p{t}{n}@nhs.example,nurse,{n == 0},2026-01-01')
    (folder / "roster.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    ok("staff", "import", "roster.csv")
    ok("trainer", "add", "Ruth Evans")
    ok("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    ok("venue", "add", "Board Room", "--capacity", "30")
    ok("cohort", "create", "WAVE1", *(arg for team in TEAMS for arg in ("--team", team)))
    ok("schedule", "WAVE1")
    sessions = list(csv.DictReader(io.StringIO(ok("sessions", "--csv"))))
    cancelled = [s for s in sessions if s["start"] < "2027-02-15"][-1]
    ok("session", "cancel", cancelled["id"], "--reason", "trainer ill", now=REPORT_DAY)
    held = [s for s in sessions if s["start"] < "2027-04-01" and s is not cancelled][:-1]
    assert len({s["stage"] for s in held}) == 4, "registers for every stage"
    register = ["session,name,status"]
    for n, session in enumerate(held):
        for team in session["teams"].split(", "):
            for person in range(1 if session["module"] == "manager-reflection" else 4):
                came = "absent" if (n + person) % 5 == 4 else "present"
                register.append(f"{session['id']},P{TEAMS.index(team)}{person},{came}")
    (folder / "register.csv").write_text("\n".join(register) + "\n", encoding="utf-8")
    ok("attend", "--from", "register.csv", now=REPORT_DAY)
    ok("report", "html", "-o", "report.html", now=REPORT_DAY)


@pytest.fixture(scope="module")
def page(report) -> str:
    return report.read_text(encoding="utf-8")


def test_the_page_is_one_self_contained_file(page):
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert re.search(r'<html lang="en', page)
    links = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", page, flags=re.I)
    assert all(link.startswith("#") for link in links), links
    assert not re.search(r"https?://", page)
    assert not re.search(r"<script\b", page, flags=re.I)
    assert not re.search(r"<link\b", page, flags=re.I)
    assert not re.search(r"@import|url\(", page, flags=re.I)
    assert "<style>" in page


def test_the_page_shows_the_programme_its_teams_and_charts(page):
    title = re.search(r"<title>(.*?)</title>", page, flags=re.S)
    assert title and PROGRAMME in title.group(1) and "20 Apr 2027" in title.group(1)
    charts = re.findall(r"<svg class=\"chart\".*?</svg>", page, flags=re.S)
    assert len(charts) >= 3  # timeline, attendance, reach (and team scores once scored)
    timeline = charts[0]
    assert "Rollout timeline" in timeline
    for team in ("North CMHT", ESCAPED_EVIL, "South Early Intervention"):
        assert len(re.findall(rf"<text [^>]*>{re.escape(team)}<", timeline)) == 1, team
        assert page.count(team) >= 4, team  # timeline, participation, milestones tables
    assert 'class="today"' in timeline
    assert 'class="planned"' in timeline  # sessions still to hold are drawn
    # `schedule` added WAVE1's default windows: a labelled row each, over the teams
    assert ">Baseline measures</text>" in timeline and ">Follow-up measures</text>" in timeline
    assert "<title>Baseline measures (WAVE1): Fri 11 Dec 2026 to Sun 10 Jan 2027</title>" in (
        timeline
    )
    for stage in ("Workshop", "Working practices", "Coaching", "Practice change"):
        assert f">{stage}<" in charts[1] and f">{stage}<" in charts[2]
    risks = page.split('id="risks"', 1)[1].split("</section>", 1)[0]
    assert "1 session cancelled" in risks
    assert "How these figures are computed" in page  # the method


def _section(page: str, name: str) -> str:
    return page.split(f'id="{name}"', 1)[1].split("</section>", 1)[0]


def test_teams_not_finished_are_listed_as_not_yet_comparable_with_why(page):
    # 2027-04-20: the teams are in their practice-change year, so none is compared.
    participation = _section(page, "participation")
    assert "Not yet comparable (3)" in participation
    assert participation.count("not finished: in practice change") == 3
    assert "no team can be compared on 2027-04-20 yet" in participation
    assert "level-high" not in participation and "level-low" not in participation
    assert "Engagement by strategy" in participation


def test_the_method_is_prose_with_a_table_of_where_each_figure_comes_from(page):
    method = _section(page, "method")
    assert "<pre" not in method
    assert method.count("<p><strong>") >= 5  # a paragraph per part, no hard line breaks
    rows = dict(
        re.findall(
            r'<th scope="row">([^<]+)</th><td>.*?<span class="source [^"]+">([^<]+)<', method
        )
    )
    assert rows["Median split"] == "the trial"
    assert rows["Stayers"] == "the trial"
    assert rows["The 50 % rule"] == "refocus default"
    assert rows["Four stages"] == "the REFOCUS manual"
    assert "--ties low|high|split-by-rank" in method


def test_a_team_named_with_markup_is_shown_as_text(page):
    assert ESCAPED_EVIL in page
    assert "<b>Evil" not in page and "Evil & Co" not in page


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of pixels (3 or 4 bytes each) of an 8-bit PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, compressed, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            compressed += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and not interlace, (depth, colour, interlace)
    size = 3 if colour == 2 else 4
    stride = width * size
    raw = zlib.decompress(compressed)
    rows, previous = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1 : start + 1 + stride]
        previous = UNFILTER[kind](line, previous, size)
        rows.append(previous)
    return width, height, rows


# Undoing PNG's row filters (the PNG specification, section 9): each byte was stored
# as the difference from a prediction made from its left neighbour `a`, the byte above
# `b` and the one above-left `c`. None, Sub and Up are undone on whole rows at once (a
# screenshot has millions of bytes); Average and Paeth depend on the byte just undone.
def _none(line: bytes, previous: bytes, size: int) -> bytes:
    return line


def _sub(line: bytes, previous: bytes, size: int) -> bytes:
    """Plus `a`: a running sum along each channel, modulo 256."""
    out = bytearray(len(line))
    for channel in range(size):
        out[channel::size] = bytes(map((255).__and__, accumulate(line[channel::size])))
    return bytes(out)


def _up(line: bytes, previous: bytes, size: int) -> bytes:
    """Plus `b`: every byte at once, as one integer whose bytes add without carrying."""
    n = len(line)
    low, high = int.from_bytes(b"\x7f" * n), int.from_bytes(b"\x80" * n)
    x, y = int.from_bytes(line), int.from_bytes(previous)
    return (((x & low) + (y & low)) ^ ((x ^ y) & high)).to_bytes(n)


def _average(line: bytes, previous: bytes, size: int) -> bytes:
    """Plus the mean of `a` and `b`, rounded down."""
    out = bytearray(line)
    for x in range(len(out)):
        left = out[x - size] if x >= size else 0
        out[x] = (out[x] + (left + previous[x]) // 2) & 255
    return bytes(out)


def _paeth(line: bytes, previous: bytes, size: int) -> bytes:
    """Plus whichever of `a`, `b`, `c` is nearest a + b - c (ties: a, then b)."""
    out = bytearray(line)
    for x in range(len(out)):
        a = out[x - size] if x >= size else 0
        b, c = previous[x], previous[x - size] if x >= size else 0
        near_a, near_b, near_c = abs(b - c), abs(a - c), abs(a + b - 2 * c)
        guess = a if near_a <= near_b and near_a <= near_c else b if near_b <= near_c else c
        out[x] = (out[x] + guess) & 255
    return bytes(out)


UNFILTER = {0: _none, 1: _sub, 2: _up, 3: _average, 4: _paeth}


def test_chromium_draws_the_page(report, tmp_path):
    screenshot = tmp_path / "report.png"
    done = run_headless(
        f"--screenshot={screenshot}",
        "--window-size=1280,2000",
        report.as_uri(),
        profile=tmp_path / "profile",
    )
    assert done.returncode == 0 and screenshot.exists(), done.stderr
    width, height, rows = decode_png(screenshot.read_bytes())
    assert (width, height) == (1280, 2000)
    size = len(rows[0]) // width
    counts: Counter[tuple[int, int, int]] = Counter()  # red, green, blue
    for row in rows:
        counts.update(zip(row[0::size], row[1::size], row[2::size], strict=True))
    assert len(counts) > 100, "the screenshot is (nearly) blank"
    for colour in STAGE_COLOURS:
        wanted = bytes.fromhex(colour)
        drawn = sum(
            n for pixel, n in counts.items() if max(map(abs, map(int.__sub__, pixel, wanted))) <= 3
        )
        assert drawn > 1000, f"no bars drawn in the colour #{colour}"  # a legend is 192
    for colour in WINDOW_COLOURS:
        wanted = bytes.fromhex(colour)
        drawn = sum(
            n for pixel, n in counts.items() if max(map(abs, map(int.__sub__, pixel, wanted))) <= 3
        )
        assert drawn > 400, f"no window drawn in the colour #{colour}"  # a legend key is 165


def test_chromium_reads_the_svg_charts_and_the_team_names(report, tmp_path):
    done = run_headless("--dump-dom", report.as_uri(), profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr
    dom = done.stdout
    assert len(re.findall(r"<svg class=\"chart\"", dom)) >= 3
    assert len(re.findall(r"<rect class=\"planned\"", dom)) == 4 * len(TEAMS)  # bar per stage
    assert len(re.findall(r"<rect class=\"window baseline\"", dom)) == 1  # WAVE1's
    assert len(re.findall(r"<rect class=\"window follow-up\"", dom)) == 1
    assert len(re.findall(r"<rect class=\"window-shade ", dom)) == 2 * len(TEAMS)
    for team in ("North CMHT", ESCAPED_EVIL, "South Early Intervention"):
        assert f">{team}<" in dom, team
    assert "<b>Evil" not in dom
