"""One person's attendance in a few numbers: how many sessions they came to, by stage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from refocus_cli.core.programme import STAGES
from refocus_cli.core.vocabulary import ATTENDED, AttendanceStatus


@dataclass(frozen=True)
class StageAttendance:
    """Marks in one stage: sessions attended (present, late or left early), excused, absent."""

    stage: str
    attended: int
    excused: int
    absent: int


@dataclass(frozen=True)
class AttendanceSummary:
    """Every mark a person has, counted: in all and stage by stage (in rollout order)."""

    marked: int
    attended: int
    excused: int
    absent: int
    by_stage: tuple[StageAttendance, ...]

    def words(self) -> str:
        """e.g. "attended 5 of 7 sessions marked (1 excused, 1 absent)"."""
        if not self.marked:
            return "no sessions marked yet"
        return (
            f"attended {self.attended} of {self.marked} sessions marked "
            f"({self.excused} excused, {self.absent} absent)"
        )


def summarise(marks: Iterable[tuple[str, str]]) -> AttendanceSummary:
    """Count (stage, status) marks; stages outside the four come after them by name."""
    counts: dict[str, list[int]] = {}
    for stage, status in marks:
        tally = counts.setdefault(stage, [0, 0, 0])
        if status in ATTENDED:
            tally[0] += 1
        elif status == AttendanceStatus.EXCUSED:
            tally[1] += 1
        else:
            tally[2] += 1
    order = [s for s in STAGES if s in counts] + sorted(s for s in counts if s not in STAGES)
    by_stage = tuple(StageAttendance(stage, *counts[stage]) for stage in order)
    return AttendanceSummary(
        marked=sum(sum(tally) for tally in counts.values()),
        attended=sum(line.attended for line in by_stage),
        excused=sum(line.excused for line in by_stage),
        absent=sum(line.absent for line in by_stage),
        by_stage=by_stage,
    )
