"""Implementation measures, computed the way the REFOCUS trial did.

Pure Python over plain facts (teams, staff, dated memberships, sessions, marks), so
every number can be checked by hand. The rules are written out in METHOD, which the
reports print under their tables.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date
from functools import cached_property

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.catchup import Spell
from refocus_cli.core.measure_facts import (
    Facts,
    Milestone,
    Participation,
    SessionFact,
    StageProgress,
    TeamFact,
    TeamProgress,
    TeamScore,
)
from refocus_cli.core.programme import STAGES, STRATEGIES
from refocus_cli.core.vocabulary import ATTENDED

# Roles that are not clinical: they are not expected at clinical-only sessions.
NON_CLINICAL = ("admin", "reception", "secretar", "clerk")

TURNOVER_THRESHOLD = 0.3  # the trial saw 27-47 % of staff move on
FALL_WINDOW = 3  # attendance falling: the last three sessions against the three before
FALL_DROP = 0.2  # ... by twenty percentage points or more

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
- Participation scale (0-6): one point for each of the six implementation strategies
  (information session, working-practices training, coaching training, team-manager
  reflection, team reflection, supervision reflection) in which the person attended
  at least one session and at least half of the sessions they were expected at. A
  strategy they were never expected at scores nothing, so only managers can reach 6.
- Team score: the mean participation score of the team's stayers, the staff who were
  in the team, without a break, from the day of its first session to the report date.
  Teams that have merged or disbanded, have not started, or have no stayers get no
  score.
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


def is_clinical(role: str) -> bool:
    lowered = role.lower()
    return not any(word in lowered for word in NON_CLINICAL)


def median_split(scores: list[TeamScore]) -> float | None:
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


def _activity(activities: dict[tuple, dict], key: tuple, session: SessionFact) -> dict:
    """The activity under `key`, made (first seen at `session`) if it is new."""
    activity = activities.get(key)
    if activity is None:
        activity = activities[key] = {
            "session": session,
            "day": session.day,
            "expected": set(),
            "came": set(),
        }
    return activity


def _pooled(counts: list[tuple[int, int]]) -> float:
    came = sum(c for c, _ in counts)
    expected = sum(e for _, e in counts)
    return came / expected if expected else 0.0


def _engaged(attended: int, expected: int) -> bool:
    return attended >= 1 and 2 * attended >= expected


class Implementation:
    """Every measure over one set of facts; each is computed once, when first asked for."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self._team_spells: dict[int, list[tuple[int, Spell]]] = defaultdict(list)
        for staff_id, spells in facts.spells.items():
            for spell in spells:
                self._team_spells[spell.team_id].append((staff_id, spell))
        self._held = [s for s in facts.sessions if s.status == "held" and s.day <= facts.as_of]
        self._by_team: dict[int, list[SessionFact]] = defaultdict(list)
        # Sessions still planned for a team after it ended (its own, cancelled when it
        # ended): what it would have had, for the milestones' "planned".
        self._after_end: dict[int, list[SessionFact]] = defaultdict(list)
        for session in facts.sessions:
            for team_id in session.team_ids:
                if self._was_team(team_id, session.day):
                    self._by_team[team_id].append(session)
                else:
                    self._after_end[team_id].append(session)

    def _was_team(self, team_id: int, day: date) -> bool:
        """Whether a team still existed on a day (a merged or disbanded team did not
        from its end date on, whatever sessions still name it)."""
        team = self.facts.teams.get(team_id)
        return team is None or team.ended_on is None or day < team.ended_on

    # -- who was expected where ------------------------------------------------------

    def _in_audience(self, staff_id: int, audience: str) -> bool:
        person = self.facts.staff.get(staff_id)
        if person is None:
            return False
        if audience == "managers":
            return person.is_manager
        if audience == "clinical":
            return is_clinical(person.role)
        return True

    @cached_property
    def _audience_sets(self) -> dict[str, set[int]]:
        """The staff `_in_audience` accepts, by audience, for checking many at once."""
        staff = self.facts.staff
        return {
            "managers": {i for i, person in staff.items() if person.is_manager},
            "clinical": {i for i, person in staff.items() if is_clinical(person.role)},
            "whole-team": set(staff),
        }

    def _audience_ids(self, audience: str) -> set[int]:
        sets = self._audience_sets
        return sets[audience] if audience in ("managers", "clinical") else sets["whole-team"]

    # Spell.covers is written out in these two: they run for every session and mark.
    def members(self, team_id: int, day: date) -> list[int]:
        return [
            s
            for s, spell in self._team_spells.get(team_id, ())
            if spell.start <= day and (spell.end is None or day < spell.end)
        ]

    def team_on(self, staff_id: int, day: date) -> int | None:
        for spell in self.facts.spells.get(staff_id, ()):
            if spell.start <= day and (spell.end is None or day < spell.end):
                return spell.team_id
        return None

    @cached_property
    @without_gc
    def _activities(self) -> dict[tuple, dict]:
        """Held activities: (team or 'catch-up', module, occurrence or session id) -> who.

        Each value holds the sessions, the day, and the sets of staff expected and
        attending. The groups of a split team session are one activity.
        """
        marks = self.facts.marks
        activities: dict[tuple, dict] = {}
        for session in self._held:
            if session.kind == "catch-up":
                keys = [(("catch-up", session.id), set(session.invitees))]
            else:
                keys = []
                for team_id in session.team_ids:
                    if not self._was_team(team_id, session.day):
                        continue
                    audience = self._audience_ids(session.audience)
                    people = {
                        staff_id
                        for staff_id in self.members(team_id, session.day)
                        if staff_id in audience
                    }
                    keys.append(((team_id, session.module, session.occurrence), people))
            for key, people in keys:
                activity = _activity(activities, key, session)
                activity["expected"] |= people
                activity["day"] = min(activity["day"], session.day)
        # Attendance marks, against the activity of the person's team that day.
        held_by_id = self._held_by_id
        # Where a session's marks go when that does not depend on who (a catch-up, or a
        # session of one team): found for its first mark, then reused.
        same_for_all: dict[int, dict] = {}
        for (session_id, staff_id), status in marks.items():
            if status not in ATTENDED:
                continue
            activity = same_for_all.get(session_id)
            if activity is not None:
                activity["came"].add(staff_id)
                activity["expected"].add(staff_id)
                continue
            session = held_by_id.get(session_id)
            if session is None:
                continue
            if session.kind == "catch-up":
                key = ("catch-up", session.id)
            else:
                team_id = self.team_on(staff_id, session.day)
                if team_id not in session.team_ids:
                    team_id = session.team_ids[0] if session.team_ids else None
                key = (team_id, session.module, session.occurrence)
            activity = _activity(activities, key, session)
            if session.kind == "catch-up" or len(session.team_ids) <= 1:
                same_for_all[session_id] = activity
            activity["came"].add(staff_id)
            activity["expected"].add(staff_id)
        return activities

    @cached_property
    def _held_by_id(self) -> dict[int, SessionFact]:
        return {s.id: s for s in self._held}

    @cached_property
    @without_gc
    def _per_person(self) -> dict[int, dict[str, list[int]]]:
        """staff id -> strategy -> [attended, expected] and module -> [attended, expected]."""
        tally: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for activity in self._activities.values():
            session = activity["session"]
            came = activity["came"]
            keys = [session.strategy, "module:" + session.module]
            if session.kind == "catch-up":
                keys.append("catch-up:" + session.module)
            for staff_id in activity["expected"]:
                person = tally[staff_id]
                hit = 1 if staff_id in came else 0
                for key in keys:
                    counts = person[key]
                    counts[0] += hit
                    counts[1] += 1
        return tally

    # -- the participation scale -----------------------------------------------------

    @cached_property
    @without_gc
    def participation(self) -> list[Participation]:
        rows = []
        as_of = self.facts.as_of
        for staff_id, person in sorted(
            self.facts.staff.items(), key=lambda item: (item[1].name.lower(), item[0])
        ):
            tally = self._per_person.get(staff_id, {})
            attended = {s: tally[s][0] if s in tally else 0 for s in STRATEGIES}
            expected = {s: tally[s][1] if s in tally else 0 for s in STRATEGIES}
            team_id = self.team_on(staff_id, as_of) or self._last_team(staff_id)
            team = self.facts.teams[team_id].name if team_id in self.facts.teams else None
            rows.append(
                Participation(
                    person,
                    team,
                    {s: _engaged(attended[s], expected[s]) for s in STRATEGIES},
                    attended,
                    expected,
                )
            )
        return rows

    def _last_team(self, staff_id: int) -> int | None:
        spells = self.facts.spells.get(staff_id, [])
        return max(spells, key=lambda s: s.start).team_id if spells else None

    def team_start(self, team_id: int) -> date | None:
        days = [
            s.day
            for s in self._by_team.get(team_id, ())
            if s.kind == "planned" and s.status != "cancelled"
        ]
        return min(days) if days else None

    @cached_property
    def team_scores(self) -> list[TeamScore]:
        by_staff = {p.staff.id: p.score for p in self.participation}
        as_of = self.facts.as_of
        scores = []
        for team in sorted(self.facts.teams.values(), key=lambda t: (t.name.lower(), t.id)):
            start = self.team_start(team.id)
            why = None
            if team.status != "active" and team.ended_on and team.ended_on <= as_of:
                why = f"{team.status} on {team.ended_on}"
            elif start is None or start > as_of:
                why = "rollout not started"
            stayers = []
            if why is None:
                stayers = sorted(
                    staff_id
                    for staff_id, spell in self._team_spells.get(team.id, ())
                    if spell.start <= start and spell.covers(as_of)
                )
                if not stayers:
                    why = "nobody there from the first session to now"
            score = statistics.fmean(by_staff[s] for s in stayers) if stayers else None
            scores.append(TeamScore(team, stayers, score, None, why))
        median_split(scores)
        return scores

    @cached_property
    def median(self) -> float | None:
        scored = [s.score for s in self.team_scores if s.score is not None]
        return statistics.median(scored) if scored else None

    def split_within(self, team_ids: set[int]) -> float | None:
        """Redo the median split among these teams only (a cohort): their levels are set
        against their own median, which is returned."""
        return median_split([s for s in self.team_scores if s.team.id in team_ids])

    # -- progress, reach and flags ---------------------------------------------------

    def _roster_day(self, team: TeamFact) -> date:
        if team.ended_on and team.ended_on <= self.facts.as_of:
            return date.fromordinal(team.ended_on.toordinal() - 1)
        return self.facts.as_of

    def _module_needs(self, team_id: int) -> dict[str, tuple[str, str, int]]:
        """module -> (stage, audience, occurrences held so far) for a team."""
        as_of = self.facts.as_of
        needs: dict[str, tuple[str, str, set[int]]] = {}
        for session in self._by_team.get(team_id, ()):
            if session.kind != "planned":
                continue
            stage, audience, occurrences = needs.setdefault(
                session.module, (session.stage, session.audience, set())
            )
            if session.status == "held" and session.day <= as_of:
                occurrences.add(session.occurrence)
        return {m: (st, au, len(occ)) for m, (st, au, occ) in needs.items()}

    def _completed(self, staff_id: int, modules: list[tuple[str, str, int]]) -> bool | None:
        """Whether someone has completed these (module, audience, occurrences); None if
        none of them is meant for them."""
        tally = self._per_person.get(staff_id, {})
        relevant = [m for m in modules if staff_id in self._audience_ids(m[1])]
        if not relevant:
            return None
        for module, _audience, occurrences in relevant:
            came = tally.get("module:" + module, [0, 0])[0]
            caught_up = tally.get("catch-up:" + module, [0, 0])[0]
            if not (caught_up or (came >= 1 and 2 * came >= occurrences)):
                return False
        return True

    @cached_property
    @without_gc
    def progress(self) -> list[TeamProgress]:
        as_of = self.facts.as_of
        result = []
        for team in sorted(self.facts.teams.values(), key=lambda t: (t.name.lower(), t.id)):
            sessions = [s for s in self._by_team.get(team.id, ()) if s.kind == "planned"]
            if not sessions and team.status != "active":
                continue
            roster = self.members(team.id, self._roster_day(team))
            needs = self._module_needs(team.id)
            stages = []
            for stage in STAGES:
                in_stage = [s for s in sessions if s.stage == stage]
                held = [s for s in in_stage if s.status == "held" and s.day <= as_of]
                rate = self._rate(team.id, stage)
                # Only modules the team has had so far: reach is keeping up, stage by stage.
                modules = [(m, au, n) for m, (st, au, n) in needs.items() if st == stage and n > 0]
                done = [self._completed(staff_id, modules) for staff_id in roster]
                counted = [d for d in done if d is not None]
                stages.append(
                    StageProgress(
                        stage=stage,
                        planned=sum(1 for s in in_stage if s.status != "cancelled"),
                        held=len(held),
                        cancelled=sum(1 for s in in_stage if s.status == "cancelled"),
                        awaiting_register=sum(
                            1 for s in in_stage if s.status == "scheduled" and s.day < as_of
                        ),
                        attendance=rate,
                        reach=(sum(counted) / len(counted)) if counted and modules else None,
                        completed=sum(counted),
                        staff=len(counted),
                        first=min(
                            (s.day for s in in_stage if s.status != "cancelled"), default=None
                        ),
                        last=max(
                            (s.day for s in in_stage if s.status != "cancelled"), default=None
                        ),
                    )
                )
            entry = TeamProgress(team, stages)
            if team.status == "active":
                entry.flags = self._flags(team, sessions)
            result.append(entry)
        return result

    @cached_property
    def _activities_by_team(self) -> dict[int, list[dict]]:
        by_team: dict[int, list[dict]] = defaultdict(list)
        for key, activity in self._activities.items():
            if key[0] != "catch-up" and activity["expected"]:
                by_team[key[0]].append(activity)
        for activities in by_team.values():
            activities.sort(key=lambda a: (a["day"], a["session"].id))
        return by_team

    def _team_activities(self, team_id: int) -> list[dict]:
        return self._activities_by_team.get(team_id, [])

    def _rate(self, team_id: int, stage: str) -> float | None:
        expected = came = 0
        for activity in self._team_activities(team_id):
            if activity["session"].stage == stage:
                expected += len(activity["expected"])
                came += len(activity["came"])
        return came / expected if expected else None

    def _flags(self, team: TeamFact, sessions: list[SessionFact]) -> list[str]:
        as_of = self.facts.as_of
        flags = []
        # Managers who do not come to reflection sessions.
        reflection = [
            a
            for a in self._team_activities(team.id)
            if a["session"].strategy in ("manager-reflection", "team-reflection")
        ]
        managers = [s for s in self.members(team.id, as_of) if self.facts.staff[s].is_manager]
        if reflection and not managers:
            flags.append("no manager on the team to lead reflection")
        for manager in managers:
            expected = [a for a in reflection if manager in a["expected"]]
            came = sum(1 for a in expected if manager in a["came"])
            if expected and not _engaged(came, len(expected)):
                flags.append(
                    f"manager {self.facts.staff[manager].name} attended {came} of "
                    f"{len(expected)} reflection sessions"
                )
        # Staff turnover since the team's first session.
        start = self.team_start(team.id)
        if start is not None and start <= as_of:
            then = set(self.members(team.id, start))
            now = set(self.members(team.id, as_of))
            gone = len(then - now)
            if then and gone / len(then) >= TURNOVER_THRESHOLD:
                flags.append(
                    f"staff turnover {gone / len(then):.0%} since {start} "
                    f"({gone} of {len(then)} gone)"
                )
        # Attendance falling: the last few sessions against the few before them.
        # Pooled over the people expected, so a one-person session weighs as one person.
        counts = [
            (len(a["came"]), len(a["expected"]))
            for a in self._team_activities(team.id)
            if a["session"].kind == "planned"
        ]
        if len(counts) >= 2 * FALL_WINDOW:
            recent = _pooled(counts[-FALL_WINDOW:])
            before = _pooled(counts[-2 * FALL_WINDOW : -FALL_WINDOW])
            if before - recent >= FALL_DROP:
                flags.append(
                    f"attendance falling: {recent:.0%} at the last {FALL_WINDOW} sessions, "
                    f"{before:.0%} at the {FALL_WINDOW} before"
                )
        cancelled = sum(1 for s in sessions if s.status == "cancelled")
        if cancelled:
            flags.append(f"{cancelled} session{'s' if cancelled > 1 else ''} cancelled")
        return flags

    # -- milestones ------------------------------------------------------------------

    @cached_property
    def milestones(self) -> list[Milestone]:
        as_of = self.facts.as_of
        rows = []
        for team in sorted(self.facts.teams.values(), key=lambda t: (t.name.lower(), t.id)):
            sessions = [s for s in self._by_team.get(team.id, ()) if s.kind == "planned"]
            if not sessions:
                continue
            later = [s for s in self._after_end.get(team.id, ()) if s.kind == "planned"]
            for stage in STAGES:
                in_stage = [s for s in sessions if s.stage == stage]
                # A team that ended part-way planned more than it held: a stage is not
                # complete because the team stopped before the rest of it.
                planned = {(s.module, s.occurrence) for s in in_stage + later if s.stage == stage}
                held = [s for s in in_stage if s.status == "held" and s.day <= as_of]
                delivered = {(s.module, s.occurrence) for s in held}
                began = min((s.day for s in held), default=None)
                completed = max(s.day for s in held) if planned and delivered >= planned else None
                days = None
                if began is not None:
                    days = ((completed or as_of) - began).days
                if planned:
                    rows.append(
                        Milestone(team, stage, began, completed, days, len(planned), len(delivered))
                    )
        return rows
