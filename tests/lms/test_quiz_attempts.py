"""Quizzes: per-learner shuffled papers, server-enforced time and attempts, autosave, grading, no keys before submission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lms.actions import LateSubmissionError, grade_answer, save_answer, start_attempt, submit_attempt
from lms.grading import OPTION_LETTERS
from lms.models import Attempt, AttemptAnswer, AttemptStatus, PaperMode, QuestionType
from lms.quizzes import grading_queue
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db


def shown_letter(attempt: Attempt, question, original: str) -> str:
    """The letter the learner sees for an original option letter on their shuffled paper."""
    perm = next(e["perm"] for e in attempt.paper if e["q"] == question.pk)
    return OPTION_LETTERS[perm.index(OPTION_LETTERS.index(original))]


def test_a_shuffled_answer_is_stored_in_original_letters_and_graded_at_once(quiz_factory, learner) -> None:
    single = make_question(QuestionType.SINGLE)
    multiple = make_question(QuestionType.MULTIPLE)
    fill = make_question(QuestionType.FILL)
    quiz = quiz_factory([single, multiple, fill])
    attempt = start_attempt(quiz, learner)
    save_answer(attempt, learner, single.pk, shown_letter(attempt, single, "B"))
    save_answer(
        attempt, learner, multiple.pk, [shown_letter(attempt, multiple, "C"), shown_letter(attempt, multiple, "A")]
    )
    save_answer(attempt, learner, fill.pk, ["ｐｌｃ "])  # full-width and a trailing space still match
    assert AttemptAnswer.objects.get(attempt=attempt, question=single).response == "B"
    done = submit_attempt(attempt, learner)
    assert done.status == AttemptStatus.GRADED and done.passed is True and done.score == Decimal(3)


def test_autosave_replaces_the_previous_answer(quiz_factory, learner) -> None:
    question = make_question(QuestionType.TRUE_FALSE)
    attempt = start_attempt(quiz_factory([question]), learner)
    save_answer(attempt, learner, question.pk, "false")
    save_answer(attempt, learner, question.pk, "true")
    assert AttemptAnswer.objects.get(attempt=attempt).response is True
    assert start_attempt(attempt.quiz, learner).pk == attempt.pk  # a refresh resumes the same paper


def test_answering_a_question_not_on_the_paper_or_a_tampered_option_is_refused(quiz_factory, learner) -> None:
    on_paper = make_question()
    elsewhere = make_question(stem="不在本卷")
    attempt = start_attempt(quiz_factory([on_paper]), learner)
    with pytest.raises(ValidationError, match="不在您的试卷上"):
        save_answer(attempt, learner, elsewhere.pk, "A")
    with pytest.raises(ValidationError, match="题目编号无效"):
        save_answer(attempt, learner, "1 OR 1=1", "A")
    with pytest.raises(ValidationError, match="不在本题的选项中"):
        save_answer(attempt, learner, on_paper.pk, "Z")


def test_someone_else_cannot_answer_on_my_paper(quiz_factory, learner, outsider) -> None:
    attempt = start_attempt(quiz_factory(), learner)
    with pytest.raises(PermissionDenied):
        save_answer(attempt, outsider, attempt.paper[0]["q"], "A")


def test_a_late_submission_is_rejected_and_the_autosaved_answers_count(quiz_factory, learner) -> None:
    question = make_question()
    quiz = quiz_factory([question], time_limit_minutes=10)
    attempt = start_attempt(quiz, learner)
    save_answer(attempt, learner, question.pk, shown_letter(attempt, question, "B"))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    attempt.refresh_from_db()
    with pytest.raises(LateSubmissionError, match="未被接受"):
        save_answer(attempt, learner, question.pk, "A")
    with pytest.raises(LateSubmissionError, match="提交被拒绝"):
        submit_attempt(attempt, learner)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal(1)


def test_the_attempts_limit_is_enforced(quiz_factory, learner) -> None:
    quiz = quiz_factory(max_attempts=1)
    submit_attempt(start_attempt(quiz, learner), learner)
    with pytest.raises(ValidationError, match="次数上限"):
        start_attempt(quiz, learner)


def test_a_closed_quiz_cannot_be_started(quiz_factory, learner) -> None:
    quiz = quiz_factory(closes_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="已于"):
        start_attempt(quiz, learner)


def test_a_random_paper_draws_by_difficulty_and_refuses_when_the_bank_is_short(quiz_factory, learner) -> None:
    for i in range(5):
        make_question(stem=f"易题{i}", difficulty=1)
    make_question(stem="难题", difficulty=5)
    quiz = quiz_factory([], mode=PaperMode.RANDOM, draw_rules=[{"difficulty": 1, "count": 3}])
    attempt = start_attempt(quiz, learner)
    assert len(attempt.paper) == 3
    greedy = quiz_factory([], mode=PaperMode.RANDOM, draw_rules=[{"difficulty": 5, "count": 2}])
    with pytest.raises(ValidationError, match="不足"):
        start_attempt(greedy, learner)


def test_short_answers_wait_in_the_queue_and_html_is_kept_as_text(quiz_factory, learner, organizer, outsider) -> None:
    short = make_question(QuestionType.SHORT, points=Decimal(5))
    quiz = quiz_factory([short])
    attempt = start_attempt(quiz, learner)
    save_answer(attempt, learner, short.pk, "<script>alert(1)</script>实时监控")
    attempt = submit_attempt(attempt, learner)
    assert attempt.status == AttemptStatus.GRADING and attempt.passed is None
    queued = grading_queue(organizer).get()
    assert list(grading_queue(outsider)) == []
    with pytest.raises(ValidationError, match="0 到 5"):
        grade_answer(queued, grader=organizer, score=9)
    with pytest.raises(PermissionDenied):
        grade_answer(queued, grader=outsider, score=1)
    grade_answer(queued, grader=organizer, score=4, comment="要点齐全")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.passed is True and attempt.score == Decimal(4)
