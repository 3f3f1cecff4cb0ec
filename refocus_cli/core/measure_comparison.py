"""Which teams can be compared on a day: those that have finished the four stages by
then, with every register of their sessions recorded. The trial compared intervention
teams at follow-up, after the intervention; splitting teams mid-rollout would sort
them by how far along they are, not by how fully they implemented it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from refocus_cli.core.measure_attendance import HELD, SCHEDULED, Attendance
from refocus_cli.core.measure_facts import SessionFact
from refocus_cli.core.measure_split import Split, TieRule
from refocus_cli.core.programme import STAGE_TITLES, STAGES

FINISHED = "finished"


@dataclass(frozen=True)
class Comparison:
    """The teams compared on a day, how they split at the median, and what to beware of."""

    day: date
    ties: TieRule
    include_unfinished: bool
    compared: tuple[int, ...]
    split: Split
    warnings: tuple[str, ...]


class Readiness(NamedTuple):
    """How far a team has come by a day: the stage it has reached ('finished' once all
    four are over, None before its first held session) and, unless it has finished,
    why it cannot be compared yet. (A named tuple: one a team.)"""

    stage: str | None
    why_not: str | None


@dataclass(slots=True)
class _PlanSoFar:
    """A team's plan (its planned sessions not cancelled) as of a day, read in one pass:
    the stages planned, the last day a session was held and the stages held that day,
    the sessions still to come (and the last of them), those past with no register."""

    planned: set[str] = field(default_factory=set)
    last_held: date | None = None
    stages_last_held: list[str] = field(default_factory=list)
    to_come: int = 0
    last_to_come: date | None = None
    unrecorded: int = 0

    @classmethod
    def of(cls, sessions: list[SessionFact], day: date) -> _PlanSoFar:
        """The plan of `sessions` as of `day`."""
        plan = cls()
        for session in sessions:  # a national report reads some 35,000 sessions here
            stage, when, status = session.stage, session.day, session.status
            plan.planned.add(stage)
            if when > day:
                plan.to_come += 1
                if plan.last_to_come is None or when > plan.last_to_come:
                    plan.last_to_come = when
            elif status == HELD:
                if plan.last_held is None or when > plan.last_held:
                    plan.last_held, plan.stages_last_held = when, [stage]
                elif when == plan.last_held:
                    plan.stages_last_held.append(stage)
            elif status == SCHEDULED:
                plan.unrecorded += 1
        return plan

    @property
    def stage_reached(self) -> str | None:
        """The stage of the last held session (the later stage where two share its day)."""
        if not self.stages_last_held:
            return None
        return max(self.stages_last_held, key=STAGES.index)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _not_finished(plan: _PlanSoFar, day: date, stage: str | None) -> str | None:
    """Why a team's plan is not over by a day, if it is not: a stage with nothing
    planned, sessions to come, registers missing."""
    missing = [STAGE_TITLES[st] for st in STAGES if st not in plan.planned]
    if missing:
        return f"not finished: nothing planned for {', '.join(missing)}"
    if plan.to_come:
        count = _plural(plan.to_come, "session")
        return f"not finished: {_where(stage)}, {count} to come, the last on {plan.last_to_come}"
    if plan.unrecorded:
        verb = "has" if plan.unrecorded == 1 else "have"
        return (
            f"not finished: {_plural(plan.unrecorded, 'session')} by {day} {verb} no register yet"
        )
    return None


def readiness(attendance: Attendance, team_id: int) -> Readiness:
    """Whether a team has finished the four stages by the report date, and if not, why."""
    day = attendance.facts.as_of
    plan = _PlanSoFar.of(attendance.plan_of(team_id), day)
    stage = plan.stage_reached
    team = attendance.facts.teams.get(team_id)
    if team is not None and team.ended_on is not None and team.ended_on <= day:
        return Readiness(stage, f"{team.status} on {team.ended_on}")
    why = _not_finished(plan, day, stage)
    return Readiness(stage, why) if why else Readiness(FINISHED, None)


def _where(stage: str | None) -> str:
    if stage is None:
        return "not started"
    return FINISHED if stage == FINISHED else f"in {stage.replace('-', ' ')}"


def stages_warning(stages: dict[int, str | None], day: date) -> str | None:
    """A warning when the teams compared are at different stages on the day."""
    counts = Counter(stages.values())
    if len(counts) < 2:
        return None
    parts = [f"{n} {_where(stage)}" for stage, n in counts.most_common()]
    return (
        f"the teams compared are at different stages on {day} ({', '.join(parts)}): a team "
        "further along has had more chances to take part, so the split partly sorts teams "
        "by how far along they are"
    )


def split_warnings(split: Split, compared: int, rule: TieRule, day: date) -> list[str]:
    """Warnings about a split: too few teams to split, or a group left empty."""
    if compared == 0:
        return [
            f"no team can be compared on {day} yet: there is no split "
            "(--include-unfinished gives an interim look)"
        ]
    if compared == 1:
        return [f"only one team can be compared on {day}: a split needs two or more"]
    median = "–" if split.median is None else f"{float(split.median):.0%}"
    if len(split.at_median) == compared:
        side = "high" if not split.high else "low"
        return [
            f"no team is {side}: all {compared} compared teams score the same ({median}), "
            "so the median split cannot separate them"
        ]
    other = f"--ties {TieRule.SPLIT_BY_RANK} keeps both groups"
    if not split.high:
        return [f"no team is high: none scores above the median ({median}) and --ties {rule} "
                f"puts the teams at the median low; {other}"]  # fmt: skip
    if not split.low:
        return [f"no team is low: none scores below the median ({median}) and --ties {rule} "
                f"puts the teams at the median high; {other}"]  # fmt: skip
    return []
