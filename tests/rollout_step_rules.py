"""What must hold of each step of a rollout: the change it made to the database, compared
with the database before it, each rule its own function.

Each takes the snapshots before and after the step (tests/rollout_snapshot.py) and the
step itself (tests/rollout_model.py), and returns the problems it finds in words (empty
when the rule holds). None of them calls refocus.
"""

from __future__ import annotations

from datetime import timedelta

from rollout_model import Step
from rollout_snapshot import AuditRow, Snapshot


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
