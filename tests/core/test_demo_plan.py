"""The demo programme is realistic and reproducible."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from refocus_cli.core import demo
from refocus_cli.core.demo_registers import Member, PastSession, simulate_attendance
from refocus_cli.core.errors import InvalidInput

TODAY = date(2027, 1, 6)  # a Wednesday


def test_same_seed_same_programme_and_different_seed_differs():
    assert demo.build("trust", 7, TODAY) == demo.build("trust", 7, TODAY)
    assert demo.build("trust", 7, TODAY).roster != demo.build("trust", 8, TODAY).roster


@pytest.mark.parametrize(
    "scale,teams,staff_low,staff_high",
    [("small", 4, 36, 60), ("trust", 30, 400, 500), ("national", 1000, 14000, 16000)],
)
def test_scales(scale, teams, staff_low, staff_high):
    plan = demo.build(scale, 1, TODAY)
    assert len(plan.teams) == teams
    assert staff_low <= len(plan.roster) <= staff_high
    # Months under way (seven; thirteen at national scale), starting on a Monday.
    months = 13 if scale == "national" else 7
    assert plan.start.weekday() == 0
    assert 0 <= (TODAY - timedelta(days=months * 30) - plan.start).days < 7
    # Turnover happened mid-rollout, between the start and today.
    assert all(plan.start < on < TODAY for _, _, on in plan.movers)
    assert all(plan.start < on < TODAY for _, on in plan.leavers)
    assert plan.start < plan.disbanded[1] < TODAY
    emails = [entry.email for entry in plan.roster]
    assert len(set(emails)) == len(emails)
    assert sum(entry.manager for entry in plan.roster) == teams
    assert any(t.lived_experience for t in plan.trainers)
    assert plan.disbanded is not None and plan.movers and plan.leavers
    cohort_teams = [name for _, names in plan.cohorts for name in names]
    assert sorted(cohort_teams) == sorted(t[0] for t in plan.teams)


def test_unknown_scale():
    with pytest.raises(InvalidInput, match="unknown scale"):
        demo.build("galactic", 1, TODAY)


def _member(staff_id, name, manager=False, clinical=True, start="2020-01-01", end=None):
    return Member(staff_id, name, manager, clinical, date.fromisoformat(start),
                  date.fromisoformat(end) if end else None)  # fmt: skip


def test_simulated_registers_follow_audiences_memberships_and_groups():
    members = {
        1: [_member(i, f"P{i:02d}", manager=i == 0, clinical=i != 5) for i in range(10)]
        + [_member(50, "Leaver", end="2027-02-01"), _member(51, "Joiner", start="2027-03-01")],
        2: [_member(60, "Other")],
    }
    day = date(2027, 2, 15)
    sessions = [
        PastSession(1, day, "values", 1, "working-practices-training", "whole-team", (1,)),
        PastSession(2, day, "values", 1, "working-practices-training", "whole-team", (1,)),
        PastSession(3, day, "mgr", 1, "manager-reflection", "managers", (1, 2)),
        PastSession(4, day, "sup", 1, "supervision-reflection", "clinical", (1,)),
    ]
    marks = simulate_attendance(sessions, members, seed=3)
    assert marks == simulate_attendance(sessions, members, seed=3)
    by_session = {}
    for session_id, staff_id, status in marks:
        assert status in ("present", "late", "left-early", "excused", "absent")
        by_session.setdefault(session_id, set()).add(staff_id)
    # The two groups of one split session share the team between them, by name.
    assert by_session[1] | by_session[2] == set(range(10))
    assert not by_session[1] & by_session[2] and len(by_session[1]) == 5
    assert by_session[3] == {0}  # managers only; team 2 has none
    assert 5 not in by_session[4] and len(by_session[4]) == 9  # not clinical
    assert all(50 not in people and 51 not in people for people in by_session.values())
