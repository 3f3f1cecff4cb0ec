"""The demo programme is realistic and reproducible."""

from __future__ import annotations

from datetime import date

import pytest

from refocus_cli.core import demo
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
    assert plan.start == date(2027, 1, 11) and plan.start.weekday() == 0
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
