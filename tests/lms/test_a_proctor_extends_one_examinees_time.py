"""A proctor gives one examinee more minutes: the server deadline moves, extensions add up,
each is audited, an answer in the extra time counts and one after it is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from lms.actions import LateSubmissionError, extend_attempt, save_answer, start_attempt, submit_attempt
from lms.models import Attempt, AttemptAnswer, AttemptProctoring, QuestionType
from lms.quizzes import GRACE
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(quiz_factory):
    question = make_question(QuestionType.TRUE_FALSE)
    return quiz_factory([question], title="期末考试", time_limit_minutes=30), question


def _move_clock(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: when)


def test_the_deadline_moves_extensions_add_up_and_each_is_audited(exam, learner, organizer) -> None:
    quiz, _ = exam
    attempt = start_attempt(quiz, learner)
    before = attempt.deadline
    extend_attempt(actor=organizer, attempt=attempt, minutes=10, reason="考场断电")
    extended = extend_attempt(actor=organizer, attempt=attempt, minutes=5, reason="设备故障")
    assert extended.deadline == before + dt.timedelta(minutes=15)
    assert Attempt.objects.get(pk=attempt.pk).deadline == before + dt.timedelta(minutes=15)
    assert AttemptProctoring.objects.get(pk=attempt.pk).extra_minutes == 15
    events = list(AuditEvent.objects.filter(action="quiz.extend").order_by("pk"))
    assert [e.reason for e in events] == ["考场断电", "设备故障"]
    assert events[0].actor == organizer and events[0].before["deadline"] == before.isoformat()
    assert events[1].after["minutes"] == 5 and events[1].after["extra_minutes"] == 15


def test_an_answer_in_the_extra_time_counts_and_one_after_it_is_refused(exam, learner, organizer, monkeypatch) -> None:
    quiz, question = exam
    attempt = start_attempt(quiz, learner)
    original = attempt.deadline
    extend_attempt(actor=organizer, attempt=attempt, minutes=10, reason="考场断电")
    _move_clock(monkeypatch, original + GRACE + dt.timedelta(minutes=5))
    save_answer(Attempt.objects.get(pk=attempt.pk), learner, question.pk, "true")
    assert AttemptAnswer.objects.get(attempt=attempt).response is True
    _move_clock(monkeypatch, original + dt.timedelta(minutes=10) + GRACE + dt.timedelta(seconds=1))
    with pytest.raises(LateSubmissionError):
        save_answer(Attempt.objects.get(pk=attempt.pk), learner, question.pk, "false")
    assert AttemptAnswer.objects.get(attempt=attempt).response is True


def test_a_submitted_attempt_is_not_extended(exam, learner, organizer) -> None:
    quiz, _ = exam
    attempt = submit_attempt(start_attempt(quiz, learner), learner)
    with pytest.raises(ValidationError, match="已交卷"):
        extend_attempt(actor=organizer, attempt=attempt, minutes=10, reason="补时")
    assert not AuditEvent.objects.filter(action="quiz.extend").exists()


@pytest.mark.parametrize("minutes", [0, 121])
def test_minutes_outside_the_bounds_and_a_blank_reason_are_refused(exam, learner, organizer, minutes) -> None:
    quiz, _ = exam
    attempt = start_attempt(quiz, learner)
    with pytest.raises(ValidationError):
        extend_attempt(actor=organizer, attempt=attempt, minutes=minutes, reason="补时")
    with pytest.raises(ValidationError):
        extend_attempt(actor=organizer, attempt=attempt, minutes=10, reason="  ")
    assert Attempt.objects.get(pk=attempt.pk).deadline == attempt.deadline


def test_someone_who_may_not_proctor_cannot_extend(exam, learner, outsider) -> None:
    quiz, _ = exam
    attempt = start_attempt(quiz, learner)
    with pytest.raises(PermissionDenied):
        extend_attempt(actor=outsider, attempt=attempt, minutes=10, reason="帮个忙")


def test_the_page_form_extends_and_the_next_autosave_brings_the_new_deadline(client, exam, learner, organizer) -> None:
    quiz, question = exam
    attempt = start_attempt(quiz, learner)
    url = reverse("lms:proctor_extend", args=[quiz.pk, attempt.pk])
    client.force_login(organizer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"minutes": 500, "reason": "太多"}).status_code == 400
    response = client.post(url, {"minutes": 20, "reason": "考场断电"})
    assert response.status_code == 302 and response["Location"] == reverse("lms:proctor", args=[quiz.pk])
    client.force_login(learner)
    saved = client.post(
        f"/api/lms/attempts/{attempt.pk}/answers",
        {"question": question.pk, "response": "true"},
        content_type="application/json",
    )
    assert saved.status_code == 200
    sent = dt.datetime.fromisoformat(saved.json()["deadline"])  # JSON keeps milliseconds
    assert abs(sent - (attempt.deadline + dt.timedelta(minutes=20))) < dt.timedelta(milliseconds=1)
