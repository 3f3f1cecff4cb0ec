"""Who was expected at each held activity and who came: what every measure counts.

Pure Python over plain facts (teams, staff, dated memberships, sessions, marks). The
groups of a split team's session are one activity; a catch-up session is its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.catchup import Spell
from refocus_cli.core.measure_facts import Facts, SessionFact
from refocus_cli.core.vocabulary import ATTENDED, Audience, SessionKind, SessionStatus

# (team, module, occurrence) for a team's activity (team None: a mark at a session of
# no team), ("catch-up", session id) for a catch-up session.
ActivityKey = tuple[int | None, str, int] | tuple[str, int]
# Tallies per person: [attended, expected], by strategy, "module:KEY" and "catch-up:KEY".
Tally = dict[str, list[int]]


def engaged(attended: int, expected: int) -> bool:
    """Came to at least one session and at least half of those expected at."""
    return attended >= 1 and 2 * attended >= expected


@dataclass(slots=True)
class Activity:
    """One held activity: the session first seen, its earliest day, who was expected
    and who came (someone who came is expected too)."""

    session: SessionFact
    day: date
    expected: set[int] = field(default_factory=set)
    came: set[int] = field(default_factory=set)


def _activity(
    activities: dict[ActivityKey, Activity], key: ActivityKey, session: SessionFact
) -> Activity:
    """The activity under `key`, made (first seen at `session`) if it is new."""
    activity = activities.get(key)
    if activity is None:
        activity = activities[key] = Activity(session, session.day)
    return activity


class Attendance:
    """Who was on which team when, who was expected where, and who came; each part is
    computed once, when first asked for."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self._team_spells: dict[int, list[tuple[int, Spell]]] = defaultdict(list)
        for staff_id, spells in facts.spells.items():
            for spell in spells:
                self._team_spells[spell.team_id].append((staff_id, spell))
        self.held = [
            s for s in facts.sessions if s.status == SessionStatus.HELD and s.day <= facts.as_of
        ]
        self.by_team: dict[int, list[SessionFact]] = defaultdict(list)
        # Sessions still planned for a team after it ended (its own, cancelled when it
        # ended): what it would have had, for the milestones' "planned".
        self.after_end: dict[int, list[SessionFact]] = defaultdict(list)
        for session in facts.sessions:
            for team_id in session.team_ids:
                if self._was_team(team_id, session.day):
                    self.by_team[team_id].append(session)
                else:
                    self.after_end[team_id].append(session)

    def _was_team(self, team_id: int, day: date) -> bool:
        """Whether a team still existed on a day (a merged or disbanded team did not
        from its end date on, whatever sessions still name it)."""
        team = self.facts.teams.get(team_id)
        return team is None or team.ended_on is None or day < team.ended_on

    def team_spells(self, team_id: int) -> list[tuple[int, Spell]]:
        """(staff id, spell) for everyone who has been on a team."""
        return self._team_spells.get(team_id, [])

    # -- who was expected where ------------------------------------------------------

    @cached_property
    def _audience_sets(self) -> dict[str, set[int]]:
        """The staff of the managers-only and clinical audiences, for checking many at
        once (keyed by plain strings: the lookups run for every person and module)."""
        staff = self.facts.staff
        return {
            Audience.MANAGERS.value: {i for i, person in staff.items() if person.is_manager},
            Audience.CLINICAL.value: {i for i, person in staff.items() if person.clinical},
        }

    @cached_property
    def _everyone(self) -> set[int]:
        return set(self.facts.staff)

    def audience_ids(self, audience: str) -> set[int]:
        """The staff a session for `audience` expects (everyone for whole and mixed teams)."""
        return self._audience_sets.get(audience, self._everyone)

    # Spell.covers is written out in these two: they run for every session and mark.
    def members(self, team_id: int, day: date) -> list[int]:
        """The staff on a team on a day."""
        return [
            s
            for s, spell in self._team_spells.get(team_id, ())
            if spell.start <= day and (spell.end is None or day < spell.end)
        ]

    def team_on(self, staff_id: int, day: date) -> int | None:
        """The team someone was on on a day, if any."""
        for spell in self.facts.spells.get(staff_id, ()):
            if spell.start <= day and (spell.end is None or day < spell.end):
                return spell.team_id
        return None

    def last_team(self, staff_id: int) -> int | None:
        """The team someone joined last, if any."""
        spells = self.facts.spells.get(staff_id, [])
        return max(spells, key=lambda s: s.start).team_id if spells else None

    def team_start(self, team_id: int) -> date | None:
        """The day of a team's first planned session that is not cancelled."""
        days = [
            s.day
            for s in self.by_team.get(team_id, ())
            if s.kind == SessionKind.PLANNED and s.status != SessionStatus.CANCELLED
        ]
        return min(days) if days else None

    # -- held activities -------------------------------------------------------------

    @cached_property
    @without_gc
    def activities(self) -> dict[ActivityKey, Activity]:
        """Held activities by key, with who was expected and who came."""
        activities: dict[ActivityKey, Activity] = {}
        for session in self.held:
            for key, people in self._expected_at(session):
                activity = _activity(activities, key, session)
                activity.expected |= people
                activity.day = min(activity.day, session.day)
        self._add_marks(activities)
        return activities

    def _expected_at(self, session: SessionFact) -> list[tuple[ActivityKey, set[int]]]:
        """The activities a held session belongs to, each with the people it expects."""
        if session.kind == SessionKind.CATCH_UP:
            return [(("catch-up", session.id), set(session.invitees))]
        keys: list[tuple[ActivityKey, set[int]]] = []
        for team_id in session.team_ids:
            if not self._was_team(team_id, session.day):
                continue
            audience = self.audience_ids(session.audience)
            people = {
                staff_id for staff_id in self.members(team_id, session.day) if staff_id in audience
            }
            keys.append(((team_id, session.module, session.occurrence), people))
        return keys

    def _add_marks(self, activities: dict[ActivityKey, Activity]) -> None:
        """Attendance marks, against the activity of the person's team that day."""
        held_by_id = {s.id: s for s in self.held}
        # Where a session's marks go when that does not depend on who (a catch-up, or a
        # session of one team): found for its first mark, then reused.
        same_for_all: dict[int, Activity] = {}
        for (session_id, staff_id), status in self.facts.marks.items():
            if status not in ATTENDED:
                continue
            activity = same_for_all.get(session_id)
            if activity is None:
                session = held_by_id.get(session_id)
                if session is None:
                    continue
                activity = _activity(activities, self._mark_key(session, staff_id), session)
                if session.kind == SessionKind.CATCH_UP or len(session.team_ids) <= 1:
                    same_for_all[session_id] = activity
            activity.came.add(staff_id)
            activity.expected.add(staff_id)

    def _mark_key(self, session: SessionFact, staff_id: int) -> ActivityKey:
        """The activity a mark at a held session counts toward."""
        if session.kind == SessionKind.CATCH_UP:
            return ("catch-up", session.id)
        team_id = self.team_on(staff_id, session.day)
        if team_id not in session.team_ids:
            team_id = session.team_ids[0] if session.team_ids else None
        return (team_id, session.module, session.occurrence)

    @cached_property
    @without_gc
    def per_person(self) -> dict[int, Tally]:
        """staff id -> strategy, "module:KEY" or "catch-up:KEY" -> [attended, expected]."""
        tally: dict[int, Tally] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for activity in self.activities.values():
            session = activity.session
            came = activity.came
            keys = [session.strategy, "module:" + session.module]
            if session.kind == SessionKind.CATCH_UP:
                keys.append("catch-up:" + session.module)
            for staff_id in activity.expected:
                person = tally[staff_id]
                hit = 1 if staff_id in came else 0
                for key in keys:
                    counts = person[key]
                    counts[0] += hit
                    counts[1] += 1
        return tally

    @cached_property
    def _activities_by_team(self) -> dict[int, list[Activity]]:
        by_team: dict[int, list[Activity]] = defaultdict(list)
        for key, activity in self.activities.items():
            team = key[0]
            if isinstance(team, int) and activity.expected:
                by_team[team].append(activity)
        for activities in by_team.values():
            activities.sort(key=lambda a: (a.day, a.session.id))
        return by_team

    def team_activities(self, team_id: int) -> list[Activity]:
        """A team's held activities that expected anyone, in time order."""
        return self._activities_by_team.get(team_id, [])

    def stage_attendance(self, team_id: int, stage: str) -> float | None:
        """The share of the places expected at a team's held sessions of a stage taken."""
        expected = came = 0
        for activity in self.team_activities(team_id):
            if activity.session.stage == stage:
                expected += len(activity.expected)
                came += len(activity.came)
        return came / expected if expected else None
