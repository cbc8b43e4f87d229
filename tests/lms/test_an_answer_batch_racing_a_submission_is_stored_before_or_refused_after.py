"""An answer batch and a submission of the same paper racing (PostgreSQL): the batch reads the
attempt under a share lock, so it either commits before the submission grades the paper (and the
answer is graded) or waits for it and is refused as closed. Never stored after grading, unseen."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from lms import sittings
from lms.actions import start_attempt
from lms.models import Attempt, AttemptAnswer, AttemptStatus
from lms.quizzes import _finalize_many
from tests.lms.conftest import make_question

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_batch_waits_for_a_submission_holding_the_paper_and_is_then_refused(learner, quiz_factory) -> None:
    questions = [make_question(), make_question()]
    attempt = start_attempt(quiz_factory(questions), learner)
    first = attempt.paper[0]["q"]
    locked = threading.Event()
    results: list[sittings.AnswerResult] = []

    def submit() -> None:
        try:
            with transaction.atomic():
                held = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
                locked.set()
                time.sleep(0.5)  # the batch arrives while the paper is being graded
                _finalize_many([(held, held.deadline or held.started_at)])
        finally:
            connection.close()

    def answer() -> None:
        try:
            locked.wait(5)
            results.extend(sittings.store_answers([sittings.PendingAnswer(attempt.pk, learner.pk, first, "B", 7)]))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit), threading.Thread(target=answer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [(r.stored, r.code) for r in results] == [(False, "closed")]
    assert not AttemptAnswer.objects.filter(attempt=attempt).exists()
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.GRADED


def test_a_batch_of_many_papers_stores_each_answer_in_its_own_attempt_only(learner, outsider, quiz_factory) -> None:
    quiz = quiz_factory([make_question(), make_question()])
    mine, theirs = start_attempt(quiz, learner), start_attempt(quiz, outsider)
    q = mine.paper[0]["q"]
    results = sittings.store_answers(
        [
            sittings.PendingAnswer(mine.pk, learner.pk, q, "A", 1),
            sittings.PendingAnswer(theirs.pk, learner.pk, q, "C", 2),  # someone else's paper
            sittings.PendingAnswer(theirs.pk, outsider.pk, q, "D", 3),
            sittings.PendingAnswer(mine.pk, learner.pk, q, "B", 4),  # newer, same question: wins
        ]
    )
    assert [(r.stored, r.code) for r in results] == [(True, ""), (False, "closed"), (True, ""), (True, "")]
    assert AttemptAnswer.objects.get(attempt=mine).response == "B"
    assert AttemptAnswer.objects.get(attempt=theirs).response == "D"
