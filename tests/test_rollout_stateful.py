"""Random years of a rollout keep the plan, the registers and the audit log right (issue 13).

`TestRollout` plays `RolloutMachine` (tests/rollout_machine.py) for a bounded number of
examples, inside CI's minute. It does not shrink a failure (that can take minutes): the
failure lists every step played as refocus commands; `python benchmarks/rollout_soak.py`
plays many more examples and shrinks.

The tests after it replay, step by step, rollouts the machine found breaking a rule, so
each stays checked whatever the random draw. Every step of a `Rollout` checks every rule
(tests/rollout_checks.py) itself: a replay fails at the step that breaks one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, settings
from rollout_driver import Rollout
from rollout_machine import RolloutMachine
from rollout_snapshot import Session

from refocus_cli.core.marks import Overrides
from refocus_cli.core.vocabulary import AttendanceStatus

TestRollout = RolloutMachine.TestCase
TestRollout.settings = settings(
    max_examples=30,
    stateful_step_count=40,
    deadline=None,
    # CI plays the same 30 years every run, so a red run is a change's doing, never luck
    # (and the suite keeps to its two minutes); benchmarks/rollout_soak.py plays
    # hundreds of fresh random ones.
    derandomize=bool(os.environ.get("CI")),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture
def rollout() -> Iterator[Rollout]:
    played = Rollout()
    yield played
    played.close()


def session_of(rollout: Rollout, module: str, occurrence: int = 1) -> Session:
    """The first session in the diary for a module's occurrence."""
    return min(
        (
            s
            for s in rollout.now.sessions.values()
            if (s.module, s.occurrence) == (module, occurrence)
        ),
        key=lambda s: s.id,
    )


def test_a_module_cancelled_after_it_was_due_is_not_put_after_the_modules_that_follow_it(
    rollout: Rollout,
):
    rollout.plan("Wave 1", ["North CMHT"])
    rollout.time_passes(30)  # Wed 3 Feb 2027: strengths (25 Jan) and goal-striving (1 Feb) due
    rollout.cancel(session_of(rollout, "strengths").id)
    rollout.replan("Wave 1")


def test_replan_never_moves_a_session_that_has_begun(rollout: Rollout):
    rollout.plan("Wave 1", ["North CMHT"])
    rollout.time_passes(28, evening=True)  # Mon 1 Feb 2027, 18:00: goal-striving began at 09:30
    rollout.cancel(session_of(rollout, "strengths").id)
    rollout.replan("Wave 1")


def test_a_session_is_not_moved_past_the_day_its_team_ends(rollout: Rollout):
    rollout.plan("Wave 1", ["North CMHT"])
    rollout.merge("North CMHT", "South CMHT", date(2027, 2, 2))
    goal_striving = session_of(rollout, "goal-striving")
    rollout.move(goal_striving.id, datetime.combine(date(2027, 2, 18), goal_striving.start.time()))


def test_disbanding_a_team_ends_the_membership_of_someone_due_to_move_out_later(
    rollout: Rollout,
):
    north = next(t.id for t in rollout.now.teams.values() if t.name == "North CMHT")
    nurse = max(m.staff_id for m in rollout.now.memberships if m.team_id == north)
    rollout.staff_move(nurse, "East CMHT", date(2027, 4, 7))
    rollout.disband("North CMHT", date(2027, 3, 29))


def test_leaving_before_the_team_ends_ends_the_membership_then(rollout: Rollout):
    north = next(t.id for t in rollout.now.teams.values() if t.name == "North CMHT")
    nurse = max(m.staff_id for m in rollout.now.memberships if m.team_id == north)
    rollout.disband("North CMHT", date(2027, 1, 20))
    rollout.staff_leave(nurse, date(2027, 1, 8))


def test_someone_who_leaves_is_taken_off_the_catch_ups_they_were_booked_on(rollout: Rollout):
    rollout.plan("Wave 1", ["North CMHT"])
    rollout.time_passes(16)  # Wed 20 Jan 2027: the workshop (11 Jan) has taken place
    rollout.staff_join("North CMHT", date(2027, 1, 18))
    rollout.catch_up()
    joiner = max(rollout.now.staff_left)
    booked = min(s.day for s in rollout.now.scheduled() if joiner in s.invitees)
    rollout.staff_leave(joiner, booked)


def test_replan_plans_a_new_team_without_the_trainer_taken_off_that_day(rollout: Rollout):
    rollout.plan("Wave 1", ["North CMHT"])
    rollout.cancel(session_of(rollout, "coaching-for-recovery").id)
    rollout.replan("Wave 1")
    rollout.time_passes(39)  # Fri 12 Feb 2027
    rollout.add_team_to_cohort("Wave 1", "South CMHT")
    rollout.replan("Wave 1")


def test_replan_does_not_move_a_shared_session_past_the_end_of_one_of_its_teams(
    rollout: Rollout,
):
    rollout.plan("Wave 1", ["North CMHT", "South CMHT"])
    first = session_of(rollout, "coaching-for-recovery").day  # both teams' first coaching
    rollout.disband("South CMHT", first + timedelta(days=4))
    rollout.close_days(first, first + timedelta(days=3))
    rollout.replan("Wave 1")


def test_a_cancelled_session_recorded_as_held_after_all_is_checked_against_the_diary(
    rollout: Rollout,
):
    rollout.plan("Wave 1", ["North CMHT"])
    values, strengths = (
        session_of(rollout, "values-and-preferences"),
        session_of(rollout, "strengths"),
    )
    rollout.cancel(values.id)
    rollout.move(strengths.id, values.start)  # the team's next module takes its place
    rollout.attend(values.id, all_present=True, overrides=Overrides(future=True, cancelled=True))


def test_a_catch_up_is_not_booked_over_the_team_someone_joins_in_a_merge(rollout: Rollout):
    rollout.plan("Wave 1", ["North CMHT", "South CMHT"])
    rollout.merge("South CMHT", "North CMHT", date(2027, 1, 13))
    south_workshop = min(
        (s for s in rollout.now.sessions.values() if s.module == "recovery-workshop"),
        key=lambda s: (rollout.now.teams[s.teams[0]].name != "South CMHT", s.id),
    )
    manager = min(
        m.staff_id for m in rollout.now.memberships if m.team_id == south_workshop.teams[0]
    )
    rollout.attend(
        south_workshop.id,
        all_present=True,
        excepted=[manager],
        overrides=Overrides(future=True),
    )
    rollout.catch_up()  # the workshop catch-up must not fall on North's sessions
    assert rollout.step.refused is None


def test_a_quiet_year_breaks_no_rule(rollout: Rollout):
    """Plans, a register and a correction, a joiner, leave and a replan, a future-dated
    merge and a catch-up: the rules themselves hold on a sound rollout."""
    rollout.plan("Wave 1", ["North CMHT", "South CMHT"])
    rollout.plan("Wave 2", ["East CMHT"], date(2027, 3, 1))
    rollout.time_passes(7, evening=True)  # Mon 11 Jan 2027: the first workshop
    workshop = session_of(rollout, "recovery-workshop")
    rollout.attend(workshop.id, all_present=True, visitors=["Carer Jones"])
    someone = min(p for sid, p, _ in rollout.model.marks if sid == workshop.id and p)
    rollout.attend(workshop.id, {someone: AttendanceStatus.LATE}, rest_absent=True)
    rollout.staff_join("South CMHT", date(2027, 1, 12))
    rollout.trainer_away("Sam Price", date(2027, 2, 1), date(2027, 2, 5))
    rollout.replan("Wave 1")
    rollout.merge("East CMHT", "North CMHT", date(2027, 6, 1))
    rollout.catch_up()
    rollout.time_passes(45)
    rollout.replan("Wave 2")
    assert rollout.model.held and rollout.step.refused is None


def test_the_machine_reads_what_the_services_wrote(rollout: Rollout):
    """A plan read back from the file: the workshop for the cohort's team, on the
    programme's first day at 09:30 local time, by a trainer and a lived-experience one."""
    rollout.plan("Wave 1", ["West CMHT"])
    workshop = session_of(rollout, "recovery-workshop")
    assert (workshop.start, workshop.status) == (datetime(2027, 1, 11, 9, 30), "scheduled")
    assert [rollout.now.teams[t].name for t in workshop.teams] == ["West CMHT"]
    assert [rollout.now.trainers[t].lived_experience for t in workshop.trainers] == [False, True]
