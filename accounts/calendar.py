"""A person's calendar: the registry every app fills with dated entries, the month grid, the feed.

accounts is the leftmost app, so it cannot ask lms or competitions what concerns a person. Each
app that has dated things offers a *source* in its own `<app>/calendar.py`, registered with
`register(source)` when that module is imported; `discover()` imports every installed app's
`calendar` module (Django's autodiscover, as exchange does for `exchange.py`). A source answers,
for one person and a window [start, end), the `Entry`s that concern that person and that the
person may see, in a bounded number of queries (never one per entry).

The month page (accounts/calendar_views.py) and the iCalendar feed read the same
`entries_for(person, start, end)`, so the page and a phone's calendar agree. The feed is RFC 5545
written with the `icalendar` library: times in UTC, one VEVENT per entry, its UID stable across
fetches (the source's `uid` plus a fixed domain), so a phone updates an event rather than
duplicating it.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from django.db import models
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

# The UID domain of every VEVENT: fixed, so a UID does not change with the host name a person
# used to subscribe (RFC 5545 3.8.4.7 asks for global uniqueness, not for a resolvable host).
UID_DOMAIN = "calendar.shuzhi-talent"
# What the feed carries: a month back (recent results and appeals) and a year ahead.
FEED_PAST = dt.timedelta(days=31)
FEED_AHEAD = dt.timedelta(days=366)
# The months the page can show (a bad or far month is a 400, never a 500).
FIRST_YEAR = 2000
LAST_YEAR = 2100


class EntryKind(models.TextChoices):
    """What an entry is, for its label and colour on the page and its category in the feed."""

    CONTEST = "contest", _("竞赛")
    REGISTRATION = "registration", _("报名截止")
    EXAM = "exam", _("考试与测验")
    APPEAL = "appeal", _("申诉")


@dataclass(frozen=True)
class Entry:
    """One dated thing on a person's calendar.

    `starts` is an aware datetime; `ends` an aware datetime after it, or None for a moment
    (a deadline, a start time with no set end). `url` is the site path of the entry's page.
    `uid` is stable for the same thing across requests and unique across sources: a source
    prefixes its own (e.g. "lms-quiz-12-closes").
    """

    title: str
    starts: dt.datetime
    ends: dt.datetime | None
    kind: str
    url: str
    uid: str

    @property
    def kind_label(self) -> str:
        return str(EntryKind(self.kind).label) if self.kind in EntryKind.values else self.kind

    @property
    def local_starts(self) -> dt.datetime:
        return timezone.localtime(self.starts)


Source = Callable[[Any, dt.datetime, dt.datetime], Iterable[Entry]]
_sources: list[Source] = []
_discovered = False


def register(source: Source) -> Source:
    """Add a source of entries (idempotent); returns it, so it can be used as a decorator."""
    if source not in _sources:
        _sources.append(source)
    return source


def unregister(source: Source) -> None:
    """Remove a source (tests that register their own); an unknown source is ignored."""
    if source in _sources:
        _sources.remove(source)


def discover() -> None:
    """Import every installed app's `calendar` module once, so each registers its sources."""
    global _discovered
    if not _discovered:
        autodiscover_modules("calendar")
        _discovered = True


def entries_for(person: Any, start: dt.datetime, end: dt.datetime) -> list[Entry]:
    """Every registered source's entries for `person` that start in [start, end), or (for an
    entry with an end) overlap it; in time order, one per uid."""
    discover()
    seen: set[str] = set()
    found: list[Entry] = []
    for source in _sources:
        for entry in source(person, start, end):
            if entry.uid in seen or not overlaps(entry, start, end):
                continue
            seen.add(entry.uid)
            found.append(entry)
    found.sort(key=lambda e: (e.starts, e.title, e.uid))
    return found


def overlaps(entry: Entry, start: dt.datetime, end: dt.datetime) -> bool:
    if entry.ends is None:
        return start <= entry.starts < end
    return entry.starts < end and entry.ends > start


def in_window(moment: dt.datetime | None, start: dt.datetime, end: dt.datetime) -> TypeGuard[dt.datetime]:
    """Whether a moment (None: not set) falls in [start, end); for sources' own filtering."""
    return moment is not None and start <= moment < end


# --- The month page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def containing(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def previous(self) -> Month | None:
        if (self.year, self.month) == (FIRST_YEAR, 1):
            return None
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> Month | None:
        if (self.year, self.month) == (LAST_YEAR, 12):
            return None
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def param(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The month as [start, end) in the site's time zone (Asia/Shanghai)."""
        following = self.next
        last = following.first if following else dt.date(self.year + 1, 1, 1)
        return local_midnight(self.first), local_midnight(last)


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


def month_grid(month: Month, entries: Iterable[Entry], today: dt.date) -> list[list[Day]]:
    """The month as weeks Monday to Sunday (the Chinese week), with each entry on its local
    start day and, for one that spans days, on every day it covers within the month."""
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    days = {day: Day(day, day.month == month.month, day == today) for week in weeks for day in week}
    for entry in entries:
        first = timezone.localtime(entry.starts).date()
        last = timezone.localtime(entry.ends).date() if entry.ends else first
        current = max(first, weeks[0][0])
        while current <= min(last, weeks[-1][-1]):
            days[current].entries.append(entry)
            current += dt.timedelta(days=1)
    return [[days[day] for day in week] for week in weeks]


# --- The feed -----------------------------------------------------------------------------


def feed_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    now = now or timezone.now()
    return now - FEED_PAST, now + FEED_AHEAD


def to_ical(entries: Iterable[Entry], *, name: str, base_url: str, now: dt.datetime | None = None) -> bytes:
    """The entries as an RFC 5545 VCALENDAR: UTC times, stable UIDs, absolute URLs on `base_url`
    (the scheme and host, no trailing slash). Holds titles, times and links only."""
    # Imported here: every process loads this module at start-up (the registry), few serve feeds.
    from icalendar import Calendar, Event

    stamp = (now or timezone.now()).astimezone(dt.UTC)
    cal = Calendar()
    cal.add("prodid", "-//Shuzhi Talent//calendar//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    # Ask subscribing apps to refresh hourly (RFC 7986 REFRESH-INTERVAL; the X- one for Outlook).
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.starts.astimezone(dt.UTC))
        if entry.ends is not None and entry.ends > entry.starts:
            event.add("dtend", entry.ends.astimezone(dt.UTC))
        event.add("summary", entry.title)
        event.add("categories", [entry.kind_label])
        event.add("url", f"{base_url}{entry.url}")
        event.add("description", f"{entry.kind_label} · {base_url}{entry.url}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def month_page(person: Any, month: Month, today: dt.date | None = None) -> dict[str, Any]:
    """What the month page shows: the weeks of the grid, the days that have entries (the list
    a phone shows instead of the grid), and the kinds present (the legend)."""
    today = today or timezone.localdate()
    start, end = month.bounds()
    entries = entries_for(person, start, end)
    weeks = month_grid(month, entries, today)
    agenda = [day for week in weeks for day in week if day.in_month and day.entries]
    kinds = [kind for kind in EntryKind if any(entry.kind == kind for entry in entries)]
    return {
        "month": month,
        "weeks": weeks,
        "agenda": agenda,
        "entries": entries,
        "kinds": kinds,
        "is_this_month": Month.containing(today) == month,
        "this_month": Month.containing(today),
    }


def day_in_month(day: int, hour: int, *, months_ahead: int = 0, now: dt.datetime | None = None) -> dt.datetime:
    """A local time on a day of this month (or a later one): the demo seeds' calendar dates, so
    demo people have something on the calendar this month and next whenever the seed runs.
    A day past the month's end is its last day."""
    today = timezone.localtime(now).date() if now else timezone.localdate()
    index = today.year * 12 + today.month - 1 + months_ahead
    year, month = divmod(index, 12)
    last = stdlib_calendar.monthrange(year, month + 1)[1]
    moment = dt.datetime(year, month + 1, min(day, last), hour)
    return timezone.make_aware(moment)
