"""Deadline reminders of lms (registered with accounts.reminders from LmsConfig.ready()).

Exam closing: a published quiz or exam of a course closes within the lead time; every learner
enrolled on that course who has not yet handed in an attempt is reminded once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import in_language_of
from accounts.reminders import Reminder
from lms.models import Attempt, AttemptStatus, Enrollment, Quiz


def exams_closing(now: dt.datetime, lead: dt.timedelta) -> Iterator[Reminder]:
    quizzes = Quiz.objects.filter(
        is_published=True, course__isnull=False, closes_at__gt=now, closes_at__lte=now + lead
    ).exclude(opens_at__gt=now)
    for quiz in quizzes:
        assert quiz.closes_at is not None
        handed_in = Attempt.objects.filter(quiz=quiz).exclude(status=AttemptStatus.IN_PROGRESS).values("learner")
        learners = (
            Enrollment.objects.filter(course_id=quiz.course_id)
            .exclude(learner__in=handed_in)
            .filter(learner__is_active=True)
            .select_related("learner")
        )
        closes = timezone.localtime(quiz.closes_at).strftime("%Y-%m-%d %H:%M")
        for enrollment in learners:
            with in_language_of(enrollment.learner):
                reminder = Reminder(
                    person=enrollment.learner,
                    subject=f"quiz:{quiz.pk}",
                    deadline=quiz.closes_at,
                    title=_("%(kind)s即将截止：%(quiz)s") % {"kind": quiz.get_kind_display(), "quiz": quiz.title},
                    body=_("将于 %(t)s 关闭，您还没有提交。") % {"t": closes},
                    url=reverse("lms:quiz", args=[quiz.pk]),
                )
            yield reminder
