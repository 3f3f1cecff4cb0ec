"""Delivery records: who actually delivered a held session and which parts of its
module's agenda were covered, and the fidelity report built from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.delivery import (
    DeliveryRow,
    SessionDelivery,
    covered_parts,
    delivery_rows,
    names,
    parts_listing,
)
from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.services import manual as manual_service
from refocus_cli.services.undo_context import Refused, Step, Undoing
from refocus_cli.store import delivery as delivery_store
from refocus_cli.store import sessions
from refocus_cli.store.audit import AuditRow
from refocus_cli.store.database import Store
from refocus_cli.store.trainers import find_trainer

T = TypeVar("T")


@dataclass(frozen=True)
class DeliveryAsked:
    """What a user said about a session's delivery: trainers who delivered it, parts
    covered, or that every part was."""

    delivered_by: tuple[str, ...] = ()
    covered: tuple[str, ...] = ()
    covered_all: bool = False

    @property
    def says_anything(self) -> bool:
        return bool(self.delivered_by or self.covered or self.covered_all)


@dataclass(frozen=True)
class DeliveryRecorded:
    """A session's delivery record as it now stands."""

    session_id: int
    module: str
    delivered_by: tuple[str, ...]  # names; the planned trainers when nobody has said
    as_planned: bool
    covered: tuple[str, ...] | None
    parts: tuple[str, ...]


@dataclass(frozen=True)
class DeliveryReport:
    """Fidelity per stage and team, with the names a reader needs."""

    rows: tuple[DeliveryRow, ...]
    stage_titles: dict[str, str]
    team_names: dict[int, str]


def _parts(curriculum: Curriculum, module: str) -> tuple[str, ...]:
    return tuple(activity.title for activity in curriculum.module(module).content.activities)


def check_request(
    delivered_by: Sequence[str] | None, covered: Sequence[str] | None, covered_all: bool
) -> None:
    """Refuse a delivery request that says nothing, or says two things about coverage."""
    if covered and covered_all:
        raise InvalidInput("give either --covered PART… or --covered-all, not both")
    if not delivered_by and not covered and not covered_all:
        raise InvalidInput(
            "say who delivered the session (--delivered-by TRAINER) or what was covered "
            "(--covered PART or --covered-all)"
        )


def record_delivery(
    store: Store,
    session_ref: str,
    delivered_by: Sequence[str] | None,
    covered: Sequence[str] | None,
    covered_all: bool = False,
    manual: Path | None = None,
) -> DeliveryRecorded:
    """Record who delivered a held session (trainer names, emails or ids) and which parts
    of its module were covered (numbers from 1 or titles; all with `covered_all`)."""
    check_request(delivered_by, covered, covered_all)
    with store.write():
        session = sessions.get(store, session_ref)
        if session["status"] != SessionStatus.HELD:
            raise Conflict(
                f"session {session['id']} is {session['status']}, not held: record its "
                f"register first (`refocus attend {session['id']} …`)"
            )
        parts = _parts(manual_service.curriculum(store, manual), session["module"])
        chosen: tuple[str, ...] | None = parts if covered_all else None
        if covered:
            chosen, unknown = covered_parts(covered, parts)
            if unknown:
                raise InvalidInput(
                    f"{', '.join(repr(u) for u in unknown)} is not a part of "
                    f"{session['module']}: give a number or title from {parts_listing(parts)}"
                )
        trainer_ids = (
            sorted({int(find_trainer(store, ref)["id"]) for ref in delivered_by})
            if delivered_by
            else None
        )
        now = delivery_store.record(store, int(session["id"]), trainer_ids, chosen)
        planned = sorted(int(i) for i in delivery_store.planned_trainers(store, session["id"]))
        named, _ = delivery_store.trainers(store)
        delivered = list(now.delivered_by) if now.delivered_by is not None else planned
        return DeliveryRecorded(
            int(session["id"]),
            session["module"],
            tuple(names(delivered, named)),
            set(delivered) == set(planned),
            now.covered,
            parts,
        )


def delivery_report(store: Store, manual: Path | None = None) -> DeliveryReport:
    """Per stage, overall and per team: held sessions delivered as planned, co-delivered by
    a lived-experience trainer where the curriculum asks for it, and fully covered."""
    curriculum = manual_service.curriculum(store, manual)
    modules = {module.key: module for module in curriculum.modules}
    _, lived = delivery_store.trainers(store)
    held = [
        SessionDelivery(
            session.stage,
            session.team_ids,
            session.planned,
            session.delivery.delivered_by,
            modules[session.module].co_delivered if session.module in modules else False,
            _parts(curriculum, session.module) if session.module in modules else (),
            session.delivery.covered,
        )
        for session in delivery_store.held_sessions(store)
    ]
    rows = delivery_rows(held, lived, [stage.key for stage in curriculum.stages])
    return DeliveryReport(
        tuple(rows),
        {stage.key: stage.title for stage in curriculum.stages},
        delivery_store.team_names(store),
    )


def fill_demo(store: Store, curriculum: Curriculum, seed: int) -> int:
    """Delivery records for every held session of the demo, simulated; how many."""
    from refocus_cli.core.demo_delivery import HeldForDemo, simulate_delivery

    held = [
        HeldForDemo(session.id, session.module, session.planned)
        for session in delivery_store.held_sessions(store)
    ]
    parts = {module.key: _parts(curriculum, module.key) for module in curriculum.modules}
    named, _ = delivery_store.trainers(store)
    records = simulate_delivery(held, parts, named, seed)
    delivery_store.write_many(store, records)
    return len(records)


def with_delivery(
    store: Store,
    record: Callable[[], T],
    session_ref: str | None,
    asked: DeliveryAsked,
    manual: Path | None = None,
) -> tuple[T, DeliveryRecorded | None]:
    """Record a register (`record`) and, in the same transaction, who delivered the
    session and what it covered: a trainer or part not found leaves nothing recorded."""
    if not asked.says_anything:
        return record(), None
    if session_ref is None:
        raise InvalidInput(
            "--delivered-by and --covered are about one session: give its id "
            "(or use `refocus session delivered ID` afterwards)"
        )
    check_request(asked.delivered_by, asked.covered, asked.covered_all)
    with store.write():
        recorded = record()
        delivered = record_delivery(
            store, session_ref, asked.delivered_by, asked.covered, asked.covered_all, manual
        )
    return recorded, delivered


def undeliver(undoing: Undoing, entry: AuditRow) -> Step:
    """A delivery record put back as it was before the entry, while it still stands as
    the entry left it."""
    session_id = entry.entity_id
    if session_id is None:
        raise Refused("the entry names no session")
    now = delivery_store.delivery_of(undoing.store, session_id)
    if now != delivery_store.from_record(entry.new):
        raise Refused(f"session {session_id}'s delivery record has changed since")
    delivery_store.put_back(undoing.store, session_id, delivery_store.from_record(entry.old))
    return Step(f"session {session_id}'s delivery record as it was before", entry.new, entry.old)
