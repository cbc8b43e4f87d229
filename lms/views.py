"""Thin views: parse the request, call a selector or an action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.actions import audit
from accounts.choices import Role
from accounts.http import AuthenticatedHttpRequest
from accounts.ratelimits import certificate_lookups
from cms.models import CoursePage
from config.bad_input import form_errors, invalid_input
from lms import actions, authoring, proctoring, progress, quizzes, selectors
from lms import certificates as certs
from lms import workstudy as workstudy_actions
from lms.forms import (
    AnswerSheetForm,
    BankSearchForm,
    CatalogFilterForm,
    CertificateLookupForm,
    CohortForm,
    CourseRuleForm,
    ExtendTimeForm,
    GradeForm,
    LessonEvidenceForm,
    ModuleForm,
    PaperForm,
    QuizForm,
    ReviewForm,
    RuleFormSet,
    TaskFormSet,
    WorkLogForm,
)
from lms.models import Attempt, Certificate, Enrollment, Question, QuestionType, Quiz, QuizQuestion, WorkStudyModule

# --- Certificates (public) ---------------------------------------------------------------------
# Lookups are exact (the whole number, or the QR code's verify code): no search by name or by
# part of a number. Each page shows what the printed certificate shows, the holder's name as
# printed included, and nothing more (no mobile, ID or employer). Certificate numbers are
# random but dense, so every lookup shares one per-address budget against enumeration.


certificate_lookup = certificate_lookups("lms.certificates")


@require_GET
@certificate_lookup
def verify(request: HttpRequest) -> HttpResponse:
    """Public: look a certificate up by its whole number (no login)."""
    form = CertificateLookupForm(request.GET)
    if not form.is_valid():
        return invalid_input(request, form)
    number = form.cleaned_data["number"]
    certificate = None
    searched = bool(number)
    if number:
        certificate = Certificate.objects.select_related("holder").filter(number=number).first()
    return render(request, "lms/verify.html", {"certificate": certificate, "searched": searched, "number": number})


@require_GET
@certificate_lookup
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the page a certificate's QR code points at."""
    certificate = Certificate.objects.select_related("holder").filter(verify_code=code[:32]).first()
    if certificate is None:
        raise Http404(_("未找到该证书。"))
    return render(
        request, "lms/verify.html", {"certificate": certificate, "searched": True, "number": certificate.number}
    )


@require_GET
@certificate_lookup
def certificate_print(request: HttpRequest, number: str) -> HttpResponse:
    """Printable certificate; public like the verification page (it shows what that page shows)."""
    certificate = Certificate.objects.select_related("holder").filter(number=number[:32]).first()
    if certificate is None:
        raise Http404(_("未找到该证书。"))
    base = request.build_absolute_uri("/")
    return render(
        request,
        "lms/certificate_print.html",
        {
            "certificate": certificate,
            "qr": certs.qr_svg(certificate, base),
            "verify_url": certs.verification_url(certificate, base),
        },
    )


@require_GET
@certificate_lookup
def certificate_qr(request: HttpRequest, number: str) -> HttpResponse:
    certificate = Certificate.objects.filter(number=number[:32]).first()
    if certificate is None:
        raise Http404
    return HttpResponse(certs.qr_svg(certificate, request.build_absolute_uri("/")), content_type="image/svg+xml")


# --- Helpers ------------------------------------------------------------------------------------


def _error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _role_required(request: AuthenticatedHttpRequest, *roles: str) -> None:
    if not request.user.has_role(*roles):
        raise PermissionDenied(_("您没有访问此页面的权限。"))


# --- Catalog and courses ------------------------------------------------------------------------


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = selectors.catalog(**{k: v for k, v in filters.items() if v})
    enrolled: set[int] = set()
    if request.user.is_authenticated:
        enrolled = set(Enrollment.objects.filter(learner=request.user).values_list("course_id", flat=True))
    return render(request, "lms/catalog.html", {"form": form, "courses": courses, "enrolled": enrolled})


@require_GET
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.access_course(course_id)
    enrollment = selectors.enrollment_for(request.user, course)
    context: dict[str, Any] = {"course": course, "enrollment": enrollment}
    if enrollment is not None:
        state = progress.status(enrollment)
        context["state"] = state
        lessons = state["lessons"]
        resume = next((lesson for lesson in lessons if lesson.pk == enrollment.last_lesson_id), None)
        resume = resume or next((lesson for lesson in lessons if lesson.pk not in state["done_ids"]), None)
        context["resume"] = resume
    else:
        context["state"] = {"lessons": progress.lessons_of(course), "done_ids": set()}
        context["quizzes"] = Quiz.objects.filter(course=course, is_published=True)
    return render(request, "lms/course.html", context)


@login_required
@require_POST
def course_enroll(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = selectors.access_course(course_id)
    try:
        actions.enroll(request.user, course)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("报名成功，开始学习吧！"))
    return redirect("lms:course", course_id=course.pk)


def _enrollment_or_redirect(request: AuthenticatedHttpRequest, course: CoursePage) -> Enrollment | None:
    enrollment = selectors.enrollment_for(request.user, course)
    if enrollment is None:
        messages.info(request, _("请先报名该课程。"))
    return enrollment


@login_required
@require_GET
def lesson(request: AuthenticatedHttpRequest, course_id: int, lesson_id: int) -> HttpResponse:
    course = selectors.access_course(course_id)
    enrollment = _enrollment_or_redirect(request, course)
    if enrollment is None:
        return redirect("lms:course", course_id=course.pk)
    page = selectors.access_lesson(course, lesson_id)
    actions.visit_lesson(enrollment, page)
    lessons = progress.lessons_of(course)
    index = next(i for i, item in enumerate(lessons) if item.pk == page.pk)
    return render(
        request,
        "lms/lesson.html",
        {
            "course": course,
            "lesson": page,
            "lessons": lessons,
            "done_ids": selectors.lesson_done_ids(enrollment),
            "enrollment": enrollment,
            "state": progress.lesson_state(enrollment, page),
            "position": index + 1,
            "previous": lessons[index - 1] if index > 0 else None,
            "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        },
    )


@login_required
@require_POST
def lesson_done(request: AuthenticatedHttpRequest, course_id: int, lesson_id: int) -> HttpResponse:
    """The lesson page's evidence: a reading heartbeat (with "end seen") or the video's played
    intervals. The server decides whether the lesson is done (lms.lesson_rules); JSON answers carry
    the lesson's state, a plain post (the "我已读完" button without script) redirects with it."""
    course = selectors.access_course(course_id)
    enrollment = selectors.enrollment_for(request.user, course)
    if enrollment is None:
        raise Http404
    page = selectors.access_lesson(course, lesson_id)
    form = LessonEvidenceForm(request.POST)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        data = form.cleaned_data
        if data["how"] == "video":
            state = actions.report_video(enrollment, page, intervals=data["intervals"], duration=data["duration"])
        else:
            state = actions.report_reading(enrollment, page, end_seen=data["end"], whole_visit=not wants_json)
    except ValidationError as exc:
        message = _error_text(exc)
        if wants_json:
            return JsonResponse({"detail": message}, status=400)
        messages.error(request, message)
        return redirect("lms:lesson", course_id=course.pk, lesson_id=page.pk)
    enrollment.refresh_from_db()
    if wants_json:
        return JsonResponse(
            {**state, "progress": enrollment.progress, "completed": enrollment.completed_at is not None}
        )
    if not state["done"]:
        messages.info(request, _("完成条件尚未达到：%(rule)s。") % {"rule": state["label"]})
        return redirect("lms:lesson", course_id=course.pk, lesson_id=page.pk)
    messages.success(request, _("本课时已完成。"))
    if form.cleaned_data["next_lesson"]:
        return redirect("lms:lesson", course_id=course.pk, lesson_id=form.cleaned_data["next_lesson"])
    return redirect("lms:course", course_id=course.pk)


# --- Quizzes ------------------------------------------------------------------------------------


@login_required
@require_GET
def quiz_detail(request: AuthenticatedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = selectors.access_quiz(quiz_id)
    attempts = list(Attempt.objects.filter(quiz=quiz, learner=request.user).order_by("-number"))
    for attempt in attempts:
        actions.close_if_expired(attempt)
    return render(
        request,
        "lms/quiz.html",
        {
            "quiz": quiz,
            "attempts": attempts,
            "left": quizzes.attempts_left(quiz, request.user),
            # Before the bell the page counts down by the server's clock and opens the paper itself.
            "before_bell": bool(quiz.opens_at and timezone.now() < quiz.opens_at),
            "count": sum(int(r.get("count", 0)) for r in quiz.draw_rules)
            if quiz.mode == "random"
            else quiz.items.count(),
        },
    )


@login_required
@require_POST
def quiz_start(request: AuthenticatedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = selectors.access_quiz(quiz_id)
    try:
        attempt = actions.start_attempt(quiz, request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("lms:quiz", quiz_id=quiz.pk)
    return redirect("lms:attempt", attempt_id=attempt.pk)


@login_required
@require_GET
def attempt_view(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    return _open_attempt_page(request, attempt_id, "lms/attempt.html")


def _open_attempt_page(request: AuthenticatedHttpRequest, attempt_id: int, template: str) -> HttpResponse:
    """The paper or its check page: an attempt past its time is closed first and goes to its review."""
    attempt = actions.close_if_expired(selectors.access_attempt(request.user, attempt_id))
    if not attempt.is_open:
        return redirect("lms:attempt_review", attempt_id=attempt.pk)
    seconds_left = None
    if attempt.deadline is not None:
        seconds_left = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "seconds_left": seconds_left,
        "time_left": _clock(seconds_left),
        "last_seq": selectors.last_answer_seq(attempt),
    }
    summary = selectors.attempt_summary(attempt)
    return render(request, template, {**context, **summary, "paper_total": len(summary["items"])})


def _clock(seconds: int | None) -> str:
    """mm:ss as the countdown shows it (the page's script takes over from this)."""
    if seconds is None:
        return ""
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


@login_required
@require_GET
def attempt_summary(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    """Before 交卷: unanswered and flagged questions with links back into the paper, then submit."""
    return _open_attempt_page(request, attempt_id, "lms/attempt_summary.html")


@login_required
@require_POST
def attempt_submit(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    """Submit; answers posted with the form (no JavaScript) are saved first. All or nothing: one
    answer the actions refuse leaves the paper as it was, open, with the error shown."""
    attempt = selectors.access_attempt(request.user, attempt_id)
    try:
        with transaction.atomic():
            if attempt.is_open:
                sheet = AnswerSheetForm(request.POST, request.FILES, items=selectors.paper_view(attempt))
                if not sheet.is_valid():
                    raise ValidationError(form_errors(sheet))
                for item, answer in sheet.posted():
                    if item["qtype"] == QuestionType.PRACTICAL:
                        actions.save_upload(attempt, request.user, item["id"], answer)
                    else:
                        actions.save_answer(attempt, request.user, item["id"], answer)
            attempt = actions.submit_attempt(attempt, request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        attempt.refresh_from_db()
        if attempt.is_open:
            return redirect("lms:attempt", attempt_id=attempt.pk)
        return redirect("lms:attempt_review", attempt_id=attempt.pk)
    messages.success(request, _("已提交。"))
    return redirect("lms:attempt_review", attempt_id=attempt.pk)


@login_required
@require_GET
def attempt_review(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = actions.close_if_expired(selectors.access_attempt(request.user, attempt_id))
    if attempt.is_open:
        return redirect("lms:attempt", attempt_id=attempt.pk)
    return render(
        request,
        "lms/attempt_review.html",
        {"attempt": attempt, "quiz": attempt.quiz, "items": selectors.review_view(attempt)},
    )


@login_required
def grading(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not quizzes.can_grade(request.user):
        raise PermissionDenied(_("您没有阅卷权限。"))
    queue = quizzes.grading_queue(request.user)
    if request.method == "POST":
        form = GradeForm(request.POST, queue=queue)
        if form.has_error("answer"):
            raise Http404  # not an answer waiting for this grader
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.grade_answer(data["answer"], grader=request.user, score=data["score"], comment=data["comment"])
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("已评分。"))
        else:
            messages.error(request, _("请填写有效的分数。"))
        return redirect("lms:grading")
    page = Paginator(queue, 20).get_page(request.GET.get("page"))
    return render(request, "lms/grading.html", {"page": page, "answers": page.object_list})


# --- Dashboards ---------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = selectors.learner_dashboard(request.user)
    context["can_author"] = authoring.can_author(request.user)
    return render(request, "lms/dashboard.html", context)


@login_required
def workstudy(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = selectors.access_course(course_id)
    enrollment = selectors.enrollment_for(request.user, course)
    module = WorkStudyModule.objects.filter(course=course).prefetch_related("tasks").first()
    if enrollment is None or module is None:
        raise Http404
    tasks = list(module.tasks.all())
    form = WorkLogForm(request.POST or None, request.FILES or None, tasks=tasks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        task = next((t for t in tasks if t.pk == data["task"]), None)
        if task is None:
            raise Http404
        try:
            actions.log_session(
                enrollment,
                learner=request.user,
                task=task,
                date=data["date"],
                hours=data["hours"],
                content=data["content"],
                photos=data["photos"],
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("日志已提交，等待导师审核。"))
            return redirect("lms:workstudy", course_id=course.pk)
    logs = enrollment.work_logs.select_related("task", "reviewed_by").prefetch_related("photos")
    return render(
        request,
        "lms/workstudy.html",
        {
            "course": course,
            "module": module,
            "form": form,
            "logs": logs,
            "state": progress.status(enrollment),
            "mentor_id": workstudy_actions.effective_mentor(enrollment),
        },
    )


@login_required
def mentor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mentor's queue of logs waiting for sign-off; enterprise admins see their cohorts here too."""
    _role_required(request, Role.MENTOR, Role.ENTERPRISE_ADMIN)
    user = request.user
    if request.method == "POST":
        _role_required(request, Role.MENTOR)
        form = ReviewForm(request.POST, queue=workstudy_actions.mentor_queue(user))
        if form.has_error("log"):
            raise Http404  # not a log waiting for this mentor
        if form.is_valid():
            try:
                actions.review_log(
                    form.cleaned_data["log"],
                    mentor=user,
                    approve=form.cleaned_data["decision"] == "approve",
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("已审核。"))
        return redirect("lms:mentor")
    queue = list(workstudy_actions.mentor_queue(user)) if user.has_role(Role.MENTOR) else []
    return render(
        request,
        "lms/mentor.html",
        {
            "queue": queue,
            "cohorts": selectors.cohorts_visible_to(user)[:50],
            "learners": selectors.mentor_learners(user)[:100] if user.has_role(Role.MENTOR) else [],
            "can_create": user.has_role(Role.ENTERPRISE_ADMIN),
            "is_mentor": user.has_role(Role.MENTOR),
            "can_grade": quizzes.can_grade(user),
        },
    )


@login_required
def cohort_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _role_required(request, Role.ENTERPRISE_ADMIN)
    user = request.user
    courses = selectors.catalog()
    people = list(selectors.organization_learners(user))
    mentors = [p for p in people if p.has_role(Role.MENTOR)]
    form = CohortForm(request.POST or None, courses=courses, mentors=mentors, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_id = {p.pk: p for p in people}
        try:
            cohort = actions.create_cohort(
                actor=user,
                name=data["name"],
                course=selectors.access_course(data["course"]),
                mentor=by_id.get(data["mentor"]) if data["mentor"] else None,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                learners=[by_id[i] for i in data["learners"] if i in by_id],
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("班级已创建，学员已全部报名。"))
            return redirect("lms:cohort", cohort_id=cohort.pk)
    return render(request, "lms/cohort_form.html", {"form": form})


def _chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bar geometry for the cohort progress SVG (one bar per learner, 0–100 %)."""
    bar, gap, label_w = 18, 8, 90
    bars = []
    for i, row in enumerate(rows):
        bars.append(
            {
                "y": i * (bar + gap),
                "w": row["progress"] * 2.4,
                "label": row["learner"].real_name,
                "value": row["progress"],
                "ty": i * (bar + gap) + 13,
            }
        )
    return {"bars": bars, "height": max(1, len(rows)) * (bar + gap), "label_w": label_w, "bar": bar}


@login_required
@require_GET
def cohort_detail(request: AuthenticatedHttpRequest, cohort_id: int) -> HttpResponse:
    cohort = selectors.access_cohort(request.user, cohort_id)
    rows = selectors.cohort_progress(cohort)
    return render(request, "lms/cohort.html", {"cohort": cohort, "rows": rows, "chart": _chart(rows)})


@login_required
@require_GET
def worklog_photo(request: AuthenticatedHttpRequest, photo_id: int, size: str) -> FileResponse:
    """Work-study photos are private: the learner, their mentor and their enterprise admins only."""
    photo = selectors.access_worklog_photo(request.user, photo_id)
    field = photo.thumbnail if size == "thumb" else photo.image
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def answer_file(request: AuthenticatedHttpRequest, answer_id: int) -> FileResponse:
    """A practical answer's file: the learner and the graders in scope only, always as a download
    (never rendered inline, so an uploaded HTML or SVG cannot run in the site's origin)."""
    answer = selectors.access_answer_file(request.user, answer_id)
    try:
        handle = answer.upload.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    name = quizzes.clean_upload_name(str(answer.response or "")) if answer.response else answer.upload.name
    response = FileResponse(
        handle, as_attachment=True, filename=name.rsplit("/", 1)[-1], content_type="application/octet-stream"
    )
    response["Cache-Control"] = "private, no-store"
    if request.user.pk != answer.attempt.learner_id:
        audit(request.user, "lms.answer_file.view", answer)
    return response


# --- Authoring: quizzes, completion rules, work-study task books ----------------------------------


def _require_author(request: AuthenticatedHttpRequest) -> None:
    if not authoring.can_author(request.user):
        raise PermissionDenied(_("您没有管理测验与课程设置的权限。"))


def _apply_errors(form: Any, exc: ValidationError, fallback: list[str]) -> None:
    """Put an action's field errors on the form's fields; the rest go to `fallback`."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
            else:
                fallback.extend(errors)
    else:
        fallback.extend(exc.messages)


@login_required
@require_GET
def manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Organizers' and training providers' index: quizzes and courses they may edit."""
    _require_author(request)
    quizzes_list = authoring.authored_quizzes(request.user)
    counts = dict(
        QuizQuestion.objects.filter(quiz__in=quizzes_list)
        .values("quiz_id")
        .annotate(n=Count("id"))
        .values_list("quiz_id", "n")
    )
    rows = [
        (
            quiz,
            sum(int(r.get("count", 0)) for r in quiz.draw_rules) if quiz.mode == "random" else counts.get(quiz.pk, 0),
        )
        for quiz in quizzes_list
    ]
    return render(
        request,
        "lms/manage.html",
        {"quizzes": rows, "courses": authoring.editable_courses(request.user)},
    )


@login_required
def quiz_edit(request: AuthenticatedHttpRequest, quiz_id: int | None = None) -> HttpResponse:
    _require_author(request)
    user = request.user
    quiz = None
    if quiz_id is not None:
        quiz = Quiz.objects.select_related("course").filter(pk=quiz_id).first()
        if quiz is None:
            raise Http404
        if quiz.course is not None and not authoring.can_edit_course(user, quiz.course):
            raise PermissionDenied(_("您没有编辑课程“%(c)s”的权限。") % {"c": quiz.course.title})
    courses = authoring.editable_courses(user)
    by_id = {c.pk: c for c in courses}
    paper_errors: list[str] = []
    if request.method == "POST":
        form = QuizForm(request.POST, courses=courses)
        rules = RuleFormSet(request.POST, prefix="rule")
        paper_form = PaperForm(request.POST)
        paper_ok = paper_form.is_valid()
        if paper_ok:
            selected = paper_form.question_ids()
        else:  # the paper as stored stays on the page, with what was wrong with the post
            paper_errors.extend(form_errors(paper_form))
            selected = list(quiz.items.values_list("question_id", flat=True)) if quiz else []
        if paper_ok and form.is_valid() and rules.is_valid():
            data = dict(form.cleaned_data)
            data["course"] = by_id.get(data["course"]) if data["course"] else None
            raw_rules = [
                {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
                for f in rules.forms
                if f.cleaned_data
                and not f.cleaned_data.get("DELETE")
                and any(v not in (None, "") for k, v in f.cleaned_data.items() if k != "DELETE")
            ]
            try:
                quiz = actions.save_quiz(actor=user, quiz=quiz, data=data, question_ids=selected, rules=raw_rules)
            except ValidationError as exc:
                _apply_errors(form, exc, paper_errors)
            else:
                messages.success(request, _("测验已保存。"))
                return redirect("lms:manage_quiz", quiz_id=quiz.pk)
    else:
        initial: dict[str, Any] = {}
        if quiz is not None:
            initial = {f: getattr(quiz, f) for f in authoring.QUIZ_FIELDS if f != "course"}
            initial["course"] = quiz.course_id
            for key in ("opens_at", "closes_at"):
                if initial[key]:
                    initial[key] = timezone.localtime(initial[key])
        form = QuizForm(initial=initial or None, courses=courses)
        rules = RuleFormSet(initial=quiz.draw_rules if quiz else None, prefix="rule")
        selected = list(quiz.items.values_list("question_id", flat=True)) if quiz else []
    found = Question.objects.in_bulk(selected)
    paper = [found[i] for i in selected if i in found]
    bank = BankSearchForm(request.GET or None)
    candidates = Question.objects.filter(is_active=True).exclude(pk__in=selected)
    if bank.is_valid():
        if bank.cleaned_data["bank_q"]:
            candidates = candidates.filter(stem__icontains=bank.cleaned_data["bank_q"])
        if bank.cleaned_data["bank_type"]:
            candidates = candidates.filter(qtype=bank.cleaned_data["bank_type"])
        if bank.cleaned_data["bank_domain"]:
            candidates = candidates.filter(domain=bank.cleaned_data["bank_domain"])
    return render(
        request,
        "lms/manage_quiz.html",
        {
            "quiz": quiz,
            "form": form,
            "rules": rules,
            "paper": paper,
            "paper_points": sum(q.points for q in paper),
            "paper_errors": paper_errors,
            "bank": bank,
            "candidates": candidates.order_by("-id")[:30],
        },
    )


@login_required
@require_GET
def proctor(request: AuthenticatedHttpRequest, quiz_id: int) -> HttpResponse:
    """The proctor's page for one sitting: every examinee's state, answered count, connection,
    integrity counters and time left; one query per page of 100 however large the sitting."""
    quiz = proctoring.access_proctored_quiz(request.user, quiz_id)
    page = Paginator(proctoring.roster_queryset(quiz), proctoring.ROSTER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "lms/proctor.html",
        {
            "quiz": quiz,
            "page": page,
            "rows": proctoring.examinees(page.object_list),
            "counts": proctoring.sitting_counts(quiz),
            "now": timezone.now(),
            "online_seconds": int(proctoring.ONLINE_WINDOW.total_seconds()),
        },
    )


@login_required
def proctor_extend(request: AuthenticatedHttpRequest, quiz_id: int, attempt_id: int) -> HttpResponse:
    """More minutes for one examinee, with a reason (audited by the action)."""
    quiz = proctoring.access_proctored_quiz(request.user, quiz_id)
    attempt = proctoring.access_proctored_attempt(request.user, quiz, attempt_id)
    errors: list[str] = []
    if request.method == "POST":
        form = ExtendTimeForm(request.POST)
        if form.is_valid():
            try:
                actions.extend_attempt(
                    actor=request.user,
                    attempt=attempt,
                    minutes=form.cleaned_data["minutes"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(
                    request,
                    _("已为 %(name)s 延时 %(m)d 分钟。")
                    % {
                        "name": attempt.learner.get_full_name() or str(attempt.learner),
                        "m": form.cleaned_data["minutes"],
                    },
                )
                return redirect("lms:proctor", quiz_id=quiz.pk)
    else:
        form = ExtendTimeForm()
    return render(
        request,
        "lms/proctor_extend.html",
        {"quiz": quiz, "attempt": attempt, "form": form, "errors": errors},
        status=400 if errors or form.errors else 200,
    )


@login_required
@require_POST
def quiz_delete(request: AuthenticatedHttpRequest, quiz_id: int) -> HttpResponse:
    _require_author(request)
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    try:
        title = actions.delete_quiz(actor=request.user, quiz=quiz)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("lms:manage_quiz", quiz_id=quiz.pk)
    messages.success(request, _("测验“%(t)s”已删除。") % {"t": title})
    return redirect("lms:manage")


@login_required
def course_settings(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    _require_author(request)
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        raise Http404
    if not authoring.can_edit_course(request.user, course):
        raise PermissionDenied(_("您没有编辑课程“%(c)s”的权限。") % {"c": course.title})
    rule = progress.rule_for(course)
    module = WorkStudyModule.objects.filter(course=course).first()
    errors: list[str] = []
    if request.method == "POST":
        rule_form = CourseRuleForm(request.POST)
        module_form = ModuleForm(request.POST)
        tasks = TaskFormSet(request.POST, prefix="task")
        if rule_form.is_valid() and module_form.is_valid() and tasks.is_valid():
            has_module = bool(module_form.cleaned_data["module_title"].strip()) or module is not None
            try:
                actions.save_course_settings(
                    actor=request.user,
                    course=course,
                    rule=rule_form.cleaned_data,
                    module={
                        "title": module_form.cleaned_data["module_title"],
                        "description": module_form.cleaned_data["module_description"],
                    }
                    if has_module
                    else None,
                    tasks=[
                        {**f.cleaned_data, "delete": f.cleaned_data.get("DELETE", False)}
                        for f in tasks.forms
                        if f.cleaned_data
                    ],
                )
            except ValidationError as exc:
                _apply_errors(rule_form, exc, errors)
            else:
                messages.success(request, _("课程设置已保存，学员进度已重新计算。"))
                return redirect("lms:manage_course", course_id=course.pk)
    else:
        rule_form = CourseRuleForm(
            initial={
                f: getattr(rule, f)
                for f in ("require_lessons", "require_quizzes", "require_workstudy", "issue_certificate", "issuer_name")
            }
        )
        module_form = ModuleForm(
            initial={"module_title": module.title, "module_description": module.description} if module else None
        )
        tasks = TaskFormSet(
            initial=[
                {
                    "id": t.pk,
                    "title": t.title,
                    "required_hours": t.required_hours,
                    "description": t.description,
                    "deliverables": t.deliverables,
                }
                for t in module.tasks.all()
            ]
            if module
            else None,
            prefix="task",
        )
    return render(
        request,
        "lms/manage_course.html",
        {
            "course": course,
            "rule_form": rule_form,
            "module_form": module_form,
            "tasks": tasks,
            "errors": errors,
            "module": module,
            "quizzes": Quiz.objects.filter(course=course),
        },
    )
