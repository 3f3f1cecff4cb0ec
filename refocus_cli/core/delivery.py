"""Delivery fidelity: were held sessions delivered by the trainers planned, co-delivered
by a lived-experience trainer where the curriculum asks for it, and with every part of
the module's agenda covered?

These are refocus's fidelity measures, not the trial's: the trial rated staff
participation (see core/measures.py). Co-delivery is the curriculum's `co_delivered`
setting; the parts of a session are its module's activities in manual/modules/.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SessionDelivery:
    """One held session as the fidelity measures need it."""

    stage: str
    team_ids: tuple[int, ...]
    planned: tuple[int, ...]
    delivered_by: tuple[int, ...] | None  # None: nobody has said (taken as planned)
    co_delivery_asked: bool
    parts: tuple[str, ...]  # the module's activities
    covered: tuple[str, ...] | None  # None: nobody has said


@dataclass
class Tally:
    """Counts for one stage and team (or one stage overall)."""

    held: int = 0
    delivery_recorded: int = 0
    as_planned: int = 0
    co_delivery_asked: int = 0
    co_delivered: int = 0
    coverage_recorded: int = 0
    fully_covered: int = 0
    missed_parts: dict[str, int] = field(default_factory=dict)

    def add(self, session: SessionDelivery, lived_experience: Collection[int]) -> None:
        """Count one held session."""
        delivered = session.planned if session.delivered_by is None else session.delivered_by
        self.held += 1
        self.delivery_recorded += session.delivered_by is not None
        self.as_planned += set(delivered) == set(session.planned)
        if session.co_delivery_asked:
            self.co_delivery_asked += 1
            self.co_delivered += any(t in lived_experience for t in delivered)
        if session.covered is not None:
            self.coverage_recorded += 1
            missed = [part for part in session.parts if part not in session.covered]
            self.fully_covered += not missed
            for part in missed:
                self.missed_parts[part] = self.missed_parts.get(part, 0) + 1


@dataclass(frozen=True)
class DeliveryRow:
    """A line of the delivery report: a stage for one team, or for all teams (team None)."""

    stage: str
    team_id: int | None
    tally: Tally


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` as a percentage, or None when there is nothing to share."""
    return None if whole == 0 else round(100 * part / whole, 1)


def delivery_rows(
    sessions: Sequence[SessionDelivery],
    lived_experience: Collection[int],
    stages: Sequence[str],
) -> list[DeliveryRow]:
    """Per stage (in the curriculum's order): the stage overall, then each team."""
    overall: dict[str, Tally] = {}
    per_team: dict[tuple[str, int], Tally] = {}
    for session in sessions:
        overall.setdefault(session.stage, Tally()).add(session, lived_experience)
        for team_id in session.team_ids:
            per_team.setdefault((session.stage, team_id), Tally()).add(session, lived_experience)
    rows: list[DeliveryRow] = []
    for stage in stages:
        if stage not in overall:
            continue
        rows.append(DeliveryRow(stage, None, overall[stage]))
        rows.extend(
            DeliveryRow(stage, team_id, tally)
            for (of_stage, team_id), tally in sorted(per_team.items())
            if of_stage == stage
        )
    return rows


def covered_parts(asked: Sequence[str], parts: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """The module's activities that `asked` names (by number from 1, or by title ignoring
    case), in the module's order, and what in `asked` names none of them."""
    by_title = {part.casefold(): part for part in parts}
    chosen: set[str] = set()
    unknown: list[str] = []
    for text in asked:
        number = text.strip()
        if number.isascii() and number.isdigit() and 1 <= int(number) <= len(parts):
            chosen.add(parts[int(number) - 1])
        elif text.strip().casefold() in by_title:
            chosen.add(by_title[text.strip().casefold()])
        else:
            unknown.append(text)
    return tuple(part for part in parts if part in chosen), unknown


def parts_listing(parts: Sequence[str]) -> str:
    """The parts of a module as a user can name them: '1 Welcome, 2 …'."""
    return ", ".join(f"{number} {title}" for number, title in enumerate(parts, start=1))


def names(ids: Sequence[int], named: Mapping[int, str]) -> list[str]:
    """Trainer names for ids, in order."""
    return [named.get(i, f"trainer {i}") for i in ids]
