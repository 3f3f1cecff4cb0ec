"""A rollout played step by step through the services (issue 13), checked after any step.

`Rollout` owns a copy of the small programme (tests/rollout_programme.py) with a store
on a clock the test moves. Each step calls one service, as the refocus command it
stands for, reads the database back (tests/rollout_snapshot.py) and applies every rule
of tests/rollout_checks.py. A broken rule is reported with the steps played, as
refocus commands a maintainer can paste into a shell.

tests/rollout_machine.py plays random rollouts with it; tests/test_rollout_stateful.py
also replays, step by step, the rollouts that once broke a rule.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from rollout_checks import INVARIANTS, RULEBOOK
from rollout_model import Model, Step, working_days_after
from rollout_programme import PROGRAMME_START, START, Clock, copy_of_base, prologue
from rollout_registers import Register, attend_command, predicted
from rollout_snapshot import Reader, Snapshot

from refocus_cli.core.errors import RefocusError
from refocus_cli.core.marks import Overrides
from refocus_cli.core.vocabulary import AttendanceStatus
from refocus_cli.services import (
    attendance,
    catchup,
    cohorts,
    organisation,
    planning,
    register_edits,
    session_changes,
    sessions,
    staff,
    teams,
    trainers,
)
from refocus_cli.services.context import opened

AS_USUAL = Overrides()  # neither --future nor --cancelled
# What every rollout in this process did, for benchmarks/rollout_soak.py's tables:
# ("step", name, "done"/"refused"), ("made", what) and ("invariant", name) -> count.
TALLY: Counter[tuple[str, ...]] = Counter()


class Rollout:
    """One rollout on its own database: steps through the services, checks on the file."""

    def __init__(self) -> None:
        self.resources = ExitStack()
        self.folder = Path(tempfile.mkdtemp(prefix="rollout-"))
        self.resources.callback(shutil.rmtree, self.folder, True)
        path = copy_of_base(self.folder)
        self.clock = Clock(START)
        self.store = self.resources.enter_context(opened(path))
        self.store.clock = self.clock
        self.reader = Reader(path)
        self.resources.callback(self.reader.close)
        self.model = Model()
        self.history = prologue()
        self.snap = self.before = self.reader.snapshot(self.clock.now)
        self.step = Step("start", "")
        self.audit_rows: list[Any] = []
        self.joiners = 0

    def close(self) -> None:
        """Close the database and remove the rollout's folder."""
        self.resources.close()

    @property
    def now(self) -> Snapshot:
        """The database as the last step left it."""
        return self.snap

    def day(self, offset: int) -> date:
        """Today plus `offset` days."""
        return self.snap.today + timedelta(days=offset)

    # -- playing a step --------------------------------------------------------------

    def _do(
        self,
        step: Step,
        call: Callable[[], Any],
        done: Callable[[Snapshot, Step], None] | None = None,
    ) -> None:
        """One service call as a step: what it said, what the test notes of it when it was
        done (`done`, given the database as it was before), the database read back after,
        and every rule checked."""
        before = self.snap
        try:
            call()
        except RefocusError as exc:
            step.refused = str(exc)
        if step.refused is None and done is not None:
            done(before, step)
        self._after(before, step)

    def _after(self, before: Snapshot, step: Step) -> None:
        self.before, self.step = before, step
        self.snap = self.reader.snapshot(self.clock.now)
        self.audit_rows = self.reader.audit_since(before.audit_last)
        self.model.excuse_new_leave(before, self.snap)
        self.model.excuse_new_closures(before, self.snap)
        if step.replanned is not None:
            self.model.replanned(self.snap, step.replanned)
        TALLY["step", step.name, "refused" if step.refused else "done"] += 1
        _tally_changes(before, self.snap)
        self.history.append(step.command + (f"  # refused: {step.refused}" if step.refused else ""))
        self.check_all()

    def time_passes(self, days: int, evening: bool = False) -> None:
        """Move the clock on `days` days, to 08:00 or 18:00 UTC."""
        day = self.snap.today + timedelta(days=days)
        self.clock.now = datetime.combine(day, time(18 if evening else 8), START.tzinfo)
        self._after(
            self.snap, Step("time passes", f"export REFOCUS_NOW={self.clock.now:%Y-%m-%dT%H:%MZ}")
        )

    def plan(self, name: str, team_names: Sequence[str], start: date | None = None) -> None:
        """Create a cohort of these teams and schedule it."""
        names = list(team_names)
        teams_typed = " ".join(f'--team "{n}"' for n in names)
        self._do(
            Step("cohort create", f'refocus cohort create "{name}" {teams_typed}'),
            lambda: cohorts.create_cohort(self.store, name, names),
        )
        self._do(
            Step(
                "schedule",
                f'refocus schedule "{name}"' + (f" --start {start}" if start else ""),
                earliest=start or max(self.snap.today, PROGRAMME_START),
            ),
            lambda: planning.schedule(self.store, name, start),
        )

    def add_team_to_cohort(self, cohort: str, team: str) -> None:
        """Put a team in a cohort already planned (replan then plans it)."""
        self._do(
            Step("cohort add-team", f'refocus cohort add-team "{cohort}" "{team}"'),
            lambda: cohorts.add_teams(self.store, cohort, [team]),
        )

    def expected(self, session_id: int, overrides: Overrides = AS_USUAL) -> tuple[int, ...] | None:
        """Who refocus expects at a session (staff ids), or None when it would refuse it."""
        asked = attendance.Request(session=str(session_id), overrides=overrides)
        try:
            found = attendance.session_register(self.store, asked)
        except RefocusError:
            return None
        return tuple(person.id for person in found.expected)

    def attend(
        self,
        session_id: int,
        said: dict[int, AttendanceStatus] | None = None,
        *,
        all_present: bool = False,
        excepted: Sequence[int] = (),
        rest_absent: bool = False,
        visitors: Sequence[str] = (),
        overrides: Overrides = AS_USUAL,
    ) -> None:
        """Record a register for a session, and note in the model what it leaves."""
        register = Register(
            self.snap.sessions[session_id],
            self.expected(session_id, overrides) or (),
            dict(said or {}),
            tuple(excepted),
            all_present,
            rest_absent,
            tuple(visitors),
            overrides,
        )
        stand_in = register.stand_in(self.snap)
        touched = {session_id} | ({stand_in.id} if stand_in else set())
        self._do(
            Step("attend", attend_command(session_id, register.request), frozenset(touched)),
            lambda: attendance.record(self.store, register.request),
            lambda before, _: predicted(register, before, self.model, stand_in),
        )

    def clear(self, session_id: int, people: Sequence[int]) -> None:
        """Take marks off a session's register (`attend ID --clear`)."""

        def cleared(before: Snapshot, step: Step) -> None:
            for p in people:
                self.model.marks.pop((session_id, p, None), None)
            if not any(key[0] == session_id for key in self.model.marks):
                self.model.held.pop(session_id, None)
                self.model.held_from.pop(session_id, None)

        typed = " ".join(f"--clear {p}" for p in people)
        self._do(
            Step("attend --clear", f"refocus attend {session_id} {typed}", frozenset({session_id})),
            lambda: register_edits.clear(self.store, str(session_id), [str(p) for p in people]),
            cleared,
        )

    def cancel(self, session_id: int, unavailable: bool = False, named: Sequence[str] = ()) -> None:
        """Cancel a session, maybe recording its trainer (or those named) as unavailable."""
        flags = (" --trainer-unavailable" if unavailable else "") + "".join(
            f' --trainer "{n}"' for n in named
        )
        command = f'refocus session cancel {session_id} --reason "called off"{flags}'
        self._do(
            Step("session cancel", command, frozenset({session_id})),
            lambda: sessions.cancel(
                self.store,
                str(session_id),
                "called off",
                trainer_unavailable=unavailable,
                trainers=tuple(named),
            ),
        )

    def move(self, session_id: int, to: datetime) -> None:
        """Move a session to a new local start."""
        command = f'refocus session move {session_id} --to "{to:%Y-%m-%d %H:%M}" --reason moved'
        self._do(
            Step("session move", command, frozenset({session_id}), earliest=self.snap.today),
            lambda: sessions.move(self.store, str(session_id), to, "moved"),
        )

    def assign(self, session_id: int, names: Sequence[str], venue: str | None) -> None:
        """Give a session these trainers and/or this venue."""
        flags = "".join(f' --trainer "{n}"' for n in names) + (f" --venue {venue}" if venue else "")
        self._do(
            Step(
                "session assign",
                f"refocus session assign {session_id}{flags}",
                frozenset({session_id}),
            ),
            lambda: session_changes.assign(self.store, str(session_id), list(names), venue),
        )

    def restore(self, session_id: int) -> None:
        """Undo a session's cancellation."""
        self._do(
            Step(
                "session restore", f"refocus session restore {session_id}", frozenset({session_id})
            ),
            lambda: session_changes.restore(self.store, str(session_id)),
        )

    def trainer_away(self, name: str, first: date, last: date) -> None:
        """Record a trainer's leave."""
        command = f'refocus trainer unavailable "{name}" --from {first} --to {last} --reason leave'
        self._do(
            Step("trainer unavailable", command),
            lambda: trainers.trainer_away(self.store, name, first, last, "leave"),
        )

    def trainer_back(self, name: str, first: date, last: date) -> None:
        """Take days out of a trainer's leave."""
        self._do(
            Step(
                "trainer available",
                f'refocus trainer available "{name}" --from {first} --to {last}',
            ),
            lambda: trainers.trainer_available(self.store, name, first, last),
        )

    def close_days(self, first: date, last: date) -> None:
        """Close days to sessions."""
        command = f'refocus closure add --from {first} --to {last} --reason "building closed"'
        self._do(
            Step("closure add", command),
            lambda: organisation.close_days(self.store, first, last, "building closed"),
        )

    def staff_join(self, team: str, start: date) -> None:
        """A new member of staff joins a team."""
        self.joiners += 1
        name = f"Joiner {self.joiners}"
        command = (
            f'refocus staff add "{name}" --team "{team}" --role "Community nurse" --start {start}'
        )
        self._do(
            Step("staff add", command),
            lambda: staff.add_staff(self.store, name, team, "Community nurse", None, False, start),
        )

    def staff_move(self, person: int, team: str, on: date) -> None:
        """Move someone to another team."""
        self._do(
            Step("staff move", f'refocus staff move {person} --to "{team}" --on {on}'),
            lambda: staff.move_staff(self.store, str(person), team, on),
        )

    def staff_leave(self, person: int, on: date) -> None:
        """Record that someone leaves."""
        self._do(
            Step("staff leave", f"refocus staff leave {person} --on {on}"),
            lambda: staff.record_leaving(self.store, str(person), on),
        )

    def merge(self, source: str, into: str, on: date) -> None:
        """Merge one team into another."""
        self._do(
            Step("team merge", f'refocus team merge "{source}" --into "{into}" --on {on}'),
            lambda: teams.merge_teams(self.store, source, into, on),
        )

    def disband(self, team: str, on: date) -> None:
        """Disband a team."""
        self._do(
            Step("team disband", f'refocus team disband "{team}" --on {on}'),
            lambda: teams.disband_team(self.store, team, on),
        )

    def catch_up(self, start: date | None = None) -> None:
        """Schedule catch-up sessions for everyone waiting."""
        notice = working_days_after(self.snap.today, self.snap.notice_days, self.snap, RULEBOOK)
        self._do(
            Step(
                "catchup --schedule",
                "refocus catchup --schedule" + (f" --start {start}" if start else ""),
                earliest=start or notice,
            ),
            lambda: catchup.catch_up(self.store, schedule=True, start=start),
        )

    def replan(self, cohort: str) -> None:
        """Repair a cohort's plan; then ask for a second repair, as a dry run."""

        def repaired(before: Snapshot, step: Step) -> None:
            step.replanned = next(i for i, name in before.cohorts.items() if name == cohort)
            step.settled = self._replan_again(cohort)

        first = max(self.snap.today + timedelta(days=1), PROGRAMME_START)
        self._do(
            Step("replan", f'refocus replan "{cohort}"', earliest=first),
            lambda: planning.replan(self.store, cohort),
            repaired,
        )

    def _replan_again(self, cohort: str) -> tuple[str, ...]:
        """What a second replan (a dry run) would change right after one."""
        try:
            again = planning.replan(self.store, cohort, dry_run=True)
        except RefocusError as exc:
            return (f"refuse: {exc}",)
        return tuple(
            f"{', '.join(c.changed())} session {c.session_id} ({c.module} #{c.occurrence}, "
            f"{c.before} -> {c.after}, trainers {c.trainers_before} -> {c.trainers}): {c.why}"
            for c in again.changes
        )

    # -- checking ---------------------------------------------------------------------

    def problems(self, name: str) -> list[str]:
        """What the rule `name` finds wrong after the last step."""
        TALLY["invariant", name] += 1
        return INVARIANTS[name](self)

    def check(self, name: str) -> None:
        """Fail, with the steps to reproduce, if the rule `name` is broken."""
        found = self.problems(name)
        if found:
            shown = "\n  ".join(found[:8]) + ("\n  ..." if len(found) > 8 else "")
            raise AssertionError(
                f"{name} broken after `{self.step.command}`:\n  {shown}\n"
                "Steps to reproduce:\n" + "\n".join(self.history)
            )

    def check_all(self) -> None:
        """Fail if any rule is broken."""
        for name in INVARIANTS:
            self.check(name)


def _tally_changes(before: Snapshot, after: Snapshot) -> None:
    """Count what a step did to the diary and the registers, to show what was played."""
    for s in after.sessions.values():
        was = before.sessions.get(s.id)
        if was is None:
            TALLY["made", f"{s.kind} sessions added"] += 1
        elif (was.start, was.trainers, was.venue_id) != (s.start, s.trainers, s.venue_id):
            TALLY["made", "sessions moved or restaffed"] += 1
        elif was.status != s.status:
            TALLY["made", f"sessions {was.status} -> {s.status}"] += 1
    TALLY["made", "marks written or cleared"] += len(
        set(before.marks.items()) ^ set(after.marks.items())
    )
