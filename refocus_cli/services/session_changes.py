"""Putting one session right by hand: its trainers or venue assigned, its cancellation undone.

Each is checked by the rules a move is checked by, in the write transaction that makes
it, audited old → new, raises the session's SEQUENCE (its calendar entry changes) and
is told in plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.rules import Booked, clashes
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.services import manual as manual_service
from refocus_cli.services.sessions import SessionRecord, rules_context, session
from refocus_cli.store import planning, session_changes
from refocus_cli.store import sessions as session_store
from refocus_cli.store.database import Store
from refocus_cli.store.trainers import find_trainer
from refocus_cli.store.venues import find_venue


@dataclass(frozen=True)
class SessionChange:
    """A session as it now is, and what changed, in plain words."""

    record: SessionRecord
    changes: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """The session's record, with the changes made under `changes`."""
        return {**self.record.as_json(), "changes": list(self.changes)}


def assign(
    store: Store,
    ref: str,
    trainers: Sequence[str] = (),
    venue: str | None = None,
    manual: Path | None = None,
) -> SessionChange:
    """Give a scheduled session these trainers (the lead first) and/or this venue, if every
    rule still holds: they deliver its stage, are free and not away then, the venue is
    free and seats the group, a co-delivered session keeps its lived-experience trainer."""
    if not trainers and venue is None:
        raise InvalidInput(
            "say what to assign: --trainer NAME (repeat for each trainer) and/or --venue NAME"
        )
    curriculum = manual_service.curriculum(store, manual)
    with store.write():  # checked and written in one transaction, as a move is
        current = session_store.get(store, ref)
        _must_be_scheduled(current)
        (booked,) = session_store.booked(store, "WHERE s.id = ?", [current["id"]])
        trainer_ids = _trainer_ids(store, trainers) if trainers else booked.trainer_ids
        venue_id = _venue_id(store, venue) if venue is not None else booked.venue_id
        if (trainer_ids, venue_id) == (booked.trainer_ids, booked.venue_id):
            raise InvalidInput(
                f"session {current['id']} already has these trainers and venue: nothing to change"
            )
        assigned = replace(booked, trainer_ids=trainer_ids, venue_id=venue_id)
        problems = _staffing_problems(store, curriculum, assigned, current["expected"])
        context = rules_context(store, curriculum, booked.start.date())
        problems += clashes(assigned, session_store.others_in_diary(store, booked.id), context)
        if problems:
            raise Conflict(f"cannot assign to session {booked.id}: " + "; ".join(problems))
        old, new = _shown(store, booked), _shown(store, assigned)
        session_changes.write_assign(store, booked.id, trainer_ids, venue_id, old, new)
    return SessionChange(session(store, str(booked.id)), _in_words(store, old, new))


def _must_be_scheduled(current: dict[str, Any]) -> None:
    if current["status"] == SessionStatus.CANCELLED:
        raise Conflict(
            f"session {current['id']} was cancelled: restore it first with "
            f"`refocus session restore {current['id']}`"
        )
    if current["status"] != SessionStatus.SCHEDULED:
        raise Conflict(
            f"session {current['id']} was {current['status']}: it keeps who delivered it"
        )


def _venue_id(store: Store, ref: str) -> int:
    found = find_venue(store, ref)
    if found["removed_on"]:
        raise Conflict(
            f"{found['name']} was taken out of use on {found['removed_on']}: "
            "choose a venue from `refocus venue list`"
        )
    return int(found["id"])


def _trainer_ids(store: Store, refs: Sequence[str]) -> tuple[int, ...]:
    found = [find_trainer(store, ref) for ref in refs]
    for trainer in found:
        if trainer["removed_on"]:
            raise Conflict(
                f"{trainer['name']} was removed from the programme on {trainer['removed_on']}: "
                "choose a trainer from `refocus trainer list`"
            )
    ids = [trainer["id"] for trainer in found]
    for trainer in found:
        if ids.count(trainer["id"]) > 1:
            raise InvalidInput(f"{trainer['name']} is named twice: name each trainer once")
    return tuple(ids)


def _staffing_problems(
    store: Store, curriculum: Curriculum, assigned: Booked, expected: int
) -> list[str]:
    """What the rules of delivery say against these trainers and this venue."""
    problems: list[str] = []
    trainers = {t.id: t for t in planning.trainer_inputs(store)}
    module = next((m for m in curriculum.modules if m.key == assigned.module), None)
    if module is not None and module.facilitator != "trainer" and assigned.trainer_ids:
        problems.append(f"{module.key} is run by the team's own people: it takes no trainer")
    for trainer_id in assigned.trainer_ids:
        if assigned.stage not in trainers[trainer_id].stages:
            problems.append(f"{trainers[trainer_id].name} does not deliver {assigned.stage}")
    if module is not None and module.co_delivered:
        lived = [i for i in assigned.trainer_ids if trainers[i].lived_experience]
        if len(assigned.trainer_ids) < 2 or not lived:
            problems.append(
                f"{module.key} is co-delivered: name a lead trainer and a lived-experience trainer"
            )
    if assigned.venue_id is not None:
        venue = next(v for v in planning.venue_inputs(store) if v.id == assigned.venue_id)
        if venue.capacity < expected:
            problems.append(f"venue {venue.name} seats {venue.capacity}; {expected} are expected")
    return problems


def _shown(store: Store, booked: Booked) -> dict[str, Any]:
    """Trainers (ids, which the log shows by name) and the venue (by name), as audited."""
    venues = planning.venue_names(store)
    return {
        "trainers": list(booked.trainer_ids),
        "venue": venues.get(booked.venue_id) if booked.venue_id else None,
    }


def _in_words(store: Store, old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    """What an assignment changed: "trainers Ruth Evans → Sam Price", "venue Hall → Annex"."""
    names = planning.trainer_names(store)

    def plain(value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(names[i] for i in value) or "none"
        return str(value) if value else "none"

    return tuple(
        f"{what} {plain(old[what])} → {plain(new[what])}"
        for what in ("trainers", "venue")
        if old[what] != new[what]
    )


def restore(store: Store, ref: str, manual: Path | None = None) -> SessionChange:
    """Undo a session's cancellation, if its place is still free: refused, saying why, when
    it is past, another session now stands in for it, a team of it has ended or left its
    cohort, or its slot is now taken. Leave recorded by cancelling it as unavailable is
    taken back."""
    curriculum = manual_service.curriculum(store, manual)
    with store.write():
        current = session_store.get(store, ref)
        if current["status"] != SessionStatus.CANCELLED:
            raise Conflict(
                f"session {current['id']} is {current['status']}, not cancelled: nothing to restore"
            )
        (booked,) = session_store.booked(store, "WHERE s.id = ?", [current["id"]])
        _may_come_back(store, current, booked)
        leave = session_changes.leave_recorded_for(store, booked.id, booked.start.date())
        session_changes.take_back_leave(store, leave)
        context = rules_context(store, curriculum, booked.start.date())
        problems = clashes(booked, session_store.others_in_diary(store, booked.id), context)
        if problems:
            raise Conflict(f"cannot restore session {booked.id}: " + "; ".join(problems))
        session_changes.write_restore(store, booked.id)
    names = planning.trainer_names(store)
    words = ("status cancelled → scheduled",) + tuple(
        f"{names[period['trainer_id']]} no longer unavailable on {period['from_date']}"
        for period in leave
    )
    return SessionChange(session(store, str(booked.id)), words)


def _may_come_back(store: Store, current: dict[str, Any], booked: Booked) -> None:
    """Refuse restoring a session that is past, replaced, or for teams no longer in it."""
    start = datetime.fromisoformat(current["start"])
    if start <= store.clock():
        raise Conflict(
            f"session {booked.id} was due on {start:%Y-%m-%d %H:%M}, which has passed: "
            "plan a new one instead"
        )
    stands_in = session_changes.standing_in(store, current)
    if stands_in is not None:
        when = session_store.to_local(stands_in["start_utc"], store.tz())
        raise Conflict(
            f"session {stands_in['id']} ({when:%Y-%m-%d %H:%M}) now stands in for session "
            f"{booked.id}: cancel {stands_in['id']} first if {booked.id} should run instead"
        )
    for team in session_changes.teams_gone(store, booked.id, booked.start.date()):
        if team["left_cohort"]:
            raise Conflict(
                f"team {team['name']} is no longer in cohort {team['cohort']}: add it back "
                f'with `refocus cohort add-team {team["cohort"]} "{team["name"]}"` first'
            )
        raise Conflict(
            f"team {team['name']} was {team['status']} on {team['ended_on']}: nothing is "
            "planned for a team once it has ended"
        )
