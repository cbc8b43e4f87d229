"""Issue #15 item 5: the courses a person is enrolled in put the opening and closing of their
published quizzes and exams on the person's calendar; other courses' and unpublished ones do not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.calendar import EntryKind, Month, entries_for, feed_window, month_page
from lms import actions
from lms.models import QuizKind

pytestmark = pytest.mark.django_db


def test_an_enrolled_learner_sees_when_her_exam_opens_and_closes(course, learner, outsider, quiz_factory) -> None:
    now = timezone.now().replace(microsecond=0)
    exam = quiz_factory(
        title="期末考试",
        kind=QuizKind.EXAM,
        course=course,
        opens_at=now + dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=9),
    )
    actions.enroll(learner, course)
    entries = {e.uid: e for e in entries_for(learner, *feed_window())}
    assert set(entries) == {f"lms-quiz-{exam.pk}-opens", f"lms-quiz-{exam.pk}-closes"}
    closes = entries[f"lms-quiz-{exam.pk}-closes"]
    assert closes.title == "考试截止：期末考试" and closes.starts == exam.closes_at
    assert closes.kind == EntryKind.EXAM and closes.url == f"/learn/quizzes/{exam.pk}/"
    assert entries[f"lms-quiz-{exam.pk}-opens"].title == "考试开始：期末考试"
    # Not enrolled: nothing.
    assert entries_for(outsider, *feed_window()) == []


def test_unpublished_undated_and_other_courses_quizzes_are_left_off(course, learner, quiz_factory) -> None:
    now = timezone.now()
    quiz_factory(title="未发布", course=course, is_published=False, closes_at=now + dt.timedelta(days=3))
    quiz_factory(title="不限时间", course=course)
    quiz_factory(title="别的课", closes_at=now + dt.timedelta(days=3))
    actions.enroll(learner, course)
    assert entries_for(learner, *feed_window()) == []


def test_the_month_page_puts_a_quiz_deadline_on_its_local_day(course, learner, quiz_factory) -> None:
    # 2027-03-01 01:30 in Shanghai is still February the 28th in UTC: the page shows it on March 1st.
    closes = timezone.make_aware(dt.datetime(2027, 3, 1, 1, 30))
    quiz = quiz_factory(title="三月测验", course=course, closes_at=closes)
    actions.enroll(learner, course)
    march = month_page(learner, Month(2027, 3), today=dt.date(2027, 3, 15))
    day = next(d for week in march["weeks"] for d in week if d.entries)
    assert day.date == dt.date(2027, 3, 1) and day.entries[0].uid == f"lms-quiz-{quiz.pk}-closes"
    assert [d.date for d in march["agenda"]] == [dt.date(2027, 3, 1)]
    assert month_page(learner, Month(2027, 2), today=dt.date(2027, 3, 15))["agenda"] == []


def test_one_query_for_any_number_of_quizzes(course, learner, quiz_factory) -> None:
    from lms.calendar import quiz_windows

    now = timezone.now()
    actions.enroll(learner, course)
    quiz_factory(title="测验一", course=course, closes_at=now + dt.timedelta(days=3))
    with CaptureQueriesContext(connection) as one:
        quiz_windows(learner, *feed_window())
    for i in range(5):
        quiz_factory(title=f"测验{i + 2}", course=course, closes_at=now + dt.timedelta(days=4 + i))
    with CaptureQueriesContext(connection) as six:
        found = quiz_windows(learner, *feed_window())
    assert len(found) == 6 and len(one.captured_queries) == len(six.captured_queries) == 1
