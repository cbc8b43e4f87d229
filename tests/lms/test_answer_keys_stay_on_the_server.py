"""Answer keys and explanations never reach the browser before submission (HTML and JSON)."""

from __future__ import annotations

import json

import pytest

from lms.actions import start_attempt
from lms.models import QuestionType
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db

SECRET_EXPLANATION = "解析秘文-XYZ"
SECRET_FILL = "唯一答案秘文QWE"
SECRET_RUBRIC = "评分标准秘文RTY"


def test_neither_the_page_nor_the_api_contains_keys_until_the_attempt_is_submitted(
    client, learner, quiz_factory
) -> None:
    questions = [
        make_question(QuestionType.SINGLE, explanation=SECRET_EXPLANATION),
        make_question(QuestionType.FILL, answer=[[SECRET_FILL]]),
        make_question(QuestionType.SHORT, rubric=SECRET_RUBRIC),
    ]
    quiz = quiz_factory(questions)
    attempt = start_attempt(quiz, learner)
    client.force_login(learner)
    html = client.get(f"/learn/attempts/{attempt.pk}/").content.decode()
    data = client.get(f"/api/lms/attempts/{attempt.pk}/paper").content.decode()
    for body in (html, data):
        assert SECRET_EXPLANATION not in body and SECRET_FILL not in body and SECRET_RUBRIC not in body
        assert '"answer"' not in body
    assert len(json.loads(data)["questions"]) == 3
    assert client.get(f"/learn/attempts/{attempt.pk}/review/").status_code == 302  # no review while open
    client.post(f"/learn/attempts/{attempt.pk}/submit/")
    review = client.get(f"/learn/attempts/{attempt.pk}/review/").content.decode()
    assert SECRET_EXPLANATION in review and SECRET_FILL in review


def test_another_learners_attempt_is_not_found(client, learner, outsider, quiz_factory) -> None:
    attempt = start_attempt(quiz_factory(), learner)
    client.force_login(outsider)
    assert client.get(f"/learn/attempts/{attempt.pk}/").status_code == 404
    assert client.get(f"/api/lms/attempts/{attempt.pk}/paper").status_code == 404
    response = client.post(
        f"/api/lms/attempts/{attempt.pk}/answers",
        data={"question": attempt.paper[0]["q"], "response": "A"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
