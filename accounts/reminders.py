"""Deadline reminders: apps register sources, the worker sends what is due every few minutes.

An app registers a source with `register(name)` from its AppConfig.ready() (accounts knows it by
name only: lms' exam windows, competitions' registration, review and appeal deadlines). A source takes
`(now, lead)` and yields a `Reminder` for every person with a deadline between now and now + lead.
`run()` sends each through `notify` with the key "<source>:<subject>:<deadline>", so each person
is reminded once per deadline however often the job runs (and again if the deadline moves).

`manage.py worker` runs `run()` every NOTICE_REMINDER_SECONDS in a thread beside the task loop;
`manage.py send_reminders` runs it once (for a timer or by hand).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from accounts.choices import NoticeKind, NoticeLevel
from accounts.models import User
from accounts.notifications import notify

logger = logging.getLogger("shuzhi.notices")


@dataclass(frozen=True)
class Reminder:
    person: User
    subject: str  # what the deadline belongs to, e.g. "quiz:12"
    deadline: dt.datetime
    title: str
    body: str = ""
    url: str = ""


Source = Callable[[dt.datetime, dt.timedelta], Iterable[Reminder]]

_sources: dict[str, Source] = {}


def register(name: str) -> Callable[[Source], Source]:
    """Decorator: ask `source(now, lead)` for due reminders on every run (replaces a same-named one)."""

    def decorate(source: Source) -> Source:
        _sources[name] = source
        return source

    return decorate


def sources() -> dict[str, Source]:
    return dict(_sources)


def lead_time() -> dt.timedelta:
    return dt.timedelta(hours=settings.NOTICE_REMINDER_HOURS)


def run(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due reminder once; returns how many new notices each source produced.

    A failing source is logged and the others still run; then the first failure is raised.
    """
    now = now or timezone.now()
    lead = lead_time()
    sent: dict[str, int] = {}
    failures: list[BaseException] = []
    for name, source in _sources.items():
        count = 0
        try:
            for reminder in source(now, lead):
                key = f"{name}:{reminder.subject}:{reminder.deadline.isoformat()}"
                notice = notify(
                    reminder.person,
                    NoticeKind.DEADLINE,
                    title=reminder.title,
                    body=reminder.body,
                    url=reminder.url,
                    dedupe_key=key,
                    level=NoticeLevel.WARNING,
                )
                count += notice is not None
        except Exception as exc:  # one broken source must not keep the others from reminding
            logger.exception("reminder source %s failed", name)
            failures.append(exc)
        sent[name] = count
    if failures:
        raise failures[0]
    return sent
