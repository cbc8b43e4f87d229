"""Reads for lms, including permission-checked fetches (`access_*`, Http404 outside scope)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from wagtail import hooks

from accounts.choices import Role
from accounts.models import User
from accounts.selectors import enterprise_admin_org_ids, mentor_org_ids, people_visible_to, scope_for
from cms.models import CoursePage, LessonPage
from lms.grading import OPTION_LETTERS
from lms.models import (
    Attempt,
    AttemptAnswer,
    AttemptStatus,
    Certificate,
    Cohort,
    Enrollment,
    LessonProgress,
    LogStatus,
    Question,
    QuestionType,
    Quiz,
    WorkLog,
    WorkLogPhoto,
)
from lms.progress import status

# --- Catalog -----------------------------------------------------------------------------------


def catalog(*, track: str = "", domain: str = "", level: str = "", industry: str = "", q: str = "") -> list[CoursePage]:
    """Published courses, filtered. Track and industry are JSON lists on the page, so they are
    filtered in Python (the catalogue is a few hundred pages at most); an empty industry list
    means the course suits every industry."""
    qs = CoursePage.objects.live().public().order_by("path")
    if domain:
        qs = qs.filter(skill_domain=domain)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    courses = list(qs.select_related("cover"))
    if track:
        courses = [c for c in courses if track in (c.audience_tracks or [])]
    if industry:
        courses = [c for c in courses if not c.industries or industry in c.industries]
    return courses


def access_course(course_id: int | str) -> CoursePage:
    try:
        return CoursePage.objects.live().public().get(pk=int(course_id))
    except (CoursePage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_lesson(course: CoursePage, lesson_id: int | str) -> LessonPage:
    try:
        return LessonPage.objects.child_of(course).live().get(pk=int(lesson_id))
    except (LessonPage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def enrollment_for(user: User | AnonymousUser, course: CoursePage) -> Enrollment | None:
    """The person's enrollment in `course`; None for an anonymous visitor or someone not enrolled."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(learner=user, course=course).select_related("course", "cohort").first()


# --- Quizzes -------------------------------------------------------------------------------------


def access_quiz(quiz_id: int | str) -> Quiz:
    try:
        return Quiz.objects.select_related("course").get(pk=int(quiz_id), is_published=True)
    except (Quiz.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_attempt(user: User, attempt_id: int | str) -> Attempt:
    """The learner's own attempt; anyone else gets 404 (a tampered id reveals nothing)."""
    try:
        return Attempt.objects.select_related("quiz").get(pk=int(attempt_id), learner=user)
    except (Attempt.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def last_answer_seq(attempt: Attempt) -> int:
    """The highest sequence number among the attempt's stored answers: the exam page numbers its
    next answers above it (lms/static/lms/exam.js)."""
    return attempt.answers.aggregate(last=Max("seq"))["last"] or 0


def paper_view(attempt: Attempt) -> list[dict[str, Any]]:
    """The learner's paper as shown before submission: stems, shuffled options, saved responses
    in displayed letters. Never the answer, the explanation or the rubric."""
    questions = Question.objects.in_bulk([e["q"] for e in attempt.paper])
    saved = {a.question_id: a for a in attempt.answers.all()}
    flagged = set(attempt.flagged or [])
    items = []
    for number, entry in enumerate(attempt.paper, start=1):
        question = questions[entry["q"]]
        perm = entry["perm"]
        answer = saved.get(question.pk)
        response = answer.response if answer else None
        shown: Any = response
        if question.qtype == QuestionType.SINGLE and isinstance(response, str):
            shown = OPTION_LETTERS[perm.index(OPTION_LETTERS.index(response))]
        elif question.qtype == QuestionType.MULTIPLE and isinstance(response, list):
            shown = [OPTION_LETTERS[perm.index(OPTION_LETTERS.index(r))] for r in response]
        blanks = len(question.answer or []) if question.qtype == QuestionType.FILL else 0
        fill_values = list(response or []) if question.qtype == QuestionType.FILL else []
        items.append(
            {
                "id": question.pk,
                "number": number,
                "qtype": question.qtype,
                "qtype_label": question.get_qtype_display(),
                "stem": question.stem,
                "points": question.points,
                "options": [(OPTION_LETTERS[i], question.options[j]) for i, j in enumerate(perm)],
                "blanks": [fill_values[i] if i < len(fill_values) else "" for i in range(max(blanks, 1))]
                if question.qtype == QuestionType.FILL
                else [],
                "response": shown,
                "upload": str(answer.response or "") if answer and answer.upload else "",
                "upload_url": reverse("lms:answer_file", args=[answer.pk]) if answer and answer.upload else "",
                "answered": _answered(response) or bool(answer and answer.upload),
                "flagged": question.pk in flagged,
            }
        )
    return items


def _answered(response: Any) -> bool:
    if isinstance(response, list):
        return any(str(v).strip() for v in response)
    return response is not None and str(response).strip() != ""


def attempt_summary(attempt: Attempt) -> dict[str, Any]:
    """What the learner checks before 交卷: every question with its state, and the unanswered and
    flagged ones listed (numbers and ids, for links back into the paper)."""
    items = paper_view(attempt)
    return {
        "items": items,
        "unanswered": [item for item in items if not item["answered"]],
        "flagged": [item for item in items if item["flagged"]],
        "answered_count": sum(1 for item in items if item["answered"]),
    }


def review_view(attempt: Attempt) -> list[dict[str, Any]]:
    """After submission only: the paper with correct answers (in displayed letters), the learner's
    result per question and the explanation."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        raise Http404
    items = paper_view(attempt)
    questions = Question.objects.in_bulk([e["q"] for e in attempt.paper])
    answers = {a.question_id: a for a in attempt.answers.all()}
    for item, entry in zip(items, attempt.paper, strict=True):
        question = questions[entry["q"]]
        perm = entry["perm"]
        key = question.answer
        if question.qtype == QuestionType.SINGLE and key:
            key = OPTION_LETTERS[perm.index(OPTION_LETTERS.index(key))]
        elif question.qtype == QuestionType.MULTIPLE and key:
            key = "".join(sorted(OPTION_LETTERS[perm.index(OPTION_LETTERS.index(k))] for k in key))
        elif question.qtype == QuestionType.TRUE_FALSE:
            key = "正确" if key else "错误"
        elif question.qtype == QuestionType.FILL and key:
            key = "；".join(" / ".join(blank) for blank in key)
        answer = answers.get(question.pk)
        item.update(
            key=key or "",
            explanation=question.explanation,
            is_correct=answer.is_correct if answer else False,
            score=answer.score if answer else 0,
            pending=bool(answer and answer.needs_grading),
            comment=answer.comment if answer else "",
        )
    return items


# --- Dashboards ----------------------------------------------------------------------------------


def upcoming_contests(user: User) -> list[dict[str, Any]]:
    """Contests offered by apps to the right of lms through the `shuzhi_learner_contests` hook."""
    items: list[dict[str, Any]] = []
    for fn in hooks.get_hooks("shuzhi_learner_contests"):
        items.extend(fn(user) or [])
    return sorted(items, key=lambda c: str(c.get("starts_at") or ""))[:5]


def learner_dashboard(user: User) -> dict[str, Any]:
    """Courses with progress, certificates and work-study status, in a fixed number of queries."""
    enrollments = list(
        Enrollment.objects.filter(learner=user)
        .select_related("course", "cohort", "last_lesson", "certificate")
        .annotate(
            pending_logs=Count("work_logs", filter=Q(work_logs__status=LogStatus.PENDING), distinct=True),
            returned_logs=Count("work_logs", filter=Q(work_logs__status=LogStatus.RETURNED), distinct=True),
        )
    )
    certificates = list(Certificate.objects.filter(holder=user))
    attempts = list(Attempt.objects.filter(learner=user).select_related("quiz").order_by("-started_at")[:10])
    return {
        "enrollments": enrollments,
        "certificates": certificates,
        "attempts": attempts,
        "contests": upcoming_contests(user),
    }


def course_page_state(enrollment: Enrollment) -> dict[str, Any]:
    return status(enrollment)


# --- Cohorts and mentors -------------------------------------------------------------------------


def cohorts_visible_to(viewer: User) -> QuerySet[Cohort]:
    qs = Cohort.objects.select_related("organization", "course", "mentor")
    if not viewer.is_authenticated:
        return qs.none()
    everything, regions, _orgs = scope_for(viewer)
    if everything:
        return qs
    condition = Q(mentor=viewer)
    admin_orgs = enterprise_admin_org_ids(viewer)
    if admin_orgs:
        condition |= Q(organization_id__in=admin_orgs)
    if regions:
        condition |= Q(organization__region_id__in=regions)
    return qs.filter(condition)


def access_cohort(viewer: User, cohort_id: int | str) -> Cohort:
    try:
        return cohorts_visible_to(viewer).get(pk=int(cohort_id))
    except (Cohort.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def cohort_progress(cohort: Cohort) -> list[dict[str, Any]]:
    """One row per learner: progress, lessons done, quizzes passed, approved hours (bounded queries)."""
    enrollments = list(
        Enrollment.objects.filter(cohort=cohort)
        .select_related("learner")
        .annotate(
            lessons_done=Count("lesson_progress", distinct=True),
            pending_logs=Count("work_logs", filter=Q(work_logs__status=LogStatus.PENDING), distinct=True),
        )
        .order_by("learner__real_name")
    )
    hours: dict[int, Any] = {}
    for row in (
        WorkLog.objects.filter(enrollment__cohort=cohort, status=LogStatus.APPROVED)
        .values("enrollment_id")
        .annotate(total=Sum("hours"))
    ):
        hours[row["enrollment_id"]] = row["total"]
    return [
        {
            "enrollment": e,
            "learner": e.learner,
            "progress": e.progress,
            "lessons_done": e.lessons_done,
            "pending_logs": e.pending_logs,
            "approved_hours": hours.get(e.pk) or 0,
            "completed": e.completed_at is not None,
        }
        for e in enrollments
    ]


def mentor_learners(mentor: User) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(Q(mentor=mentor) | Q(mentor__isnull=True, cohort__mentor=mentor))
        .filter(learner__organization_id__in=mentor_org_ids(mentor))
        .select_related("learner", "course", "cohort")
    )


def organization_learners(viewer: User) -> QuerySet[User]:
    """People an enterprise admin may put in a cohort: the staff of the organization her grant names."""
    orgs = enterprise_admin_org_ids(viewer)
    if not orgs:
        return User.objects.none()
    return people_visible_to(viewer).filter(organization_id__in=orgs, is_active=True).order_by("real_name")


def lesson_done_ids(enrollment: Enrollment | None) -> set[int]:
    if enrollment is None:
        return set()
    return set(LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True))


def access_worklog_photo(viewer: User, photo_id: int | str) -> WorkLogPhoto:
    """A work-study photo for its learner, the learner's mentor (whose mentor grant names the
    learner's organization) or an enterprise admin of the learner's organization (by grant);
    404 for anyone else."""
    try:
        photo = WorkLogPhoto.objects.select_related("log__enrollment__learner", "log__enrollment__cohort").get(
            pk=int(photo_id)
        )
    except (WorkLogPhoto.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    enrollment = photo.log.enrollment
    learner = enrollment.learner
    org_id = learner.organization_id
    mentor_id = enrollment.mentor_id or (enrollment.cohort.mentor_id if enrollment.cohort is not None else None)
    if (
        viewer.pk == learner.pk
        or (org_id is not None and viewer.pk == mentor_id and org_id in mentor_org_ids(viewer))
        or (org_id is not None and org_id in enterprise_admin_org_ids(viewer))
    ):
        return photo
    raise Http404


def access_answer_file(viewer: User, answer_id: int | str) -> AttemptAnswer:
    """A practical answer's file for the learner who uploaded it, or for a grader who may grade
    that learner (organizers, editors, province admins: everyone; other graders such as mentors:
    people in their scope, as in the grading queue); 404 for anyone else."""
    from lms.quizzes import can_grade

    try:
        answer = AttemptAnswer.objects.select_related("attempt").get(pk=int(answer_id))
    except (AttemptAnswer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not answer.upload or not viewer.is_authenticated:
        raise Http404
    learner_id = answer.attempt.learner_id
    if viewer.pk == learner_id:
        return answer
    if can_grade(viewer) and (
        viewer.is_superuser
        or viewer.has_role(Role.ORGANIZER, Role.EDITOR, Role.PROVINCE_ADMIN)
        or people_visible_to(viewer).filter(pk=learner_id).exists()
    ):
        return answer
    raise Http404
