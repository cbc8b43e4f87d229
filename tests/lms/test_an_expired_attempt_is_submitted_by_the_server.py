"""An attempt past its deadline is submitted and graded by the server even if the browser is gone:
by the periodic housekeeping pass, and on the next access to it. What was autosaved in time counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts import housekeeping
from accounts.models import AuditEvent
from lms.actions import close_expired_attempts, save_answer, start_attempt
from lms.models import Attempt, AttemptStatus
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def timed(learner, quiz_factory) -> Attempt:
    quiz = quiz_factory([make_question(), make_question()], is_published=True, time_limit_minutes=10)
    attempt = start_attempt(quiz, learner)
    entry = attempt.paper[0]
    save_answer(attempt, learner, entry["q"], "ABCD"[entry["perm"].index(1)])  # right
    return attempt


def _expire(attempt: Attempt, seconds: int = 60) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=seconds))


def test_the_periodic_pass_grades_an_attempt_whose_time_ran_out(timed) -> None:
    _expire(timed)
    assert "expired_quiz_attempts" in housekeeping.jobs()
    assert housekeeping.run()["expired_quiz_attempts"] == 1
    timed.refresh_from_db()
    assert timed.status == AttemptStatus.GRADED and timed.submitted_at == timed.deadline
    assert timed.score == timed.max_score / 2 and timed.passed is False
    assert AuditEvent.objects.filter(action="quiz.timeout_submit", target_id=str(timed.pk)).exists()
    assert close_expired_attempts() == 0  # once only


def test_an_attempt_still_within_its_time_or_grace_is_left_open(timed) -> None:
    assert close_expired_attempts() == 0
    _expire(timed, seconds=2)  # inside the 5 s grace for a click made in the last second
    assert close_expired_attempts() == 0
    timed.refresh_from_db()
    assert timed.status == AttemptStatus.IN_PROGRESS


def test_opening_an_expired_paper_shows_the_graded_review(client, learner, timed) -> None:
    _expire(timed)
    client.force_login(learner)
    response = client.get(f"/learn/attempts/{timed.pk}/")
    assert response.status_code == 302 and response["Location"].endswith("/review/")
    timed.refresh_from_db()
    assert timed.status == AttemptStatus.GRADED


def test_the_worker_grades_expired_attempts_within_seconds(timed, monkeypatch) -> None:
    """The worker's frequent pass (every HOUSEKEEPING_OFTEN_SECONDS) closes a sitting's stragglers."""
    import threading

    from accounts.management.commands import worker

    _expire(timed, seconds=10)
    stop = threading.Event()
    real = housekeeping.run_often
    done: list[dict[str, int]] = []

    def once() -> dict[str, int]:
        stop.set()
        done.append(real())
        return done[-1]

    monkeypatch.setattr(housekeeping, "run_often", once)
    monkeypatch.setattr(worker.connection, "close", lambda: None)  # the test's own connection stays
    worker._often_forever(0.01, stop)
    assert done == [{"expired_quiz_attempts": 1}]
    timed.refresh_from_db()
    assert timed.status == AttemptStatus.GRADED


def test_many_expired_attempts_are_graded_in_batches(quiz_factory, make_person) -> None:
    quiz = quiz_factory([make_question(), make_question()], time_limit_minutes=10)
    attempts = [start_attempt(quiz, make_person()) for _ in range(5)]
    for attempt in attempts:
        _expire(attempt)
    assert close_expired_attempts(batch=2) == 5
    assert Attempt.objects.filter(quiz=quiz, status=AttemptStatus.GRADED).count() == 5
    assert AuditEvent.objects.filter(action="quiz.timeout_submit").count() == 5
