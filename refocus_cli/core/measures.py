"""Implementation measures, computed the way the REFOCUS trial did.

Pure Python over plain facts (teams, staff, dated memberships, sessions, marks), so
every number can be checked by hand. The rules are written out in METHOD, which the
reports print under their tables.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from functools import cached_property

from refocus_cli.core import measure_progress
from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measure_attendance import Attendance, engaged
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
    StaffFact,
    TeamFact,
    TeamProgress,
    TeamScore,
)
from refocus_cli.core.measure_split import DEFAULT_TIE_RULE, TieRule, split_at_median
from refocus_cli.core.measure_values import wanted
from refocus_cli.core.programme import STRATEGIES
from refocus_cli.core.roster_plan import guess_clinical
from refocus_cli.core.vocabulary import TeamStatus

# store/attendance.py (who a register expects) and store/demo.py still ask this module for
# the first release's job-title guess; the measures read each person's recorded flag.
is_clinical = guess_clinical

METHOD = """\
How these figures are computed
- Only sessions recorded as held on or before the report date count. A person is
  expected at a team session if they were on one of its teams that day and are in its
  audience (managers-only sessions: managers; clinical sessions: everyone whose role
  is not administrative); at a catch-up session if they were invited. Where a big team
  is split into groups, the groups of one module's session count as one session.
  Someone who came without being expected counts as expected too.
- Attended means marked present, late or left-early; excused, absent and not marked
  all count as not attended.
- Participation: a strategy applies to a person if they were expected at one or more
  of its held sessions. They engaged with it if they attended at least one session and
  at least half of the sessions they were expected at. A person's score is the share
  of the strategies that apply to them in which they engaged (0-100 %), shown with the
  count, so a manager, a clinician and an administrator who each come to everything
  they are expected at all score 100 %. The six strategies: information session,
  working-practices training, coaching training, team-manager reflection, team
  reflection, supervision reflection.
- Team score: the mean score of the team's stayers, the staff who were in the team,
  without a break, from the day of its first session to the report date. Teams that
  have merged or disbanded, have not started, or have no stayers get no score. Each
  team's engagement is shown strategy by strategy too: of the stayers a strategy
  applies to, how many engaged with it.
- Comparison: teams are compared on the follow-up date (the programme's, set with
  `refocus programme set --follow-up DATE`, or the date given with --on; today when
  neither is there), over every intervention team of the programme, or a cohort's
  teams when one is asked for. Only teams that have finished the four stages by then,
  with a register for every session held, are compared; the others are listed apart
  as not yet comparable, with why (--include-unfinished compares them too, as an
  interim look, and warns when the teams compared are at different stages).
- Median split: the compared teams are dichotomised at the median of their scores
  into high and low implementation; the teams scoring exactly the median are named.
  Ties at the median (--ties): split-by-rank, the default, ranks teams by score and
  cuts them into two halves as near equal in size as ties allow, never separating
  teams with the same score (the tied teams join the half that leaves the groups
  nearer in size, the low half when it makes no difference); low puts them low (only
  teams above the median are high), high puts them high. A group left empty is
  warned about.
- A team that merged or disbanded is measured up to the day before it ended: its
  sessions from then on are not its own, and reach counts its staff on its last day.
- Reach: the share of the team's staff on the report date who are keeping up with a
  stage: for every module of it that the team has had so far and that is meant for
  them, they attended at least half (and at least one) of the sessions held, or a
  catch-up session for it. A stage the team has not begun has no reach yet.
- Flags: a manager who came to under half of the reflection sessions they were
  expected at; staff turnover of 30 % or more since the team's first session;
  attendance at the last three sessions 20 points or more below the three before
  (pooled over the people expected); any cancelled session.
- Milestones: a stage begins on its first held session and is complete on the day the
  last of its planned sessions is held; delivered is the share of its planned
  sessions (one per module and occurrence, cancelled ones included, and for a team
  that ended, its own sessions planned after the end) that were held.
"""


def engagement(rows: list[Participation]) -> dict[str, Engagement]:
    """For each strategy: how many of these people it applies to, and how many engaged."""
    return {
        s: Engagement(
            sum(1 for row in rows if row.engaged[s]),
            sum(1 for row in rows if row.engaged[s] is not None),
        )
        for s in STRATEGIES
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

    def _participation(self, person: StaffFact, scale: set[str]) -> Participation:
        """One person's attendance by strategy, and whether they engaged with each one of
        the scale that applies to them."""
        tally = self.per_person.get(person.id, {})
        attended = {s: tally[s][0] if s in tally else 0 for s in STRATEGIES}
        expected = {s: tally[s][1] if s in tally else 0 for s in STRATEGIES}
        team_id = self.team_on(person.id, self.facts.as_of) or self.last_team(person.id)
        team = self.facts.teams.get(team_id) if team_id is not None else None
        took_part = {
            s: engaged(attended[s], expected[s]) if expected[s] and s in scale else None
            for s in STRATEGIES
        }
        return Participation(person, team.name if team else None, took_part, attended, expected)

    @cached_property
    @without_gc
    def participation(self) -> list[Participation]:
        """Each person's participation, by strategy, in name order."""
        scale = set(self.scale)
        people = sorted(self.facts.staff.values(), key=lambda p: (p.name.lower(), p.id))
        return [self._participation(person, scale) for person in people]

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
        shares = [share for row in rows if (share := row.share) is not None]
        why = ended_or_not_started
        if why is None and not stayers:
            why = "nobody there from the first session to now"
        elif why is None and not shares:
            why = "no stayer was expected at a held session"
        ready = readiness(self, team.id)
        return TeamScore(
            team=team,
            stayers=stayers,
            score=sum(shares, Fraction(0)) / len(shares) if shares else None,
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
        return measure_progress.team_progress(self)

    @cached_property
    def milestones(self) -> list[Milestone]:
        """Each team's milestones, stage by stage."""
        return measure_progress.milestones(self)
