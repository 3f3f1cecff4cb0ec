"""How the report view models write their values: ratios rounded once, dates in ISO."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from math import lcm
from typing import Any

Record = dict[str, Any]  # a row as JSON and CSV show it, under stable keys


def ratio(value: float | Fraction | None) -> float | None:
    """A share or mean as every output shows it: four decimals, or None."""
    return None if value is None else round(float(value), 4)


def iso(day: date | None) -> str | None:
    """A date in ISO-8601, or None."""
    return day.isoformat() if day else None


def wanted(team_id: int, team_ids: set[int] | None) -> bool:
    """Whether a team is in the report: every team, or one of those asked for."""
    return team_ids is None or team_id in team_ids


def mean_of(shares: Sequence[tuple[int, int]]) -> Fraction:
    """The exact mean of some shares (at least one), each given as (count, out of): summed
    over their common denominator in whole numbers (a handful of strategies keeps it
    small), equal to sum() of the Fractions over their count, several times faster."""
    common = lcm(*{whole for _, whole in shares})
    total = sum(part * (common // whole) for part, whole in shares)
    return Fraction(total, common * len(shares))
