"""Enrollment, cohorts, lesson progress and course completion. Re-exported by lms.actions.

Completion rule (per course, `CourseRule`, defaults all on): every required live lesson done,
every published quiz of the course that counts for completion passed, and — when the course has
a work-study module — every task's required hours covered by mentor-approved logs. Completion
writes a COURSE_COMPLETION achievement and issues the course certificate in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.choices import Role
from accounts.models import Organization, User
from accounts.selectors import mentor_org_ids
from cms.models import CoursePage, LessonPage
from lms.certificates import issue_certificate
from lms.models import (
    Attempt,
    Cohort,
    CompletionHow,
    CourseRule,
    Enrollment,
    LessonProgress,
    LogStatus,
    Quiz,
    WorkLog,
    WorkStudyModule,
)
from talent.actions import record_achievement
from talent.models import AchievementKind


def rule_for(course: CoursePage) -> CourseRule:
    rule = CourseRule.objects.filter(course=course).first()
    return rule or CourseRule(course=course)


def lessons_of(course: CoursePage) -> list[LessonPage]:
    """Live lessons in page-tree order."""
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


# --- Enrollment ----------------------------------------------------------------------------------


@transaction.atomic
def enroll(learner: User, course: CoursePage, *, actor: User | None = None, cohort: Cohort | None = None) -> Enrollment:
    """Enroll a learner (idempotent; an existing enrollment joins the cohort if one is given)."""
    if not course.live:
        raise ValidationError(_("该课程尚未发布，暂不能报名。"))
    existing = Enrollment.objects.filter(learner=learner, course=course).first()
    if existing is not None:
        if cohort is not None and existing.cohort_id != cohort.pk:
            existing.cohort = cohort
            existing.save(update_fields=["cohort"])
        return existing
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                learner=learner, course=course, cohort=cohort, enrolled_by=actor or learner
            )
    except IntegrityError:
        return Enrollment.objects.get(learner=learner, course=course)
    audit(
        actor or learner, "lms.enroll", enrollment, after={"course": course.pk, "cohort": cohort.pk if cohort else None}
    )
    return enrollment


def _admin_org(actor: User) -> Organization:
    """The organization the actor's enterprise admin grant names (not her profile's employer)."""
    grant = actor.role_grants.filter(role=Role.ENTERPRISE_ADMIN).select_related("organization").first()
    if grant is None or grant.organization is None:
        raise PermissionDenied(_("只有企业管理员可以为本单位员工批量报名。"))
    return grant.organization


def _mentors_for(mentor: User, org: Organization) -> bool:
    """`mentor` holds a mentor grant for `org`."""
    return org.pk in mentor_org_ids(mentor)


@transaction.atomic
def create_cohort(
    *,
    actor: User,
    name: str,
    course: CoursePage,
    mentor: User | None,
    starts_on: dt.date,
    ends_on: dt.date,
    learners: Iterable[User],
) -> Cohort:
    """An enterprise admin opens a class for their own staff and enrolls them all.

    The mentor and every learner must belong to the admin's organization; any outsider refuses
    the whole request (nothing is written).
    """
    org = _admin_org(actor)
    if not name.strip():
        raise ValidationError(_("请填写班级名称。"))
    if ends_on < starts_on:
        raise ValidationError(_("结业日期不能早于开班日期。"))
    if mentor is not None and not _mentors_for(mentor, org):
        raise ValidationError(_("导师必须是本单位的企业导师。"))
    people = list(learners)
    if not people:
        raise ValidationError(_("请至少选择一名学员。"))
    outsiders = [p.real_name for p in people if p.organization_id != org.pk]
    if outsiders:
        raise ValidationError(_("以下人员不属于本单位，不能加入班级：%(names)s") % {"names": "、".join(outsiders)})
    cohort = Cohort.objects.create(
        name=name.strip()[:120],
        organization=org,
        course=course,
        mentor=mentor,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    for person in people:
        enroll(person, course, actor=actor, cohort=cohort)
    audit(actor, "lms.cohort.create", cohort, after={"course": course.pk, "learners": [p.pk for p in people]})
    return cohort


@transaction.atomic
def assign_mentor(enrollment: Enrollment, *, actor: User, mentor: User) -> Enrollment:
    """Give one learner their own mentor (overrides the cohort's). Same organization only."""
    org = _admin_org(actor)
    if enrollment.learner.organization_id != org.pk:
        raise PermissionDenied(_("该学员不属于本单位。"))
    if not _mentors_for(mentor, org):
        raise ValidationError(_("导师必须是本单位的企业导师。"))
    before = enrollment.mentor_id
    enrollment.mentor = mentor
    enrollment.save(update_fields=["mentor"])
    audit(actor, "lms.mentor.assign", enrollment, before={"mentor": before}, after={"mentor": mentor.pk})
    return enrollment


# --- Lesson progress -----------------------------------------------------------------------------


def visit_lesson(enrollment: Enrollment, lesson: LessonPage) -> None:
    """Remember where the learner is, so the course page can resume there."""
    if enrollment.last_lesson_id != lesson.pk:
        Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson)
        enrollment.last_lesson_id = lesson.pk


VIDEO_THRESHOLD = 0.9


def complete_lesson(enrollment: Enrollment, lesson: LessonPage, *, how: str, watched: float | None = None) -> bool:
    """Mark a lesson done (read to the end, video watched past 90 %, or marked by hand).

    Returns True when this completed the lesson now. The lesson must belong to the course.
    Checks run before the transaction and its first statement is the insert: on SQLite a
    transaction that reads before it writes fails at once when another request (the page's own
    "read to the end" report, racing the button) commits in between.
    """
    if how not in CompletionHow.values:
        raise ValidationError(_("未知的完成方式。"))
    if how == CompletionHow.VIDEO and (watched is None or watched < VIDEO_THRESHOLD):
        raise ValidationError(_("视频观看未达到 90%，暂不能记为完成。"))
    if lesson.get_parent().pk != enrollment.course_id:
        raise ValidationError(_("该课时不属于这门课程。"))
    with transaction.atomic():
        try:
            with transaction.atomic():
                LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, how=how)
        except IntegrityError:
            return False
        refresh(enrollment)
    return True


# --- Completion ----------------------------------------------------------------------------------


def status(enrollment: Enrollment, lessons: list[LessonPage] | None = None) -> dict[str, Any]:
    """The completion picture of one enrollment (a fixed number of queries)."""
    course = enrollment.course
    rule = rule_for(course)
    lessons = lessons if lessons is not None else lessons_of(course)
    done_ids = set(LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True))
    required = [lesson for lesson in lessons if lesson.is_required] or lessons
    quizzes = list(Quiz.objects.filter(course_id=course.pk, is_published=True, counts_for_completion=True))
    passed_ids = set(
        Attempt.objects.filter(learner_id=enrollment.learner_id, quiz__in=quizzes, passed=True).values_list(
            "quiz_id", flat=True
        )
    )
    module = WorkStudyModule.objects.filter(course_id=course.pk).prefetch_related("tasks").first()
    tasks: list[dict[str, Any]] = []
    if module is not None:
        approved = dict(
            WorkLog.objects.filter(enrollment=enrollment, status=LogStatus.APPROVED)
            .values("task_id")
            .annotate(h=Sum("hours"))
            .values_list("task_id", "h")
        )
        for task in module.tasks.all():
            hours = approved.get(task.pk) or Decimal(0)
            tasks.append({"task": task, "hours": hours, "done": hours >= task.required_hours})
    parts_total = parts_done = 0
    lessons_ok = all(lesson.pk in done_ids for lesson in required)
    if rule.require_lessons:
        parts_total += len(required)
        parts_done += sum(1 for lesson in required if lesson.pk in done_ids)
    quizzes_ok = all(q.pk in passed_ids for q in quizzes)
    if rule.require_quizzes:
        parts_total += len(quizzes)
        parts_done += len(passed_ids)
    workstudy_ok = all(t["done"] for t in tasks)
    if rule.require_workstudy and module is not None:
        parts_total += len(tasks)
        parts_done += sum(1 for t in tasks if t["done"])
    complete = (
        (lessons_ok or not rule.require_lessons)
        and (quizzes_ok or not rule.require_quizzes)
        and (workstudy_ok or not rule.require_workstudy or module is None)
    )
    percent = 100 if complete else (parts_done * 100 // parts_total if parts_total else 0)
    return {
        "rule": rule,
        "lessons": lessons,
        "done_ids": done_ids,
        "quizzes": quizzes,
        "passed_ids": passed_ids,
        "module": module,
        "tasks": tasks,
        "percent": min(percent, 100),
        "complete": complete,
        "approved_hours": sum((t["hours"] for t in tasks), Decimal(0)),
    }


@transaction.atomic
def refresh(enrollment: Enrollment) -> Enrollment:
    """Recompute progress; on first completion record the achievement and issue the certificate."""
    locked = Enrollment.objects.select_for_update().select_related("course", "learner").get(pk=enrollment.pk)
    picture = status(locked)
    locked.progress = picture["percent"]
    fields = ["progress"]
    if picture["complete"] and locked.completed_at is None:
        locked.completed_at = timezone.now()
        fields.append("completed_at")
        course = locked.course
        record_achievement(
            person=locked.learner,
            kind=AchievementKind.COURSE_COMPLETION,
            source="lms.enrollment",
            source_id=locked.pk,
            title=course.title,
            occurred_at=locked.completed_at,
            data={
                "course_id": course.pk,
                "hours": str(course.hours),
                "domain": course.skill_domain,
                "level": course.level,
                "workstudy_hours": str(picture["approved_hours"]),
            },
        )
        rule = picture["rule"]
        if rule.issue_certificate:
            locked.certificate = issue_certificate(
                holder=locked.learner,
                kind="course",
                title=course.title,
                issuer_name=rule.issuer_name,
                hours=course.hours,
                source="lms.course",
                source_id=course.pk,
                details={"course_id": course.pk, "completed_at": locked.completed_at.isoformat()},
            )
            fields.append("certificate")
        audit(locked.learner, "lms.complete", locked, after={"course": course.pk})
    locked.save(update_fields=fields)
    enrollment.progress, enrollment.completed_at = locked.progress, locked.completed_at
    enrollment.certificate_id = locked.certificate_id
    return locked


def on_quiz_passed(attempt: Attempt) -> None:
    quiz = attempt.quiz
    if quiz.course_id and quiz.counts_for_completion:
        enrollment = Enrollment.objects.filter(learner_id=attempt.learner_id, course_id=quiz.course_id).first()
        if enrollment is not None:
            refresh(enrollment)
