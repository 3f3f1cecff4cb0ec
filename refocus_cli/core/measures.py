"""Implementation measures, computed the way the REFOCUS trial did.

Pure Python over plain facts (teams, staff, dated memberships, sessions, marks), so
every number can be checked by hand. The rules are written out in METHOD, which the
reports print under their tables.
"""

from __future__ import annotations

import statistics
from datetime import date
from fractions import Fraction
from functools import cached_property

from refocus_cli.core import measure_progress
from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measure_attendance import Attendance, engaged

# Stores and the demo ask this module which roles are clinical.
from refocus_cli.core.measure_attendance import is_clinical as is_clinical
from refocus_cli.core.measure_facts import (
    Engagement,
    Milestone,
    Participation,
    TeamFact,
    TeamProgress,
    TeamScore,
)
from refocus_cli.core.programme import STRATEGIES
from refocus_cli.core.vocabulary import TeamStatus

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
- Median split: teams scoring above the median of the scored teams are high
  implementation; the rest, ties at the median included, are low.
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


def median_split(scores: list[TeamScore]) -> Fraction | None:
    """Set each scored team's level against the median of these teams' scores: above it
    is high implementation, the rest (ties included) low. Returns the median."""
    scored = [entry.score for entry in scores if entry.score is not None]
    if not scored:
        return None
    middle = statistics.median(scored)
    for entry in scores:
        if entry.score is not None:
            entry.level = "high" if entry.score > middle else "low"
    return middle


class Implementation(Attendance):
    """Every measure over one set of facts; each is computed once, when first asked for."""

    # -- the participation scale -----------------------------------------------------

    @cached_property
    @without_gc
    def participation(self) -> list[Participation]:
        """Each person's participation, by strategy, in name order."""
        rows = []
        as_of = self.facts.as_of
        teams = self.facts.teams
        for staff_id, person in sorted(
            self.facts.staff.items(), key=lambda item: (item[1].name.lower(), item[0])
        ):
            tally = self.per_person.get(staff_id, {})
            attended = {s: tally[s][0] if s in tally else 0 for s in STRATEGIES}
            expected = {s: tally[s][1] if s in tally else 0 for s in STRATEGIES}
            team_id = self.team_on(staff_id, as_of) or self.last_team(staff_id)
            team = teams[team_id].name if team_id in teams else None
            rows.append(
                Participation(
                    person,
                    team,
                    {
                        s: engaged(attended[s], expected[s]) if expected[s] else None
                        for s in STRATEGIES
                    },
                    attended,
                    expected,
                )
            )
        return rows

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

    @cached_property
    def team_scores(self) -> list[TeamScore]:
        """Each team's mean score over its stayers, levels set by the median split."""
        by_staff = {p.staff.id: p for p in self.participation}
        scores = []
        for team in sorted(self.facts.teams.values(), key=lambda t: (t.name.lower(), t.id)):
            start = self.team_start(team.id)
            why = self._why_unscored(team, start)
            stayers = self._stayers(team.id, start) if why is None and start else []
            if why is None and not stayers:
                why = "nobody there from the first session to now"
            rows = [by_staff[s] for s in stayers]
            shares = [share for row in rows if (share := row.share) is not None]
            if stayers and not shares:
                why = "no stayer was expected at a held session"
            score = sum(shares, Fraction(0)) / len(shares) if shares else None
            scores.append(TeamScore(team, stayers, score, None, why, engagement(rows)))
        median_split(scores)
        return scores

    @cached_property
    def median(self) -> Fraction | None:
        """The median of the scored teams' scores."""
        scored = [s.score for s in self.team_scores if s.score is not None]
        return statistics.median(scored) if scored else None

    def split_within(self, team_ids: set[int]) -> Fraction | None:
        """Redo the median split among these teams only (a cohort): their levels are set
        against their own median, which is returned."""
        return median_split([s for s in self.team_scores if s.team.id in team_ids])

    # -- progress and milestones (core/measure_progress.py) ---------------------------

    @cached_property
    def progress(self) -> list[TeamProgress]:
        """Every team's progress, stage by stage, with its warning flags."""
        return measure_progress.team_progress(self)

    @cached_property
    def milestones(self) -> list[Milestone]:
        """Each team's milestones, stage by stage."""
        return measure_progress.milestones(self)
