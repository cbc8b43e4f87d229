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
from lms import lesson_rules
from lms.certificates import issue_certificate
from lms.models import (
    Attempt,
    Cohort,
    CompletionHow,
    CourseRule,
    Enrollment,
    LessonActivity,
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


def visit_lesson(enrollment: Enrollment, lesson: LessonPage, *, now: dt.datetime | None = None) -> None:
    """Remember where the learner is (the course page resumes there) and start the reading clock:
    the page's first heartbeat credits the time since this visit. A lesson whose rule is a quiz
    the learner has already passed is completed here."""
    now = now or timezone.now()
    if enrollment.last_lesson_id != lesson.pk:
        Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson)
        enrollment.last_lesson_id = lesson.pk
    updated = LessonActivity.objects.filter(enrollment=enrollment, lesson=lesson).update(last_seen_at=now)
    if not updated:
        try:
            with transaction.atomic():
                LessonActivity.objects.create(enrollment=enrollment, lesson=lesson, last_seen_at=now)
        except IntegrityError:
            pass
    rule = lesson_rules.rule_for_lesson(lesson.body)
    if rule.kind == "quiz" and _quiz_passed(enrollment, rule.quiz_id):
        complete_lesson(enrollment, lesson, how=CompletionHow.QUIZ)


def _quiz_passed(enrollment: Enrollment, quiz_id: int | None) -> bool:
    if quiz_id is None:
        return False
    return Attempt.objects.filter(learner_id=enrollment.learner_id, quiz_id=quiz_id, passed=True).exists()


def _activity(enrollment: Enrollment, lesson: LessonPage) -> LessonActivity:
    """The lesson's activity row, locked (created if the page was never rendered)."""
    activity = LessonActivity.objects.select_for_update().filter(enrollment=enrollment, lesson=lesson).first()
    if activity is None:
        try:
            with transaction.atomic():
                LessonActivity.objects.create(enrollment=enrollment, lesson=lesson)
        except IntegrityError:
            pass
        activity = LessonActivity.objects.select_for_update().get(enrollment=enrollment, lesson=lesson)
    return activity


def _check_lesson(enrollment: Enrollment, lesson: LessonPage) -> None:
    if lesson.get_parent().pk != enrollment.course_id:
        raise ValidationError(_("该课时不属于这门课程。"))


def report_reading(
    enrollment: Enrollment,
    lesson: LessonPage,
    *,
    end_seen: bool,
    now: dt.datetime | None = None,
    whole_visit: bool = False,
) -> dict[str, Any]:
    """A heartbeat from the lesson page (sent while it is visible), `end_seen` once the end-of-text
    marker scrolled into view. Credits the server time since the previous heartbeat or visit (at
    most lesson_rules.PING_CREDIT_MAX) and completes a reading lesson whose end was seen and whose
    minimum time is reached (lms.lesson_rules). Returns the lesson's state (`lesson_state`).

    `whole_visit`: the learner's own "我已读完" click on a page without its script (no heartbeats):
    the time since the visit counts up to the reading maximum, still by the server's clock."""
    now = now or timezone.now()
    _check_lesson(enrollment, lesson)
    with transaction.atomic():
        activity = _activity(enrollment, lesson)
        if activity.last_seen_at is not None and now > activity.last_seen_at:
            cap = lesson_rules.READING_MAX_MINUTES * 60 if whole_visit else lesson_rules.PING_CREDIT_MAX
            credit = min((now - activity.last_seen_at).total_seconds(), cap)
            activity.read_seconds += int(credit)
        activity.last_seen_at = now
        if end_seen and activity.end_seen_at is None:
            activity.end_seen_at = now
        activity.save(update_fields=["read_seconds", "last_seen_at", "end_seen_at"])
    rule = lesson_rules.rule_for_lesson(lesson.body)
    if rule.kind == "read" and activity.end_seen_at is not None and activity.read_seconds >= rule.min_seconds:
        complete_lesson(enrollment, lesson, how=CompletionHow.READ)
    return lesson_state(enrollment, lesson, activity=activity, rule=rule)


def report_video(
    enrollment: Enrollment,
    lesson: LessonPage,
    *,
    intervals: list[list[float]],
    duration: float,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The video's played intervals (seconds) since the page's last report. The server merges
    them with those it holds; a report that adds more than VIDEO_RATE_MAX times the server time
    since the previous report or visit (+ VIDEO_SLACK_SECONDS) is refused, and so is a duration
    that differs from the first one reported. Completes a video lesson at 90 % coverage.

    The video's length is the browser's (the server does not probe media files)."""
    now = now or timezone.now()
    _check_lesson(enrollment, lesson)
    if not 0 < duration <= lesson_rules.VIDEO_DURATION_MAX:
        raise ValidationError(_("视频时长无效。"))
    if len(intervals) > lesson_rules.INTERVALS_MAX:
        raise ValidationError(_("观看记录过长，请刷新页面后继续观看。"))
    with transaction.atomic():
        activity = _activity(enrollment, lesson)
        if activity.video_duration is None:
            activity.video_duration = duration
        elif abs(activity.video_duration - duration) > 1:
            raise ValidationError(_("视频时长与之前的记录不一致，本次观看记录未计入。"))
        stored = [list(map(float, pair)) for pair in activity.video_intervals]
        merged = lesson_rules.merge_intervals(stored + intervals, activity.video_duration)
        added = lesson_rules.covered(merged) - lesson_rules.covered(stored)
        since = activity.video_reported_at or activity.last_seen_at or now
        allowed = max(0.0, (now - since).total_seconds()) * lesson_rules.VIDEO_RATE_MAX
        if added > allowed + lesson_rules.VIDEO_SLACK_SECONDS:
            raise ValidationError(_("观看记录超过了实际经过的时间，本次记录未计入。"))
        activity.video_intervals = merged
        activity.video_reported_at = now
        activity.save(update_fields=["video_duration", "video_intervals", "video_reported_at"])
    rule = lesson_rules.rule_for_lesson(lesson.body)
    share = lesson_rules.covered(merged) / activity.video_duration
    if rule.kind == "video" and share >= lesson_rules.VIDEO_THRESHOLD:
        complete_lesson(enrollment, lesson, how=CompletionHow.VIDEO)
    return lesson_state(enrollment, lesson, activity=activity, rule=rule)


def lesson_state(
    enrollment: Enrollment,
    lesson: LessonPage,
    *,
    activity: LessonActivity | None = None,
    rule: lesson_rules.LessonRule | None = None,
) -> dict[str, Any]:
    """The lesson's rule and the learner's progress toward it, for the page and its script."""
    rule = rule or lesson_rules.rule_for_lesson(lesson.body)
    if activity is None:
        activity = LessonActivity.objects.filter(enrollment=enrollment, lesson=lesson).first()
    done = LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).exists()
    read_seconds = activity.read_seconds if activity else 0
    end_seen = bool(activity and activity.end_seen_at)
    video_share = 0.0
    if activity and activity.video_duration:
        video_share = lesson_rules.covered(activity.video_intervals) / activity.video_duration
    quiz_passed = rule.kind == "quiz" and _quiz_passed(enrollment, rule.quiz_id)
    if rule.kind == "read":
        percent = min(100, read_seconds * 100 // max(rule.min_seconds, 1))
        if not end_seen:
            percent = min(percent, 99)
    elif rule.kind == "video":
        percent = min(100, int(video_share * 100 / lesson_rules.VIDEO_THRESHOLD))
    else:
        percent = 100 if quiz_passed else 0
    if done:
        status_text = _("本课时已完成")
    elif rule.kind == "read":
        status_text = _("已停留 %(t)s，需 %(n)d 分钟；%(end)s") % {
            "t": _duration_text(min(read_seconds, rule.min_seconds)),
            "n": rule.min_seconds // 60,
            "end": _("已读到末尾") if end_seen else _("尚未读到末尾"),
        }
    elif rule.kind == "video":
        status_text = _("已观看 %(p)d%%，需达到 90%%（快进跳过的部分不计）") % {"p": int(video_share * 100)}
    else:
        status_text = _("尚未通过本课测验")
    return {
        "rule": rule.kind,
        "label": rule.label,
        "status_text": status_text,
        "quiz_id": rule.quiz_id,
        "min_seconds": rule.min_seconds,
        "read_seconds": min(read_seconds, rule.min_seconds) if rule.kind == "read" else read_seconds,
        "end_seen": end_seen,
        "video_percent": int(video_share * 100),
        "quiz_passed": quiz_passed,
        "percent": 100 if done else percent,
        "done": done,
    }


def _duration_text(seconds: int) -> str:
    minutes, rest = divmod(int(seconds), 60)
    if minutes and rest:
        return _("%(m)d 分 %(s)d 秒") % {"m": minutes, "s": rest}
    if minutes:
        return _("%(m)d 分钟") % {"m": minutes}
    return _("%(s)d 秒") % {"s": rest}


def complete_lesson(enrollment: Enrollment, lesson: LessonPage, *, how: str, watched: float | None = None) -> bool:
    """Record a lesson as done. Callers have checked the evidence (report_reading, report_video, a
    passed quiz); no view passes a learner's claim here directly. `how` names the evidence.

    Returns True when this completed the lesson now. The lesson must belong to the course.
    Checks run before the transaction and its first statement is the insert: on SQLite a
    transaction that reads before it writes fails at once when another request (the page's own
    report, racing another) commits in between.
    """
    if how not in CompletionHow.values:
        raise ValidationError(_("未知的完成方式。"))
    if how == CompletionHow.VIDEO and watched is not None and watched < lesson_rules.VIDEO_THRESHOLD:
        raise ValidationError(_("视频观看未达到 90%，暂不能记为完成。"))
    _check_lesson(enrollment, lesson)
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
    """A passed quiz completes the lessons (of the learner's courses) whose rule is that quiz, and
    may complete the quiz's own course."""
    quiz = attempt.quiz
    for mine in Enrollment.objects.filter(learner_id=attempt.learner_id).select_related("course"):
        for lesson in lessons_of(mine.course):
            rule = lesson_rules.rule_for_lesson(lesson.body)
            if rule.kind == "quiz" and rule.quiz_id == quiz.pk:
                complete_lesson(mine, lesson, how=CompletionHow.QUIZ)
    if quiz.course_id and quiz.counts_for_completion:
        enrollment = Enrollment.objects.filter(learner_id=attempt.learner_id, course_id=quiz.course_id).first()
        if enrollment is not None:
            refresh(enrollment)
