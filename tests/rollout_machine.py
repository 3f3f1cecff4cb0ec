"""Random years of a rollout (issue 13): a hypothesis state machine over `Rollout`.

Each example starts from a copy of the small programme, plans a first cohort, then plays
steps drawn at random: more cohorts planned or given another team, the clock moved on,
registers recorded (for sessions past, to come, or cancelled) and corrected, sessions
cancelled, moved, reassigned and restored, trainer leave recorded and taken back,
closures, staff joining, moving and leaving, teams merged and disbanded (often
future-dated), catch-ups scheduled and cohorts replanned. After every step (every
service call: a rule of the machine may play several, as typing up a week of registers
does) `Rollout` checks each rule of tests/rollout_checks.py on the database file; a
broken one fails with every step played, as refocus commands.

tests/test_rollout_stateful.py runs a bounded number of examples in CI;
`python benchmarks/rollout_soak.py` runs many more.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule
from rollout_driver import Rollout
from rollout_programme import TEAMS
from rollout_snapshot import Session

from refocus_cli.core.marks import Overrides, Replacement
from refocus_cli.core.vocabulary import AttendanceStatus

STATUSES = tuple(AttendanceStatus)
REGISTER_STYLES = ("all-present", "named", "rest-absent")
AS_USUAL = Overrides()  # neither --future nor --cancelled


def by_id(found: list[Session]) -> list[Session]:
    return sorted(found, key=lambda s: s.id)


class RolloutMachine(RuleBasedStateMachine):
    """Random years of a rollout, every rule checked after every step."""

    rollout: Rollout
    rollout_class: type[Rollout] = Rollout  # benchmarks/rollout_soak.py's survey notes breakage

    def teardown(self) -> None:
        if hasattr(self, "rollout"):
            self.rollout.close()

    def _active_teams(self) -> list[str]:
        return sorted(t.name for t in self.rollout.now.teams.values() if t.status == "active")

    def _free_teams(self) -> list[str]:
        taken = {team for _, team in self.rollout.now.cohort_teams}
        active = self.rollout.now.teams.values()
        return sorted(t.name for t in active if t.status == "active" and t.id not in taken)

    def _upcoming(self) -> list[Session]:
        snap = self.rollout.now
        return by_id([s for s in snap.scheduled() if s.start > snap.now])

    @initialize(
        teams=st.lists(
            st.sampled_from([name for name, _ in TEAMS]), min_size=1, max_size=3, unique=True
        ),
        start=st.none() | st.integers(0, 30),
    )
    def plan_first_cohort(self, teams: list[str], start: int | None) -> None:
        self.rollout = self.rollout_class()
        self.rollout.plan(
            "Wave 1", sorted(teams), None if start is None else self.rollout.day(start)
        )

    @rule(data=st.data(), start=st.none() | st.integers(0, 30))
    def plan_another_cohort(self, data: st.DataObject, start: int | None) -> None:
        if self._free_teams():
            chosen = data.draw(
                st.lists(st.sampled_from(self._free_teams()), min_size=1, max_size=3, unique=True)
            )
            name = f"Wave {len(self.rollout.now.cohorts) + 1}"
            self.rollout.plan(
                name, sorted(chosen), None if start is None else self.rollout.day(start)
            )

    @rule(data=st.data())
    def cohort_takes_a_team(self, data: st.DataObject) -> None:
        cohorts = self.rollout.now.cohorts
        if self._free_teams() and cohorts:
            cohort = cohorts[data.draw(st.sampled_from(sorted(cohorts)))]
            self.rollout.add_team_to_cohort(cohort, data.draw(st.sampled_from(self._free_teams())))

    # Two rules, so that time passes at least as often as anything else happens.
    @rule(days=st.integers(1, 7), evening=st.booleans())
    def days_pass(self, days: int, evening: bool) -> None:
        self.rollout.time_passes(days, evening)

    @rule(days=st.integers(8, 45), evening=st.booleans())
    def weeks_pass(self, days: int, evening: bool) -> None:
        self.rollout.time_passes(days, evening)

    @rule(data=st.data(), visitor=st.booleans())
    def registers_typed_up(self, data: st.DataObject, visitor: bool) -> None:
        """The registers of (up to four of) the sessions that have taken place, oldest first."""
        snap, marked = self.rollout.now, {key[0] for key in self.rollout.model.marks}
        waiting = by_id([s for s in snap.standing() if s.start <= snap.now and s.id not in marked])
        for session in sorted(waiting, key=lambda s: s.start)[:4]:
            style = data.draw(st.sampled_from(REGISTER_STYLES))
            self._attend(data, session, style, visitor, AS_USUAL)

    @rule(data=st.data(), all_present=st.booleans(), rest_absent=st.booleans())
    def register_corrected(self, data: st.DataObject, all_present: bool, rest_absent: bool) -> None:
        """One mark on a register put right, maybe with --all-present or --rest-absent (which
        must fill in only people with no mark)."""
        model = self.rollout.model
        marked = sorted({(sid, p) for sid, p, _ in model.marks if p is not None})
        if not marked:
            return
        session_id, person = data.draw(st.sampled_from(marked))
        was = model.marks[(session_id, person, None)]
        said = {person: data.draw(st.sampled_from([s for s in STATUSES if s != was]))}
        overrides = Overrides(
            future=self.rollout.now.sessions[session_id].start > self.rollout.now.now
        )
        self.rollout.attend(
            session_id, said, all_present=all_present, rest_absent=rest_absent, overrides=overrides
        )

    @rule(data=st.data(), say_future=st.booleans())
    def record_future_session(self, data: st.DataObject, say_future: bool) -> None:
        soon = self.rollout.now.now + timedelta(days=21)
        upcoming = [s for s in self._upcoming() if s.start <= soon]
        if upcoming:
            session = data.draw(st.sampled_from(upcoming))
            self._attend(data, session, "all-present", False, Overrides(future=say_future))

    @rule(data=st.data(), replacement=st.sampled_from((None, *Replacement)))
    def record_cancelled_session(
        self, data: st.DataObject, replacement: Replacement | None
    ) -> None:
        snap = self.rollout.now
        called_off = by_id(
            [s for s in snap.sessions.values() if s.status == "cancelled" and s.kind == "planned"]
        )
        if called_off:
            session = data.draw(st.sampled_from(called_off))
            overrides = Overrides(session.start > snap.now, True, replacement)
            self._attend(data, session, "all-present", False, overrides)

    def _attend(
        self, data: st.DataObject, session: Session, style: str, visitor: bool, overrides: Overrides
    ) -> None:
        """A register in `style`: everyone present (bar one, maybe), people named, or people
        named and the rest absent."""
        expected = self.rollout.expected(session.id, overrides) or ()
        visitors = ("Carer Jones",) * visitor
        if style == "all-present" or not expected:
            excepted = (
                data.draw(st.lists(st.sampled_from(expected), max_size=1)) if expected else []
            )
            self.rollout.attend(
                session.id,
                all_present=True,
                excepted=excepted,
                visitors=visitors,
                overrides=overrides,
            )
            return
        named = data.draw(st.lists(st.sampled_from(expected), min_size=1, max_size=3, unique=True))
        said = {p: data.draw(st.sampled_from(STATUSES)) for p in named}
        rest_absent = style == "rest-absent"
        self.rollout.attend(
            session.id, said, rest_absent=rest_absent, visitors=visitors, overrides=overrides
        )

    @rule(data=st.data())
    def clear_marks(self, data: st.DataObject) -> None:
        marked = sorted({(sid, p) for sid, p, _ in self.rollout.model.marks if p is not None})
        if marked:
            session_id = data.draw(st.sampled_from(sorted({sid for sid, _ in marked})))
            people = [p for sid, p in marked if sid == session_id]
            self.rollout.clear(
                session_id,
                data.draw(st.lists(st.sampled_from(people), min_size=1, max_size=2, unique=True)),
            )

    @rule(data=st.data(), unavailable=st.booleans())
    def cancel_session(self, data: st.DataObject, unavailable: bool) -> None:
        scheduled = by_id(self.rollout.now.scheduled())
        if scheduled:
            session = data.draw(st.sampled_from(scheduled))
            named: list[str] = []
            if unavailable and len(session.trainers) > 1:
                named = [
                    self.rollout.now.trainers[data.draw(st.sampled_from(session.trainers))].name
                ]
            self.rollout.cancel(session.id, unavailable, named)

    @rule(
        data=st.data(),
        days=st.integers(-7, 21),
        at=st.sampled_from((None, time(9, 30), time(13, 30), time(14, 0))),
    )
    def move_session(self, data: st.DataObject, days: int, at: time | None) -> None:
        if self._upcoming():
            session = data.draw(st.sampled_from(self._upcoming()))
            day = session.day + timedelta(days=days)
            self.rollout.move(session.id, datetime.combine(day, at or session.start.time()))

    @rule(data=st.data(), venue=st.none() | st.sampled_from(("Hall", "Annex")))
    def assign_session(self, data: st.DataObject, venue: str | None) -> None:
        if self._upcoming():
            session = data.draw(st.sampled_from(self._upcoming()))
            everyone = sorted(t.name for t in self.rollout.now.trainers.values())
            self.rollout.assign(
                session.id,
                data.draw(st.lists(st.sampled_from(everyone), max_size=2, unique=True)),
                venue,
            )

    @rule(data=st.data())
    def restore_session(self, data: st.DataObject) -> None:
        called_off = by_id(
            [s for s in self.rollout.now.sessions.values() if s.status == "cancelled"]
        )
        if called_off:
            self.rollout.restore(data.draw(st.sampled_from(called_off)).id)

    # Leave is sometimes recorded after the event (a sick day last week).
    @rule(data=st.data(), start=st.integers(-14, 60), days=st.integers(0, 9))
    def trainer_leave(self, data: st.DataObject, start: int, days: int) -> None:
        name = data.draw(
            st.sampled_from(sorted(t.name for t in self.rollout.now.trainers.values()))
        )
        self.rollout.trainer_away(name, self.rollout.day(start), self.rollout.day(start + days))

    @rule(data=st.data(), days=st.integers(0, 3))
    def trainer_back(self, data: st.DataObject, days: int) -> None:
        snap = self.rollout.now
        away = sorted((t, day) for t, days_away in snap.away.items() for day in days_away)
        if away:
            trainer, first = data.draw(st.sampled_from(away))
            self.rollout.trainer_back(
                snap.trainers[trainer].name, first, first + timedelta(days=days)
            )

    @rule(start=st.integers(1, 60), days=st.integers(0, 4))
    def organisation_closes(self, start: int, days: int) -> None:
        self.rollout.close_days(self.rollout.day(start), self.rollout.day(start + days))

    @rule(data=st.data(), start=st.integers(-20, 30))
    def staff_join(self, data: st.DataObject, start: int) -> None:
        if self._active_teams():
            self.rollout.staff_join(
                data.draw(st.sampled_from(self._active_teams())), self.rollout.day(start)
            )

    @rule(data=st.data(), on=st.integers(-5, 60))
    def staff_move(self, data: st.DataObject, on: int) -> None:
        snap = self.rollout.now
        in_post = sorted(
            m.staff_id
            for m in snap.memberships
            if m.end is None and snap.staff_left[m.staff_id] is None
        )
        if in_post and self._active_teams():
            person = data.draw(st.sampled_from(in_post))
            self.rollout.staff_move(
                person, data.draw(st.sampled_from(self._active_teams())), self.rollout.day(on)
            )

    @rule(data=st.data(), on=st.integers(-5, 60))
    def staff_leave(self, data: st.DataObject, on: int) -> None:
        staying = sorted(p for p, left in self.rollout.now.staff_left.items() if left is None)
        if staying:
            self.rollout.staff_leave(data.draw(st.sampled_from(staying)), self.rollout.day(on))

    @rule(data=st.data(), on=st.integers(0, 120))
    def team_merge(self, data: st.DataObject, on: int) -> None:
        if len(self._active_teams()) >= 2:
            pair = st.lists(
                st.sampled_from(self._active_teams()), min_size=2, max_size=2, unique=True
            )
            source, into = data.draw(pair)
            self.rollout.merge(source, into, self.rollout.day(on))

    @rule(data=st.data(), on=st.integers(0, 120))
    def team_disband(self, data: st.DataObject, on: int) -> None:
        if self._active_teams():
            self.rollout.disband(
                data.draw(st.sampled_from(self._active_teams())), self.rollout.day(on)
            )

    @rule(start=st.none() | st.integers(0, 30))
    def catch_up(self, start: int | None) -> None:
        self.rollout.catch_up(None if start is None else self.rollout.day(start))

    @rule(data=st.data())
    def replan(self, data: st.DataObject) -> None:
        snap = self.rollout.now
        planned = sorted({s.cohort_id for s in snap.sessions.values() if s.cohort_id})
        if planned:
            self.rollout.replan(snap.cohorts[data.draw(st.sampled_from(planned))])
