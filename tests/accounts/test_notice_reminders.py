"""The reminder job: each source's reminders sent once per person and deadline, however often it runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import reminders
from accounts.choices import NoticeKind
from accounts.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(learner, mentor):
    deadline = {"at": timezone.now() + dt.timedelta(hours=3)}

    def due(now: dt.datetime, lead: dt.timedelta):
        for person in (learner, mentor):
            if now < deadline["at"] <= now + lead:
                yield reminders.Reminder(person=person, subject="test:1", deadline=deadline["at"], title="测验即将截止")

    reminders.register("test.source")(due)
    yield deadline
    reminders._sources.pop("test.source", None)


def test_each_person_is_reminded_once_however_often_the_job_runs(source, learner, mentor) -> None:
    assert reminders.run()["test.source"] == 2
    assert reminders.run()["test.source"] == 0
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Notice.objects.filter(kind=NoticeKind.DEADLINE).count() == 2


def test_a_moved_deadline_is_reminded_again(source, learner) -> None:
    reminders.run()
    source["at"] += dt.timedelta(hours=1)
    assert reminders.run()["test.source"] == 2


def test_a_broken_source_does_not_stop_the_others(source) -> None:
    def broken(now, lead):
        raise RuntimeError("source is down")

    reminders.register("test.broken")(broken)
    try:
        with pytest.raises(RuntimeError):
            reminders.run()
        assert Notice.objects.filter(kind=NoticeKind.DEADLINE).count() == 2
    finally:
        reminders._sources.pop("test.broken", None)


def test_the_worker_runs_the_reminders_in_a_thread(source, monkeypatch) -> None:
    import threading

    from accounts.management.commands import worker

    stop = threading.Event()
    ran = threading.Event()
    real = reminders.run

    def once() -> dict[str, int]:
        ran.set()
        stop.set()
        return real()

    monkeypatch.setattr(reminders, "run", once)
    monkeypatch.setattr(worker.connection, "close", lambda: None)  # the test's own connection stays
    worker._remind_forever(0.01, stop)
    assert ran.is_set() and Notice.objects.filter(kind=NoticeKind.DEADLINE).count() == 2
