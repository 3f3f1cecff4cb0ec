"""What must hold after every step of a rollout, each rule its own function.

Each takes snapshots of the database (tests/rollout_snapshot.py) before and after a step,
the step, and the test's own model of what it recorded, and returns the problems it
finds in words (empty when the rule holds). None of them calls refocus: the curriculum's
rules are read from the manual as data, bank holidays from the same library the
programme uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from itertools import combinations
from typing import Any

from rollout_snapshot import AuditRow, MarkKey, Session, Snapshot

from refocus_cli.core.workdays import bank_holidays
from refocus_cli.services.manual import base_curriculum

Booking = tuple[int, int, date]  # session, trainer, day


@dataclass(frozen=True)
class Rulebook:
    """The curriculum's rules as data: stages in order and their gaps, module order, who
    delivers what, the working day, and the region's bank holidays."""

    stages: tuple[str, ...]
    gaps: dict[str, int]
    before: dict[str, tuple[str, ...]]  # module -> modules of its stage that come first
    co_delivered: frozenset[str]
    needs_trainer: frozenset[str]
    day_start: time
    day_end: time
    holidays: frozenset[date]

    @classmethod
    def shipped(cls) -> Rulebook:
        """The rules of the shipped manual, for an English programme."""
        manual = base_curriculum()
        return cls(
            stages=tuple(stage.key for stage in manual.stages),
            gaps={stage.key: stage.gap_after_days for stage in manual.stages},
            before={m.key: manual.prerequisites(m.key) for m in manual.modules},
            co_delivered=frozenset(m.key for m in manual.modules if m.co_delivered),
            needs_trainer=frozenset(m.key for m in manual.modules if m.facilitator == "trainer"),
            day_start=manual.working_hours.day_start,
            day_end=manual.working_hours.day_end,
            holidays=frozenset(bank_holidays("england", range(2026, 2032))),
        )


@dataclass
class Step:
    """One step of the rollout: the command it stands for and what it was allowed to touch."""

    name: str
    command: str
    touched: frozenset[int] = frozenset()  # sessions the command was about
    refused: str | None = None  # the error, when refocus refused the command
    replanned: int | None = None  # the cohort a successful replan repaired
    earliest: date | None = None  # the first day the command may put a session on
    settled: tuple[str, ...] = ()  # what a second replan, right after, would still change


@dataclass
class Model:
    """What the test itself recorded, and what it has been told may stand."""

    marks: dict[MarkKey, str] = field(default_factory=dict)
    held: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # session -> looks()
    held_from: dict[int, str] = field(default_factory=dict)  # status before it was held
    kept_both: set[frozenset[int]] = field(default_factory=set)  # --replacement keep
    excused: set[Booking] = field(default_factory=set)  # booked before the leave was
    closed: set[tuple[int, date]] = field(default_factory=set)  # booked before the closure

    def excuse_new_leave(self, before: Snapshot, after: Snapshot) -> None:
        """Leave recorded by this step does not undo bookings already made (a held session
        whose register is cleared later is booked again): those stay, for `replan` to
        repair, as long as they stand unchanged."""
        self.excused = {
            (sid, tid, day)
            for sid, tid, day in self.excused
            if (s := after.sessions.get(sid)) and s.status != "cancelled"
            if s.day == day and tid in s.trainers
        }
        for s in after.standing():
            was = before.sessions.get(s.id)
            if was is None or was.status == "cancelled" or was.day != s.day:
                continue
            for tid in set(s.trainers) & set(was.trainers):
                if s.day in after.away.get(tid, ()) and s.day not in before.away.get(tid, ()):
                    self.excused.add((s.id, tid, s.day))

    def excuse_new_closures(self, before: Snapshot, after: Snapshot) -> None:
        """Sessions already booked on a day the organisation then closes stay there, for
        `replan` to repair, as long as they stand unchanged."""
        self.closed = {
            (sid, day)
            for sid, day in self.closed
            if (s := after.sessions.get(sid)) and s.status != "cancelled" and s.day == day
        }
        self.closed |= {
            (s.id, s.day)
            for s in after.standing()
            if s.day in after.closures - before.closures
            and (was := before.sessions.get(s.id)) is not None
            and was.status != "cancelled"
            and was.day == s.day
        }

    def replanned(self, after: Snapshot, cohort_id: int) -> None:
        """After a replan of a cohort, none of its scheduled sessions still to begin is
        excused (held sessions and those begun never move)."""
        self.excused = {
            (sid, tid, day)
            for sid, tid, day in self.excused
            if (s := after.sessions[sid]).cohort_id != cohort_id
            or s.status != "scheduled"
            or s.start <= after.now
        }
        self.closed = {
            (sid, day)
            for sid, day in self.closed
            if (s := after.sessions[sid]).cohort_id != cohort_id
            or s.status != "scheduled"
            or s.start <= after.now
        }

    def both_kept(self, first: int, second: int) -> bool:
        return frozenset((first, second)) in self.kept_both


def _names(after: Snapshot, ids: tuple[int, ...], kind: str) -> str:
    table = after.trainers if kind == "trainer" else after.teams
    return ", ".join(table[i].name for i in ids)


def nothing_for_ended_teams(after: Snapshot) -> list[str]:
    """No session is scheduled for a team on or after the day it ends (merge, disband)."""
    return [
        f"{s.label()} is scheduled for team {after.teams[t].name}, which "
        f"{after.teams[t].status} on {after.teams[t].ended_on}"
        for s in after.scheduled()
        for t in s.teams
        if (ended := after.teams[t].ended_on) is not None and s.day >= ended
    ]


def nothing_for_leavers(after: Snapshot) -> list[str]:
    """No catch-up session invites someone on or after the day they leave."""
    return [
        f"{s.label()} still invites {after.staff_names[p]} (staff {p}), who leaves on "
        f"{after.staff_left[p]}"
        for s in after.scheduled()
        for p in sorted(s.invitees)
        if (left := after.staff_left.get(p)) is not None and s.day >= left
    ]


def no_trainer_booked_while_away(after: Snapshot, model: Model) -> list[str]:
    """No trainer is booked on a day they are unavailable, unless the booking was made
    before the leave was recorded and no replan of its cohort has run since."""
    return [
        f"{s.label()} books trainer {after.trainers[t].name}, who is unavailable on {s.day}"
        for s in after.scheduled()
        for t in s.trainers
        if s.day in after.away.get(t, ()) and (s.id, t, s.day) not in model.excused
    ]


def _overlapping(after: Snapshot, model: Model) -> Iterator[tuple[Session, Session]]:
    """Pairs of sessions in the diary at the same time (bar pairs the user chose to keep)."""
    by_day: dict[date, list[Session]] = defaultdict(list)
    for s in after.standing():
        by_day[s.day].append(s)
    for day in sorted(by_day):
        for first, second in combinations(sorted(by_day[day], key=lambda s: s.id), 2):
            if first.overlaps(second) and not model.both_kept(first.id, second.id):
                yield first, second


def trainer_in_one_place(after: Snapshot, model: Model) -> list[str]:
    """No trainer is in two sessions at once."""
    return [
        f"trainer {_names(after, tuple(shared), 'trainer')} is in {a.label()} and {b.label()}"
        for a, b in _overlapping(after, model)
        if (shared := sorted(set(a.trainers) & set(b.trainers)))
    ]


def team_in_one_place(after: Snapshot, model: Model) -> list[str]:
    """No team is in two sessions at once."""
    return [
        f"team {_names(after, tuple(shared), 'team')} is in {a.label()} and {b.label()}"
        for a, b in _overlapping(after, model)
        if (shared := sorted(set(a.teams) & set(b.teams)))
    ]


def venue_in_one_place(after: Snapshot, model: Model) -> list[str]:
    """No venue holds two sessions at once."""
    return [
        f"venue {a.venue_id} holds {a.label()} and {b.label()}"
        for a, b in _overlapping(after, model)
        if a.venue_id is not None and a.venue_id == b.venue_id
    ]


def held_sessions_as_recorded(after: Snapshot, model: Model) -> list[str]:
    """Sessions are held exactly when the test recorded their registers, and a held session
    keeps its time, venue, trainers and teams."""
    held = {s.id: s.looks() for s in after.sessions.values() if s.status == "held"}
    problems = [
        f"{after.sessions[sid].label()} is held, but no register of it was recorded"
        for sid in sorted(set(held) - set(model.held))
    ]
    problems += [
        f"{after.sessions[sid].label()} was held when its register was recorded, and is now "
        f"{after.sessions[sid].status}"
        for sid in sorted(set(model.held) - set(held))
    ]
    problems += [
        f"held {after.sessions[sid].label()} changed: (start, end, venue, trainers, teams, "
        f"status) was {model.held[sid]}, is {held[sid]}"
        for sid in sorted(set(held) & set(model.held))
        if held[sid] != model.held[sid]
    ]
    return problems


def marks_as_recorded(after: Snapshot, model: Model) -> list[str]:
    """Every mark on record is the one the test last recorded (and no other is there)."""
    problems = []
    for key in sorted(set(after.marks) | set(model.marks), key=repr):
        now, recorded = after.marks.get(key), model.marks.get(key)
        if now != recorded:
            who = f"staff {key[1]}" if key[1] is not None else f"visitor {key[2]!r}"
            problems.append(
                f"session {key[0]}: {who} is marked {now or 'nothing'}; the test recorded "
                f"{recorded or 'nothing'}"
            )
    return problems


def _chains(after: Snapshot) -> dict[tuple[int, int], list[Session]]:
    """Each team's planned sessions in the diary, by (cohort, team)."""
    chains: dict[tuple[int, int], list[Session]] = defaultdict(list)
    for s in after.standing():
        if s.kind == "planned" and s.cohort_id is not None:
            for t in s.teams:
                chains[(s.cohort_id, t)].append(s)
    return chains


def stages_in_order(after: Snapshot, model: Model, rules: Rulebook) -> list[str]:
    """A team starts a stage only after the one before it ends plus that stage's gap
    (checked where either session is still scheduled)."""
    problems = []
    rank = {stage: n for n, stage in enumerate(rules.stages)}
    for (_, team), chain in sorted(_chains(after).items()):
        for a, b in combinations(chain, 2):
            if "scheduled" not in (a.status, b.status) or rank[a.stage] == rank[b.stage]:
                continue
            early, late = (a, b) if rank[a.stage] < rank[b.stage] else (b, a)
            gap = 1
            if rank[late.stage] == rank[early.stage] + 1:
                gap = max(rules.gaps[early.stage], 1)
            if late.day < early.day + timedelta(days=gap):
                problems.append(
                    f"team {after.teams[team].name}: {late.label()} ({late.stage}) must start "
                    f"at least {gap} days after {early.label()} ({early.stage})"
                )
    return problems


def modules_in_order(after: Snapshot, model: Model, rules: Rulebook) -> list[str]:
    """Within a stage, a team takes modules in their order and a module's sessions in
    theirs, on different days (where either session is still scheduled)."""
    problems = []
    for (_, team), chain in sorted(_chains(after).items()):
        for a, b in combinations(chain, 2):
            if "scheduled" not in (a.status, b.status) or model.both_kept(a.id, b.id):
                continue
            for early, late in ((a, b), (b, a)):
                same_series = (early.module, early.group) == (late.module, late.group)
                if (same_series and early.occurrence < late.occurrence) or (
                    early.module in rules.before.get(late.module, ())
                ):
                    if late.day <= early.day:
                        problems.append(
                            f"team {after.teams[team].name}: {late.label()} must come after "
                            f"{early.label()}"
                        )
    return problems


def one_session_per_place(after: Snapshot, model: Model) -> list[str]:
    """Each place of a cohort's plan is filled by one session in the diary at most (bar a
    cancelled one recorded as held after all, its stand-in kept by choice)."""
    places: dict[tuple[Any, ...], list[Session]] = defaultdict(list)
    for s in after.standing():
        if s.kind == "planned":
            places[s.place].append(s)
    return [
        f"{a.label()} and {b.label()} fill the same place {place}"
        for place, found in sorted(places.items(), key=repr)
        for a, b in combinations(found, 2)
        if not model.both_kept(a.id, b.id)
    ]


def working_days_and_hours(after: Snapshot, model: Model, rules: Rulebook) -> list[str]:
    """Scheduled sessions fall on working days (no weekend, bank holiday or closure, bar
    one booked before its day was closed and not replanned since) and within the working
    day."""
    problems = []
    for s in after.scheduled():
        if s.day.weekday() >= 5 or s.day in rules.holidays:
            problems.append(f"{s.label()} is not on a working day")
        if s.day in after.closures and (s.id, s.day) not in model.closed:
            problems.append(f"{s.label()} is on a day the organisation is closed")
        if (
            s.start.time() < rules.day_start
            or s.end.time() > rules.day_end
            or s.end.date() != s.day
        ):
            problems.append(f"{s.label()} is outside {rules.day_start}-{rules.day_end}")
    return problems


def staffing_rules(after: Snapshot, rules: Rulebook) -> list[str]:
    """Scheduled sessions have trainers who deliver their stage, a trainer where the module
    needs one, a lived-experience co-trainer where it is co-delivered, and a venue that
    seats them."""
    problems = []
    for s in after.scheduled():
        trainers = [after.trainers[t] for t in s.trainers]
        problems += [
            f"{s.label()}: trainer {t.name} does not deliver {s.stage}"
            for t in trainers
            if s.stage not in t.stages
        ]
        if s.kind == "planned" and s.module in rules.needs_trainer and not trainers:
            problems.append(f"{s.label()} has no trainer")
        if s.module in rules.co_delivered and (
            len(trainers) < 2 or not any(t.lived_experience for t in trainers)
        ):
            problems.append(f"{s.label()} is co-delivered but has no lived-experience co-trainer")
        if s.venue_id is not None and after.venues[s.venue_id] < s.expected:
            problems.append(f"{s.label()}: venue {s.venue_id} seats fewer than {s.expected}")
    return problems


def sequence_never_decreases(before: Snapshot, after: Snapshot) -> list[str]:
    """A session's SEQUENCE never goes down, and a session is never deleted."""
    problems = [
        f"session {sid} was deleted" for sid in sorted(set(before.sessions) - set(after.sessions))
    ]
    return problems + [
        f"{s.label()}: SEQUENCE went from {before.sessions[s.id].sequence} to {s.sequence}"
        for s in after.sessions.values()
        if s.id in before.sessions and s.sequence < before.sessions[s.id].sequence
    ]


def calendar_changes_raise_sequence(before: Snapshot, after: Snapshot) -> list[str]:
    """A session whose calendar entry changes (time, venue, trainers, teams, cancelled or
    not) gets a higher SEQUENCE, so calendars take the change."""
    problems = []
    for s in after.sessions.values():
        was = before.sessions.get(s.id)
        if was is None:
            continue
        shown = (s.start, s.end, s.venue_id, s.trainers, s.teams, s.status == "cancelled")
        shown_before = (
            was.start,
            was.end,
            was.venue_id,
            was.trainers,
            was.teams,
            was.status == "cancelled",
        )
        if shown != shown_before and s.sequence <= was.sequence:
            problems.append(
                f"{s.label()} changed from {was.label()} (trainers {was.trainers} -> "
                f"{s.trainers}, teams {was.teams} -> {s.teams}) but its SEQUENCE stayed "
                f"{s.sequence}"
            )
    return problems


def changes_are_audited(before: Snapshot, after: Snapshot, rows: list[AuditRow]) -> list[str]:
    """Every change is in the audit log: anything written adds entries, and each session,
    register, trainer's leave and membership that changed has one of its own."""
    if before.fingerprint == after.fingerprint:
        return []
    if not rows:
        return ["the database changed but the audit log did not"]
    about = {(row.entity, row.entity_id) for row in rows}
    problems = [
        f"{s.label()} changed (was {before.sessions[s.id].label()}) with no audit entry for it"
        for s in after.sessions.values()
        if s.id in before.sessions
        and s.looks() != before.sessions[s.id].looks()
        and ("session", s.id) not in about
    ]
    registers = {key[0] for key, _ in set(before.marks.items()) ^ set(after.marks.items())}
    problems += [
        f"the register of session {sid} changed with no audit entry for it"
        for sid in sorted(registers)
        if ("attendance", sid) not in about
    ]
    problems += [
        f"trainer {after.trainers[tid].name}'s unavailability changed with no audit entry"
        for tid in sorted(set(before.away) | set(after.away))
        if before.away.get(tid) != after.away.get(tid) and ("trainer", tid) not in about
    ]
    moved = {m.staff_id for m in set(before.memberships) ^ set(after.memberships)}
    by_team = any(entity == "team" for entity, _ in about)
    problems += [
        f"staff {sid}'s team memberships changed with no audit entry"
        for sid in sorted(moved)
        if not by_team and not {("membership", sid), ("staff", sid)} & about
    ]
    return problems


def refusals_write_nothing(before: Snapshot, after: Snapshot, step: Step) -> list[str]:
    """A command refocus refuses writes nothing, not even to the audit log."""
    if step.refused is None:
        return []
    problems = []
    if before.fingerprint != after.fingerprint:
        problems.append(f"{step.command!r} was refused ({step.refused}) yet changed the data")
    if before.audit_count != after.audit_count:
        problems.append(f"{step.command!r} was refused ({step.refused}) yet wrote to the audit log")
    return problems


def begun_sessions_stay_put(before: Snapshot, after: Snapshot, step: Step) -> list[str]:
    """A session that has begun is never moved or given other trainers or another venue,
    except by a command about that session."""
    problems = []
    for was in before.scheduled():
        s = after.sessions[was.id]
        if was.start > before.now or was.id in step.touched:
            continue
        if (s.start, s.end, s.trainers, s.venue_id) != (
            was.start,
            was.end,
            was.trainers,
            was.venue_id,
        ):
            problems.append(
                f"{step.name} changed {was.label()}, which had begun (now {before.now}), to "
                f"{s.label()} with trainers {s.trainers}, venue {s.venue_id}"
            )
    return problems


def replan_keeps_trainers_off_cancelled_days(
    before: Snapshot, after: Snapshot, step: Step
) -> list[str]:
    """A replan never books a trainer on a day they were taken off one of the cohort's
    cancelled sessions, nor gives a cancelled session's place to a trainer who was
    unavailable for it."""
    if step.replanned is None:
        return []
    cancelled = [
        s
        for s in before.sessions.values()
        if s.cohort_id == step.replanned and s.status == "cancelled"
    ]
    taken_off = {(t, s.day): s for s in cancelled for t in s.trainers}
    not_for = {
        (s.place, t): s for s in cancelled for t in s.trainers if s.day in before.away.get(t, ())
    }
    problems = []
    for s in after.standing():
        was = before.sessions.get(s.id)
        if s.cohort_id != step.replanned or (was is not None and was.looks() == s.looks()):
            continue
        for t in s.trainers:
            if was is not None and was.day == s.day and t in was.trainers:
                continue  # booked there before the replan
            name = after.trainers[t].name
            if (t, s.day) in taken_off:
                problems.append(
                    f"replan booked {name} for {s.label()}, on the day they were taken off "
                    f"{taken_off[(t, s.day)].label()}"
                )
            if was is None and (s.place, t) in not_for:
                problems.append(
                    f"replan gave {name} {s.label()}, the place of {not_for[(s.place, t)].label()}"
                    f", cancelled because {name} was unavailable"
                )
    return problems


def working_days_after(day: date, count: int, after: Snapshot, rules: Rulebook) -> date:
    """The `count`-th working day after `day` (weekends, bank holidays, closures skipped)."""
    for _ in range(max(count, 1)):
        day += timedelta(days=1)
        while day.weekday() >= 5 or day in rules.holidays or day in after.closures:
            day += timedelta(days=1)
    return day


def nothing_planned_too_early(before: Snapshot, after: Snapshot, step: Step) -> list[str]:
    """A command that plans (schedule, catch-up, replan, move) puts no session, new or
    moved, before the first day it may use: the --start given, the notice period, the
    day after today for a repair, now for a move."""
    if step.earliest is None or step.refused is not None:
        return []
    return [
        f"{step.command!r} put {s.label()} before {step.earliest}"
        for s in after.standing()
        if (was := before.sessions.get(s.id)) is None or was.start != s.start
        if s.day < step.earliest
    ]


def replan_settles(step: Step) -> list[str]:
    """Right after a replan, a second one (a dry run) finds nothing left to change."""
    return [f"after {step.command!r}, replanning again would: {c}" for c in step.settled]


def repairs_needed(snap: Snapshot, cohort: int) -> list[str]:
    """What in a cohort's plan needs repair, as the repair is documented: a cancelled
    place nothing stands in for while one of its teams is still in being; a session to
    come on a day that is no longer a working day or with a trainer who no longer
    delivers its stage or is away; a team of the cohort with nothing planned."""
    first = max(snap.today + timedelta(days=1), snap.programme_start or snap.today)
    plan = [s for s in snap.sessions.values() if s.cohort_id == cohort and s.kind == "planned"]
    standing = {s.place for s in plan if s.status != "cancelled"}
    found = []
    for s in plan:
        if s.status == "cancelled" and s.place not in standing:
            away = any(s.day in snap.away.get(t, ()) for t in s.trainers)
            day = max(s.day if away else s.day + timedelta(days=1), first)
            if any((end := snap.teams[t].ended_on) is None or day < end for t in s.teams):
                found.append(f"{s.label()} was cancelled and nothing stands in for it")
        if s.status != "scheduled" or s.day < snap.today:
            continue
        if s.day.weekday() >= 5 or s.day in snap.closures:
            found.append(f"{s.label()} is no longer on a working day")
        for t in s.trainers:
            if s.stage not in snap.trainers[t].stages or s.day in snap.away.get(t, ()):
                found.append(f"{s.label()} has trainer {snap.trainers[t].name}, who cannot")
    planned_for = {t for s in plan for t in s.teams}
    found += [
        f"team {snap.teams[t].name} is new in the cohort"
        for c, t in sorted(snap.cohort_teams)
        if c == cohort and snap.teams[t].status == "active" and t not in planned_for
    ]
    return found


def replan_leaves_a_sound_plan_alone(before: Snapshot, after: Snapshot, step: Step) -> list[str]:
    """A replan of a cohort whose plan needs no repair changes nothing."""
    if step.replanned is None or repairs_needed(before, step.replanned):
        return []
    return [
        f"{step.command!r} changed {s.label()} (was "
        f"{was.label() if (was := before.sessions.get(s.id)) else 'not there'}) though "
        "nothing in the plan needed repair"
        for s in after.sessions.values()
        if s.cohort_id == step.replanned
        and (s.id not in before.sessions or before.sessions[s.id].looks() != s.looks())
    ]
