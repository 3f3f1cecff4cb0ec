"""Registers the rollout records: told as the `refocus attend` command they stand for, and
what they must leave on record, worked out by the test itself from what `attend`
documents (a named person gets the mark given; --all-present and --rest-absent
only fill in people with no mark; --except names someone absent)."""

from __future__ import annotations

from dataclasses import dataclass

from rollout_model import Model
from rollout_snapshot import Session, Snapshot

from refocus_cli.core.marks import Overrides, Replacement
from refocus_cli.core.vocabulary import AttendanceStatus
from refocus_cli.services import attendance


@dataclass(frozen=True)
class Register:
    """One register for one session, as the test gives it."""

    session: Session
    expected: tuple[int, ...]  # staff ids, as refocus lists them before recording
    said: dict[int, AttendanceStatus]
    excepted: tuple[int, ...]
    all_present: bool
    rest_absent: bool
    visitors: tuple[str, ...]
    overrides: Overrides

    @property
    def request(self) -> attendance.Request:
        """The request `refocus attend` would make of this register."""
        return attendance.Request(
            session=str(self.session.id),
            said=tuple(attendance.Said(f"--{s}", str(p), s) for p, s in self.said.items()),
            visitors=self.visitors,
            all_present=self.all_present,
            excepted=tuple(str(p) for p in self.excepted),
            rest_absent=self.rest_absent,
            overrides=self.overrides,
        )

    def stand_in(self, snap: Snapshot) -> Session | None:
        """The session in the diary standing in for this one, if it was cancelled: the
        first of its plan's sessions for the same place."""
        if self.session.status != "cancelled" or self.session.kind != "planned":
            return None
        found = [
            s
            for s in snap.standing()
            if s.kind == "planned" and s.place == self.session.place and s.id != self.session.id
        ]
        return min(found, key=lambda s: (s.start, s.id), default=None)


def attend_command(session_id: int, request: attendance.Request) -> str:
    """`refocus attend` as typed for a request."""
    words = [f"refocus attend {session_id}"]
    words += [f"--{said.status} {said.ref}" for said in request.said]
    words += [f'--visitor "{name}"' for name in request.visitors]
    words += ["--all-present"] if request.all_present else []
    words += [f"--except {ref}" for ref in request.excepted]
    words += ["--rest-absent"] if request.rest_absent else []
    overrides = request.overrides
    words += ["--future"] if overrides.future else []
    words += ["--cancelled"] if overrides.cancelled else []
    words += [f"--replacement {overrides.replacement}"] if overrides.replacement else []
    return " ".join(words)


def predicted(register: Register, before: Snapshot, model: Model, stand_in: Session | None) -> None:
    """Note in the model what a register that was recorded leaves on record."""
    session = register.session
    on_record = {p for sid, p, _ in model.marks if sid == session.id and p is not None}
    sheet = dict(register.said)
    blank = [p for p in register.expected if p not in sheet and p not in on_record]
    if register.all_present:
        for p in blank:
            sheet[p] = (
                AttendanceStatus.ABSENT if p in register.excepted else AttendanceStatus.PRESENT
            )
    for p in register.excepted:
        sheet.setdefault(p, AttendanceStatus.ABSENT)
    if register.rest_absent:
        for p in blank:
            sheet.setdefault(p, AttendanceStatus.ABSENT)
    for p, status in sheet.items():
        model.marks[(session.id, p, None)] = status
    for name in register.visitors:
        model.marks[(session.id, None, name)] = AttendanceStatus.PRESENT
    if sheet or register.visitors:
        was = before.sessions[session.id]
        model.held_from.setdefault(session.id, was.status)
        model.held[session.id] = (*was.looks()[:-1], "held")
    if stand_in is not None and register.overrides.replacement is Replacement.KEEP:
        model.kept_both.add(frozenset((session.id, stand_in.id)))
