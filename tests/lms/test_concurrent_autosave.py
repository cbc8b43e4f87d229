"""Concurrent autosaves of one question (two tabs, retries) leave exactly one stored answer."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from lms.actions import save_answer, start_attempt
from lms.models import AttemptAnswer
from tests.lms.conftest import make_question

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_autosaves_store_one_answer(learner, quiz_factory) -> None:
    question = make_question(options=["甲", "乙", "丙", "丁"], answer="B")
    attempt = start_attempt(quiz_factory([question]), learner)
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def save(letter: str) -> None:
        try:
            barrier.wait()
            save_answer(attempt, learner, question.pk, letter)
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=("ABCD"[i % 4],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert AttemptAnswer.objects.filter(attempt=attempt, question=question).count() == 1
