"""What must hold of the diary and the registers after every step of a rollout, each rule
its own function.

Each takes a snapshot of the database (tests/rollout_snapshot.py), and where it needs
them the test's model of what it recorded and the curriculum's rules as data
(tests/rollout_model.py), and returns the problems it finds in words (empty when the
rule holds). None of them calls refocus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import combinations
from typing import Any

from rollout_model import Model, Rulebook
from rollout_snapshot import Session, Snapshot


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


def nobody_in_an_ended_team(after: Snapshot) -> list[str]:
    """Nobody is in a team on or after the day it ends, nor in any team on or after the day
    they leave."""
    problems = []
    for m in after.memberships:
        team, name = after.teams[m.team_id], after.staff_names[m.staff_id]
        if team.ended_on is not None and (m.end is None or m.end > team.ended_on):
            problems.append(
                f"{name} (staff {m.staff_id}) is in {team.name} until {m.end or 'further notice'}"
                f", though it {team.status} on {team.ended_on}"
            )
        left = after.staff_left.get(m.staff_id)
        if left is not None and (m.end is None or m.end > left):
            problems.append(
                f"{name} (staff {m.staff_id}) is in {team.name} until {m.end or 'further notice'}"
                f", though they leave on {left}"
            )
    return problems


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
    """No team is in two sessions at once (two catch-ups at once for different people of
    one team are fine: they are for those people, not the team)."""
    return [
        f"team {_names(after, tuple(shared), 'team')} is in {a.label()} and {b.label()}"
        for a, b in _overlapping(after, model)
        if "planned" in (a.kind, b.kind) and (shared := sorted(set(a.teams) & set(b.teams)))
    ]


def person_in_one_place(after: Snapshot, model: Model) -> list[str]:
    """Nobody is invited to two catch-up sessions at once."""
    return [
        f"{', '.join(after.staff_names[p] for p in shared)} invited to {a.label()} and {b.label()}"
        for a, b in _overlapping(after, model)
        if (shared := sorted(a.invitees & b.invitees))
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
