"""A paper submitted without JavaScript carries every answer in one post: either all of them are
saved and the paper is submitted, or (one answer refused) none is and the paper stays open."""

from __future__ import annotations

import pytest

from lms.actions import start_attempt
from lms.models import AttemptAnswer, AttemptStatus, QuestionType
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db


def test_one_refused_answer_saves_none_and_leaves_the_paper_open(client, quiz_factory, learner) -> None:
    first, second = make_question(QuestionType.SINGLE), make_question(QuestionType.SINGLE)
    attempt = start_attempt(quiz_factory([first, second]), learner)
    client.force_login(learner)
    url = f"/learn/attempts/{attempt.pk}/submit/"
    response = client.post(url, {f"q{first.pk}": "A", f"q{second.pk}": "Z"}, follow=True)
    assert response.status_code == 200 and "不在本题的选项中" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert not AttemptAnswer.objects.filter(attempt=attempt).exists()

    client.post(url, {f"q{first.pk}": "A", f"q{second.pk}": "B"})
    attempt.refresh_from_db()
    assert attempt.status != AttemptStatus.IN_PROGRESS
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 2
