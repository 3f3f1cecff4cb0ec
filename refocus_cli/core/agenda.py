"""A session's agenda: the module's timed activities with breaks, from start to end.

The manual gives each module's activities and their minutes; the session's times (the
curriculum's duration, or a programme's own) leave some time free. refocus's default
(a programme changes it by editing activity minutes in `manual/modules/`) turns that
free time into breaks:

- a session of more than LUNCH_AFTER_MINUTES (5 hours) gets a SHORT_BREAK_MINUTES
  (15-minute) break mid-morning and another mid-afternoon, and lunch takes the rest of
  the free time (when the rest is under MIN_LUNCH_MINUTES, all of it is lunch);
- a shorter session gets one break half-way that takes all the free time.

Lunch falls at the gap between activities nearest the middle of the taught time, each
short break at the gap nearest the middle of its half. So the shipped workshop
(09:30–16:30, 330 minutes taught) has a break at 10:30, lunch 12:10–13:10 and a
break at 14:40; a half-day (09:30–13:00, 175 minutes taught) has one 35-minute break
near 11:00.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from refocus_cli.core.curriculum import Activity

LUNCH_AFTER_MINUTES = 5 * 60
SHORT_BREAK_MINUTES = 15
MIN_LUNCH_MINUTES = 30
BREAK = "Break"
LUNCH = "Lunch"


@dataclass(frozen=True)
class AgendaItem:
    """An activity (or a break) with its clock times in the session."""

    starts: str  # "09:30"
    ends: str  # "09:50"
    title: str
    minutes: int
    description: str
    is_break: bool = False


def _nearest_gap(cumulative: Sequence[int], lo: int, hi: int) -> int | None:
    """The gap (index of the activity it follows) between activities `lo`..`hi - 1`
    whose taught time splits that stretch most evenly; None when there is no gap."""
    if hi - lo < 2:
        return None
    before = cumulative[lo - 1] if lo > 0 else 0
    middle = before + (cumulative[hi - 1] - before) / 2
    return min(range(lo, hi - 1), key=lambda i: (abs(cumulative[i] - middle), i))


def breaks(
    activities: Sequence[Activity], free_minutes: int, long_session: bool
) -> dict[int, tuple[str, int]]:
    """Breaks to insert after activity index i: {i: (title, minutes)} by the default above."""
    cumulative = []
    total = 0
    for activity in activities:
        total += activity.minutes
        cumulative.append(total)
    count = len(activities)
    if free_minutes <= 0:
        return {}
    lunch_at = _nearest_gap(cumulative, 0, count)
    if lunch_at is None:
        return {}
    if not long_session:
        return {lunch_at: (BREAK, free_minutes)}
    lunch = free_minutes - 2 * SHORT_BREAK_MINUTES
    if lunch < MIN_LUNCH_MINUTES:
        return {lunch_at: (LUNCH, free_minutes)}
    found = {lunch_at: (LUNCH, lunch)}
    morning = _nearest_gap(cumulative, 0, lunch_at + 1)
    afternoon = _nearest_gap(cumulative, lunch_at + 1, count)
    for gap in (morning, afternoon):
        if gap is None:  # no gap in that half: its break joins lunch
            found[lunch_at] = (LUNCH, found[lunch_at][1] + SHORT_BREAK_MINUTES)
        else:
            found[gap] = (BREAK, SHORT_BREAK_MINUTES)
    return found


def agenda(activities: Sequence[Activity], start: datetime, end: datetime) -> list[AgendaItem]:
    """The activities with clock times from `start`, and breaks filling the time they
    leave free before `end`."""
    span = int((end - start).total_seconds() // 60)
    taught = sum(activity.minutes for activity in activities)
    inserted = breaks(activities, span - taught, span > LUNCH_AFTER_MINUTES)
    items: list[AgendaItem] = []
    clock = start

    def add(title: str, minutes: int, description: str, is_break: bool) -> None:
        nonlocal clock
        ends = clock + timedelta(minutes=minutes)
        items.append(
            AgendaItem(f"{clock:%H:%M}", f"{ends:%H:%M}", title, minutes, description, is_break)
        )
        clock = ends

    for index, activity in enumerate(activities):
        add(activity.title, activity.minutes, activity.description, False)
        if index in inserted:
            title, minutes = inserted[index]
            add(title, minutes, "", True)
    return items


def taught_minutes(items: Sequence[AgendaItem]) -> int:
    """The minutes of an agenda spent on activities, breaks and lunch left out."""
    return sum(item.minutes for item in items if not item.is_break)
