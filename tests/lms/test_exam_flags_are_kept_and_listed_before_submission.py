"""Flag for review is stored with the attempt (a reload shows it), and the pre-submit summary lists
the unanswered and the flagged questions with links back into the paper."""

from __future__ import annotations

import pytest

from lms.actions import flag_question, save_answer, start_attempt, submit_attempt
from lms.models import Attempt
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(learner, quiz_factory) -> Attempt:
    quiz = quiz_factory([make_question(stem=f"第{i}题题干") for i in range(1, 5)], is_published=True)
    return start_attempt(quiz, learner)


def _flag(client, attempt: Attempt, qid: int, flagged: bool):
    return client.post(
        f"/api/lms/attempts/{attempt.pk}/flags", {"question": qid, "flagged": flagged}, content_type="application/json"
    )


def test_a_flag_is_stored_with_the_attempt_and_shown_after_a_reload(client, learner, attempt) -> None:
    client.force_login(learner)
    third = attempt.paper[2]["q"]
    response = _flag(client, attempt, third, True)
    assert response.status_code == 200 and response.json()["flagged"] == [third]
    attempt.refresh_from_db()
    assert attempt.flagged == [third]
    page = client.get(f"/learn/attempts/{attempt.pk}/").content.decode()
    assert page.count('aria-pressed="true"') == 1
    assert "第 3 题：未作答，已标记复查" in page
    assert _flag(client, attempt, third, False).json()["flagged"] == []


def test_the_summary_lists_unanswered_and_flagged_questions_with_links_back(client, learner, attempt) -> None:
    client.force_login(learner)
    first, second, third, fourth = (entry["q"] for entry in attempt.paper)
    save_answer(attempt, learner, first, "A")
    save_answer(attempt, learner, third, "B")
    flag_question(attempt, learner, third, True)
    flag_question(attempt, learner, fourth, True)
    page = client.get(f"/learn/attempts/{attempt.pk}/summary/").content.decode()
    unanswered, flagged = page.split('id="summary-unanswered"')[1].split('id="summary-flagged"')
    assert f"#q-{second}" in unanswered and f"#q-{fourth}" in unanswered and f"#q-{first}" not in unanswered
    assert f"#q-{third}" in flagged and f"#q-{fourth}" in flagged and f"#q-{second}" not in flagged
    assert "已答 2 / 4 题" in page and "确认交卷" in page


def test_a_question_not_on_the_paper_cannot_be_flagged(client, learner, attempt) -> None:
    client.force_login(learner)
    response = _flag(client, attempt, attempt.paper[0]["q"] + 9999, True)
    assert response.status_code == 400 and "不在您的试卷上" in response.json()["detail"]


def test_flags_are_refused_after_submission_and_to_anyone_else(client, learner, outsider, attempt) -> None:
    client.force_login(outsider)
    assert _flag(client, attempt, attempt.paper[0]["q"], True).status_code == 404
    submit_attempt(attempt, learner)
    client.force_login(learner)
    assert _flag(client, attempt, attempt.paper[0]["q"], True).status_code == 409
    assert client.get(f"/learn/attempts/{attempt.pk}/summary/").status_code == 302
