"""Who was expected at each held activity and who came: what every measure counts.

Pure Python over plain facts (teams, staff, dated memberships, sessions, marks). The
groups of a split team's session are one activity; a catch-up session is its own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import chain

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measure_facts import Facts, SessionFact
from refocus_cli.core.spells import Spell
from refocus_cli.core.vocabulary import Audience, SessionKind, SessionStatus

# Enum members bound once: looked up through their class, each costs about 0.1 µs, and
# they are compared for every session of a national programme.
HELD, CANCELLED, SCHEDULED = SessionStatus.HELD, SessionStatus.CANCELLED, SessionStatus.SCHEDULED
PLANNED, CATCH_UP = SessionKind.PLANNED, SessionKind.CATCH_UP

# (team, module, occurrence) for a team's activity (team None: a mark at a session of
# no team), ("catch-up", session id) for a catch-up session.
ActivityKey = tuple[int | None, str, int] | tuple[str, int]
# A spell as the member lists read it: (staff id, first day, first day not in the team;
# date.max while it lasts), so one chained comparison tells whether it covers a day.
RosterSpell = tuple[int, date, date]


def engaged(attended: int, expected: int) -> bool:
    """Came to at least one session and at least half of those expected at."""
    return attended >= 1 and 2 * attended >= expected


def took_part(attended: int, expected: int) -> int | None:
    """A strategy on someone's participation scale: 1 if they engaged with it, 0 if
    they did not, None if it does not apply to them (never expected at it)."""
    if not expected:
        return None
    return 1 if engaged(attended, expected) else 0


@dataclass(slots=True)
class Activity:
    """One held activity: the session first seen, its earliest day, who was expected
    and who came (someone who came is expected too).

    `expected` is never changed in place, only replaced: most activities expect just
    the staff their team's session expects, a set shared by its sessions until the
    team's staff change (Attendance.expected_of), so it is kept, not copied."""

    session: SessionFact
    day: date
    expected: frozenset[int] = frozenset()
    came: set[int] = field(default_factory=set)

    def expect(self, people: Collection[int]) -> None:
        """Expect these people too."""
        if not self.expected.issuperset(people):
            self.expected = self.expected.union(people)


@dataclass(slots=True)
class Tally:
    """For one strategy, module or module's catch-up: how many held activities each
    person (by staff id) was expected at, and how many of those they came to."""

    came: Counter[int] = field(default_factory=Counter)
    expected: Counter[int] = field(default_factory=Counter)


NO_TALLY = Tally()  # for a strategy or module nobody has had yet: every count is 0
MODULE_KEYS = ("module:", "catch-up:")  # the tallies of a module, and of its catch-ups


def _activity(
    activities: dict[ActivityKey, Activity], key: ActivityKey, session: SessionFact
) -> Activity:
    """The activity under `key`, made (first seen at `session`) if it is new."""
    activity = activities.get(key)
    if activity is None:
        activity = activities[key] = Activity(session, session.day)
    return activity


def _came(activity: Activity, came: list[int] | None) -> None:
    """Count those who came (at a session all of whose marks count toward `activity`):
    someone who came was expected too."""
    if came:
        activity.came.update(came)
        activity.expect(came)


class Attendance:
    """Who was on which team when, who was expected where, and who came; each part is
    computed once, when first asked for."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self._team_spells: dict[int, list[tuple[int, Spell]]] = defaultdict(list)
        self._rosters: dict[int, list[RosterSpell]] = defaultdict(list)
        for staff_id, spells in facts.spells.items():
            for spell in spells:
                self._team_spells[spell.team_id].append((staff_id, spell))
                self._rosters[spell.team_id].append((staff_id, spell.start, spell.end or date.max))
        self._members: dict[tuple[int, int], tuple[int, ...]] = {}
        self._expected: dict[tuple[int, int, str], frozenset[int]] = {}
        self._tallies: dict[str, Tally] = {}
        self.held = [s for s in facts.sessions if s.status == HELD and s.day <= facts.as_of]
        self.by_team: dict[int, list[SessionFact]] = defaultdict(list)
        # Sessions still planned for a team after it ended (its own, cancelled when it
        # ended): what it would have had, for the milestones' "planned".
        self.after_end: dict[int, list[SessionFact]] = defaultdict(list)
        # A merged or disbanded team is no team from its end date on, whatever sessions
        # still name it. (This loop runs once a session of each team: the end dates are
        # looked up once.)
        ended = {team.id: team.ended_on for team in facts.teams.values() if team.ended_on}
        for session in facts.sessions:
            for team_id in session.team_ids:
                end = ended.get(team_id)
                if end is None or session.day < end:
                    self.by_team[team_id].append(session)
                else:
                    self.after_end[team_id].append(session)

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

    @cached_property
    def _changes(self) -> dict[int, list[date]]:
        """For each team, the days its staff changed (someone joined or left), in order."""
        return {
            team_id: sorted({day for _, start, end in spells for day in (start, end)})
            for team_id, spells in self._rosters.items()
        }

    # Spell.covers is written out in these two: they run for every session and mark.
    def members(self, team_id: int, day: date) -> tuple[int, ...]:
        """The staff on a team on a day (worked out once for each stretch between two
        changes of its staff: a team has a few such stretches and many sessions)."""
        changes = self._changes.get(team_id)
        if changes is None:
            return ()
        stretch = (team_id, bisect_right(changes, day))
        found = self._members.get(stretch)
        if found is None:
            found = self._members[stretch] = tuple(
                s for s, start, end in self._rosters[team_id] if start <= day < end
            )
        return found

    def expected_of(self, team_id: int, day: date, audience: str) -> frozenset[int]:
        """The staff of a team a session for `audience` expects on a day (once for each
        stretch between changes of its staff, as members)."""
        changes = self._changes.get(team_id)
        if changes is None:
            return frozenset()
        stretch = (team_id, bisect_right(changes, day), audience)
        found = self._expected.get(stretch)
        if found is None:
            wanted = self.audience_ids(audience)
            found = self._expected[stretch] = frozenset(
                wanted.intersection(self.members(team_id, day))
            )
        return found

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

    @cached_property
    def _plans(self) -> dict[int, list[SessionFact]]:
        return {
            team_id: [s for s in sessions if s.kind == PLANNED and s.status != CANCELLED]
            for team_id, sessions in self.by_team.items()
        }

    def plan_of(self, team_id: int) -> list[SessionFact]:
        """A team's planned sessions that are not cancelled (of its days as a team)."""
        return self._plans.get(team_id, [])

    def team_start(self, team_id: int) -> date | None:
        """The day of a team's first planned session that is not cancelled."""
        return min((s.day for s in self.plan_of(team_id)), default=None)

    # -- held activities -------------------------------------------------------------

    @cached_property
    @without_gc
    def activities(self) -> dict[ActivityKey, Activity]:
        """Held activities by key, with who was expected and who came."""
        came_at = self.facts.came
        activities: dict[ActivityKey, Activity] = {}
        counted: set[int] = set()  # the sessions whose marks are in already
        for session in self.held:
            if session.kind == CATCH_UP:
                activity = activities["catch-up", session.id] = Activity(
                    session, session.day, frozenset(session.invitees)
                )
                _came(activity, came_at.get(session.id))
                counted.add(session.id)
        # Team by team (the sessions of its days as a team, in time order), so the groups
        # of a split team's session meet in one activity under its first session.
        # This loop runs once a session of each team: names bound once.
        as_of, expected_of = self.facts.as_of, self.expected_of
        for team_id, sessions in self.by_team.items():
            for session in sessions:
                if session.status != HELD or session.day > as_of or session.kind == CATCH_UP:
                    continue
                people = expected_of(team_id, session.day, session.audience)
                key = (team_id, session.module, session.occurrence)
                found = activities.get(key)
                if found is None:
                    activity = activities[key] = Activity(session, session.day, people)
                else:
                    activity = found
                    activity.expect(people)
                    if session.day < activity.day:
                        activity.day = session.day
                if len(session.team_ids) == 1:  # every mark there counts toward this one
                    _came(activity, came_at.get(session.id))
                    counted.add(session.id)
        self._add_marks(activities, counted)
        return activities

    def _add_marks(self, activities: dict[ActivityKey, Activity], counted: set[int]) -> None:
        """Who came to the held sessions not yet `counted`, against the activity of each
        person's team that day."""
        held_by_id = {s.id: s for s in self.held}
        for session_id, came in self.facts.came.items():
            session = held_by_id.get(session_id)
            if session is None or not came or session_id in counted:
                continue
            key = self._same_for_all(session)
            if key is not None:  # all at once
                _came(_activity(activities, key, session), came)
                continue
            for staff_id in came:
                activity = _activity(activities, self._mark_key(session, staff_id), session)
                activity.came.add(staff_id)
                activity.expect((staff_id,))

    @staticmethod
    def _same_for_all(session: SessionFact) -> ActivityKey | None:
        """The activity every mark at a session counts toward, when that does not depend
        on who came (a catch-up, or a session of one team or none: see _mark_key)."""
        if session.kind == CATCH_UP:
            return ("catch-up", session.id)
        if len(session.team_ids) > 1:
            return None
        team_id = session.team_ids[0] if session.team_ids else None
        return (team_id, session.module, session.occurrence)

    def _mark_key(self, session: SessionFact, staff_id: int) -> ActivityKey:
        """The activity a mark at a held session counts toward: the person's own team's
        (the first team of the session if they were on none of its teams that day)."""
        if session.kind == CATCH_UP:
            return ("catch-up", session.id)
        team_id = self.team_on(staff_id, session.day)
        if team_id not in session.team_ids:
            team_id = session.team_ids[0] if session.team_ids else None
        return (team_id, session.module, session.occurrence)

    @cached_property
    @without_gc
    def by_strategy(self) -> dict[str, list[Activity]]:
        """The held activities under each strategy: what tally(STRATEGY) counts."""
        found: dict[str, list[Activity]] = defaultdict(list)
        for activity in self.activities.values():
            found[activity.session.strategy].append(activity)
        return found

    @cached_property
    @without_gc
    def by_module(self) -> dict[str, list[Activity]]:
        """The held activities under each "module:NAME" and each "catch-up:NAME"
        (catch-up sessions of a module): what tally() counts for them."""
        found: dict[str, list[Activity]] = defaultdict(list)
        for activity in self.activities.values():
            session = activity.session
            found["module:" + session.module].append(activity)
            if session.kind == CATCH_UP:
                found["catch-up:" + session.module].append(activity)
        return found

    def tally(self, key: str) -> Tally:
        """Who was expected at and came to the held activities under a strategy,
        "module:NAME" or "catch-up:NAME" (all 0 if none); counted when first asked for
        (a report asks for strategies, or for modules, seldom both), in C, over all the
        key's activities at once."""
        tally = self._tallies.get(key)
        if tally is None:
            grouped = self.by_module if key.startswith(MODULE_KEYS) else self.by_strategy
            activities = grouped.get(key)
            tally = self._tallies[key] = (
                Tally(
                    Counter(chain.from_iterable(a.came for a in activities)),
                    Counter(chain.from_iterable(a.expected for a in activities)),
                )
                if activities
                else NO_TALLY
            )
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
