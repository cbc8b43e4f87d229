"""What a person's calendar shows from courses (accounts/calendar.py discovers this module).

The windows of the published quizzes and exams of the courses the person is enrolled in: when
each opens and when it closes. One query, whatever the number of courses or quizzes.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.calendar import Entry, EntryKind, in_window, register
from accounts.models import User
from lms.models import Enrollment, Quiz, QuizKind


@register
def quiz_windows(person: User, start: dt.datetime, end: dt.datetime) -> list[Entry]:
    """When the quizzes and exams of the person's courses open and close."""
    if not person.is_authenticated:
        return []
    courses = Enrollment.objects.filter(learner=person).values("course_id")
    quizzes = (
        Quiz.objects.filter(is_published=True, course_id__in=courses)
        .filter(Q(opens_at__gte=start, opens_at__lt=end) | Q(closes_at__gte=start, closes_at__lt=end))
        .only("pk", "title", "kind", "opens_at", "closes_at")
        .order_by("pk")
    )
    entries: list[Entry] = []
    for quiz in quizzes:
        url = reverse("lms:quiz", args=[quiz.pk])
        exam = quiz.kind == QuizKind.EXAM
        if in_window(quiz.opens_at, start, end):
            title = _("考试开始：%(q)s") if exam else _("测验开放：%(q)s")
            entries.append(
                Entry(
                    title=title % {"q": quiz.title},
                    starts=quiz.opens_at,
                    ends=None,
                    kind=EntryKind.EXAM,
                    url=url,
                    uid=f"lms-quiz-{quiz.pk}-opens",
                )
            )
        if in_window(quiz.closes_at, start, end):
            title = _("考试截止：%(q)s") if exam else _("测验截止：%(q)s")
            entries.append(
                Entry(
                    title=title % {"q": quiz.title},
                    starts=quiz.closes_at,
                    ends=None,
                    kind=EntryKind.EXAM,
                    url=url,
                    uid=f"lms-quiz-{quiz.pk}-closes",
                )
            )
    return entries
