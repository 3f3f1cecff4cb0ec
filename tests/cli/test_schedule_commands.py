"""Scheduling a cohort, the sessions diary, and moving or cancelling one session."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from datetime import date, datetime, time, timedelta

import pytest

STAGES = ("workshop", "working-practices", "coaching", "practice-change")
STAGE_GAPS = {"workshop": 7, "working-practices": 14, "coaching": 7}  # manual/curriculum.toml
DESIGN_KEYS = {
    "id",
    "uuid",
    "stage",
    "module",
    "start",
    "end",
    "status",
    "teams",
    "trainers",
    "venue",
    "sequence",
}
# England and Wales bank holidays, written out so the test does not trust the code's source.
BANK_HOLIDAYS = {
    date.fromisoformat(day)
    for day in (
        "2027-01-01 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-08-30 2027-12-27 "
        "2027-12-28 2028-01-03 2028-04-14 2028-04-17 2028-05-01 2028-05-29 2028-08-28"
    ).split()
}
TEAMS = ("North CMHT", "South CMHT", "East CMHT")
LIVED = "Dai Morgan"
TRAINERS = (
    ("Ruth Evans",),  # every stage
    ("Sam Lee",),
    (LIVED, "--lived-experience", "--stages", "workshop"),
)


def ok(cli, *args: str):
    result = cli(*args)
    assert result.exit_code == 0, (args, result)
    return result


def set_up_rollout(cli, trainers=TRAINERS, teams=TEAMS, cohort="WAVE1") -> None:
    """A programme whose cohort has small teams, each with a manager; trainers; two venues."""
    ok(cli, "init", "Test Programme", "--start", "2027-01-11")
    for team in teams:
        site = team.split()[0]
        ok(cli, "team", "add", team, "--site", site, "--kind", "CMHT")
        ok(cli, "staff", "add", f"{site} Manager", "--team", team, "--manager")
        ok(cli, "staff", "add", f"{site} Nurse", "--team", team, "--role", "nurse")
    for trainer in trainers:
        ok(cli, "trainer", "add", *trainer)
    ok(cli, "venue", "add", "Board Room", "--capacity", "24", "--site", "North")
    ok(cli, "venue", "add", "Hall", "--capacity", "40", "--site", "South")
    ok(cli, "cohort", "create", cohort, *itertools.chain(*(("--team", t) for t in teams)))


@pytest.fixture
def rollout(cli, from_template):
    """The runner, on a programme ready to schedule (not yet scheduled)."""
    from_template("schedule-ready", lambda: set_up_rollout(cli))
    return cli


@pytest.fixture
def planned(cli, from_template):
    """The runner, on a programme whose cohort WAVE1 is scheduled from 2027-01-11."""

    def build() -> None:
        set_up_rollout(cli)
        ok(cli, "schedule", "--cohort", "WAVE1")

    from_template("schedule-planned", build)
    return cli


def diary(cli, *filters: str) -> list[dict]:
    return ok(cli, "sessions", "--json", *filters).json()


def day_of(session: dict) -> date:
    return datetime.fromisoformat(session["start"]).date()  # the local date: offset kept


def span(session: dict) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(session["start"]), datetime.fromisoformat(session["end"])


def overlap(one: dict, other: dict) -> bool:
    (a_start, a_end), (b_start, b_end) = span(one), span(other)
    return a_start < b_end and b_start < a_end


def typed(moment: datetime | date, clock: str | None = None) -> str:
    """A start as a person types it for --to."""
    if clock is not None:
        return f"{moment:%Y-%m-%d} {clock}"
    return f"{moment:%Y-%m-%d %H:%M}"


def assert_refused(result, *words: str) -> str:
    """Exit 1 and one line `Error: …` naming every word given."""
    assert result.exit_code == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def working(day: date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


# --- schedule ----------------------------------------------------------------


def test_schedule_stores_a_plan_that_keeps_every_rule(rollout):
    done = ok(rollout, "schedule", "--cohort", "WAVE1", "--start", "2027-03-22")
    sessions = diary(rollout)
    assert len(sessions) > 20
    assert f"Stored {len(sessions)} sessions for 3 teams" in done.stderr
    for session in sessions:
        assert DESIGN_KEYS <= session.keys(), session
        assert session["status"] == "scheduled" and session["sequence"] == 0
        assert session["stage"] in STAGES
        assert re.fullmatch(r"[0-9a-f-]{36}", session["uuid"])
        start, end = span(session)
        assert start.utcoffset() is not None and end > start
        # Europe/London: GMT until 28 March 2027, BST until 31 October.
        summer = date(2027, 3, 28) <= start.date() < date(2027, 10, 31)
        offset = "+01:00" if summer else "+00:00"
        assert session["start"].endswith(offset) and session["end"].endswith(offset), session
        assert time(9, 0) <= start.time() and end.time() <= time(17, 0)
        day = start.date()
        assert day.weekday() < 5, session
        assert day not in BANK_HOLIDAYS, session
    assert len({s["uuid"] for s in sessions}) == len(sessions)
    # The plan runs from winter through summer into winter again.
    assert {s["start"][-6:] for s in sessions} == {"+00:00", "+01:00"}
    assert any(day_of(s) >= date(2027, 11, 1) for s in sessions)

    # Each team goes through all four stages in order, with the gaps between them.
    for team in TEAMS:
        mine = [s for s in sessions if team in s["teams"]]
        stages = [s["stage"] for s in mine]  # listed in time order
        assert set(stages) == set(STAGES), team
        assert stages == sorted(stages, key=STAGES.index), team
        for before, after in itertools.pairwise(STAGES):
            finished = max(day_of(s) for s in mine if s["stage"] == before)
            begun = min(day_of(s) for s in mine if s["stage"] == after)
            assert begun >= finished + timedelta(days=STAGE_GAPS[before]), (team, before)

    workshops = [s for s in sessions if s["module"] == "recovery-workshop"]
    assert sorted(t for s in workshops for t in s["teams"]) == sorted(TEAMS)
    for workshop in workshops:
        assert len(workshop["trainers"]) == 2 and workshop["trainers"][1] == LIVED, workshop
        assert workshop["trainers"][0] != LIVED
    # The lived-experience trainer delivers the workshop only.
    assert {s["module"] for s in sessions if LIVED in s["trainers"]} == {"recovery-workshop"}

    for one, other in itertools.combinations(sessions, 2):
        if overlap(one, other):
            assert not set(one["trainers"]) & set(other["trainers"]), (one, other)
            assert not set(one["teams"]) & set(other["teams"]), (one, other)
            assert one["venue"] is None or one["venue"] != other["venue"], (one, other)


def test_schedule_avoids_easter(rollout):
    """Planned from the week before Easter, the first stage-2 session would be Easter Monday."""
    ok(rollout, "schedule", "--cohort", "WAVE1", "--start", "2027-03-22")
    sessions = diary(rollout)
    workshops = [day_of(s) for s in sessions if s["stage"] == "workshop"]
    assert min(workshops) == date(2027, 3, 22)
    values = [day_of(s) for s in sessions if s["module"] == "values-and-preferences"]
    assert min(values) == date(2027, 3, 30)  # 22 March + 7 days is Easter Monday
    assert not {day_of(s) for s in sessions} & {date(2027, 3, 26), date(2027, 3, 29)}


def test_dry_run_shows_the_plan_and_stores_nothing(rollout):
    shown = ok(rollout, "schedule", "--cohort", "WAVE1", "--dry-run")
    assert "Plan for WAVE1" in shown.stdout and "recovery-workshop" in shown.stdout
    assert "Would store" in shown.stderr and "Nothing was written" in shown.stderr
    assert diary(rollout) == []
    as_json = ok(rollout, "schedule", "--cohort", "WAVE1", "--dry-run", "--json").json()
    assert as_json["dry_run"] is True and as_json["cohort"] == "WAVE1"
    assert diary(rollout) == []

    # What the dry run showed is exactly what a real run stores.
    ok(rollout, "schedule", "--cohort", "WAVE1")
    stored = diary(rollout)
    assert [
        (r["date"], r["time"], r["module"], sorted(r["teams"]), r["trainers"], r["venue"])
        for r in as_json["sessions"]
    ] == [
        (
            s["start"][:10],
            f"{s['start'][11:16]}-{s['end'][11:16]}",
            s["module"],
            sorted(s["teams"]),
            s["trainers"],
            s["venue"],
        )
        for s in stored
    ]


def test_the_plan_is_deterministic(cli, tmp_path, monkeypatch):
    plans = []
    for name in ("first.db", "second.db"):
        monkeypatch.setenv("REFOCUS_DB", str(tmp_path / name))
        set_up_rollout(cli)
        ok(cli, "schedule", "--cohort", "WAVE1")
        plans.append([{k: v for k, v in s.items() if k not in ("id", "uuid")} for s in diary(cli)])
    assert plans[0] and plans[0] == plans[1]
    first, second = (
        {s["uuid"] for s in diary(cli, "--db", str(tmp_path / name))}
        for name in ("first.db", "second.db")
    )
    assert not first & second  # UUIDs are fresh in each database


def test_timeline_on_stderr_one_line_per_team(rollout):
    done = ok(rollout, "schedule", "--cohort", "WAVE1")
    lines = done.stderr.splitlines()
    assert any(line.startswith("Week of") for line in lines)
    for team in TEAMS:
        timeline = [line for line in lines if re.fullmatch(rf"{team}\s+[WPCR·]+", line)]
        assert len(timeline) == 1, (team, done.stderr)
        marks = timeline[0][len(team) :].strip().replace("·", "")
        assert marks.startswith("W") and "P" in marks and "C" in marks and marks.endswith("R")
        assert not re.search(rf"^{team}\s+[WPCR·]+$", done.stdout, re.MULTILINE)


def test_start_on_a_bank_holiday_or_weekend_moves_to_the_next_working_day(rollout):
    weekend = ok(
        rollout, "schedule", "--cohort", "WAVE1", "--start", "2027-02-06", "--dry-run", "--json"
    )
    plan = weekend.json()
    assert plan["notes"][0] == "2027-02-06 is not a working day; the plan starts on 2027-02-08"
    assert plan["sessions"][0]["date"] == "2027-02-08"

    holiday = ok(rollout, "schedule", "--cohort", "WAVE1", "--start", "2027-03-26")
    assert "Note: 2027-03-26 is not a working day; the plan starts on 2027-03-30" in (
        holiday.stderr
    )
    assert day_of(diary(rollout)[0]) == date(2027, 3, 30)  # Good Friday to Easter Tuesday


def test_closure_dates_and_unavailability_are_respected(rollout):
    before = ok(rollout, "schedule", "--cohort", "WAVE1", "--dry-run", "--json").json()["sessions"]
    assert [r["date"] for r in before[:3]] == ["2027-01-11", "2027-01-12", "2027-01-13"]
    assert any("Ruth Evans" in r["trainers"] for r in before if r["date"] < "2027-02-06")

    ok(rollout, "closure", "add", "2027-01-11", "--to", "2027-01-13", "--reason", "office move")
    ok(rollout, "trainer", "unavailable", LIVED, "--from", "2027-01-14", "--to", "2027-01-19")
    ok(
        rollout,
        "trainer",
        "unavailable",
        "Ruth Evans",
        "--from",
        "2027-01-14",
        "--to",
        "2027-02-05",
    )
    ok(rollout, "schedule", "--cohort", "WAVE1")
    sessions = diary(rollout)
    days = {day_of(s) for s in sessions}
    assert not days & {date(2027, 1, 11), date(2027, 1, 12), date(2027, 1, 13)}
    workshops = [day_of(s) for s in sessions if s["stage"] == "workshop"]
    assert len(workshops) == 3 and min(workshops) == date(2027, 1, 20)
    ruth = [day_of(s) for s in sessions if "Ruth Evans" in s["trainers"]]
    assert ruth and min(ruth) > date(2027, 2, 5)
    assert all("Sam Lee" in s["trainers"] for s in sessions if s["stage"] == "workshop")


# --- schedule refusals -------------------------------------------------------


def test_unknown_cohort_is_refused(rollout):
    assert_refused(rollout("schedule", "--cohort", "WAVE9"), "no cohort", "WAVE9")
    assert diary(rollout) == []


def test_cohort_with_only_disbanded_teams_is_refused(rollout):
    for team in TEAMS:
        ok(rollout, "team", "disband", team)
    assert_refused(rollout("schedule", "--cohort", "WAVE1"), "no active teams")
    assert diary(rollout) == []


def test_disbanded_team_is_left_out_of_the_plan(rollout):
    ok(rollout, "team", "disband", "East CMHT")
    ok(rollout, "schedule", "--cohort", "WAVE1")
    teams = {team for s in diary(rollout) for team in s["teams"]}
    assert teams == {"North CMHT", "South CMHT"}


@pytest.mark.parametrize(
    ("trainers", "words"),
    [
        (
            (
                ("Ruth Evans", "--stages", "workshop"),
                (LIVED, "--lived-experience", "--stages", "workshop"),
            ),
            ("no trainer delivers working-practices", "--stages working-practices"),
        ),
        (
            (("Ruth Evans",), ("Sam Lee",)),
            ("co-delivered", "no lived-experience trainer delivers workshop"),
        ),
    ],
    ids=["only-workshop-trainers", "no-lived-experience-trainer"],
)
def test_missing_trainers_are_refused(cli, trainers, words):
    set_up_rollout(cli, trainers=trainers)
    assert_refused(cli("schedule", "--cohort", "WAVE1"), *words)
    assert diary(cli) == []


def test_start_in_the_past_is_refused(rollout):
    assert_refused(rollout("schedule", "--cohort", "WAVE1", "--start", "2027-01-01"), "in the past")
    assert_refused(rollout("schedule", "--cohort", "WAVE1", "--start", "1 Feb"), "not a valid date")
    assert diary(rollout) == []


def test_scheduling_a_cohort_twice_is_refused(planned):
    stored = diary(planned)
    assert stored
    assert_refused(planned("schedule", "--cohort", "WAVE1"), "already has", "replan --cohort WAVE1")
    assert_refused(planned("schedule", "--cohort", "WAVE1", "--dry-run"), "already has")
    assert diary(planned) == stored


def test_an_impossible_plan_names_what_binds(cli):
    """Ruth is the only lead trainer; away for longer than the three-year horizon."""
    set_up_rollout(cli, trainers=(TRAINERS[0], TRAINERS[2]))
    ok(cli, "trainer", "unavailable", "Ruth Evans", "--from", "2027-01-04", "--to", "2030-02-01")
    error = assert_refused(
        cli("schedule", "--cohort", "WAVE1"), "no valid plan", "recovery-workshop"
    )
    assert "a lived-experience and a lead trainer who delivers workshop" in error
    assert "unavailability" in error
    assert diary(cli) == []


# --- session show / cancel / move --------------------------------------------


def test_session_show(planned):
    first = diary(planned)[0]
    shown = ok(planned, "session", "show", str(first["id"]), "--json").json()
    assert shown.pop("attendance") == []  # nothing recorded yet
    assert shown == first
    table = ok(planned, "session", "show", str(first["id"])).stdout
    assert "recovery-workshop" in table and LIVED in table and "Mon 11 Jan 2027, 09:30" in table
    assert first["uuid"] not in table and "Sequence" not in table  # for programs: --json
    verbose = ok(planned, "session", "show", str(first["id"]), "--verbose").stdout
    assert first["uuid"] in verbose and "Calendar sequence" in verbose
    assert_refused(planned("session", "show", "9999"), "no session with id 9999")
    assert_refused(planned("session", "show", "first"), "not an id")


def test_session_cancel(planned):
    target = diary(planned)[5]
    cancelled = ok(planned, "session", "cancel", str(target["id"]), "--reason", "  trainer  ill ")
    assert f"Cancelled session {target['id']}" in cancelled.stderr
    after = {s["id"]: s for s in diary(planned)}[target["id"]]
    assert after["status"] == "cancelled" and after["sequence"] == target["sequence"] + 1
    assert after["note"] == "trainer ill"
    assert (after["start"], after["end"]) == (target["start"], target["end"])
    assert_refused(planned("session", "cancel", str(target["id"])), "already cancelled")
    moving = planned("session", "move", str(target["id"]), "--to", typed(span(target)[0]))
    assert_refused(moving, "was cancelled")
    assert {s["id"]: s for s in diary(planned)}[target["id"]] == after
    assert_refused(planned("session", "cancel", "9999"), "no session with id 9999")


def _reflection(sessions: list[dict], team: str, occurrence: int) -> dict:
    (found,) = (
        s
        for s in sessions
        if s["module"] == "team-reflection"
        and s["teams"] == [team]
        and s["occurrence"] == occurrence
    )
    return found


def _free_day(
    sessions: list[dict], session: dict, after: date | None = None, skip: tuple[date, ...] = ()
) -> date:
    """A working day after `after` (else the session's day) with its trainer and team free."""
    start, end = span(session)
    day = after or start.date()
    while True:
        day += timedelta(days=1)
        if not working(day) or day in skip:
            continue
        moved = {
            **session,
            "start": datetime.combine(day, start.time(), start.tzinfo).isoformat(),
            "end": datetime.combine(day, end.time(), end.tzinfo).isoformat(),
        }
        if not any(
            other["id"] != session["id"]
            and overlap(moved, other)
            and (
                set(other["trainers"]) & set(session["trainers"])
                or set(other["teams"]) & set(session["teams"])
            )
            for other in sessions
        ):
            return day


def test_a_valid_move_changes_the_times_and_bumps_the_sequence(planned):
    sessions = diary(planned)
    target = _reflection(sessions, "North CMHT", 2)
    day = _free_day(sessions, target)
    assert day < day_of(_reflection(sessions, "North CMHT", 3))
    start, end = span(target)
    moved = ok(
        planned,
        "session",
        "move",
        str(target["id"]),
        "--to",
        typed(day, "15:00"),
        "--reason",
        "room",
    )
    assert f"Moved session {target['id']}" in moved.stderr
    after = {s["id"]: s for s in diary(planned)}
    record = after[target["id"]]
    new_start, new_end = span(record)
    assert new_start.date() == day and f"{new_start:%H:%M}" == "15:00"
    assert new_end - new_start == end - start
    assert record["sequence"] == target["sequence"] + 1 and record["status"] == "scheduled"
    assert record["uuid"] == target["uuid"] and record["note"] == "room"
    shown = ok(planned, "session", "show", str(target["id"]), "--json").json()
    assert shown.pop("attendance") == [] and shown == record
    untouched = [s for s in sessions if s["id"] != target["id"]]
    assert untouched == [after[s["id"]] for s in untouched]


def test_a_move_across_the_clock_change_keeps_local_time(planned):
    sessions = diary(planned)
    target = _reflection(sessions, "North CMHT", 1)
    assert target["start"].endswith("+00:00")
    day = _free_day(sessions, target, after=date(2027, 3, 28))  # summer time from 28 March
    assert day < day_of(_reflection(sessions, "North CMHT", 2))
    ok(planned, "session", "move", str(target["id"]), "--to", typed(day, "14:00"))
    record = {s["id"]: s for s in diary(planned)}[target["id"]]
    assert (record["start"], record["end"]) == (f"{day}T14:00:00+01:00", f"{day}T15:00:00+01:00")


def test_moves_that_break_a_rule_are_refused_and_change_nothing(planned):
    sessions = diary(planned)
    target = _reflection(sessions, "East CMHT", 2)
    (trainer,) = target["trainers"]
    team = "East CMHT"
    ident = str(target["id"])
    start, _ = span(target)
    clock = f"{start:%H:%M}"

    def refused(to: str, *words: str) -> str:
        return assert_refused(planned("session", "move", ident, "--to", to), *words)

    refused("2027-05-08 14:00", "2027-05-08 is a Saturday")
    refused("2027-05-03 14:00", "2027-05-03 is a bank holiday")  # May Day
    refused(typed(start.date(), "16:30"), "16:30-17:30 is outside working hours 09:00-17:00")
    refused(typed(start.date(), "07:30"), "outside working hours")

    away = _free_day(sessions, target)
    ok(planned, "trainer", "unavailable", trainer, "--from", str(away), "--to", str(away))
    refused(typed(away, clock), f"trainer {trainer} is unavailable")
    closed = _free_day(sessions, target, skip=(away,))
    ok(planned, "closure", "add", str(closed), "--reason", "training freeze")
    refused(typed(closed, clock), f"{closed} is a bank holiday or closure date")

    # Into another session of the same trainer, for another team, while this team is free.
    busy = next(
        s
        for s in sessions
        if trainer in s["trainers"]
        and team not in s["teams"]
        and s["stage"] == "practice-change"
        and not any(team in other["teams"] and overlap(s, other) for other in sessions)
    )
    error = refused(typed(span(busy)[0]), f"trainer {trainer} is in session {busy['id']}")
    assert f"team {team} is in" not in error
    # Into another session of the same team (one its own supervisors run).
    meeting = next(
        s
        for s in sessions
        if team in s["teams"]
        and s["module"] == "supervision-reflection"
        and s["id"] != target["id"]
    )
    assert not meeting["trainers"]
    refused(typed(span(meeting)[0]), f"team {team} is in session {meeting['id']}")

    # Before the team has finished the previous stage plus its gap.
    coached = max(day_of(s) for s in sessions if team in s["teams"] and s["stage"] == "coaching")
    early = next(
        coached + timedelta(days=n) for n in range(1, 7) if working(coached + timedelta(days=n))
    )
    refused(typed(early, clock), f"team {team} finishes coaching on {coached}")
    workshop = next(s for s in sessions if s["teams"] == [team] and s["stage"] == "workshop")
    refused(typed(day_of(workshop), clock), "finishes coaching", f"team {team}")

    for malformed in ("2027-05-05", "next Tuesday", "2027-02-30 10:00", "2027-05-05 25:00"):
        refused(malformed, "--to", "YYYY-MM-DD HH:MM")
    assert planned("session", "move", ident).exit_code == 2  # --to is required
    assert_refused(planned("session", "move", "9999", "--to", typed(start)), "no session")
    assert diary(planned) == sessions


def test_a_held_session_never_moves(planned, env_setup):
    sessions = diary(planned)
    target = _reflection(sessions, "South CMHT", 1)
    with sqlite3.connect(env_setup) as db:
        db.execute("UPDATE session SET status = 'held' WHERE id = ?", [target["id"]])
    db.close()
    day = _free_day(sessions, target)
    error = assert_refused(
        planned("session", "move", str(target["id"]), "--to", typed(day, "14:00")), "held"
    )
    assert "never move" in error
    assert_refused(planned("session", "cancel", str(target["id"])), "held")
    record = {s["id"]: s for s in diary(planned)}[target["id"]]
    assert record == {**target, "status": "held"}


# --- sessions filters --------------------------------------------------------


def test_sessions_filters(planned):
    set_up_wave2(planned)
    everything = diary(planned)
    order = [(span(s)[0], s["id"]) for s in everything]
    assert order == sorted(order)
    assert {s["cohort"] for s in everything} == {"WAVE1", "WAVE2"}

    def chosen(*filters: str) -> list[int]:
        return [s["id"] for s in diary(planned, *filters)]

    wave1 = chosen("--cohort", "WAVE1")
    assert wave1 and wave1 == [s["id"] for s in everything if s["cohort"] == "WAVE1"]
    assert chosen("--cohort", "wave2") == [s["id"] for s in everything if s["cohort"] == "WAVE2"]
    north = chosen("--team", "North CMHT")
    assert north == [s["id"] for s in everything if "North CMHT" in s["teams"]]
    assert len(north) < len(wave1)
    lived = chosen("--trainer", LIVED)
    assert lived == [s["id"] for s in everything if LIVED in s["trainers"]]
    assert {s["module"] for s in diary(planned, "--trainer", LIVED)} == {"recovery-workshop"}
    window = chosen("--from", "2027-01-18", "--to", "2027-01-27")
    assert window == [
        s["id"] for s in everything if date(2027, 1, 18) <= day_of(s) <= date(2027, 1, 27)
    ]
    assert window and len(window) < len(everything)
    # The window's last day counts in full, in the programme's time (here BST).
    summer = chosen("--from", "2027-06-01", "--to", "2027-06-30")
    assert summer == [
        s["id"] for s in everything if date(2027, 6, 1) <= day_of(s) <= date(2027, 6, 30)
    ]
    combined = chosen("--cohort", "WAVE1", "--team", "South CMHT", "--from", "2027-03-01")
    assert combined == [
        s["id"]
        for s in everything
        if s["cohort"] == "WAVE1" and "South CMHT" in s["teams"] and day_of(s) >= date(2027, 3, 1)
    ]
    assert chosen("--from", "2031-01-01") == []
    assert_refused(planned("sessions", "--team", "Nowhere"), "no team")
    assert_refused(planned("sessions", "--from", "18/01/2027"), "not a valid date")
    backwards = planned("sessions", "--from", "2027-02-01", "--to", "2027-01-31")
    assert_refused(backwards, "--to 2027-01-31 is before --from 2027-02-01")


def set_up_wave2(cli) -> None:
    ok(cli, "team", "add", "West CMHT", "--site", "West")
    ok(cli, "staff", "add", "West Manager", "--team", "West CMHT", "--manager")
    ok(cli, "cohort", "create", "WAVE2", "--team", "West CMHT")
    ok(cli, "schedule", "--cohort", "WAVE2")


def test_a_second_cohort_works_around_the_first(planned):
    set_up_wave2(planned)
    sessions = diary(planned)
    for one, other in itertools.combinations(sessions, 2):
        if overlap(one, other) and one["cohort"] != other["cohort"]:
            assert not set(one["trainers"]) & set(other["trainers"]), (one, other)
            assert one["venue"] is None or one["venue"] != other["venue"], (one, other)


def test_sessions_csv_and_table(planned):
    sessions = diary(planned)
    lines = ok(planned, "sessions", "--csv").stdout.splitlines()
    assert lines[0] == "id,start,end,stage,module,teams,trainers,venue,status"
    assert len(lines) == len(sessions) + 1
    assert lines[1].startswith(f"{sessions[0]['id']},{sessions[0]['start']},")
    table = ok(planned, "sessions", "--team", "East CMHT").stdout
    assert "East CMHT" in table and "Mon 11 Jan 2027, 09:30–16:30" in table
    empty = ok(planned, "sessions", "--from", "2031-01-01")
    assert empty.stdout == "" and "No sessions match" in empty.stderr


# --- acceptance --------------------------------------------------------------


def test_installed_refocus_schedules_and_lists_sessions(cli, sh):
    for args in [
        ("init", "Acceptance", "--start", "2027-01-11"),
        ("team", "add", "North CMHT", "--site", "North"),
        ("team", "add", "South CMHT", "--site", "South"),
        ("staff", "add", "Ann Manager", "--team", "North CMHT", "--manager"),
        ("staff", "add", "Bea Manager", "--team", "South CMHT", "--manager"),
        ("trainer", "add", "Ruth Evans"),
        ("trainer", "add", "Sam Lee"),
        ("trainer", "add", LIVED, "--lived-experience", "--stages", "workshop"),
        ("venue", "add", "Hall", "--capacity", "30"),
        ("cohort", "create", "WAVE1", "--team", "North CMHT", "--team", "South CMHT"),
    ]:
        ok(cli, *args)  # set up in-process; the installed command takes it from here
    scheduled = sh("schedule", "--cohort", "WAVE1")
    assert scheduled.returncode == 0, scheduled.stderr
    assert "Stored" in scheduled.stderr and "Traceback" not in scheduled.stderr
    listed = sh("sessions", "--json")
    assert listed.returncode == 0, listed.stderr
    sessions = json.loads(listed.stdout)
    assert sessions and all(DESIGN_KEYS <= s.keys() for s in sessions)
    assert {t for s in sessions for t in s["teams"]} == {"North CMHT", "South CMHT"}
    assert {s["stage"] for s in sessions} == set(STAGES)
    assert sessions[0]["start"] == "2027-01-11T09:30:00+00:00"
    again = sh("schedule", "--cohort", "WAVE1")
    assert again.returncode == 1 and again.stderr.startswith("Error: ")
    assert "Traceback" not in again.stderr


def test_moves_keep_module_order_and_session_order(planned):
    sessions = diary(planned)

    def of(module: str, occurrence: int = 1) -> dict:
        return next(
            s
            for s in sessions
            if s["module"] == module
            and s["occurrence"] == occurrence
            and "North CMHT" in s["teams"]
        )

    goals, strengths = of("goal-striving"), of("strengths")
    assert_refused(
        planned("session", "move", str(goals["id"]), "--to", typed(day_of(strengths), "13:30")),
        "goal-striving must come after strengths",
    )
    second = of("team-reflection", 2)
    first = of("team-reflection", 1)
    assert_refused(
        planned("session", "move", str(second["id"]), "--to", typed(day_of(first), "09:00")),
        "team-reflection session 2 must come after session 1",
    )
    assert diary(planned) == sessions


def test_moves_check_far_future_bank_holidays_and_refuse_the_past(planned):
    sessions = diary(planned)
    last = max(sessions, key=lambda s: s["start"])
    assert_refused(  # Good Friday 2031, beyond the three years the plan was made for
        planned("session", "move", str(last["id"]), "--to", "2031-04-11 14:00"),
        "2031-04-11 is a bank holiday",
    )
    assert_refused(
        planned("session", "move", str(last["id"]), "--to", "2026-12-29 09:30"), "in the past"
    )
    assert diary(planned) == sessions
