"""The learner's path through the pages, the mentor's queue, the cohort page, autosave API, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from lms.actions import create_cohort, enroll, log_session, start_attempt
from lms.models import AttemptAnswer, Enrollment, LessonActivity, LessonProgress, WorkLog

pytestmark = pytest.mark.django_db


def test_the_catalog_filters_by_track_domain_level_and_industry(client, course) -> None:
    assert course.title in client.get("/learn/").content.decode()
    assert course.title in client.get("/learn/", {"track": "operator", "industry": "textile"}).content.decode()
    assert course.title not in client.get("/learn/", {"track": "manager"}).content.decode()
    assert course.title not in client.get("/learn/", {"domain": "cybersecurity"}).content.decode()
    assert course.title not in client.get("/learn/", {"level": "advanced"}).content.decode()


def test_a_learner_enrolls_reads_a_lesson_and_resumes_there(client, course, lessons, learner) -> None:
    client.force_login(learner)
    client.post(f"/learn/courses/{course.pk}/enroll/")
    enrollment = Enrollment.objects.get(learner=learner)
    client.get(f"/learn/courses/{course.pk}/lessons/{lessons[1].pk}/")
    page = client.get(f"/learn/courses/{course.pk}/").content.decode()
    assert "继续学习" in page and lessons[1].title in page
    url = f"/learn/courses/{course.pk}/lessons/{lessons[1].pk}/done/"
    response = client.post(url, {"how": "read", "end": "1"}, HTTP_ACCEPT="application/json")
    assert response.json()["done"] is False and response.json()["progress"] == 0
    for _beat in range(2):  # two heartbeats, 30 s apart by the server's clock: the 1-minute floor
        LessonActivity.objects.filter(enrollment=enrollment).update(
            last_seen_at=timezone.now() - dt.timedelta(seconds=30)
        )
        response = client.post(url, {"how": "read"}, HTTP_ACCEPT="application/json")
    assert response.json()["done"] is True and response.json()["progress"] == 50
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1


def test_a_lesson_of_another_course_or_without_enrollment_is_refused(client, course, lessons, learner) -> None:
    client.force_login(learner)
    assert client.get(f"/learn/courses/{course.pk}/lessons/{lessons[0].pk}/").status_code == 302
    enroll(learner, course)
    assert client.get(f"/learn/courses/{course.pk}/lessons/999999/").status_code == 404


def test_the_autosave_api_stores_answers_and_refuses_foreign_questions(client, learner, quiz_factory) -> None:
    attempt = start_attempt(quiz_factory(), learner)
    client.force_login(learner)
    qid = attempt.paper[0]["q"]
    ok = client.post(
        f"/api/lms/attempts/{attempt.pk}/answers", {"question": qid, "response": "A"}, content_type="application/json"
    )
    assert ok.status_code == 200 and AttemptAnswer.objects.filter(attempt=attempt).count() == 1
    bad = client.post(
        f"/api/lms/attempts/{attempt.pk}/answers",
        {"question": qid + 999, "response": "A"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "不在您的试卷上" in bad.json()["detail"]


def test_the_autosave_api_needs_the_csrf_token(learner, quiz_factory) -> None:
    attempt = start_attempt(quiz_factory(), learner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(
        f"/api/lms/attempts/{attempt.pk}/answers",
        {"question": attempt.paper[0]["q"], "response": "A"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_mentor_approves_from_the_queue_page(client, course, learner, mentor, workstudy) -> None:
    enrollment = enroll(learner, course)
    enrollment.mentor = mentor
    enrollment.save()
    log = log_session(
        enrollment, learner=learner, task=workstudy.tasks.get(), date=dt.date.today(), hours=2, content="<b>接线</b>"
    )
    client.force_login(mentor)
    page = client.get("/learn/mentor/").content.decode()
    assert "&lt;b&gt;接线&lt;/b&gt;" in page
    client.post("/learn/mentor/", {"log": log.pk, "decision": "approve", "comment": "好"})
    assert WorkLog.objects.get(pk=log.pk).status == "approved"


def test_the_cohort_page_charts_progress_and_is_scoped(
    client, course, enterprise_admin, mentor, make_person, acme, outsider
) -> None:
    hostile = make_person(org=acme, name="=HYPERLINK(1)")
    cohort = create_cohort(
        actor=enterprise_admin,
        name="一班",
        course=course,
        mentor=mentor,
        learners=[hostile],
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 6, 1),
    )
    client.force_login(enterprise_admin)
    page = client.get(f"/learn/cohorts/{cohort.pk}/").content.decode()
    assert "<svg" in page and "=HYPERLINK(1)" in page  # the export is tests/exchange's
    client.force_login(outsider)
    assert client.get(f"/learn/cohorts/{cohort.pk}/").status_code == 404


def test_dashboard_course_page_and_grading_queue_use_a_bounded_number_of_queries(
    client, course, lessons, learner, make_person, acme, organizer, quiz_factory, django_assert_max_num_queries
) -> None:
    from lms.actions import save_answer, submit_attempt
    from lms.models import QuestionType
    from tests.lms.conftest import make_question

    for i in range(6):
        person = make_person(org=acme)
        enroll(person, course)
        quiz = quiz_factory([make_question(QuestionType.SHORT, stem=f"简答{i}")], title=f"测{i}")
        attempt = start_attempt(quiz, person)
        save_answer(attempt, person, attempt.paper[0]["q"], "答案")
        submit_attempt(attempt, person)
    enroll(learner, course)
    client.force_login(learner)
    with django_assert_max_num_queries(20):
        dashboard = client.get("/learn/me/")
    assert dashboard.status_code == 200 and course.title in dashboard.content.decode()
    with django_assert_max_num_queries(30):
        page = client.get(f"/learn/courses/{course.pk}/")
    assert page.status_code == 200 and page.context["enrollment"] is not None
    client.force_login(organizer)
    with django_assert_max_num_queries(20):
        grading = client.get("/learn/grading/")
    assert grading.status_code == 200 and grading.content.decode().count("提交评分") == 6
