"""Dates and times as people read them: local, with the weekday, in fixed English."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from refocus_cli.core.display import show_day, show_moment, show_period, show_span

LONDON = ZoneInfo("Europe/London")


def test_a_session_reads_with_its_weekday_and_times():
    assert show_span("2027-02-24T10:00:00+00:00", "2027-02-24T13:30:00+00:00") == (
        "Wed 24 Feb 2027, 10:00–13:30"
    )
    # Summer time: stored in UTC, shown in the programme's zone.
    start, end = datetime(2027, 7, 1, 8, 30, tzinfo=ZoneInfo("UTC")), "2027-07-01T12:00:00Z"
    assert show_span(start, end, LONDON) == "Thu 1 Jul 2027, 09:30–13:00"


def test_a_span_over_midnight_gives_both_days():
    assert show_span("2027-03-01T22:00:00+00:00", "2027-03-02T01:00:00+00:00") == (
        "Mon 1 Mar 2027, 22:00 – Tue 2 Mar 2027, 01:00"
    )


def test_days_and_periods():
    assert show_day(date(2027, 3, 2)) == "Tue 2 Mar 2027" == show_day("2027-03-02")
    assert show_day("2027-02-24T23:30:00+00:00", ZoneInfo("Europe/Berlin")) == "Thu 25 Feb 2027"
    assert show_moment("2027-10-31 01:30") == "Sun 31 Oct 2027, 01:30"  # already local
    assert show_period(date(2027, 8, 2), date(2027, 8, 13)) == "Mon 2 Aug 2027 to Fri 13 Aug 2027"
    assert show_period("2027-08-02", "2027-08-02") == "Mon 2 Aug 2027"
