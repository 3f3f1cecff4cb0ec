"""Simulated delivery records for `refocus demo`: most sessions delivered as planned with
every part covered, some without their lived-experience co-trainer, some short of a part.

The shares are made up for the demo (a refocus choice), not figures from the trial."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

AS_PLANNED = 0.85  # the rest: the co-trainer (or, if none, the lead) stood in for
ALL_COVERED = 0.8  # the rest: one part (never the first) left out


@dataclass(frozen=True)
class HeldForDemo:
    """A held session as the simulation needs it."""

    id: int
    module: str
    planned: tuple[int, ...]


def simulate_delivery(
    held: Sequence[HeldForDemo],
    parts: Mapping[str, Sequence[str]],
    trainers: Collection[int],
    seed: int,
) -> list[tuple[int, tuple[int, ...], tuple[str, ...]]]:
    """(session id, trainers who delivered it, parts covered) for every held session."""
    rng = random.Random(seed * 7919 + 17)
    others = sorted(trainers)
    records = []
    for session in held:
        delivered = session.planned
        if delivered and rng.random() > AS_PLANNED:
            if len(delivered) > 1:
                delivered = delivered[:1]  # the co-trainer could not come
            else:
                delivered = (rng.choice([t for t in others if t not in delivered] or others),)
        covered = tuple(parts.get(session.module, ()))
        if len(covered) > 1 and rng.random() > ALL_COVERED:
            left_out = rng.randrange(1, len(covered))
            covered = covered[:left_out] + covered[left_out + 1 :]
        records.append((session.id, delivered, covered))
    return records
