"""`refocus report outcomes` on a small rollout whose every figure is worked out by hand.

Four teams of two go through their workshops (the rest of the plan is still to come, so
the report compares them with --include-unfinished, on the day after the last
workshop). Their workshop registers give the participation split; scores are then
imported with `refocus measure import`, and the report's team changes, group means,
difference and Welch interval are compared with the arithmetic written out below.

The t quantile for 2 degrees of freedom has a closed form: with q = 2p − 1,
t = q·√(2 / (1 − q²)); for p = 0.975, q = 0.95, t = 0.95 × √(2 / 0.0975).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from conftest import ENVIRONMENT, invoke

SETUP = "2027-01-04T09:00:00+00:00"
TEAMS = ("Ash", "Beech", "Cedar", "Damson")
STAFF = {team: (f"{team} One", f"{team} Two") for team in TEAMS}
T_2 = 0.95 * math.sqrt(2 / 0.0975)  # t(0.975, df = 2) = 4.302652729749464


class Programme:
    def __init__(self, db: Path):
        self.db = db

    def run(self, *args: str, now: str):
        env = {**ENVIRONMENT, "REFOCUS_DB": str(self.db), "REFOCUS_NOW": now}
        return invoke(args, env=env)

    def ok(self, *args: str, now: str):
        done = self.run(*args, now=now)
        assert done.exit_code == 0, (args, done.stdout, done.stderr)
        return done


def at(day: str) -> str:
    return f"{day}T18:00:00+00:00"


@pytest.fixture(scope="module")
def workshops_held(tmp_path_factory) -> tuple[Programme, str]:
    """Four teams whose workshops are held: Ash and Beech all came, Cedar one of two,
    Damson nobody. Returns the programme and the report day."""
    folder = tmp_path_factory.mktemp("outcomes-by-hand")
    prog = Programme(folder / "refocus.db")
    prog.ok("init", "Outcomes Trust", "--start", "2027-01-11", now=SETUP)
    lines = ["name,team,role,start"]
    for team in TEAMS:
        prog.ok("team", "add", team, now=SETUP)
        lines += [f"{name},{team},nurse,2026-09-01" for name in STAFF[team]]
    (folder / "roster.csv").write_text("\n".join(lines) + "\n")
    prog.ok("staff", "import", str(folder / "roster.csv"), now=SETUP)
    prog.ok("trainer", "add", "Tess Trainer", now=SETUP)
    prog.ok("trainer", "add", "Lew Lived", "--lived-experience", "--stages", "workshop", now=SETUP)
    prog.ok("cohort", "create", "W1", *[a for t in TEAMS for a in ("--team", t)], now=SETUP)
    prog.ok("schedule", "W1", "--start", "2027-01-11", now=SETUP)
    sessions = json.loads(prog.ok("sessions", "--json", now=SETUP).stdout)
    workshops = {s["teams"][0]: s for s in sessions if s["stage"] == "workshop"}
    assert sorted(workshops) == sorted(TEAMS)
    marks = {
        "Ash": ("--all-present",),
        "Beech": ("--all-present",),
        "Cedar": ("--present", "Cedar One", "--absent", "Cedar Two"),
        "Damson": ("--absent", "Damson One", "--absent", "Damson Two"),
    }
    for team, args in marks.items():
        day = workshops[team]["start"][:10]
        prog.ok("attend", str(workshops[team]["id"]), *args, now=at(day))
    last = max(s["start"][:10] for s in workshops.values())
    report_day = f"{last[:8]}{int(last[8:]) + 1:02d}"
    # Baseline: team-level QPR for all four teams, staff scores for all eight people.
    _import(prog, folder, "qpr-total", "baseline", QPR_BASELINE, report_day)
    _import(prog, folder, "staff-recovery-promotion", "baseline", STAFF_BASELINE, report_day)
    _import(prog, folder, "qpr-total", "follow-up", QPR_FOLLOW_UP, report_day)
    return prog, report_day


def _import(prog: Programme, folder: Path, measure: str, window: str, text: str, day: str):
    path = folder / f"{measure}-{window}.csv"
    path.write_text(text)
    prog.ok("measure", "import", str(path), "--measure", measure, "--window", window, now=at(day))


# Team-level QPR total: team, n, mean.
QPR_BASELINE = "team,n,mean\nAsh,10,40\nBeech,8,38\nCedar,12,42\nDamson,9,39\n"
QPR_FOLLOW_UP = "team,n,mean\nAsh,10,44\nBeech,9,40\nCedar,11,43\nDamson,9,38\n"
# Staff-level recovery-promotion behaviour: person, score.
STAFF_BASELINE = (
    "person,score\nAsh One,3\nAsh Two,2\nBeech One,4\nBeech Two,3\n"
    "Cedar One,2.5\nCedar Two,3.5\nDamson One,3\nDamson Two,3\n"
)
STAFF_FOLLOW_UP = (
    "person,score\nAsh One,3.5\nAsh Two,3\nBeech One,4\nBeech Two,3.5\n"
    "Cedar One,3\nCedar Two,3.5\nDamson One,2.5\nDamson Two,3\n"
)


@pytest.fixture
def copy(workshops_held, tmp_path) -> tuple[Programme, str, Path]:
    prog, day = workshops_held
    db = tmp_path / "copy.db"
    shutil.copy(prog.db, db)
    return Programme(db), day, tmp_path


def _report(prog: Programme, day: str) -> dict:
    done = prog.ok("report", "outcomes", "--include-unfinished", "--on", day, "--json", now=at(day))
    return json.loads(done.stdout)


def _measure(report: dict, key: str) -> dict:
    return next(m for m in report["measures"] if m["measure"]["key"] == key)


def test_every_figure_matches_the_hand_computation(copy):
    prog, day, folder = copy
    _import(prog, folder, "staff-recovery-promotion", "follow-up", STAFF_FOLLOW_UP, day)
    report = _report(prog, day)
    # Participation (the workshop is the only strategy held): Ash 2/2 engaged = 1,
    # Beech 1, Cedar (1 + 0) / 2 = 0.5, Damson 0. Median of {1, 1, 0.5, 0} is
    # (1 + 0.5) / 2 = 0.75: Ash and Beech high, Cedar and Damson low.
    assert report["stayers_rule"].endswith("computed over them")  # the trial's rule
    assert (report["high_teams"], report["low_teams"]) == (2, 2)

    qpr = _measure(report, "qpr-total")
    teams = {t["team"]: t for t in qpr["teams"]}
    # change = follow-up − baseline
    assert {name: t["change"] for name, t in teams.items()} == {
        "Ash": 44 - 40,  # 4
        "Beech": 40 - 38,  # 2
        "Cedar": 43 - 42,  # 1
        "Damson": 38 - 39,  # -1
    }
    assert (teams["Beech"]["n_baseline"], teams["Beech"]["n_follow_up"]) == (8, 9)
    assert {name: t["implementation"] for name, t in teams.items()} == {
        "Ash": "high", "Beech": "high", "Cedar": "low", "Damson": "low",
    }  # fmt: skip
    high, low = qpr["groups"]
    # high: mean (4 + 2) / 2 = 3, s² = ((4−3)² + (2−3)²) / 1 = 2, s = √2
    assert (high["teams"], high["mean_change"], high["sd_change"]) == (2, 3, round(math.sqrt(2), 4))
    # low: mean (1 + −1) / 2 = 0, s² = (1² + 1²) / 1 = 2
    assert (low["teams"], low["mean_change"], low["sd_change"]) == (2, 0, round(math.sqrt(2), 4))
    diff = qpr["difference"]
    # difference 3 − 0 = 3; SE = √(2/2 + 2/2) = √2;
    # df = (1 + 1)² / (1²/1 + 1²/1) = 4 / 2 = 2; interval 3 ± t(0.975, 2) × √2
    assert diff["high_minus_low"] == 3
    assert diff["standard_error"] == round(math.sqrt(2), 4)
    assert diff["df"] == 2
    assert diff["t"] == round(T_2, 4)  # 4.3027
    assert diff["ci95_low"] == round(3 - T_2 * math.sqrt(2), 4)  # -3.0849
    assert diff["ci95_high"] == round(3 + T_2 * math.sqrt(2), 4)  # 9.0849
    assert diff["ci95_low"] == -3.0849 and diff["ci95_high"] == 9.0849
    # Two teams a group is fewer than five: warned.
    assert len(qpr["warnings"]) == 2 and "too few" in qpr["warnings"][0]

    staff = _measure(report, "staff-recovery-promotion")
    teams = {t["team"]: t for t in staff["teams"]}
    # Team means over both stayers (both have a baseline and a follow-up):
    assert {name: (t["baseline"], t["follow_up"], t["change"]) for name, t in teams.items()} == {
        "Ash": ((3 + 2) / 2, (3.5 + 3) / 2, 3.25 - 2.5),  # 2.5, 3.25, +0.75
        "Beech": ((4 + 3) / 2, (4 + 3.5) / 2, 3.75 - 3.5),  # 3.5, 3.75, +0.25
        "Cedar": ((2.5 + 3.5) / 2, (3 + 3.5) / 2, 3.25 - 3.0),  # 3.0, 3.25, +0.25
        "Damson": ((3 + 3) / 2, (2.5 + 3) / 2, 2.75 - 3.0),  # 3.0, 2.75, -0.25
    }
    assert teams["Ash"]["n_baseline"] == teams["Ash"]["n_follow_up"] == 2
    high, low = staff["groups"]
    # high: (0.75 + 0.25) / 2 = 0.5, s² = (0.25² + 0.25²) / 1 = 0.125
    # low: (0.25 − 0.25) / 2 = 0, s² = 0.125
    assert (high["mean_change"], low["mean_change"]) == (0.5, 0)
    assert high["sd_change"] == low["sd_change"] == round(math.sqrt(0.125), 4)
    diff = staff["difference"]
    # SE = √(0.125/2 + 0.125/2) = √0.125; df = 0.125² / (0.0625²/1 + 0.0625²/1) = 2
    assert diff["high_minus_low"] == 0.5
    assert diff["standard_error"] == round(math.sqrt(0.125), 4)
    assert diff["df"] == 2
    assert diff["ci95_low"] == round(0.5 - T_2 * math.sqrt(0.125), 4)  # -1.0212
    assert diff["ci95_high"] == round(0.5 + T_2 * math.sqrt(0.125), 4)  # 2.0212

    # No service-user measure for the interpersonal subscale: listed with no teams.
    assert _measure(report, "qpr-interpersonal")["teams"] == []


def test_stayers_without_follow_up_data_leave_the_split(copy):
    prog, day, folder = copy
    # Cedar Two (the one who missed the workshop) has no follow-up score.
    follow_up = STAFF_FOLLOW_UP.replace("Cedar Two,3.5\n", "")
    _import(prog, folder, "staff-recovery-promotion", "follow-up", follow_up, day)
    report = _report(prog, day)
    # Cedar's participation over its stayers with data is Cedar One's alone: 1. Scores
    # {1, 1, 1, 0}: median 1; the three at the median go high under split-by-rank
    # (|0 + 3 − 1| = 2 < |0 − 1 − 3| = 4), Damson alone is low.
    assert (report["high_teams"], report["low_teams"]) == (3, 1)
    qpr = _measure(report, "qpr-total")
    assert {t["team"]: t["implementation"] for t in qpr["teams"]}["Cedar"] == "high"
    high, low = qpr["groups"]
    assert high["mean_change"] == round((4 + 2 + 1) / 3, 4)  # 2.3333
    assert low["mean_change"] == -1
    diff = qpr["difference"]
    assert diff["high_minus_low"] == round(7 / 3 + 1, 4)  # 3.3333
    assert diff["ci95_low"] is None and "two teams or more" in diff["why_no_interval"]
    staff = {t["team"]: t for t in _measure(report, "staff-recovery-promotion")["teams"]}
    # Cedar: Cedar One only, 2.5 -> 3.0
    assert (staff["Cedar"]["baseline"], staff["Cedar"]["change"]) == (2.5, 0.5)
    assert staff["Cedar"]["n_baseline"] == 1


def test_without_staff_follow_up_the_split_is_the_participation_reports(copy):
    prog, day, _ = copy
    report = _report(prog, day)
    assert "is not applied" in report["stayers_rule"]
    done = prog.ok(
        "report", "participation", "--include-unfinished", "--on", day, "--json", now=at(day)
    )
    levels = {t["name"]: t["implementation"] for t in json.loads(done.stdout)["teams"]}
    qpr = _measure(report, "qpr-total")
    assert {t["team"]: t["implementation"] for t in qpr["teams"]} == levels
    # Staff-level: baselines only, so no change and no group has a team.
    staff = _measure(report, "staff-recovery-promotion")
    assert all(t["change"] is None for t in staff["teams"])
    assert staff["difference"] is None


def test_the_table_names_the_method_and_the_interval(copy):
    prog, day, folder = copy
    _import(prog, folder, "staff-recovery-promotion", "follow-up", STAFF_FOLLOW_UP, day)
    done = prog.ok("report", "outcomes", "--include-unfinished", "--on", day, now=at(day))
    assert "difference high − low: +3.00 (95 % interval -3.08 to +9.08; Welch, df 2.0)" in (
        done.stdout
    )
    assert "Welch's t interval" in done.stdout
    assert "too few" in done.stderr


def test_the_steering_group_page_charts_the_outcomes(copy):
    prog, day, folder = copy
    _import(prog, folder, "staff-recovery-promotion", "follow-up", STAFF_FOLLOW_UP, day)
    page = folder / "report.html"
    prog.ok("report", "html", "-o", str(page), "--include-unfinished", "--on", day, now=at(day))
    html = page.read_text()
    section = html[html.index('<section aria-labelledby="outcomes">') :]
    section = section[: section.index("</section>")]
    # One panel per measure with scores, each team a dot, the interval of the hand
    # computation: 3 ± 4.3027 × √2 for the QPR total, 0.5 ± 4.3027 × √0.125 for staff.
    assert section.count("<svg") == 2
    assert section.count("<circle") == 2 * (4 + 1)  # four teams and the difference
    assert "high − low: <strong>+3.00</strong> (95 % interval -3.08 to +9.08, Welch)" in section
    assert "(95 % interval -1.02 to +2.02, Welch)" in section
    assert "Too few teams to read much into: 2 high, 2 low" in section
