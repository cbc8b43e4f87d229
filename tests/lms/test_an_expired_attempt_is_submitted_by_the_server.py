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
