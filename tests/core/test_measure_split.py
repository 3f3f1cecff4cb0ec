"""The median split and the day teams are compared on: pure rules, checked by property
and by example (issue 15)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from refocus_cli.core.measure_split import (
    SplitDateSource,
    TieRule,
    split_at_median,
    split_date,
)

# Team scores as exact shares (k of n strategies, averaged over a few people).
SCORES = st.dictionaries(
    st.integers(1, 60),
    st.fractions(min_value=0, max_value=1, max_denominator=36),
    min_size=2,
    max_size=40,
)


@given(SCORES, st.sampled_from(list(TieRule)))
def test_every_team_is_in_one_group_and_high_teams_score_no_less_than_low_ones(scores, rule):
    split = split_at_median(scores, rule)
    assert split.high | split.low == set(scores) and not split.high & split.low
    if split.high and split.low:
        assert min(scores[t] for t in split.high) > max(scores[t] for t in split.low)
    assert split.at_median == {t for t, s in scores.items() if s == split.median}


@given(SCORES, st.sampled_from(list(TieRule)))
def test_teams_with_the_same_score_are_never_separated(scores, rule):
    split = split_at_median(scores, rule)
    for level in (split.high, split.low):
        assert {scores[t] for t in level}.isdisjoint({scores[t] for t in set(scores) - level})


@given(SCORES)
def test_split_by_rank_keeps_both_groups_unless_every_team_scores_the_same(scores):
    split = split_at_median(scores, TieRule.SPLIT_BY_RANK)
    assert bool(split.high and split.low) == (len(set(scores.values())) > 1)


@given(SCORES)
def test_split_by_rank_makes_the_groups_as_near_equal_as_the_ties_allow(scores):
    split = split_at_median(scores, TieRule.SPLIT_BY_RANK)
    gap = abs(len(split.high) - len(split.low))
    for rule in (TieRule.LOW, TieRule.HIGH):
        other = split_at_median(scores, rule)
        assert gap <= abs(len(other.high) - len(other.low))


def test_the_small_demo_tie_gives_both_groups():
    # The first release's small demo: 5.00, 5.00 and 4.67 of 6. The median is 5.00;
    # ties going low left no high team. Split by rank: the two tied teams together
    # high (2 against 1), the tie named.
    scores = {1: Fraction(5), 2: Fraction(5), 3: Fraction(14, 3)}
    low = split_at_median(scores, TieRule.LOW)
    assert low.high == frozenset() and low.low == {1, 2, 3}
    by_rank = split_at_median(scores, TieRule.SPLIT_BY_RANK)
    assert (by_rank.high, by_rank.low, by_rank.at_median) == ({1, 2}, {3}, {1, 2})
    # The middle one of three distinct scores is the median: low when it makes no
    # difference to the sizes, as in the classic rule.
    assert split_at_median({1: Fraction(3), 2: Fraction(2), 3: Fraction(1)}).high == {1}
    # One team is not split.
    assert split_at_median({1: Fraction(1)}).level(1) is None


D = date.fromisoformat


def test_teams_are_compared_on_the_date_asked_for_else_the_follow_up_date_once_come():
    today = D("2027-06-01")
    assert split_date(D("2027-03-01"), D("2027-05-01"), today).source is SplitDateSource.ON
    follow_up = split_date(None, D("2027-05-01"), today)
    assert (follow_up.day, follow_up.source) == (D("2027-05-01"), SplitDateSource.FOLLOW_UP)
    early = split_date(None, D("2027-09-01"), today)
    assert early.day == today and "still to come" in early.described
    undeclared = split_date(None, None, today)
    assert undeclared.day == today and "no follow-up date declared" in undeclared.described
