"""The exam hot path stays cheap: an autosave is one upsert (no question read, no lock on the
attempt), and grading a submission does not grow with the number of questions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.actions import save_answer, start_attempt, submit_attempt
from lms.models import AttemptAnswer
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db


def test_an_autosave_is_a_single_upsert(learner, quiz_factory) -> None:
    attempt = start_attempt(quiz_factory([make_question(), make_question("fill")]), learner)
    first, second = (entry["q"] for entry in attempt.paper)
    for response in ("A", "B"):
        with CaptureQueriesContext(connection) as ctx:
            save_answer(attempt, learner, first, response)
        assert len(ctx.captured_queries) == 1
        sql = ctx.captured_queries[0]["sql"].upper()
        assert sql.startswith("INSERT") and "ON CONFLICT" in sql and "FOR UPDATE" not in sql
    with CaptureQueriesContext(connection) as ctx:
        save_answer(attempt, learner, second, ["PLC"])
    assert len(ctx.captured_queries) == 1
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 2


def test_an_autosave_request_takes_a_fixed_number_of_queries(client, learner, quiz_factory) -> None:
    attempt = start_attempt(quiz_factory([make_question()]), learner)
    client.force_login(learner)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            f"/api/lms/attempts/{attempt.pk}/answers",
            {"question": attempt.paper[0]["q"], "response": "A"},
            content_type="application/json",
        )
    assert response.status_code == 200
    # session, user, the attempt, the upsert
    assert len(ctx.captured_queries) <= 4


def _submit_queries(learner, quiz_factory, size: int, title: str) -> int:
    # Options in their stored order, and both outcomes on every paper (the key is B): grading
    # writes one UPDATE per outcome present, so a paper that happened to be all wrong would
    # take one query fewer whatever its size.
    quiz = quiz_factory([make_question() for _ in range(size)], title=title, shuffle_options=False)
    attempt = start_attempt(quiz, learner)
    for i, entry in enumerate(attempt.paper):
        save_answer(attempt, learner, entry["q"], "B" if i % 2 else "A")
    with CaptureQueriesContext(connection) as ctx:
        submit_attempt(attempt, learner)
    return len(ctx.captured_queries)


def test_grading_a_submission_does_not_grow_with_the_paper(learner, quiz_factory) -> None:
    assert _submit_queries(learner, quiz_factory, 5, "小卷") == _submit_queries(learner, quiz_factory, 40, "大卷")
