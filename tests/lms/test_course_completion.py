"""Course completion: required lessons, quizzes passed and approved work-study hours; ledger and certificate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.actions import (
    complete_lesson,
    create_cohort,
    enroll,
    log_session,
    review_log,
    start_attempt,
    submit_attempt,
)
from lms.models import Certificate, Enrollment
from talent.models import Achievement, AchievementKind
from tests.lms.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_required_lessons_complete_a_simple_course_once_with_a_certificate(course, lessons, learner) -> None:
    enrollment = enroll(learner, course)
    assert enroll(learner, course).pk == enrollment.pk
    complete_lesson(enrollment, lessons[0], how="manual")
    enrollment.refresh_from_db()
    assert enrollment.progress == 50 and enrollment.completed_at is None
    complete_lesson(enrollment, lessons[1], how="read")
    enrollment.refresh_from_db()
    assert enrollment.progress == 100 and enrollment.completed_at is not None
    assert complete_lesson(enrollment, lessons[1], how="read") is False  # counted once
    certificate = Certificate.objects.get(holder=learner)
    assert certificate.kind == "course" and certificate.hours == course.hours
    kinds = set(Achievement.objects.filter(person=learner).values_list("kind", flat=True))
    assert kinds == {AchievementKind.COURSE_COMPLETION, AchievementKind.CERTIFICATE}


def test_a_video_counts_only_past_the_threshold(course, lessons, learner) -> None:
    enrollment = enroll(learner, course)
    with pytest.raises(ValidationError, match="90%"):
        complete_lesson(enrollment, lessons[0], how="video", watched=0.5)
    assert complete_lesson(enrollment, lessons[0], how="video", watched=0.95)


def test_a_course_quiz_and_work_study_must_also_be_done(
    course, lessons, learner, mentor, quiz_factory, workstudy
) -> None:
    quiz = quiz_factory(course=course)
    enrollment = enroll(learner, course)
    enrollment.mentor = mentor
    enrollment.save()
    for lesson in lessons[:2]:
        complete_lesson(enrollment, lesson, how="manual")
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    attempt = start_attempt(quiz, learner)
    from lms.actions import save_answer
    from lms.grading import OPTION_LETTERS

    perm = attempt.paper[0]["perm"]
    save_answer(attempt, learner, attempt.paper[0]["q"], OPTION_LETTERS[perm.index(1)])
    submit_attempt(attempt, learner)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None  # the work-study task still waits
    task = workstudy.tasks.get()
    photo = SimpleUploadedFile("site.jpg", jpeg_bytes(), content_type="image/jpeg")
    log = log_session(
        enrollment, learner=learner, task=task, date=dt.date.today(), hours="4", content="采集数据", photos=[photo]
    )
    review_log(log, mentor=mentor, approve=True, comment="完成良好")
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None and enrollment.certificate_id
    hours = Achievement.objects.get(person=learner, kind=AchievementKind.WORKSTUDY_HOURS)
    assert hours.data["hours"] == "4.0"


def test_an_enterprise_admin_enrolls_their_staff_as_a_cohort_but_not_outsiders(
    course, enterprise_admin, mentor, learner, outsider, make_person, acme
) -> None:
    colleague = make_person(org=acme)
    dates = {"starts_on": dt.date(2026, 3, 1), "ends_on": dt.date(2026, 6, 30)}
    with pytest.raises(ValidationError, match="不属于本单位"):
        create_cohort(
            actor=enterprise_admin, name="一班", course=course, mentor=mentor, learners=[learner, outsider], **dates
        )
    assert not Enrollment.objects.exists()
    cohort = create_cohort(
        actor=enterprise_admin, name="一班", course=course, mentor=mentor, learners=[learner, colleague], **dates
    )
    assert Enrollment.objects.filter(cohort=cohort).count() == 2
    with pytest.raises(PermissionDenied):
        create_cohort(actor=learner, name="二班", course=course, mentor=None, learners=[learner], **dates)
    with pytest.raises(ValidationError, match="结业日期"):
        create_cohort(
            actor=enterprise_admin,
            name="三班",
            course=course,
            mentor=None,
            learners=[learner],
            starts_on=dates["ends_on"],
            ends_on=dates["starts_on"],
        )
