"""Every rule a rollout must keep, by the name a failure gives it, applied to a rollout
as its last step left it (tests/rollout_invariants.py: the diary and the registers;
tests/rollout_step_steps.py: what the step changed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import rollout_invariants as diary
import rollout_step_rules as steps
from rollout_model import Rulebook

if TYPE_CHECKING:
    from rollout_driver import Rollout

RULEBOOK = Rulebook.shipped()

# Every rule, by the name failures give it.
INVARIANTS: dict[str, Callable[[Rollout], list[str]]] = {
    "nothing for ended teams": lambda r: diary.nothing_for_ended_teams(r.now),
    "nothing for leavers": lambda r: diary.nothing_for_leavers(r.now),
    "nobody in an ended team": lambda r: diary.nobody_in_an_ended_team(r.now),
    "no trainer booked while away": lambda r: diary.no_trainer_booked_while_away(r.now, r.model),
    "trainer in one place": lambda r: diary.trainer_in_one_place(r.now, r.model),
    "team in one place": lambda r: diary.team_in_one_place(r.now, r.model),
    "venue in one place": lambda r: diary.venue_in_one_place(r.now, r.model),
    "person in one place": lambda r: diary.person_in_one_place(r.now, r.model),
    "held sessions as recorded": lambda r: diary.held_sessions_as_recorded(r.now, r.model),
    "marks as recorded": lambda r: diary.marks_as_recorded(r.now, r.model),
    "stages in order": lambda r: diary.stages_in_order(r.now, r.model, RULEBOOK),
    "modules in order": lambda r: diary.modules_in_order(r.now, r.model, RULEBOOK),
    "one session per place": lambda r: diary.one_session_per_place(r.now, r.model),
    "working days and hours": lambda r: diary.working_days_and_hours(r.now, r.model, RULEBOOK),
    "staffing rules": lambda r: diary.staffing_rules(r.now, RULEBOOK),
    "SEQUENCE never decreases": lambda r: steps.sequence_never_decreases(r.before, r.now),
    "calendar changes raise SEQUENCE": lambda r: steps.calendar_changes_raise_sequence(
        r.before, r.now
    ),
    "changes are audited": lambda r: steps.changes_are_audited(r.before, r.now, r.audit_rows),
    "refusals write nothing": lambda r: steps.refusals_write_nothing(r.before, r.now, r.step),
    "begun sessions stay put": lambda r: steps.begun_sessions_stay_put(r.before, r.now, r.step),
    "nothing planned too early": lambda r: steps.nothing_planned_too_early(r.before, r.now, r.step),
    "replan settles": lambda r: steps.replan_settles(r.step),
    "replan leaves a sound plan alone": lambda r: steps.replan_leaves_a_sound_plan_alone(
        r.before, r.now, r.step
    ),
    "replan keeps trainers off cancelled days": lambda r: (
        steps.replan_keeps_trainers_off_cancelled_days(r.before, r.now, r.step)
    ),
}
