"""Implementation measures: each person's participation in the six strategies of the
trial's participation scale, team scores over stayers and the median split, progress
and milestones.

Pure Python over plain facts (teams, staff, dated memberships, sessions, marks), so
every number can be checked by hand. The rules, and where each comes from, are written
out in core/measure_method.py, which the reports print under their figures.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cached_property
from itertools import repeat

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measure_attendance import Attendance, took_part
from refocus_cli.core.measure_comparison import (
    Comparison,
    readiness,
    split_warnings,
    stages_warning,
)
from refocus_cli.core.measure_facts import (
    Engagement,
    Facts,
    Milestone,
    Participation,
    TeamFact,
    TeamProgress,
    TeamScore,
)
from refocus_cli.core.measure_split import DEFAULT_TIE_RULE, TieRule, split_at_median
from refocus_cli.core.measure_values import mean_of, wanted
from refocus_cli.core.programme import STRATEGIES
from refocus_cli.core.vocabulary import TeamStatus


def engagement(rows: list[Participation]) -> dict[str, Engagement]:
    """For each strategy: how many of these people it applies to, and how many engaged."""
    if not rows:
        return dict.fromkeys(STRATEGIES, Engagement(0, 0))
    columns = zip(*(row.engaged for row in rows), strict=True)  # each 1, 0 or None
    return {
        strategy: Engagement(column.count(1), len(column) - column.count(None))
        for strategy, column in zip(STRATEGIES, columns, strict=True)
    }


class Implementation(Attendance):
    """Every measure over one set of facts; each is computed once, when first asked for.
    `scale`: the strategies scored (all six unless supervision reflection is left out)."""

    def __init__(self, facts: Facts, scale: tuple[str, ...] = STRATEGIES) -> None:
        super().__init__(facts)
        self.scale = scale

    def as_of(self, day: date) -> Implementation:
        """The measures over the same facts, on the same scale, as of another day."""
        return Implementation(replace(self.facts, as_of=day), self.scale)

    # -- the participation scale -----------------------------------------------------

    @cached_property
    @without_gc
    def participation(self) -> list[Participation]:
        """Each person's participation, by strategy, in name order: worked out a
        strategy at a time over everyone (each column a map over the staff ids, in C),
        then put together person by person."""
        people = sorted(self.facts.staff.values(), key=lambda p: (p.name.lower(), p.id))
        ids = [person.id for person in people]
        came: list[list[int]] = []
        due: list[list[int]] = []
        took: list[list[int | None]] = []
        for strategy in STRATEGIES:
            tally = self.tally(strategy)
            came.append(list(map(tally.came.get, ids, repeat(0))))
            due.append(list(map(tally.expected.get, ids, repeat(0))))
            unscored = strategy not in self.scale
            took.append([None] * len(ids) if unscored else list(map(took_part, came[-1], due[-1])))
        rows = []
        for person, team, attended, expected, engaged in zip(
            people,
            map(self._team_name, ids),
            zip(*came, strict=True),
            zip(*due, strict=True),
            zip(*took, strict=True),
            strict=True,
        ):
            count = engaged.count(1)
            applicable = len(engaged) - engaged.count(None)
            rows.append(
                Participation(
                    person,
                    team,
                    engaged,
                    attended,
                    expected,
                    count,
                    applicable,
                )
            )
        return rows

    def _team_name(self, staff_id: int) -> str | None:
        """The team someone is on at the report date, else the one they joined last."""
        team_id = self.team_on(staff_id, self.facts.as_of) or self.last_team(staff_id)
        team = self.facts.teams.get(team_id) if team_id is not None else None
        return team.name if team else None

    def _why_unscored(self, team: TeamFact, start: date | None) -> str | None:
        as_of = self.facts.as_of
        if team.status != TeamStatus.ACTIVE and team.ended_on and team.ended_on <= as_of:
            return f"{team.status} on {team.ended_on}"
        if start is None or start > as_of:
            return "rollout not started"
        return None

    def _stayers(self, team_id: int, start: date) -> list[int]:
        """The staff on a team without a break from its first session to the report date."""
        as_of = self.facts.as_of
        return sorted(
            staff_id
            for staff_id, spell in self.team_spells(team_id)
            if spell.start <= start and spell.covers(as_of)
        )

    def _team_score(self, team: TeamFact, by_staff: dict[int, Participation]) -> TeamScore:
        start = self.team_start(team.id)
        ended_or_not_started = self._why_unscored(team, start)
        stayers = self._stayers(team.id, start) if start and not ended_or_not_started else []
        rows = [by_staff[s] for s in stayers]
        shares = [(row.count, row.applicable) for row in rows if row.applicable]
        why = ended_or_not_started
        if why is None and not stayers:
            why = f"nobody there from its first session to {self.facts.as_of}"
        elif why is None and not shares:
            why = "no stayer was expected at a held session"
        ready = readiness(self, team.id)
        return TeamScore(
            team=team,
            stayers=stayers,
            score=mean_of(shares) if shares else None,
            why_unscored=why,
            engagement=engagement(rows),
            stage=ready.stage,
            why_not_comparable=ended_or_not_started or ready.why_not or why,
        )

    @cached_property
    def team_scores(self) -> list[TeamScore]:
        """Each team's mean score over its stayers, and whether it can be compared."""
        by_staff = {p.staff.id: p for p in self.participation}
        return [
            self._team_score(team, by_staff)
            for team in sorted(self.facts.teams.values(), key=lambda t: (t.name.lower(), t.id))
        ]

    def compare(
        self,
        team_ids: set[int] | None = None,
        ties: TieRule = DEFAULT_TIE_RULE,
        include_unfinished: bool = False,
    ) -> Comparison:
        """Split the comparable teams (of those given, else all) at their median: those
        that have finished the four stages by the report date, or with
        `include_unfinished` every scored team (an interim look)."""
        chosen = [
            entry
            for entry in self.team_scores
            if wanted(entry.team.id, team_ids)
            and entry.score is not None
            and (include_unfinished or entry.why_not_comparable is None)
        ]
        day = self.facts.as_of
        split = split_at_median({e.team.id: e.score for e in chosen if e.score is not None}, ties)
        warnings = split_warnings(split, len(chosen), ties, day)
        stages = stages_warning({entry.team.id: entry.stage for entry in chosen}, day)
        if stages:
            warnings.append(stages)
        compared = tuple(entry.team.id for entry in chosen)
        return Comparison(day, ties, include_unfinished, compared, split, tuple(warnings))

    # -- progress and milestones (core/measure_progress.py) ---------------------------

    @cached_property
    def progress(self) -> list[TeamProgress]:
        """Every team's progress, stage by stage, with its warning flags."""
        from refocus_cli.core import measure_progress  # progress alone needs it

        return measure_progress.team_progress(self)

    @cached_property
    def milestones(self) -> list[Milestone]:
        """Each team's milestones, stage by stage."""
        from refocus_cli.core import measure_progress

        return measure_progress.milestones(self)
