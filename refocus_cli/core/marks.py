"""Attendance rules: what a mark is, which sessions take one, and how a register's
statements about people become marks."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from refocus_cli.core.vocabulary import AttendanceStatus, SessionStatus


class Mark(NamedTuple):
    """One line of a register: a member of staff (by id) or a visitor (by name), and how
    they attended one session.

    Immutable and typed like a frozen dataclass, but made several times faster: a
    national register makes 300,000 of them, and a frozen dataclass there costs a
    tenth of the time `attend --from` takes.
    """

    session_id: int
    staff_id: int | None
    visitor: str | None
    status: AttendanceStatus

    @classmethod
    def of_staff(cls, session_id: int, staff_id: int, status: AttendanceStatus) -> Mark:
        """A member of staff's mark."""
        return cls(session_id, staff_id, None, status)

    @classmethod
    def of_visitor(cls, session_id: int, name: str, status: AttendanceStatus) -> Mark:
        """The mark of a visitor, someone on no team (a service user at a workshop)."""
        return cls(session_id, None, name, status)


class Refusal(StrEnum):
    """Why a register is not taken for a session unless the user says so: the session was
    cancelled (--cancelled), or has not begun (--future)."""

    CANCELLED = "cancelled"
    FUTURE = "future"


class Replacement(StrEnum):
    """What becomes of the session standing in for a cancelled one recorded as held."""

    KEEP = "keep"  # it stays in the diary too
    CANCEL = "cancel"  # it is cancelled: the cancelled session ran in its place


@dataclass(frozen=True)
class Overrides:
    """What the user allowed: recording a future session, a cancelled one, and what then
    happens to the session standing in for a cancelled one (None: not said)."""

    future: bool = False
    cancelled: bool = False
    replacement: Replacement | None = None

    @classmethod
    def forced(cls, replacement: Replacement | None = None) -> Overrides:
        """What the deprecated --force allows: both, a replacement kept unless said."""
        return cls(True, True, replacement or Replacement.KEEP)

    def allows(self, why: Refusal) -> bool:
        """Whether the user has allowed recording a session refused for `why`."""
        return self.cancelled if why is Refusal.CANCELLED else self.future


def refusal(
    status: str, start: datetime, now: datetime, overrides: Overrides = Overrides()
) -> Refusal | None:
    """Why a session's register would be refused (cancelled, or not begun yet) that
    `overrides` do not allow; else None."""
    if status == SessionStatus.CANCELLED and not overrides.cancelled:
        return Refusal.CANCELLED
    if start > now and not overrides.future:
        return Refusal.FUTURE
    return None


@dataclass
class Sheet:
    """The marks one command gives for one session, person by person.

    Naming someone twice with the same status is harmless; with two statuses it is a
    problem, told with where each was said.
    """

    marks: dict[int, AttendanceStatus] = field(default_factory=dict)
    said_where: dict[int, str] = field(default_factory=dict)

    def add(self, where: str, staff_id: int, name: str, status: AttendanceStatus) -> str | None:
        """Mark one person; a problem (in words) if they already have another status."""
        old = self.marks.get(staff_id)
        if old is not None and old != status:
            return f"{where}: {name} is already marked {old} ({self.said_where[staff_id]})"
        self.marks[staff_id] = status
        self.said_where[staff_id] = where
        return None

    def finish(
        self,
        expected: Sequence[int],
        *,
        all_present: bool = False,
        away: Collection[int] = (),
        rest_absent: bool = False,
        on_record: Collection[int] = (),
    ) -> tuple[int, ...]:
        """Apply --all-present (but `away`), --except and --rest-absent; the expected
        people, in order, who still have no mark, here or `on_record`.

        --all-present and --rest-absent only fill in people with no mark: a mark on
        record changes only when the person is named (--except names them too).
        """
        blank = [i for i in expected if i not in self.marks and i not in on_record]
        if all_present:
            for staff_id in blank:
                self.marks[staff_id] = (
                    AttendanceStatus.ABSENT if staff_id in away else AttendanceStatus.PRESENT
                )
        for staff_id in away:
            self.marks.setdefault(staff_id, AttendanceStatus.ABSENT)
        unmarked = tuple(staff_id for staff_id in blank if staff_id not in self.marks)
        if rest_absent:
            for staff_id in unmarked:
                self.marks[staff_id] = AttendanceStatus.ABSENT
            return ()
        return unmarked
