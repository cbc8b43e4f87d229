"""Learning events reach the learner: graded answers and reviewed work logs send one notice each,
after commit; an exam closing soon reminds those who have not handed in, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts import reminders
from accounts.choices import NoticeKind
from accounts.models import Notice
from lms.actions import enroll, grade_answer, log_session, review_log, save_answer, start_attempt, submit_attempt
from lms.models import QuestionType, QuizKind
from lms.quizzes import grading_queue
from tests.lms.conftest import make_question
from tests.notice_helpers import exactly_one_after_commit, notices_of

pytestmark = pytest.mark.django_db


def test_grading_the_last_answer_a_person_marks_sends_one_notice(
    quiz_factory, learner, organizer, django_capture_on_commit_callbacks
) -> None:
    first, second = (make_question(QuestionType.SHORT, points=Decimal(5)) for _ in range(2))
    quiz = quiz_factory([first, second], title="接线实操考核")
    attempt = start_attempt(quiz, learner)
    save_answer(attempt, learner, first.pk, "先断电再接线")
    save_answer(attempt, learner, second.pk, "检查接地与屏蔽")
    submit_attempt(attempt, learner)
    one, short = grading_queue(organizer)
    grade_answer(one, grader=organizer, score=5)
    assert notices_of(learner, NoticeKind.GRADING) == []  # one answer still waits for a grader
    notice = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        learner,
        NoticeKind.GRADING,
        lambda: grade_answer(short, grader=organizer, score=4, comment="要点齐全"),
    )
    assert "接线实操考核" in notice.title and notice.url == f"/learn/attempts/{attempt.pk}/review/"


@pytest.fixture
def enrollment(course, learner, mentor, workstudy):
    enrollment = enroll(learner, course)
    enrollment.mentor = mentor
    enrollment.save()
    return enrollment


def _log(enrollment, learner, workstudy):
    return log_session(
        enrollment, learner=learner, task=workstudy.tasks.get(), date=dt.date.today(), hours="2", content="完成接线"
    )


@pytest.mark.parametrize("approve", [True, False])
def test_a_reviewed_work_log_sends_one_notice(
    approve, enrollment, learner, mentor, workstudy, django_capture_on_commit_callbacks
) -> None:
    log = _log(enrollment, learner, workstudy)
    notice = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        learner,
        NoticeKind.WORKLOG,
        lambda: review_log(log, mentor=mentor, approve=approve, comment="" if approve else "请补充现场照片"),
    )
    assert ("已通过" in notice.title) is approve
    assert approve or "请补充现场照片" in notice.body
    assert notice.url == f"/learn/courses/{enrollment.course_id}/workstudy/"


def test_learners_who_have_not_handed_in_are_reminded_once_before_an_exam_closes(
    course, quiz_factory, learner, make_person
) -> None:
    done = make_person(name="已交卷学员")
    enroll(learner, course)
    enroll(done, course)
    exam = quiz_factory(
        kind=QuizKind.EXAM, course=course, title="期末考试", closes_at=timezone.now() + dt.timedelta(hours=6)
    )
    submit_attempt(start_attempt(exam, done), done)
    quiz_factory(course=course, title="下月测验", closes_at=timezone.now() + dt.timedelta(days=30))
    assert reminders.run()["lms.exam_closing"] == 1
    assert reminders.run()["lms.exam_closing"] == 0
    reminder = Notice.objects.get(kind=NoticeKind.DEADLINE)
    assert reminder.person == learner and "期末考试" in reminder.title and reminder.url == f"/learn/quizzes/{exam.pk}/"
