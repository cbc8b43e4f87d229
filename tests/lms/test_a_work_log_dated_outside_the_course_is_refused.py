"""Work-log dates are bounded: not before the cohort's start (or 2020-01-01), not after today.

A log dated 0001-01-01 used to be stored and, once approved, counted its hours (issue #19, item 10).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lms.actions import create_cohort, enroll, log_session
from lms.models import Enrollment, WorkLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrollment(course, learner, mentor, workstudy):
    enrollment = enroll(learner, course)
    enrollment.mentor = mentor
    enrollment.save()
    return enrollment


def _cohort_enrollment(course, learner, mentor, enterprise_admin, starts_on):
    create_cohort(
        actor=enterprise_admin,
        name="一期",
        course=course,
        mentor=mentor,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=90),
        learners=[learner],
    )
    return Enrollment.objects.get(learner=learner, course=course)


def _log(enrollment, learner, workstudy, date):
    return log_session(enrollment, learner=learner, task=workstudy.tasks.get(), date=date, hours="2", content="接线")


def test_a_log_dated_year_one_is_refused_with_the_earliest_date(enrollment, learner, workstudy) -> None:
    with pytest.raises(ValidationError) as refused:
        _log(enrollment, learner, workstudy, dt.date(1, 1, 1))
    assert "2020-01-01" in refused.value.messages[0]
    assert not WorkLog.objects.exists()


def test_a_log_before_the_cohort_started_is_refused(learner, mentor, enterprise_admin, workstudy, course) -> None:
    starts_on = dt.date.today() - dt.timedelta(days=10)
    enrollment = _cohort_enrollment(course, learner, mentor, enterprise_admin, starts_on)
    with pytest.raises(ValidationError) as refused:
        _log(enrollment, learner, workstudy, starts_on - dt.timedelta(days=1))
    assert f"{starts_on:%Y-%m-%d}" in refused.value.messages[0]
    assert _log(enrollment, learner, workstudy, starts_on).date == starts_on


def test_the_work_study_page_shows_the_bound_as_a_form_error(client, enrollment, learner, workstudy, course) -> None:
    client.force_login(learner)
    response = client.post(
        f"/learn/courses/{course.pk}/workstudy/",
        {"task": workstudy.tasks.get().pk, "date": "0001-01-01", "hours": "2", "content": "接线"},
    )
    assert response.status_code == 200
    assert "日志日期不能早于 2020-01-01" in response.content.decode()
    assert not WorkLog.objects.exists()


def test_a_work_log_or_review_over_its_length_is_refused_not_cut(enrollment, learner, mentor, workstudy) -> None:
    from lms.actions import review_log

    with pytest.raises(ValidationError, match="当前 5001 字"):
        log_session(
            enrollment,
            learner=learner,
            task=workstudy.tasks.get(),
            date=dt.date.today(),
            hours="2",
            content="做" * 5001,
        )
    log = _log(enrollment, learner, workstudy, dt.date.today())
    with pytest.raises(ValidationError, match="当前 2001 字"):
        review_log(log, mentor=mentor, approve=False, comment="改" * 2001)
