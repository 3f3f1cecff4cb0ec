"""Measurement windows as milestones: all-day events in calendars, bands in the report's
timeline, never sessions.

Cohort W1 (North CMHT) is scheduled from Mon 11 Jan 2027 with the default windows;
cohort W2 (South CMHT) is not scheduled but has a follow-up window typed in; and a
programme-wide baseline window covers November 2026.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
import vobject
from conftest import copy_database, on_database, succeeding

NOVEMBER = ("2026-11-02", "2026-11-27")  # the programme-wide baseline (typed in here)
W2_FOLLOW_UP = ("2028-03-01", "2028-03-31")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The programme, built once; each test gets a copy."""
    db = tmp_path_factory.mktemp("windows") / "built.db"

    ok = succeeding(on_database(db))

    ok("init", "Window Trust", "--start", "2027-01-11")
    for team in ("North CMHT", "South CMHT"):
        ok("team", "add", team)
        ok("staff", "add", f"{team[:5]} Person", "--team", team, "--start", "2026-01-01")
    stages = "workshop,working-practices,coaching,practice-change"
    ok("trainer", "add", "Tess Trainer", "--stages", stages)
    ok("trainer", "add", "Len Lived", "--lived-experience", "--stages", stages)
    ok("cohort", "create", "W1", "--team", "North CMHT")
    ok("cohort", "create", "W2", "--team", "South CMHT")
    ok("schedule", "W1")
    ok("measure", "window", "add", "follow-up", "--from", W2_FOLLOW_UP[0],
       "--to", W2_FOLLOW_UP[1], "--cohort", "W2")  # fmt: skip
    ok("measure", "window", "add", "baseline", "--from", NOVEMBER[0], "--to", NOVEMBER[1])
    return db


@pytest.fixture
def ok(built, cli, env_setup):
    copy_database(built, env_setup)
    return succeeding(cli)


def _export(ok, tmp_path, *args, name="out.ics") -> str:
    target = tmp_path / name
    ok("export", "ics", *args, "-o", str(target))
    return target.read_text(encoding="utf-8")


def _milestones(text: str) -> dict[str, tuple[date, date]]:
    """The milestone events by title: (DTSTART, DTEND) as icalendar reads them."""
    from icalendar import Calendar

    return {
        str(e["SUMMARY"]): (e.decoded("DTSTART"), e.decoded("DTEND"))
        for e in Calendar.from_ical(text).walk("VEVENT")
        if "milestone" in e["CATEGORIES"].cats
    }


def _day(text: str) -> date:
    return date.fromisoformat(text)


def test_a_cohorts_calendar_holds_its_windows_as_all_day_milestones(ok, tmp_path):
    from icalendar import Calendar

    text = _export(ok, tmp_path, "--cohort", "W1", "--alarm", "1d")
    listed = {w["kind"]: w for w in json.loads(ok("measure", "window", "list", "--json").stdout)
              if w["cohort"] == "W1"}  # fmt: skip
    # The default baseline: the month ending the day before the first session (Mon 11 Jan
    # 2027), i.e. Fri 11 Dec 2026 to Sun 10 Jan 2027; DTEND is the day after (exclusive).
    assert (listed["baseline"]["from"], listed["baseline"]["to"]) == ("2026-12-11", "2027-01-10")
    follow_up = listed["follow-up"]
    assert _milestones(text) == {
        "REFOCUS baseline measures (W1)": (date(2026, 12, 11), date(2027, 1, 11)),
        "REFOCUS follow-up measures (W1)": (
            _day(follow_up["from"]),
            _day(follow_up["to"]) + timedelta(days=1),
        ),
        # the programme-wide window is the cohort's too; W2's window is not
        "REFOCUS baseline measures (all teams)": (
            _day(NOVEMBER[0]),
            _day(NOVEMBER[1]) + timedelta(days=1),
        ),
    }
    said = []
    for event in Calendar.from_ical(text).walk("VEVENT"):
        if "milestone" not in event["CATEGORIES"].cats:
            continue
        assert str(event["UID"]).startswith("window-")
        assert str(event["TRANSP"]) == "TRANSPARENT"  # never blocks anyone's time
        assert not event.walk("VALARM")  # no reminder, whatever --alarm says
        words = str(event["DESCRIPTION"])
        assert "Staff complete: Staff recovery-promotion behaviour." in words
        assert "QPR total (Questionnaire about the Process of Recovery)" in words
        assert "not a session" in words
        said.append(words.splitlines()[0])
    assert (
        "Scores are collected for cohort W1, Fri 11 Dec 2026 to Sun 10 Jan 2027. "
        + ("This is not a session: there is nothing to attend.")
        in said
    )
    vobject.readOne(text).validate()  # RFC 5545 as vobject checks it


def test_uids_are_stable_and_the_sessions_unchanged(ok, tmp_path):
    first = _export(ok, tmp_path, "--cohort", "W1", name="a.ics")
    again = _export(ok, tmp_path, "--cohort", "W1", name="b.ics")
    uids = re.findall(r"^UID:(window-.+)$", first, flags=re.M)
    assert len(uids) == 3 and uids == re.findall(r"^UID:(window-.+)$", again, flags=re.M)
    for window in json.loads(ok("measure", "window", "list", "--json").stdout):
        ok("measure", "window", "remove", str(window["id"]))
    without = _export(ok, tmp_path, "--cohort", "W1", name="c.ics")
    assert "window-" not in without and without.count("BEGIN:VEVENT") > 10
    milestone = re.compile(r"BEGIN:VEVENT\r?\nUID:window-.*?END:VEVENT\r?\n", flags=re.S)
    assert milestone.sub("", first) == without  # byte for byte, sessions as they were


@pytest.mark.parametrize(
    ("choice", "titles"),
    [
        (("--all",), {"baseline (W1)", "follow-up (W1)", "follow-up (W2)", "baseline (all teams)"}),
        (
            ("--team", "South CMHT"),
            {
                "Follow-up: South CMHT (REFOCUS cohort W2)",
                "Baseline: South CMHT (REFOCUS, all teams)",
            },
        ),
        (("--cohort", "W2"), {"follow-up (W2)", "baseline (all teams)"}),
        # a trainer's: the windows of the cohorts they train (W1) and the programme's
        (
            ("--trainer", "Tess Trainer"),
            {"baseline (W1)", "follow-up (W1)", "baseline (all teams)"},
        ),
        # a person's: their team's cohort's and the programme's, named by their team
        (
            ("--staff", "North Person"),
            {
                "Baseline: North CMHT (REFOCUS cohort W1)",
                "Follow-up: North CMHT (REFOCUS cohort W1)",
                "Baseline: North CMHT (REFOCUS, all teams)",
            },
        ),
    ],
)
def test_each_calendar_shows_the_windows_of_its_cohorts(ok, tmp_path, choice, titles):
    found = _milestones(_export(ok, tmp_path, *choice))
    assert {t.removeprefix("REFOCUS ").replace(" measures", "") for t in found} == titles


def _timeline(page) -> str:
    return page.read_text(encoding="utf-8").split('id="timeline"', 1)[1].split("</section>")[0]


def test_the_report_timeline_draws_the_windows_as_labelled_rows_and_shades(ok, tmp_path):
    page = tmp_path / "report.html"
    ok("report", "html", "-o", str(page))
    timeline = _timeline(page)
    # a row per kind over the teams: two baselines (W1, all teams), two follow-ups (W1, W2)
    assert ">Baseline measures</text>" in timeline and ">Follow-up measures</text>" in timeline
    marks = re.findall(r'<rect class="window (baseline|follow-up)"', timeline)
    assert sorted(marks) == ["baseline", "baseline", "follow-up", "follow-up"]
    for title in (
        "Baseline measures (W1): Fri 11 Dec 2026 to Sun 10 Jan 2027",
        "Follow-up measures (W2): Wed 1 Mar 2028 to Fri 31 Mar 2028",
        "Baseline measures (all teams): Mon 2 Nov 2026 to Fri 27 Nov 2026",
    ):
        assert f"<title>{title}</title>" in timeline, title
    assert "baseline measures window" in timeline and "follow-up measures window" in timeline
    # North's row (W1) is shaded by W1's two windows and the programme-wide one, South's
    # (W2, not scheduled yet) by W2's follow-up and the programme-wide one: 3 + 2.
    shades = re.findall(r'<rect class="window-shade [^>]*><title>([^<]*)</title>', timeline)
    assert (
        len(shades) == 3 + 2
        and shades.count("Baseline measures (all teams): Mon 2 Nov 2026 to Fri 27 Nov 2026") == 2
    )
    one = tmp_path / "w1.html"
    ok("report", "html", "--cohort", "W1", "-o", str(one))
    cohort_page = _timeline(one)
    assert "(W1):" in cohort_page and "(all teams):" in cohort_page
    assert "(W2):" not in cohort_page


def test_overlapping_windows_take_lanes_and_are_named_only_where_the_name_fits():
    from refocus_cli.core.measure_defs import Window, WindowKind
    from refocus_cli.render.timeline import MAX_WINDOW_LANES, _labelled, _lanes

    def window(n: int, first: str, last: str) -> Window:
        return Window(n, WindowKind.BASELINE, _day(first), _day(last), n, f"W{n}")

    staggered = [
        window(n, f"2027-01-{1 + 2 * n:02d}", f"2027-01-{20 + 2 * n:02d}") for n in range(6)
    ]
    lanes = _lanes([*reversed(staggered), window(9, "2027-03-01", "2027-03-31")])
    assert len(lanes) == MAX_WINDOW_LANES == 4
    # each of W0 to W5 starts before all the others end; March's W9 fits after W0 in lane 1,
    # and W4 and W5, with no lane left, share the last
    assert [[w.cohort for w in lane] for lane in lanes] == [
        ["W0", "W9"],
        ["W1"],
        ["W2"],
        ["W3", "W4", "W5"],
    ]
    marks = [{"x": 0.0, "width": 50.0, "who": "W1"}, {"x": 10.0, "width": 50.0, "who": "WAVE2"}]
    # "W1" needs 2 * 6.5 + 6 = 19 px: 10 px show before the next mark; "WAVE2" needs 38.5
    assert [m["text"] for m in _labelled(marks)] == ["", "WAVE2"]
