"""/me/ for learners, mentors and enterprise admins: their own courses, quizzes, logs and cohorts,
nothing of another person's or another enterprise's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.choices import Role
from lms.actions import create_cohort, enroll, log_session, save_answer, start_attempt, submit_attempt
from lms.models import Enrollment, QuestionType
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db


def home(client, person) -> str:
    client.force_login(person)
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def cohort(course, learner, mentor, enterprise_admin, workstudy):
    today = dt.date.today()
    return create_cohort(
        actor=enterprise_admin,
        name="春季设备联网班",
        course=course,
        mentor=mentor,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=60),
        learners=[learner],
    )


def test_a_learner_sees_her_course_and_an_open_quiz_with_its_deadline(client, learner, course, quiz_factory) -> None:
    enroll(learner, course)
    closes = timezone.now() + dt.timedelta(days=3)
    quiz_factory(title="第一单元测验", course=course, closes_at=closes)
    page = home(client, learner)
    assert "工业互联网入门" in page
    assert "第一单元测验" in page
    assert f"截止 {timezone.localtime(closes):%Y-%m-%d %H:%M}" in page
    assert f'href="/learn/courses/{course.pk}/"' in page


def test_a_closed_quiz_and_a_quiz_of_another_course_are_not_listed(client, learner, course, quiz_factory) -> None:
    enroll(learner, course)
    quiz_factory(title="已截止的测验", course=course, closes_at=timezone.now() - dt.timedelta(hours=1))
    quiz_factory(title="别的课程的测验")
    page = home(client, learner)
    assert "已截止的测验" not in page
    assert "别的课程的测验" not in page
    assert "目前没有待完成的测验或考试" in page


def test_another_learner_sees_none_of_it_and_is_told_where_to_start(
    client, learner, outsider, course, quiz_factory
) -> None:
    enroll(learner, course)
    quiz_factory(title="第一单元测验", course=course)
    page = home(client, outsider)
    assert "工业互联网入门" not in page
    assert "第一单元测验" not in page
    assert "您还没有在学的课程" in page
    assert 'href="/learn/"' in page


def test_a_mentor_sees_the_log_waiting_for_her_and_a_mentor_elsewhere_does_not(
    client, make_person, rival, learner, mentor, cohort, workstudy
) -> None:
    enrollment = Enrollment.objects.get(learner=learner, cohort=cohort)
    log_session(
        enrollment, learner=learner, task=workstudy.tasks.get(), date=dt.date.today(), hours="2", content="接线"
    )
    page = home(client, mentor)
    assert "工学日志待审核" in page
    assert "王学员" in page
    assert 'href="/learn/mentor/"' in page
    other = make_person(Role.MENTOR, org=rival, name="青岛导师")
    page = home(client, other)
    assert "王学员" not in page
    assert "没有待审核的工学日志或答卷" in page


def test_an_enterprise_admin_sees_her_cohorts_progress_and_another_enterprises_admin_does_not(
    client, make_person, rival, enterprise_admin, cohort
) -> None:
    page = home(client, enterprise_admin)
    assert "春季设备联网班" in page
    assert "1 名学员" in page
    assert f'href="/learn/cohorts/{cohort.pk}/"' in page
    other = make_person(Role.ENTERPRISE_ADMIN, org=rival, name="青岛企管")
    page = home(client, other)
    assert "春季设备联网班" not in page
    assert "还没有培训班级" in page


def test_an_organizer_sees_a_short_answer_waiting_for_marking(client, learner, organizer, quiz_factory) -> None:
    question = make_question(QuestionType.SHORT, stem="说出两种工业通信协议")
    attempt = start_attempt(quiz_factory([question], title="通信协议简答"), learner)
    save_answer(attempt, learner, question.pk, "Modbus、OPC UA")
    submit_attempt(attempt, learner)
    page = home(client, organizer)
    assert "1 份答案待评分" in page
    assert "通信协议简答" in page
    assert 'href="/learn/grading/"' in page
