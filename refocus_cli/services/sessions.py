"""The diary: listing sessions, showing one, and moving or cancelling one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.dates import wall_clock_to_utc
from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.rollout import steps_from
from refocus_cli.core.rules import Context, clashes
from refocus_cli.core.vocabulary import AttendanceStatus, SessionKind, SessionStatus
from refocus_cli.services import manual as manual_service
from refocus_cli.store import planning, session_changes
from refocus_cli.store import sessions as session_store
from refocus_cli.store import trainers as trainer_store
from refocus_cli.store.cohorts import find_cohort
from refocus_cli.store.database import Store
from refocus_cli.store.teams import find_team


@dataclass(frozen=True)
class SessionRecord:
    """A session as people see it: names for ids, local times with their offsets."""

    id: int
    uuid: str
    cohort: str | None
    stage: str
    module: str
    strategy: str
    occurrence: int
    group: int
    kind: SessionKind
    start: str  # ISO-8601 with offset
    end: str
    status: SessionStatus
    teams: list[str]
    trainers: list[str]
    venue: str | None
    expected: int | None
    sequence: int
    note: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SessionRecord:
        """From a session as `store.sessions.listing` gives it."""
        return cls(
            **{**row, "kind": SessionKind(row["kind"]), "status": SessionStatus(row["status"])}
        )

    def as_json(self) -> dict[str, Any]:
        """The record under the keys `--json` has always used."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class RecordedMark:
    """One line of a session's register as recorded."""

    staff_id: int | None
    name: str
    visitor: bool
    status: AttendanceStatus
    recorded_by: str
    recorded_at: str

    def as_json(self) -> dict[str, Any]:
        """The mark under the keys `--json` has always used."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class SessionDetail:
    """One session in full, with its register."""

    record: SessionRecord
    attendance: tuple[RecordedMark, ...]

    def as_json(self) -> dict[str, Any]:
        """The session's record with its marks under `attendance`."""
        return {**self.record.as_json(), "attendance": [m.as_json() for m in self.attendance]}


def find_sessions(
    store: Store,
    *,
    cohort: str | None = None,
    team: str | None = None,
    trainer: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[SessionRecord]:
    """Sessions in time order, filtered by the cohort, team and trainer named, and dates."""
    rows = session_store.listing(
        store,
        cohort_id=find_cohort(store, cohort)["id"] if cohort is not None else None,
        team_id=find_team(store, team)["id"] if team is not None else None,
        trainer_id=trainer_store.find_trainer(store, trainer)["id"]
        if trainer is not None
        else None,
        since=since,
        until=until,
    )
    return [SessionRecord.from_row(row) for row in rows]


def session(store: Store, ref: str) -> SessionRecord:
    """One session by its id."""
    return SessionRecord.from_row(session_store.get(store, ref))


def session_detail(store: Store, ref: str) -> SessionDetail:
    """One session by its id, with every mark on its register."""
    # Imported here: the register's store brings the measures, which listing never needs.
    from refocus_cli.store.attendance import marks_of

    record = session(store, ref)
    marks = tuple(
        RecordedMark(
            staff_id=mark["staff_id"],
            name=mark["name"],
            visitor=bool(mark["visitor"]),
            status=AttendanceStatus(mark["status"]),
            recorded_by=mark["recorded_by"],
            recorded_at=mark["recorded_at"],
        )
        for mark in marks_of(store, record.id)
    )
    return SessionDetail(record, marks)


def rules_context(store: Store, curriculum: Curriculum, day: date) -> Context:
    """What checking one session against the diary needs."""
    _, gaps, hours = steps_from(curriculum)
    trainers = planning.trainer_inputs(store)
    names = {("trainer", t.id): t.name for t in trainers}
    names.update({("team", i): name for i, name in planning.team_names(store).items()})
    names.update({("venue", i): name for i, name in planning.venue_names(store).items()})
    today = store.today()
    return Context(
        calendar=planning.calendar_from(store, min(day, today), max(day, today)),
        day_start=hours.day_start,
        day_end=hours.day_end,
        stages=tuple(stage.key for stage in curriculum.stages),
        stage_gaps=gaps,
        away={t.id: t.away for t in trainers},
        names=names,
        before={module.key: curriculum.prerequisites(module.key) for module in curriculum.modules},
    )


def move(
    store: Store, ref: str, new_start: datetime, reason: str, manual: Path | None = None
) -> SessionRecord:
    """Move a scheduled session to `new_start` (local, as typed), if every constraint holds."""
    curriculum = manual_service.curriculum(store, manual)
    context = rules_context(store, curriculum, new_start.date())
    # The diary is checked inside the write transaction: two moves checked side by
    # side could otherwise both pass and book one team or trainer twice.
    with store.write():
        current = session_store.get(store, ref)
        if current["status"] != SessionStatus.SCHEDULED:
            instead = (
                "held sessions never move"
                if current["status"] == SessionStatus.HELD
                else "schedule a new one instead"
            )
            raise Conflict(f"session {current['id']} was {current['status']}: {instead}")
        tz = store.tz()
        moment = wall_clock_to_utc(new_start, tz, "--to")
        start = moment.astimezone(tz).replace(tzinfo=None)
        if moment < store.clock():
            raise Conflict(
                f"{start:%Y-%m-%d %H:%M} is in the past: a session can only move to a later time"
            )
        # The session keeps its length in elapsed time, across a change of the clocks too.
        length = datetime.fromisoformat(current["end"]) - datetime.fromisoformat(current["start"])
        end_moment = (moment + length).astimezone(tz)
        end = end_moment.replace(tzinfo=None)
        (booked,) = session_store.booked(store, "WHERE s.id = ?", [current["id"]])
        moved = replace(booked, start=start, end=end)
        problems = clashes(moved, session_store.others_in_diary(store, current["id"]), context)
        problems += [  # nothing is planned for a team from the day it ends or leaves
            f"team {team['name']} is no longer in cohort {team['cohort']}"
            if team["left_cohort"]
            else f"team {team['name']} was {team['status']} on {team['ended_on']}"
            for team in session_changes.teams_gone(store, current["id"], start.date())
        ]
        if problems:
            raise Conflict(
                f"cannot move session {current['id']} to {start:%Y-%m-%d %H:%M}: "
                + "; ".join(problems)
            )
        # Aware times, so a start in a repeated hour keeps the offset it was given.
        session_store.write_move(store, current, moment.astimezone(tz), end_moment, reason)
    return session(store, str(current["id"]))


@dataclass(frozen=True)
class Cancellation:
    """A session cancelled, and the trainers recorded as unavailable that day (if any)."""

    record: SessionRecord
    unavailable: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The session's record, with `trainers_unavailable` when some were recorded."""
        found = self.record.as_json()
        if self.unavailable:
            found["trainers_unavailable"] = list(self.unavailable)
        return found


def cancel(
    store: Store,
    ref: str,
    reason: str,
    *,
    trainer_unavailable: bool = False,
    trainers: Sequence[str] = (),
) -> Cancellation:
    """Cancel a session; it stays on record (and in calendars, as cancelled).

    With `trainer_unavailable`, its trainer (or those of `trainers`, who must be its
    trainers) are recorded as away that day, so `replan` gives the place to someone else
    rather than booking them again."""
    if trainers and not trainer_unavailable:
        raise InvalidInput("--trainer says who was unavailable: add --trainer-unavailable")
    with store.write():  # its status is checked and changed in one transaction
        current = session_store.get(store, ref)
        if current["status"] != SessionStatus.SCHEDULED:
            raise Conflict(f"session {current['id']} was already {current['status']}")
        away = _unavailable(store, current, trainers) if trainer_unavailable else []
        session_store.write_cancel(store, current["id"], reason)
        day = datetime.fromisoformat(current["start"]).date()
        on_leave = {t.id for t in planning.trainer_inputs(store) if day in t.away}
        for trainer in away:
            if trainer["id"] not in on_leave:
                trainer_store.unavailable(
                    store, str(trainer["id"]), day, day, f"unavailable for session {current['id']}"
                )
    return Cancellation(session(store, str(current["id"])), tuple(t["name"] for t in away))


def _unavailable(
    store: Store, current: dict[str, Any], refs: Sequence[str]
) -> list[dict[str, Any]]:
    """The trainers of a session who could not deliver it: those named, else its only one."""
    (booked,) = session_store.booked(store, "WHERE s.id = ?", [current["id"]])
    names = ", ".join(current["trainers"])
    if not refs:
        if len(booked.trainer_ids) == 1:
            return [trainer_store.find_trainer(store, str(booked.trainer_ids[0]))]
        if not booked.trainer_ids:
            raise InvalidInput(f"session {current['id']} has no trainer to be unavailable")
        raise InvalidInput(
            f"session {current['id']} has {len(booked.trainer_ids)} trainers ({names}): "
            "say who is unavailable with --trainer NAME"
        )
    found = [trainer_store.find_trainer(store, ref) for ref in refs]
    for trainer in found:
        if trainer["id"] not in booked.trainer_ids:
            raise InvalidInput(
                f"{trainer['name']} does not deliver session {current['id']} (its trainers: "
                f"{names or 'none'}): name one of them"
            )
    return list({trainer["id"]: trainer for trainer in found}.values())
