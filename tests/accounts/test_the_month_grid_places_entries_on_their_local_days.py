"""Issue #15 item 5: the month grid runs Monday to Sunday, places a moment on its Shanghai day and
an entry that spans days on each day it covers; the demo date helper stays inside real months."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.calendar import Entry, EntryKind, Month, day_in_month, month_grid


def at(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def test_weeks_run_monday_to_sunday_and_cover_the_month() -> None:
    weeks = month_grid(Month(2026, 12), [], today=dt.date(2026, 12, 6))
    assert all(len(week) == 7 for week in weeks)
    assert weeks[0][0].date == dt.date(2026, 11, 30) and weeks[0][0].date.weekday() == 0
    assert weeks[-1][-1].date == dt.date(2027, 1, 3)
    assert [d.date for week in weeks for d in week if d.is_today] == [dt.date(2026, 12, 6)]
    assert not weeks[0][0].in_month and weeks[0][1].in_month


def test_an_entry_spanning_days_shows_on_each_day_within_the_grid() -> None:
    entry = Entry("集训周", at(2026, 12, 30, 9), at(2027, 1, 5, 17), EntryKind.CONTEST, "/x/", "span")
    weeks = month_grid(Month(2026, 12), [entry], today=dt.date(2026, 12, 6))
    days = [d.date for week in weeks for d in week if d.entries]
    # 30 Dec to 3 Jan: the grid ends on Sunday 3 January, so 4–5 January are not drawn here.
    assert days == [
        dt.date(2026, 12, 30),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 2),
        dt.date(2027, 1, 3),
    ]


def test_month_bounds_are_shanghai_midnights() -> None:
    start, end = Month(2026, 12).bounds()
    assert start == at(2026, 12, 1) and end == at(2027, 1, 1)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)


def test_demo_dates_fall_on_real_days_of_this_month_and_the_next() -> None:
    now = at(2027, 1, 31, 12)
    assert day_in_month(31, 18, months_ahead=1, now=now) == at(2027, 2, 28, 18)
    assert day_in_month(10, 9, months_ahead=1, now=at(2026, 12, 6, 12)) == at(2027, 1, 10, 9)
    assert day_in_month(1, 0, now=now) == at(2027, 1, 1, 0)
