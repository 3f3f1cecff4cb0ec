"""A small rollout built by hand through the `refocus` commands, checked by hand.

Four teams go through the four stages (modules shrunk with `refocus manual set`):
staff move, join late, leave and a team disbands, all typed at the command line in
the order they happen, with the clock (REFOCUS_NOW) set to the day of each step. The
reports are then compared with numbers worked out on paper from the method printed
under `refocus report participation` (refocus_cli/core/measure_method.py): each
person's share of the strategies that apply to them, team scores over stayers, the
split of the teams that have finished the four stages, under each tie rule and without
supervision reflection. Every expected value below is a literal; the comments show the
arithmetic.

The second half feeds `refocus attend` bad input: each is refused with one
`Error: ...` line and exit code 1, and writes nothing.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import ENVIRONMENT, Result, invoke

REPORT_DAY = "2027-03-25"  # a Thursday, after the last planned session (2027-03-24)
BEFORE_START = "2027-01-04T09:00:00+00:00"
STRATEGIES = (
    "information-session",
    "working-practices-training",
    "coaching-training",
    "manager-reflection",
    "team-reflection",
    "supervision-reflection",
)

# name, team, role, manager, email
ROSTER = [
    ("Ann Alder", "Alder", "team manager", True, "ann.alder@trust.example"),
    ("Al Able", "Alder", "nurse", False, None),
    ("Ali Admin", "Alder", "admin", False, None),  # not clinical: no supervision reflection
    ("Mo Mover", "Alder", "social worker", False, None),  # the MOVER: to Birch on 2027-01-22
    ("Bea Birch", "Birch", "team manager", True, None),
    ("Ben Brown", "Birch", "psychologist", False, None),
    ("Bo Leaver", "Birch", "nurse", False, None),  # the LEAVER: leaves on 2027-02-22
    ("Cat Cedar", "Cedar", "team manager", True, None),  # the manager who skips reflection
    ("Cy Carer", "Cedar", "occupational therapist", False, "cy.carer@trust.example"),
    ("Cara Cole", "Cedar", "medical secretary", False, None),  # "secretar": not clinical
    ("Dee Dunes", "Dunes", "team manager", True, None),  # Dunes disbands on 2027-02-08
    ("Don Dunes", "Dunes", "nurse", False, None),
]
# ... and the LATE JOINER, Lee Late (nurse), joins Birch on 2027-01-25, after its workshop.

# The plan `refocus schedule W1 --start 2027-01-11` makes from these settings (it is
# deterministic). label -> (day, module, teams, occurrence). The dates below are the
# ones the hand computation uses, so the plan is checked first.
WS, VAL, STR, GOAL = "recovery-workshop", "values-and-preferences", "strengths", "goal-striving"
COACH, MGR, TEAM, SUP = (
    "coaching-for-recovery",
    "manager-reflection",
    "team-reflection",
    "supervision-reflection",
)
ALL = ("Alder", "Birch", "Cedar", "Dunes")
PLAN = {
    "A-ws-group1": ("2027-01-11", WS, ("Alder",), 1),  # workshop max group 3: Alder (4)
    "A-ws-group2": ("2027-01-12", WS, ("Alder",), 1),  # ... is split into two groups
    "B-ws": ("2027-01-13", WS, ("Birch",), 1),
    "C-ws": ("2027-01-14", WS, ("Cedar",), 1),
    "D-ws": ("2027-01-15", WS, ("Dunes",), 1),
    "A-val": ("2027-01-19", VAL, ("Alder",), 1),
    "B-val": ("2027-01-20", VAL, ("Birch",), 1),
    "C-val": ("2027-01-21", VAL, ("Cedar",), 1),
    "D-val": ("2027-01-22", VAL, ("Dunes",), 1),
    "A-str": ("2027-01-26", STR, ("Alder",), 1),
    "B-str": ("2027-01-27", STR, ("Birch",), 1),
    "C-str": ("2027-01-28", STR, ("Cedar",), 1),
    "D-str": ("2027-01-29", STR, ("Dunes",), 1),
    "A-goal": ("2027-02-02", GOAL, ("Alder",), 1),
    "B-goal": ("2027-02-03", GOAL, ("Birch",), 1),
    "C-goal": ("2027-02-04", GOAL, ("Cedar",), 1),
    "D-goal": ("2027-02-05", GOAL, ("Dunes",), 1),
    "coach1": ("2027-02-19", COACH, ALL, 1),
    "coach2": ("2027-02-26", COACH, ALL, 2),
    "mgr1": ("2027-03-05", MGR, ALL, 1),
    "B-sup": ("2027-03-05", SUP, ("Birch",), 1),
    "C-sup": ("2027-03-05", SUP, ("Cedar",), 1),
    "D-sup": ("2027-03-05", SUP, ("Dunes",), 1),
    "A-team1": ("2027-03-05", TEAM, ("Alder",), 1),
    "A-sup": ("2027-03-08", SUP, ("Alder",), 1),
    "B-team1": ("2027-03-08", TEAM, ("Birch",), 1),
    "C-team1": ("2027-03-09", TEAM, ("Cedar",), 1),
    "D-team1": ("2027-03-10", TEAM, ("Dunes",), 1),
    "mgr2": ("2027-03-12", MGR, ALL, 2),
    "A-team2": ("2027-03-12", TEAM, ("Alder",), 2),
    "B-team2": ("2027-03-15", TEAM, ("Birch",), 2),  # cancelled on 2027-03-11
    "C-team2": ("2027-03-16", TEAM, ("Cedar",), 2),
    "D-team2": ("2027-03-17", TEAM, ("Dunes",), 2),
    "A-team3": ("2027-03-19", TEAM, ("Alder",), 3),
    "B-team3": ("2027-03-22", TEAM, ("Birch",), 3),
    "C-team3": ("2027-03-23", TEAM, ("Cedar",), 3),
    "D-team3": ("2027-03-24", TEAM, ("Dunes",), 3),
}

# The typed-up sign-in register of the first coaching session, as a trainer writes it.
COACH1_REGISTER = (
    "Name,Attendance\n"
    "ann.alder@trust.example,present\n"
    "Al Able,P\n"
    "Ali Admin,DNA\n"
    "Bea Birch,yes\n"
    "Ben Brown,present\n"
    "Bo Leaver,p\n"
    "Mo Mover,absent\n"
    "Lee Late,Present\n"
    "Cat Cedar,present\n"
    "cy.carer@trust.example,n\n"
    "Cara Cole,attended\n"
)
# Registers a coordinator types up in bulk, one file with a session column, on the day
# given: label -> "name: status, ...". (The others are recorded one by one, below.)
BULK_REGISTERS = {
    "2027-02-05": {
        "B-ws": "Bea Birch: present, Ben Brown: present, Bo Leaver: excused",
        "C-ws": "Cat Cedar: present, Cy Carer: present, Cara Cole: absent",
        "D-ws": "Dee Dunes: present, Don Dunes: present",
        "B-val": "Bea Birch: present, Ben Brown: left early, Bo Leaver: present",
        "C-val": "Cat Cedar: present, Cy Carer: present, Cara Cole: present",
        "D-val": "Dee Dunes: present, Don Dunes: absent",
        "A-str": "Ann Alder: present, Al Able: present, Ali Admin: apologies",
        "B-str": "Bea Birch: present, Ben Brown: present, Bo Leaver: absent, "
        "Mo Mover: late, Lee Late: present",
        "C-str": "Cat Cedar: present, Cy Carer: absent, Cara Cole: present",
        "D-str": "Dee Dunes: present, Don Dunes: absent",
        "A-goal": "Ann Alder: present, Al Able: present, Ali Admin: absent",
        "C-goal": "Cat Cedar: present, Cy Carer: present, Cara Cole: excused",
        "D-goal": "Dee Dunes: present, Don Dunes: present",
    },
    "2027-03-23": {
        "coach2": "Ann Alder: present, Al Able: absent, Ali Admin: absent, Bea Birch: present, "
        "Ben Brown: present, Mo Mover: present, Lee Late: absent, Cat Cedar: present, "
        "Cy Carer: present, Cara Cole: absent",
        "mgr1": "Ann Alder: present, Bea Birch: present, Cat Cedar: absent",
        "B-sup": "Bea Birch: present, Ben Brown: present, Mo Mover: present, Lee Late: absent",
        "C-sup": "Cat Cedar: present, Cy Carer: present",
        "A-team1": "Ann Alder: present, Al Able: present, Ali Admin: present",
        "B-team1": "Bea Birch: present, Ben Brown: present, Mo Mover: present, Lee Late: late",
        "C-team1": "Cat Cedar: absent, Cy Carer: present, Cara Cole: present",
        "mgr2": "Ann Alder: present, Bea Birch: excused, Cat Cedar: absent",
        "A-team2": "Ann Alder: present, Al Able: absent, Ali Admin: present",
        "C-team2": "Cat Cedar: excused, Cy Carer: present, Cara Cole: present",
        "A-team3": "Ann Alder: present, Al Able: absent, Ali Admin: absent",
        "B-team3": "Bea Birch: present, Ben Brown: present, Mo Mover: absent, Lee Late: present",
        "C-team3": "Cat Cedar: absent, Cy Carer: present, Cara Cole: present",
    },
}


def refocus(db: Path, *args: str, now: str) -> Result:
    """Run refocus (in-process) against `db` with the clock at `now`."""
    env = {**ENVIRONMENT, "REFOCUS_DB": str(db), "REFOCUS_NOW": now, "REFOCUS_ACTOR": "trainer"}
    return invoke(args, env=env)


def at(day: str) -> str:
    return f"{day}T18:00:00+00:00"  # the evening of that day (GMT until 28 March 2027)


class Built:
    def __init__(self, db: Path, ids: dict[str, int]):
        self.db = db
        self.ids = ids
        self._reports: dict[tuple[str, ...], object] = {}

    def run(self, *args: str, now: str = at(REPORT_DAY)) -> Result:
        return refocus(self.db, *args, now=now)

    def ok(self, *args: str, now: str = at(REPORT_DAY)) -> Result:
        done = self.run(*args, now=now)
        assert done.exit_code == 0, (args, done.stdout, done.stderr)
        return done

    def json(self, *args: str, now: str = at(REPORT_DAY)):
        return json.loads(self.ok(*args, "--json", now=now).stdout)

    def report(self, *args: str):
        """A read-only JSON answer on the report day, asked once per test module."""
        if args not in self._reports:
            self._reports[args] = self.json(*args)
        return self._reports[args]


def _attend(prog: Built, label: str, **marks: list[str] | str | bool) -> None:
    """Record one session on its own day, e.g. present=[...], absent=..., all_present=True."""
    args = ["attend", str(prog.ids[label])]
    for status, names in marks.items():
        flag = "--" + status.strip("_").replace("_", "-")
        if names is True:
            args.append(flag)
            continue
        for name in [names] if isinstance(names, str) else names:
            args += [flag, name]
    prog.ok(*args, now=at(PLAN[label][0]))


def _roster_csv() -> str:
    lines = ["name,team,email,role,manager,start"]
    for name, team, role, manager, email in ROSTER:
        lines.append(f"{name},{team},{email or ''},{role},{'yes' if manager else 'no'},2026-09-01")
    return "\n".join(lines) + "\n"


def _bulk_csv(prog: Built, registers: dict[str, str]) -> str:
    lines = ["session,name,status"]
    for label, marks in registers.items():
        for mark in marks.split(", "):
            name, status = mark.split(": ")
            lines.append(f"{prog.ids[label]},{name},{status}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    folder = tmp_path_factory.mktemp("by-hand")
    prog = Built(folder / "refocus.db", {})
    setup = BEFORE_START
    prog.ok("init", "By Hand Trust", "--start", "2027-01-11", now=setup)
    for team in ALL:
        prog.ok("team", "add", team, "--site", team, "--kind", "CMHT", now=setup)
    roster = folder / "roster.csv"
    roster.write_text(_roster_csv())
    prog.ok("staff", "import", str(roster), now=setup)
    prog.ok("trainer", "add", "Tess Trainer", now=setup)
    prog.ok("trainer", "add", "Lew Lived", "--lived-experience", "--stages", "workshop", now=setup)
    # A small curriculum: a workshop group seats 3 (so Alder's four are split in two),
    # 2 coaching sessions, 3 weekly team reflections, 2 weekly manager reflections,
    # 1 supervision reflection. The three working practices stay at one session each.
    for module, *settings in (
        (WS, "--max-group", "3"),
        (COACH, "--sessions", "2"),
        (TEAM, "--sessions", "3", "--spacing", "7"),
        (MGR, "--sessions", "2", "--spacing", "7"),
        (SUP, "--sessions", "1"),
    ):
        prog.ok("manual", "set", module, *settings, now=setup)
    prog.ok("cohort", "create", "W1", *[a for t in ALL for a in ("--team", t)], now=setup)
    prog.ok("schedule", "W1", "--start", "2027-01-11", now=setup)

    sessions = prog.json("sessions", now=setup)
    found = {(s["start"][:10], s["module"], tuple(s["teams"])): s for s in sessions}
    assert len(sessions) == len(PLAN), [(s["start"], s["module"], s["teams"]) for s in sessions]
    for label, (day, module, teams, occurrence) in PLAN.items():
        session = found.get((day, module, teams))
        assert session is not None, f"the plan changed: no {module} for {teams} on {day}"
        assert session["occurrence"] == occurrence, label
        prog.ids[label] = session["id"]

    # -- the rollout, in the order it happens ---------------------------------------
    # Alder's workshop in two groups: group 1 marks the other two absent; at group 2
    # only those two are expected (the ones who came to group 1 are not asked again).
    _attend(prog, "A-ws-group1", present=["Ann Alder", "Mo Mover"], rest_absent=True)
    _attend(prog, "A-ws-group2", late="Al Able", present="Ali Admin")
    _attend(prog, "A-val", all_present=True, except_="Ali Admin")
    move = ("staff", "move", "Mo Mover", "--to", "Birch", "--on", "2027-01-22")
    prog.ok(*move, now=at("2027-01-22"))
    prog.ok(
        "staff", "add", "Lee Late", "--team", "Birch", "--role", "nurse", "--start", "2027-01-25",
        now=at("2027-01-25"),
    )  # fmt: skip
    # Everyone expected on 2027-02-03: Bea, Ben, Bo, and now Mo and Lee.
    _attend(prog, "B-goal", all_present=True)
    first_weeks = folder / "registers-to-2027-02-05.csv"
    first_weeks.write_text(_bulk_csv(prog, BULK_REGISTERS["2027-02-05"]))
    prog.ok("attend", "--from", str(first_weeks), now=at("2027-02-05"))
    prog.ok("team", "disband", "Dunes", "--on", "2027-02-08", now=at("2027-02-08"))
    coach1 = folder / "coach1-register.csv"
    coach1.write_text(COACH1_REGISTER)
    prog.ok("attend", str(prog.ids["coach1"]), "--from", str(coach1), now=at("2027-02-19"))
    prog.ok("staff", "leave", "Bo Leaver", "--on", "2027-02-22", now=at("2027-02-22"))
    # Ali Admin is not expected at supervision reflection (not clinical) but comes.
    _attend(prog, "A-sup", present=["Ann Alder", "Ali Admin"], absent="Al Able")
    cancel = ("session", "cancel", str(prog.ids["B-team2"]), "--reason", "trainer ill")
    prog.ok(*cancel, now=at("2027-03-11"))
    later_weeks = folder / "registers-to-2027-03-23.csv"
    later_weeks.write_text(_bulk_csv(prog, BULK_REGISTERS["2027-03-23"]))
    prog.ok("attend", "--from", str(later_weeks), now=at("2027-03-23"))
    # Dunes' sessions after it disbanded (supervision, three team reflections) are
    # never recorded: nobody is left to come.
    return prog


# -- the hand computation ----------------------------------------------------------------
#
# Held sessions each person was expected at, per strategy (engaging with one needs
# attended >= 1 and attended >= half of expected). P present, L late, LE left early,
# E excused, A absent, - not expected. Alder's two workshop groups are one activity.
#
#                  workshop  WP val,str,goal  coaching 1,2  mgr refl 1,2  team refl 1,2,3  sup
# Ann Alder (A)    P (g1)    P  P  P          P P           P P           P P P            P
# Al Able (A)      L (g2)    P  P  P          P A           -             P A A            A
# Ali Admin (A)    P (g2)    A  E  A          A A           -             P P A            P*
# Mo Mover (A, B)  P (g1)    PA LB PB         A P           -             P x A            P
# Bea Birch (B)    P         P  P  P          P P           P E           P x P            P
# Ben Brown (B)    P         LE P  P          P P           -             P x P            P
# Bo Leaver (B)    E         P  A  P          P left        -             left             left
# Lee Late (B)     joined    -  P  P          P A           -             L x P            A
# Cat Cedar (C)    P         P  P  P          P P           A A           A E A            P
# Cy Carer (C)     P         P  A  P          A P           -             P P P            P
# Cara Cole (C)    A         P  P  E          P A           -             P P P            -
# Dee Dunes (D)    P         P  P  P          (Dunes disbanded 2027-02-08: expected nowhere after)
# Don Dunes (D)    P         A  A  P          (disbanded)
#
# * Ali came without being expected, so counts as expected: 1 of 1.
# Al and Ali were marked absent at workshop group 1 (--rest-absent) and came to group 2:
# the groups are one activity, so they attended it.
# x Birch's second team reflection (2027-03-15) was cancelled: not expected there.
# Mo was on Alder for its workshop group 1 and values session (PA: present, at
# Alder), moved 2027-01-22, then on Birch from its strengths session (LB: late, at
# Birch) on.


def _person(team, attended, expected, points):
    """A person's row: a strategy applies when they were expected at it (expected > 0);
    `points` says, for each one that applies, whether they engaged (1) or not (0)."""
    engaged = [p if e else None for p, e in zip(points, expected, strict=True)]
    applicable = sum(1 for e in expected if e)
    count = sum(1 for p in engaged if p)
    return {
        "team": team,
        "score": round(count / applicable, 4) if applicable else None,
        "engaged": count,
        "applicable": applicable,
        "strategies": dict(zip(STRATEGIES, engaged, strict=True)),
        "attended": dict(zip(STRATEGIES, attended, strict=True)),
        "expected": dict(zip(STRATEGIES, expected, strict=True)),
    }


# A person's score is the share of the strategies that apply to them (expected at one
# or more held sessions) in which they engaged (at least one, and at least half).
#              strategies: info, WP, coaching, manager refl, team refl, supervision refl
PARTICIPATION = {
    # 1/1, 3/3, 2/2, 2/2, 3/3, 1/1: all six apply, engaged with all six: 6/6 = 1.0
    "Ann Alder": _person("Alder", (1, 3, 2, 2, 3, 1), (1, 3, 2, 2, 3, 1), (1, 1, 1, 1, 1, 1)),
    # late counts: 1/1; 3/3; coaching 1/2 is half -> engaged; team refl 1/3 < half -> no;
    # supervision 0/1 -> no; manager reflection does not apply (not a manager).
    # 3 of 5 = 0.6.
    "Al Able": _person("Alder", (1, 3, 1, 0, 1, 0), (1, 3, 2, 0, 3, 1), (1, 1, 1, 0, 0, 0)),
    # workshop 1/1; WP 0/3 (excused counts as not attended); coaching 0/2; team 2/3;
    # supervision 1/1 (came unasked, so it applies). 3 of 5 = 0.6.
    "Ali Admin": _person("Alder", (1, 0, 0, 0, 2, 1), (1, 3, 2, 0, 3, 1), (1, 0, 0, 0, 1, 1)),
    # workshop 1/1; WP 3/3 across his two teams (late counts); coaching 1/2; team 1/2
    # (Birch's 2nd cancelled); supervision 1/1. 5 of 5 = 1.0; his team today is Birch.
    "Mo Mover": _person("Birch", (1, 3, 1, 0, 1, 1), (1, 3, 2, 0, 2, 1), (1, 1, 1, 0, 1, 1)),
    # manager reflection 1/2 is half -> engaged; team 2/2. 6 of 6 = 1.0.
    "Bea Birch": _person("Birch", (1, 3, 2, 1, 2, 1), (1, 3, 2, 2, 2, 1), (1, 1, 1, 1, 1, 1)),
    # left-early counts. 5 of 5 = 1.0 (manager reflection does not apply).
    "Ben Brown": _person("Birch", (1, 3, 2, 0, 2, 1), (1, 3, 2, 0, 2, 1), (1, 1, 1, 0, 1, 1)),
    # workshop 0/1 (excused); WP 2/3; coaching 1/1 (left before the second); nothing
    # after he left applies. 2 of 3 = 0.6667; on no team today, so his last is shown.
    "Bo Leaver": _person("Birch", (0, 2, 1, 0, 0, 0), (1, 3, 1, 0, 0, 0), (0, 1, 1, 0, 0, 0)),
    # joined after the workshop and values session: the workshop does not apply; WP
    # 2/2; coaching 1/2; team 2/2; supervision 0/1. 3 of 4 = 0.75.
    "Lee Late": _person("Birch", (0, 2, 1, 0, 2, 0), (0, 2, 2, 0, 2, 1), (0, 1, 1, 0, 1, 0)),
    # manager refl 0/2, team refl 0/3 -> not engaged there. 4 of 6 = 0.6667.
    "Cat Cedar": _person("Cedar", (1, 3, 2, 0, 0, 1), (1, 3, 2, 2, 3, 1), (1, 1, 1, 0, 0, 1)),
    # WP 2/3; coaching 1/2; team 3/3; supervision 1/1. 5 of 5 = 1.0.
    "Cy Carer": _person("Cedar", (1, 2, 1, 0, 3, 1), (1, 3, 2, 0, 3, 1), (1, 1, 1, 0, 1, 1)),
    # workshop 0/1; WP 2/3; coaching 1/2; team 3/3; a medical secretary is not clinical
    # (guessed from the title at import: no clinical column), so supervision reflection
    # does not apply. 3 of 4 = 0.75.
    "Cara Cole": _person("Cedar", (0, 2, 1, 0, 3, 0), (1, 3, 2, 0, 3, 0), (0, 1, 1, 0, 1, 0)),
    # workshop 1/1, WP 3/3, then Dunes disbanded: 2 of 2 = 1.0.
    "Dee Dunes": _person("Dunes", (1, 3, 0, 0, 0, 0), (1, 3, 0, 0, 0, 0), (1, 1, 0, 0, 0, 0)),
    # workshop 1/1, WP 1/3 < half: 1 of 2 = 0.5.
    "Don Dunes": _person("Dunes", (1, 1, 0, 0, 0, 0), (1, 3, 0, 0, 0, 0), (1, 0, 0, 0, 0, 0)),
}

# Team scores: the mean score of the stayers, in the team without a break from its
# first session to 2027-03-25.
TEAM_SCORES = {
    # First session 2027-01-11; Mo moved out on 2027-01-22. Stayers Ann 1, Al 3/5,
    # Ali 3/5: (15/15 + 9/15 + 9/15) / 3 = 11/15 = 0.7333, below the median -> low.
    "Alder": (["Ann Alder", "Al Able", "Ali Admin"], 0.7333, "low", None),
    # First session 2027-01-13; Bo left, Mo (2027-01-22) and Lee (2027-01-25) came after
    # it. Stayers Bea 1, Ben 1: 1.0 > the median -> high.
    "Birch": (["Bea Birch", "Ben Brown"], 1.0, "high", None),
    # First session 2027-01-14, nobody moved. Cat 2/3, Cy 1, Cara 3/4:
    # (8/12 + 12/12 + 9/12) / 3 = 29/36 = 0.8056, the median itself -> low.
    "Cedar": (["Cat Cedar", "Cy Carer", "Cara Cole"], 0.8056, "low", None),
    # Disbanded before the report date: no score.
    "Dunes": ([], None, None, "disbanded on 2027-02-08"),
}
MEDIAN = 0.8056  # 29/36, the middle of 11/15, 29/36 and 1
# The split on 2027-03-25: Alder, Birch and Cedar have finished the four stages (every
# session held or cancelled, every register recorded); Dunes disbanded. Three teams
# compared. Cedar scores the median itself: with split-by-rank (the default) it joins
# the half that leaves the groups nearer in size; high {Birch, Cedar} against low
# {Alder} or high {Birch} against low {Cedar, Alder} are 2 against 1 either way, so
# it goes low, as in the classic rule.
SPLIT = {
    "date": REPORT_DAY,
    "date_from": "--on",
    "ties": "split-by-rank",
    "include_unfinished": False,
    "strategies": list(STRATEGIES),  # all six scored
    "supervision_reflection": True,
    "cohort": None,
    "compared": 3,
    "high": 1,
    "low": 2,
    "at_median": ["Cedar"],
    "warnings": [],
}

# Each team's engagement by strategy: of the stayers a strategy applies to, how many
# engaged with it (from the PARTICIPATION rows of the stayers).
#            info  WP    coach  mgr   team  sup
ENGAGEMENT = {
    # Ann, Al, Ali: Ali missed WP and coaching; Al team and supervision reflection.
    "Alder": ((3, 3), (2, 3), (2, 3), (1, 1), (2, 3), (2, 3)),
    # Bea, Ben: everything; manager reflection applies to Bea only.
    "Birch": ((2, 2), (2, 2), (2, 2), (1, 1), (2, 2), (2, 2)),
    # Cat, Cy, Cara: Cara missed the workshop; Cat manager and team reflection;
    # supervision applies to Cat and Cy.
    "Cedar": ((2, 3), (3, 3), (3, 3), (0, 1), (2, 3), (2, 2)),
    # No stayers.
    "Dunes": ((0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)),
}


def _stage(stage, planned, held, cancelled, awaiting, attendance, reach, done, staff, first, last):
    return {
        "stage": stage,
        "planned": planned,
        "held": held,
        "cancelled": cancelled,
        "awaiting_register": awaiting,
        "attendance": attendance,
        "reach": reach,
        "completed": done,
        "staff": staff,
        "first": first,
        "last": last,
    }


# Progress on 2027-03-25. planned/held/cancelled count sessions (Alder's split
# workshop is two); attendance = people who came / people expected over the stage's
# held activities; reach = staff on the team that day who completed every module of the
# stage meant for them (attended >= 1 and >= half the module's occurrences held so far;
# by 2027-03-25 every session not cancelled has been held).
PROGRESS = {
    "Alder": {
        "flags": [
            # came/expected per activity in date order: 4/4, 3/4, 2/3, 2/3, 2/3, 1/3,
            # mgr1 1/1, team1 3/3, sup 2/3, mgr2 1/1, team2 2/3, team3 1/3. Pooled over
            # people, the last three: (1 + 2 + 1) / (1 + 3 + 3) = 4/7 = 57 %; the three
            # before: (1 + 3 + 2) / (1 + 3 + 3) = 6/7 = 86 %; 29 points down.
            # (Turnover: Mo of 4 at the start gone = 25 %, under 30 %: no flag.)
            "attendance falling: 57% at the last 3 sessions, 86% at the 3 before",
        ],
        "stages": [
            # Ann, Mo (group 1), Al, Ali (group 2) of 4 expected. Reach: Ann, Al, Ali
            # (Mo is on Birch now) each came once: 3/3.
            _stage("workshop", 2, 2, 0, 0, 1.0, 1.0, 3, 3, "2027-01-11", "2027-01-12"),
            # (3 + 2 + 2) / (4 + 3 + 3) = 0.7. Ali came to none: 2/3.
            _stage("working-practices", 3, 3, 0, 0, 0.7, 0.6667, 2, 3, "2027-01-19", "2027-02-02"),
            # (2 + 1) / (3 + 3) = 0.5. Ann 2, Al 1 of 2 planned: done; Ali 0: 2/3.
            _stage("coaching", 2, 2, 0, 0, 0.5, 0.6667, 2, 3, "2027-02-19", "2027-02-26"),
            # mgr1 1/1, team1 3/3, sup 2/3 (Ali counted), mgr2 1/1, team2 2/3, team3 1/3:
            # 10 / 14 = 0.7143. Reach: Ann all three modules; Al team refl 1 of 3 < half:
            # not done; Ali (admin: team reflection only) 2 of 3: done. 2/3.
            _stage("practice-change", 6, 6, 0, 0, 0.7143, 0.6667, 2, 3, "2027-03-05", "2027-03-19"),
        ],
    },
    "Birch": {
        "flags": [
            # On 2027-01-13: Bea, Ben, Bo; Bo is gone: 1 of 3 = 33 % >= 30 %.
            "staff turnover 33% since 2027-01-13 (1 of 3 gone)",
            # ws 2/3, val 3/3, str 4/5, goal 5/5, coach 4/5, 3/4, mgr1 1/1, sup 3/4,
            # team1 4/4, mgr2 0/1, team3 3/4. Pooled over people, the last three:
            # (4 + 0 + 3) / (4 + 1 + 4) = 7/9; the three before: (3 + 1 + 3) / (4 + 1 + 4)
            # = 7/9. No fall: Bea missing one manager session is one person, not a
            # 0 % session. (Averaging rates per session would have flagged it.)
            "1 session cancelled",
            # Bea came to 3 of her 4 reflection sessions: no manager flag.
        ],
        "stages": [
            # 2 of 3. Staff today Bea, Ben, Mo, Lee; Mo came to Alder's workshop, Lee to
            # none: 3/4.
            _stage("workshop", 1, 1, 0, 0, 0.6667, 0.75, 3, 4, "2027-01-13", "2027-01-13"),
            # (3 + 4 + 5) / (3 + 5 + 5) = 12/13. Lee missed values (before he joined): 3/4.
            _stage("working-practices", 3, 3, 0, 0, 0.9231, 0.75, 3, 4, "2027-01-20", "2027-02-03"),
            # (4 + 3) / (5 + 4) = 7/9. Everyone on the team today came at least once: 4/4.
            _stage("coaching", 2, 2, 0, 0, 0.7778, 1.0, 4, 4, "2027-02-19", "2027-02-26"),
            # Team refl 2 cancelled: 5 planned. mgr1 1/1, sup 3/4, team1 4/4, mgr2 0/1,
            # team3 3/4: 11/14. Team refl has 2 occurrences left, so 1 is half. Bea,
            # Ben, Mo done; Lee missed supervision (1 planned): 3/4.
            _stage("practice-change", 5, 5, 1, 0, 0.7857, 0.75, 3, 4, "2027-03-05", "2027-03-22"),
        ],
    },
    "Cedar": {
        "flags": [
            # Expected at mgr1, team1, mgr2, team2, team3 and came to none.
            # (Attendance: last three (0 + 2/3 + 2/3) / 3 = 44 % against (0 + 1 + 2/3) /
            # 3 = 56 %: 11 points, under 20: no flag.)
            "manager Cat Cedar attended 0 of 5 reflection sessions",
        ],
        "stages": [
            _stage("workshop", 1, 1, 0, 0, 0.6667, 0.6667, 2, 3, "2027-01-14", "2027-01-14"),
            # (3 + 2 + 2) / 9. Cy missed strengths, Cara goal-striving: 1/3.
            _stage(
                "working-practices", 3, 3, 0, 0, 0.7778, 0.3333, 1, 3, "2027-01-21", "2027-02-04"
            ),
            # (2 + 2) / 6. Everyone came once: 3/3.
            _stage("coaching", 2, 2, 0, 0, 0.6667, 1.0, 3, 3, "2027-02-19", "2027-02-26"),
            # mgr1 0/1, sup 2/2, team1 2/3, mgr2 0/1, team2 2/3, team3 2/3: 8/13.
            # Cat missed manager reflection; Cy done; Cara (team reflection only) done.
            _stage("practice-change", 6, 6, 0, 0, 0.6154, 0.6667, 2, 3, "2027-03-05", "2027-03-23"),
        ],
    },
}
# Dunes (disbanded 2027-02-08) is listed too. Disbanding cancelled its own sessions from
# that day (supervision, three team reflections) and took it off the shared coaching and
# manager-reflection sessions; a team is measured up to the day before it ended, so
# coaching and practice change have nothing planned for it. Ended teams get no flags.
# Reach counts its staff on its last day, 2027-02-07: Dee and Don. Workshop: both came
# (2/2 = 1.0). Working practices: Dee came to all three modules; Don missed values and
# strengths (1 of 3 < half), so 1/2 = 0.5. No modules of the later stages: no reach.
DUNES_STAGES = [
    # stage, planned, held, cancelled, awaiting, attendance, first, last
    ("workshop", 1, 1, 0, 0, 1.0, "2027-01-15", "2027-01-15"),  # 2/2
    ("working-practices", 3, 3, 0, 0, 0.6667, "2027-01-22", "2027-02-05"),  # (1+1+2)/6
    ("coaching", 0, 0, 0, 0, None, None, None),
    ("practice-change", 0, 0, 0, 0, None, None, None),
]
DUNES_REACH = [(1.0, 2, 2), (0.5, 1, 2), (None, 0, 0), (None, 0, 0)]

# Milestones: planned = (module, occurrence) pairs, cancelled included; delivered = those
# held by 2027-03-25; began = first held day; completed = last held day once all are
# delivered; days = completed (or the report day) - began.
MILESTONES = [
    # team, stage, began, completed, days, planned, delivered, proportion
    ("Alder", "workshop", "2027-01-11", "2027-01-12", 1, 1, 1, 1.0),  # two groups, one module
    ("Alder", "working-practices", "2027-01-19", "2027-02-02", 14, 3, 3, 1.0),
    ("Alder", "coaching", "2027-02-19", "2027-02-26", 7, 2, 2, 1.0),
    ("Alder", "practice-change", "2027-03-05", "2027-03-19", 14, 6, 6, 1.0),  # 2 + 3 + 1
    ("Birch", "workshop", "2027-01-13", "2027-01-13", 0, 1, 1, 1.0),
    ("Birch", "working-practices", "2027-01-20", "2027-02-03", 14, 3, 3, 1.0),
    ("Birch", "coaching", "2027-02-19", "2027-02-26", 7, 2, 2, 1.0),
    # team refl 2 cancelled: 5 of 6, never complete; 2027-03-25 - 2027-03-05 = 20 days.
    ("Birch", "practice-change", "2027-03-05", None, 20, 6, 5, 0.8333),
    ("Cedar", "workshop", "2027-01-14", "2027-01-14", 0, 1, 1, 1.0),
    ("Cedar", "working-practices", "2027-01-21", "2027-02-04", 14, 3, 3, 1.0),
    ("Cedar", "coaching", "2027-02-19", "2027-02-26", 7, 2, 2, 1.0),
    ("Cedar", "practice-change", "2027-03-05", "2027-03-23", 18, 6, 6, 1.0),
    ("Dunes", "workshop", "2027-01-15", "2027-01-15", 0, 1, 1, 1.0),
    ("Dunes", "working-practices", "2027-01-22", "2027-02-05", 14, 3, 3, 1.0),
    # Coaching and manager reflection were shared: Dunes left them when it disbanded, so
    # no coaching row. Its own practice-change sessions (supervision, team reflections
    # 1-3) were cancelled on 2027-02-08 but were planned: 4 planned, 0 delivered.
    ("Dunes", "practice-change", None, None, None, 4, 0, 0.0),
]


def test_the_plan_is_the_one_computed_by_hand(built):
    assert len(built.ids) == len(PLAN) == 37
    statuses = {s["id"]: s["status"] for s in built.report("sessions")}
    # Disbanding Dunes on 2027-02-08 cancelled the sessions only it attended from then on.
    cancelled = {"B-team2", "D-sup", "D-team1", "D-team2", "D-team3"}
    for label, session_id in built.ids.items():
        want = "cancelled" if label in cancelled else "held"
        assert statuses[session_id] == want, label
    # ... and the shared coaching and manager-reflection sessions went on without it.
    teams = {s["id"]: s["teams"] for s in built.report("sessions")}
    assert all(
        "Dunes" not in teams[built.ids[label]] for label in ("coach1", "coach2", "mgr1", "mgr2")
    )


def test_participation_matches_the_hand_computation(built):
    data = built.report("report", "participation", "--on", REPORT_DAY)
    assert data["as_of"] == REPORT_DAY
    got = {row["name"]: {k: row[k] for k in PARTICIPATION["Ann Alder"]} for row in data["staff"]}
    assert sorted(got) == sorted(PARTICIPATION)
    for name, want in PARTICIPATION.items():
        assert got[name] == want, name
    assert data["median"] == MEDIAN
    assert data["split"] == SPLIT
    comparable = {t["name"]: (t["comparable"], t["stage"], t["at_median"]) for t in data["teams"]}
    assert comparable == {
        "Alder": (True, "finished", False),
        "Birch": (True, "finished", False),
        "Cedar": (True, "finished", True),
        # Disbanded before its practice change: its last held session was goal-striving.
        "Dunes": (False, "working-practices", False),
    }
    names = {row["id"]: row["name"] for row in data["staff"]}
    teams = {
        t["name"]: (
            sorted(names[i] for i in t["stayer_ids"]),
            t["score"],
            t["implementation"],
            t["why_unscored"],
        )
        for t in data["teams"]
    }
    assert teams == {
        name: (sorted(stayers), score, level, why)
        for name, (stayers, score, level, why) in TEAM_SCORES.items()
    }
    assert [t["stayers"] for t in data["teams"]] == [3, 2, 3, 0]


def test_engagement_by_strategy_matches_the_hand_computation(built):
    data = built.report("report", "participation", "--on", REPORT_DAY)
    for team in data["teams"]:
        want = {
            strategy: {
                "engaged": engaged,
                "applicable": applicable,
                "share": round(engaged / applicable, 4) if applicable else None,
            }
            for strategy, (engaged, applicable) in zip(
                STRATEGIES, ENGAGEMENT[team["name"]], strict=True
            )
        }
        assert team["strategies"] == want, team["name"]


def test_progress_matches_the_hand_computation(built):
    data = built.report("progress", "--on", REPORT_DAY)
    assert data["as_of"] == REPORT_DAY
    teams = {t["name"]: t for t in data["teams"]}
    assert list(teams) == ["Alder", "Birch", "Cedar", "Dunes"]
    for name, want in PROGRESS.items():
        team = teams[name]
        assert (team["status"], team["cohort"]) == ("active", "W1"), name
        assert team["flags"] == want["flags"], name
        assert team["stages"] == want["stages"], name
    dunes = teams["Dunes"]
    assert (dunes["status"], dunes["flags"]) == ("disbanded", [])
    assert [
        (
            s["stage"],
            s["planned"],
            s["held"],
            s["cancelled"],
            s["awaiting_register"],
            s["attendance"],
            s["first"],
            s["last"],
        )
        for s in dunes["stages"]
    ] == DUNES_STAGES


def test_reach_of_a_disbanded_team_counts_its_staff_on_its_last_day(built):
    data = built.report("progress", "--on", REPORT_DAY)
    dunes = next(t for t in data["teams"] if t["name"] == "Dunes")
    assert [(s["reach"], s["completed"], s["staff"]) for s in dunes["stages"]] == DUNES_REACH


def test_milestones_match_the_hand_computation(built):
    data = built.report("report", "milestones", "--on", REPORT_DAY)
    assert data["as_of"] == REPORT_DAY
    got = [
        (
            m["team"],
            m["stage"],
            m["began"],
            m["completed"],
            m["days"],
            m["planned"],
            m["delivered"],
            m["proportion"],
        )
        for m in data["milestones"]
    ]
    assert got == MILESTONES


def test_the_report_date_defaults_to_today_and_only_counts_what_was_held_by_then(built):
    # Today (REFOCUS_NOW) is the report day when --on is not given and no follow-up
    # date is declared; the report says so.
    today = built.json("report", "participation")
    asked = built.report("report", "participation", "--on", REPORT_DAY)
    assert today["split"].pop("date_from").startswith("today; no follow-up date declared")
    assert today == {**asked, "split": {k: v for k, v in SPLIT.items() if k != "date_from"}}
    # On 2027-01-12 only Alder's workshop has been held (both groups): Ann, Mo, Al and
    # Ali engaged with the information session, the one strategy that applies to them
    # yet (1 of 1); nothing applies to anyone else. Birch's workshop (01-13) is not yet
    # counted. Teams have not all started: Alder's first session was 01-11 (scored,
    # 4 stayers at 1.0 -> 1.0); Birch, Cedar, Dunes not started.
    early = built.json("report", "participation", "--on", "2027-01-12")
    scores = {row["name"]: row["score"] for row in early["staff"]}
    assert {n for n, s in scores.items() if s} == {"Ann Alder", "Mo Mover", "Al Able", "Ali Admin"}
    assert {t["name"]: (t["score"], t["why_unscored"]) for t in early["teams"]} == {
        "Alder": (1.0, None),
        "Birch": (None, "rollout not started"),
        "Cedar": (None, "rollout not started"),
        "Dunes": (None, "rollout not started"),
    }
    # Nobody has finished the four stages: no split, every team not yet comparable.
    assert early["median"] is None and early["split"]["compared"] == 0
    alder = next(t for t in early["teams"] if t["name"] == "Alder")
    assert alder["implementation"] is None
    # Alder still had values, strengths, goals, 2 coaching, 2 manager reflection, 1
    # supervision and 3 team reflection sessions (11), the last on 2027-03-19.
    assert alder["why_not_comparable"] == (
        "not finished: in workshop, 11 sessions to come, the last on 2027-03-19"
    )


def _levels(data) -> dict[str, tuple[float | None, str | None]]:
    return {t["name"]: (t["score"], t["implementation"]) for t in data["teams"]}


def test_the_tie_rule_decides_where_the_team_at_the_median_goes(built):
    # Cedar scores the median (29/36). --ties high puts it high: Birch and Cedar high,
    # Alder low. --ties low is the default's answer here (a draw on sizes goes low).
    high = built.json("report", "participation", "--on", REPORT_DAY, "--ties", "high")
    assert _levels(high) == {
        "Alder": (0.7333, "low"),
        "Birch": (1.0, "high"),
        "Cedar": (0.8056, "high"),
        "Dunes": (None, None),
    }
    assert (high["split"]["high"], high["split"]["low"], high["split"]["warnings"]) == (2, 1, [])
    low = built.json("report", "participation", "--on", REPORT_DAY, "--ties", "low")
    assert _levels(low) == _levels(built.report("report", "participation", "--on", REPORT_DAY))


def test_without_supervision_reflection_the_shares_are_taken_over_five_strategies(built):
    # Supervision reflection off the scale: it applies to nobody.
    #   Alder: Ann 5/5 = 1; Al (info, WP, coaching of info, WP, coaching, team refl)
    #          3/4 = 0.75; Ali (info, team refl) 2/4 = 0.5. (1 + 0.75 + 0.5) / 3 = 0.75.
    #   Birch: Bea 5/5, Ben 4/4: 1.0.
    #   Cedar: Cat (info, WP, coaching of five) 3/5 = 0.6; Cy 4/4 = 1; Cara 3/4 = 0.75
    #          (supervision never applied to her). (0.6 + 1 + 0.75) / 3 = 47/60 = 0.7833.
    # Median 0.7833, Cedar's; a draw on sizes, so Cedar goes low.
    data = built.json("report", "participation", "--on", REPORT_DAY, "--no-supervision-reflection")
    people = {p["name"]: (p["engaged"], p["applicable"], p["score"]) for p in data["staff"]}
    assert people["Al Able"] == (3, 4, 0.75) and people["Ali Admin"] == (2, 4, 0.5)
    assert people["Cat Cedar"] == (3, 5, 0.6) and people["Cara Cole"] == (3, 4, 0.75)
    assert _levels(data) == {
        "Alder": (0.75, "low"),
        "Birch": (1.0, "high"),
        "Cedar": (0.7833, "low"),
        "Dunes": (None, None),
    }
    assert data["median"] == 0.7833 and data["split"]["supervision_reflection"] is False


def test_the_programmes_follow_up_date_is_when_teams_are_compared(copy):
    # Declared on the report day; asked for on 1 June, the report is as of the
    # follow-up date, the same figures as --on 2027-03-25 (sessions held since would
    # not count).
    copy.ok("programme", "set", "--follow-up", REPORT_DAY)
    later = copy.json("report", "participation", now=at("2027-06-01"))
    asked = copy.json("report", "participation", "--on", REPORT_DAY)
    assert later["split"].pop("date_from") == "the programme's follow-up date"
    assert asked["split"].pop("date_from") == "--on"
    assert later == asked
    # Before the follow-up date has come, teams are compared as of today, and it says so.
    early = copy.json("report", "participation", now=at("2027-03-01"))
    assert early["as_of"] == "2027-03-01"
    assert early["split"]["date_from"] == "today; the follow-up date 2027-03-25 is still to come"


# -- bad input to `refocus attend` -------------------------------------------------------

BAD_INPUT_NOW = at("2027-03-20")  # D-team3 (2027-03-24) is in the future


@pytest.fixture
def copy(built, tmp_path) -> Built:
    """A private copy of the built programme, for tests that try to write."""
    db = tmp_path / "refocus.db"
    for suffix in ("", "-wal", "-shm"):  # the write-ahead log too, should one be left
        if Path(f"{built.db}{suffix}").exists():
            shutil.copy(f"{built.db}{suffix}", f"{db}{suffix}")
    return Built(db, built.ids)


def _table(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _attendance(db: Path) -> list[tuple]:
    return _table(db, "SELECT * FROM attendance ORDER BY id")


def _audit(db: Path) -> list[tuple]:
    return _table(db, "SELECT action, entity, entity_id, old, new FROM audit ORDER BY id")


def _status(db: Path, session_id: int) -> str:
    return _table(db, f"SELECT status FROM session WHERE id = {int(session_id)}")[0][0]


def _refused(prog: Built, *args: str) -> str:
    """Run attend; it must fail with one Error line, exit 1, and change nothing."""
    before, audit = _attendance(prog.db), _audit(prog.db)
    done = prog.run("attend", *args, now=BAD_INPUT_NOW)
    assert done.exit_code == 1, (args, done)
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, done.stderr
    assert done.stderr.splitlines()[-1] == errors[0]
    assert _attendance(prog.db) == before and _audit(prog.db) == audit
    return done.stderr


def _one_line(stderr: str) -> str:
    assert len(stderr.strip().splitlines()) == 1, stderr
    return stderr.strip()


def test_an_unknown_person_is_refused(copy):
    said = _one_line(_refused(copy, str(copy.ids["A-team3"]), "--present", "Zed Nobody"))
    assert "no staff member 'Zed Nobody'" in said and "--visitor" in said


def test_an_ambiguous_name_is_refused_with_the_candidates(copy):
    copy.ok(
        "staff", "add", "Al Able", "--team", "Alder", "--role", "support worker",
        "--start", "2026-10-01", now=BAD_INPUT_NOW,
    )  # fmt: skip
    said = _one_line(_refused(copy, str(copy.ids["A-team3"]), "--present", "Al Able"))
    assert "'Al Able' matches 2 people" in said and said.count("Al Able (id ") == 2
    assert "name one by its id" in said


def test_a_cancelled_session_is_refused_unless_forced(copy):
    session = str(copy.ids["B-team2"])
    said = _one_line(_refused(copy, session, "--present", "Bea Birch"))
    assert "cancelled" in said and "--cancelled" in said
    copy.ok("attend", session, "--present", "Bea Birch", "--force", now=BAD_INPUT_NOW)
    sql = f"SELECT status FROM attendance WHERE session_id = {int(session)}"
    assert _table(copy.db, sql) == [("present",)]


def test_a_future_session_is_refused_unless_forced(copy):
    # B-team3 (2027-03-22) is two days after BAD_INPUT_NOW; in the copy it is recorded
    # already, so correcting Ben's mark is refused until --force.
    session = str(copy.ids["B-team3"])
    said = _one_line(_refused(copy, session, "--excused", "Ben Brown"))
    assert "in the future" in said and "--future" in said and "2027-03-22 14:00" in said
    copy.ok("attend", session, "--excused", "Ben Brown", "--force", now=BAD_INPUT_NOW)
    assert _status(copy.db, int(session)) == "held"


def test_a_cancelled_session_recorded_with_force_is_held_after_all(copy):
    session = str(copy.ids["D-team3"])  # cancelled when Dunes disbanded
    said = _one_line(_refused(copy, session, "--present", "Dee Dunes"))
    assert "cancelled" in said and "--cancelled" in said
    copy.ok("attend", session, "--present", "Dee Dunes", "--force", now=at("2027-03-25"))
    assert _status(copy.db, int(session)) == "held"


def test_an_unknown_status_in_a_register_is_refused_with_its_row(copy, tmp_path):
    register = tmp_path / "register.csv"
    register.write_text("Name,Status\nAnn Alder,present\nAl Able,maybe\nAli Admin,P\n")
    said = _refused(copy, str(copy.ids["A-team3"]), "--from", str(register))
    assert "  row 3: unknown status 'maybe'" in said
    assert "1 problem" in said.splitlines()[-1]


def test_a_register_without_a_status_column_is_refused(copy, tmp_path):
    register = tmp_path / "register.csv"
    register.write_text("Name,Signed\nAnn Alder,yes\n")
    said = _refused(copy, str(copy.ids["A-team3"]), "--from", str(register))
    assert "row 1: missing required column 'status' (found: Name, Signed)" in said


def test_the_same_register_twice_changes_nothing_and_a_correction_is_audited(copy, tmp_path):
    session = copy.ids["coach1"]
    register = tmp_path / "coach1.csv"
    register.write_text(COACH1_REGISTER)  # recorded once already, on 2027-02-19
    before, audit = _attendance(copy.db), _audit(copy.db)
    again = copy.ok("attend", str(session), "--from", str(register), now=BAD_INPUT_NOW)
    assert "(0 new, 0 corrected, 11 unchanged)" in again.stderr
    assert _attendance(copy.db) == before and _audit(copy.db) == audit
    # Mo did come, late: one mark corrected, audited with the old and the new value.
    register.write_text(COACH1_REGISTER.replace("Mo Mover,absent", "Mo Mover,late"))
    fixed = copy.json("attend", str(session), "--from", str(register), now=BAD_INPUT_NOW)
    assert (fixed["added"], fixed["changed"], fixed["unchanged"]) == (0, 1, 10)
    [(mo,)] = _table(copy.db, "SELECT id FROM staff WHERE name = 'Mo Mover'")
    new_rows = _audit(copy.db)[len(audit) :]
    assert [(a, e, i, json.loads(o), json.loads(n)) for a, e, i, o, n in new_rows] == [
        (
            "attend",
            "attendance",
            session,
            # who recorded the old mark and when, so undoing the correction restores it
            {"status": "absent", "recorded_by": "trainer", "recorded_at": at("2027-02-19")},
            {"staff_id": mo, "visitor": None, "status": "late"},
        )
    ]
    marks = json.loads(copy.ok("export", "json", "attendance", now=BAD_INPUT_NOW).stdout)
    coach1 = {m["name"]: m["status"] for m in marks if m["session_id"] == session}
    assert len(coach1) == 11 and coach1["Mo Mover"] == "late"


def test_leavers_are_marked_in_the_participation_rows(built):
    data = built.report("report", "participation", "--on", REPORT_DAY)
    left = {row["name"]: row["left_on"] for row in data["staff"] if row["left_on"]}
    assert left == {"Bo Leaver": "2027-02-22"}
