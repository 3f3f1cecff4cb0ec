"""The one piece of statistics `report outcomes` needs: Welch's t interval for the
difference between two groups' means, with the t quantile computed here (refocus does
not depend on scipy).

The t distribution's quantile comes from its distribution function, written with the
regularized incomplete beta function (evaluated by its continued fraction, as in
Press et al., Numerical Recipes, §6.4), and inverted by bisection. No p-values: the
report gives an estimate and its interval, which say how large and how uncertain a
difference is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

_EPSILON = 3e-16
_TINY = 1e-300


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    fraction = d
    for m in range(1, 400):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            fraction *= c * d
        if abs(c * d - 1.0) < _EPSILON:
            break
    return fraction


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b), for 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The fraction converges fast on this side of the mean; use the symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with `df` degrees of freedom (df > 0, not always whole)."""
    tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The t value below which a share `p` (0.5 <= p < 1) of the distribution lies."""
    if not 0.5 <= p < 1.0 or df <= 0:
        raise ValueError("t_quantile needs 0.5 <= p < 1 and df > 0")
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        middle = (low + high) / 2.0
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


def mean(values: Sequence[float]) -> float:
    """The arithmetic mean of one or more values."""
    return math.fsum(values) / len(values)


def variance(values: Sequence[float]) -> float:
    """The sample variance (n − 1 in the denominator) of two or more values."""
    centre = mean(values)
    return math.fsum((value - centre) ** 2 for value in values) / (len(values) - 1)


@dataclass(frozen=True)
class Interval:
    """A difference of means with its interval: estimate, bounds, standard error and
    Welch–Satterthwaite degrees of freedom; the bounds are None when there is none."""

    estimate: float
    low: float | None
    high: float | None
    standard_error: float | None
    df: float | None
    t: float | None
    why_none: str | None = None


def welch_interval(
    first: Sequence[float], second: Sequence[float], level: float = 0.95
) -> Interval:
    """mean(first) − mean(second) with Welch's t interval at `level`: the standard error
    √(s₁²/n₁ + s₂²/n₂), degrees of freedom (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) +
    (s₂²/n₂)²/(n₂−1)), bounds estimate ± t(1 − (1 − level)/2, df) × standard error.
    Each group needs two values or more, and some spread, for an interval."""
    estimate = mean(first) - mean(second)
    if len(first) < 2 or len(second) < 2:
        return Interval(
            estimate, None, None, None, None, None, "each group needs two teams or more"
        )
    part_one, part_two = variance(first) / len(first), variance(second) / len(second)
    squared = part_one + part_two
    if squared <= 0.0:
        return Interval(estimate, None, None, 0.0, None, None, "no team's change differs")
    df = squared**2 / (part_one**2 / (len(first) - 1) + part_two**2 / (len(second) - 1))
    error = math.sqrt(squared)
    t = t_quantile(1.0 - (1.0 - level) / 2.0, df)
    return Interval(estimate, estimate - t * error, estimate + t * error, error, df, t)
