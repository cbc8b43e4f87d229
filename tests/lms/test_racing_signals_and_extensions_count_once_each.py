"""On PostgreSQL: the first signals of an attempt racing each other make one row and lose no
count; two proctors extending at once both add up."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from lms.actions import extend_attempt, record_signal, start_attempt
from lms.models import Attempt, AttemptProctoring
from tests.lms.conftest import make_question

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(work: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(work))
    failures: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # collected and asserted by the caller
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_racing_first_signals_make_one_row_and_every_count(learner, quiz_factory) -> None:
    attempt = start_attempt(quiz_factory([make_question()], time_limit_minutes=30), learner)
    kinds = ["hidden", "paste"] * 4
    assert _race([lambda k=k: record_signal(attempt, learner, k) for k in kinds]) == []
    row = AttemptProctoring.objects.get(pk=attempt.pk)
    assert (row.hidden_count, row.paste_count) == (4, 4)
    assert AttemptProctoring.objects.count() == 1


def test_two_proctors_extending_at_once_both_add_up(learner, organizer, quiz_factory) -> None:
    attempt = start_attempt(quiz_factory([make_question()], time_limit_minutes=30), learner)
    before = attempt.deadline
    jobs = [
        lambda: extend_attempt(actor=organizer, attempt=attempt, minutes=10, reason="停电"),
        lambda: extend_attempt(actor=organizer, attempt=attempt, minutes=5, reason="设备故障"),
    ]
    assert _race(jobs) == []
    assert Attempt.objects.get(pk=attempt.pk).deadline == before + dt.timedelta(minutes=15)
    assert AttemptProctoring.objects.get(pk=attempt.pk).extra_minutes == 15
