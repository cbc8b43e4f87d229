"""The LMS's panels on the person's home (/me/, accounts.home): a learner's courses in progress,
quizzes and exams open to them with their deadlines, and certificates; a mentor's logs and
answers waiting; an enterprise admin's staff progress per cohort. Reads only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.home import QUEUE_PREVIEW, Panel, register
from accounts.models import User
from lms import quizzes, selectors, workstudy
from lms.models import Attempt, Certificate, Enrollment, Quiz, QuizKind

SHOWN = 4


def learning_in_progress(person: User) -> Mapping[str, Any] | None:
    """The courses the person has not finished, most advanced first, with where to continue."""
    enrollments = list(
        Enrollment.objects.filter(learner=person, completed_at__isnull=True)
        .select_related("course", "last_lesson")
        .order_by("-progress", "-enrolled_at", "-pk")[: SHOWN + 1]
    )
    if not enrollments:
        return None
    return {"enrollments": enrollments[:SHOWN], "more": len(enrollments) > SHOWN}


def open_quizzes(person: User) -> Mapping[str, Any] | None:
    """Published quizzes and exams of the person's unfinished courses that are open now and not
    yet passed, the nearest deadline first (those without a deadline last)."""
    now = timezone.now()
    courses = Enrollment.objects.filter(learner=person, completed_at__isnull=True).values("course_id")
    passed = Attempt.objects.filter(quiz=OuterRef("pk"), learner=person, passed=True)
    found = list(
        Quiz.objects.filter(course_id__in=courses, is_published=True)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .exclude(Exists(passed))
        .select_related("course")
        .order_by("closes_at", "pk")[: SHOWN + 1]
    )
    # NULL sorts first on SQLite and last on PostgreSQL: put quizzes without a deadline last here.
    found.sort(key=lambda q: (q.closes_at is None, q.closes_at or now, q.pk))
    if not found:
        return None
    return {"quizzes": found[:SHOWN], "more": len(found) > SHOWN, "exam": QuizKind.EXAM}


def my_certificates(person: User) -> Mapping[str, Any] | None:
    certificates = list(Certificate.objects.filter(holder=person, revoked_at__isnull=True)[: SHOWN + 1])
    if not certificates:
        return None
    return {"certificates": certificates[:SHOWN], "more": len(certificates) > SHOWN}


def mentor_waiting(person: User) -> Mapping[str, Any] | None:
    """Work-study logs waiting for this mentor, and answers waiting for marking (when they may mark)."""
    logs = workstudy.mentor_queue(person)
    rows = list(logs.prefetch_related(None)[:QUEUE_PREVIEW])
    log_count = logs.count() if len(rows) == QUEUE_PREVIEW else len(rows)
    answers = quizzes.grading_queue(person).count() if quizzes.can_grade(person) else 0
    if not log_count and not answers:
        return None
    return {"logs": rows, "log_count": log_count, "answers": answers}


def answers_to_mark(person: User) -> Mapping[str, Any] | None:
    """Short and practical answers waiting for marking that this person may mark (organizers
    mark every quiz's), oldest first."""
    if not quizzes.can_grade(person):
        return None
    queue = quizzes.grading_queue(person)
    rows = list(queue[:QUEUE_PREVIEW])
    if not rows:
        return None
    return {"answers": rows, "count": queue.count() if len(rows) == QUEUE_PREVIEW else len(rows)}


def staff_progress(person: User) -> Mapping[str, Any] | None:
    """An enterprise admin's cohorts (her organizations', by grant) with learners, finished
    learners and average progress."""
    cohorts = list(
        selectors.cohorts_visible_to(person)
        .annotate(
            learners=Count("enrollments", distinct=True),
            finished=Count("enrollments", filter=Q(enrollments__completed_at__isnull=False), distinct=True),
            average=Avg("enrollments__progress"),
        )
        .order_by("-created_at", "-pk")[: SHOWN + 2]
    )
    if not cohorts:
        return None
    return {"cohorts": cohorts[: SHOWN + 1], "more": len(cohorts) > SHOWN + 1}


register(
    Panel(
        key="lms.continue",
        role=Role.LEARNER,
        title=_("继续学习"),
        template="lms/home/continue.html",
        selector=learning_in_progress,
        empty=_("您还没有在学的课程。选一门课程开始学习吧。"),
        empty_url="lms:catalog",
        empty_label=_("去选课"),
        order=10,
    )
)
register(
    Panel(
        key="lms.quizzes",
        role=Role.LEARNER,
        title=_("待完成的测验与考试"),
        template="lms/home/quizzes.html",
        selector=open_quizzes,
        empty=_("目前没有待完成的测验或考试。学完课时后，课程的测验会出现在这里。"),
        empty_url="lms:dashboard",
        empty_label=_("我的学习"),
        order=20,
    )
)
register(
    Panel(
        key="lms.certificates",
        role=Role.LEARNER,
        title=_("我的证书"),
        template="lms/home/certificates.html",
        selector=my_certificates,
        empty=_("还没有证书。完成课程并通过测验后即可获得结业证书。"),
        empty_url="lms:catalog",
        empty_label=_("浏览课程"),
        order=40,
    )
)
register(
    Panel(
        key="lms.mentor",
        role=Role.MENTOR,
        title=_("待我审核"),
        template="lms/home/mentor.html",
        selector=mentor_waiting,
        empty=_("没有待审核的工学日志或答卷。学员提交后会出现在这里。"),
        empty_url="lms:mentor",
        empty_label=_("导师工作台"),
        order=10,
    )
)
register(
    Panel(
        key="lms.staff",
        role=Role.ENTERPRISE_ADMIN,
        title=_("员工学习进度"),
        template="lms/home/staff.html",
        selector=staff_progress,
        empty=_("还没有培训班级。创建班级并指定导师，员工的学习进度会汇总在这里。"),
        empty_url="lms:cohort_new",
        empty_label=_("创建班级"),
        order=10,
    )
)
register(
    Panel(
        key="lms.grading",
        role=Role.ORGANIZER,
        title=_("待评阅的答卷"),
        template="lms/home/grading.html",
        selector=answers_to_mark,
        empty=_("没有待评阅的简答题或实操题答卷。学员交卷后，需要人工评分的答案会出现在这里。"),
        empty_url="lms:manage",
        empty_label=_("测验与课程设置"),
        order=20,
    )
)
