"""Tab-hidden and paste signals from the exam page: counted per attempt for the proctor, bounded,
and only for the attempt's own learner while it is open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lms import proctoring
from lms.actions import record_signal, start_attempt, submit_attempt
from lms.models import Attempt, AttemptProctoring
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db


def test_hidden_and_paste_signals_are_counted_with_first_and_last_time(quiz_factory, learner) -> None:
    attempt = start_attempt(quiz_factory([make_question()], time_limit_minutes=30), learner)
    record_signal(attempt, learner, "hidden")
    record_signal(attempt, learner, "hidden")
    row = record_signal(attempt, learner, "paste")
    assert (row.hidden_count, row.paste_count) == (2, 1)
    assert row.first_signal_at is not None and row.last_signal_at >= row.first_signal_at
    assert row.last_seen_at is not None


def test_a_presence_report_marks_the_page_connected_without_counting_a_signal(quiz_factory, learner) -> None:
    attempt = start_attempt(quiz_factory([make_question()]), learner)
    row = record_signal(attempt, learner, "presence")
    assert (row.hidden_count, row.paste_count, row.first_signal_at) == (0, 0, None)
    assert row.last_seen_at is not None


def test_a_flood_of_signals_changes_numbers_not_the_size_of_the_table(quiz_factory, learner, monkeypatch) -> None:
    monkeypatch.setattr(proctoring, "MAX_COUNT", 5)
    attempt = start_attempt(quiz_factory([make_question()]), learner)
    for _ in range(12):
        record_signal(attempt, learner, "hidden")
    assert AttemptProctoring.objects.count() == 1
    assert AttemptProctoring.objects.get(pk=attempt.pk).hidden_count == 5


def test_signals_for_someone_elses_attempt_are_refused(quiz_factory, learner, outsider) -> None:
    attempt = start_attempt(quiz_factory([make_question()]), learner)
    with pytest.raises(PermissionDenied):
        record_signal(attempt, outsider, "paste")
    assert not AttemptProctoring.objects.exists()


def test_signals_after_submission_or_after_the_time_is_up_are_refused(quiz_factory, learner) -> None:
    quiz = quiz_factory([make_question()], time_limit_minutes=10, max_attempts=0)
    attempt = submit_attempt(start_attempt(quiz, learner), learner)
    with pytest.raises(ValidationError):
        record_signal(attempt, learner, "hidden")
    late = start_attempt(quiz, learner)
    Attempt.objects.filter(pk=late.pk).update(deadline=timezone.now() - dt.timedelta(minutes=5))
    late.refresh_from_db()
    with pytest.raises(ValidationError):
        record_signal(late, learner, "hidden")
    assert not AttemptProctoring.objects.exists()


def test_the_api_counts_a_signal_and_answers_404_for_another_persons_attempt(
    client, quiz_factory, learner, outsider
) -> None:
    attempt = start_attempt(quiz_factory([make_question()], time_limit_minutes=30), learner)
    client.force_login(learner)
    url = f"/api/lms/attempts/{attempt.pk}/signals"
    response = client.post(url, {"kind": "hidden"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["counted"] is True and response.json()["deadline"]
    assert client.post(url, {"kind": "shout"}, content_type="application/json").status_code in (400, 422)
    client.force_login(outsider)
    assert client.post(url, {"kind": "paste"}, content_type="application/json").status_code == 404
    assert AttemptProctoring.objects.get(pk=attempt.pk).hidden_count == 1
    assert AttemptProctoring.objects.get(pk=attempt.pk).paste_count == 0


def test_the_api_refuses_a_signal_for_a_submitted_attempt_with_409(client, quiz_factory, learner) -> None:
    attempt = submit_attempt(start_attempt(quiz_factory([make_question()]), learner), learner)
    client.force_login(learner)
    response = client.post(
        f"/api/lms/attempts/{attempt.pk}/signals", {"kind": "paste"}, content_type="application/json"
    )
    assert response.status_code == 409
