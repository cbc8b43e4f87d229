"""Authoring: quizzes (paper, draw rules, limits, pass mark), course completion rules and
work-study task books, as edited by organizers and training providers on /learn/manage/.
Re-exported by lms.actions.

Who may author: people with `lms.change_quiz` (organizers, editors; see accounts.roles). Settings
that belong to a course (its rule, its work-study module, a quiz attached to it) also need
Wagtail's edit permission on that course page, so a provider edits only the courses it may edit.
"""

from __future__ import annotations

import itertools
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.actions import audit
from accounts.choices import CourseLevel, SkillDomain
from accounts.models import User
from cms.models import CoursePage, LessonPage
from lms.models import (
    Attempt,
    CourseRule,
    Enrollment,
    PaperMode,
    Question,
    QuestionType,
    Quiz,
    QuizKind,
    QuizQuestion,
    WorkLog,
    WorkStudyModule,
    WorkStudyTask,
)
from lms.quizzes import rule_candidates

MAX_RULES = 20
MAX_DRAW = 200
MAX_FIXED = 300
MAX_TIME_LIMIT = 24 * 60
MAX_TASK_HOURS = Decimal(1000)
RULE_KEYS = ("count", "qtype", "domain", "level", "difficulty", "knowledge_point", "tag")
QUIZ_FIELDS = (
    "title",
    "kind",
    "description",
    "mode",
    "time_limit_minutes",
    "max_attempts",
    "pass_mark",
    "shuffle_options",
    "opens_at",
    "closes_at",
    "is_published",
    "course",
    "counts_for_completion",
)


def can_author(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_perm("lms.change_quiz")))


def can_edit_course(user: User, course: CoursePage) -> bool:
    return can_author(user) and course.permissions_for_user(user).can_edit()


def _require_author(actor: User, course: CoursePage | None) -> None:
    if not can_author(actor):
        raise PermissionDenied(_("您没有管理测验与课程设置的权限。"))
    if course is not None and not can_edit_course(actor, course):
        raise PermissionDenied(_("您没有编辑课程“%(c)s”的权限。") % {"c": course.title})


def authored_quizzes(actor: User) -> list[Quiz]:
    """Quizzes the actor may edit: those without a course, and those of courses they may edit."""
    if not can_author(actor):
        return []
    quizzes = list(Quiz.objects.select_related("course").order_by("-id"))
    editable: dict[int, bool] = {}
    result = []
    for quiz in quizzes:
        course = quiz.course
        if course is None:
            result.append(quiz)
            continue
        if course.pk not in editable:
            editable[course.pk] = can_edit_course(actor, course)
        if editable[course.pk]:
            result.append(quiz)
    return result


def editable_courses(actor: User) -> list[CoursePage]:
    if not can_author(actor):
        return []
    return [c for c in CoursePage.objects.order_by("path") if c.permissions_for_user(actor).can_edit()]


# --- Draw rules ------------------------------------------------------------------------------------


def clean_rules(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Normalize draw rules and check the bank can satisfy them all at once.

    Each rule needs a count (1–200) and may narrow by type, domain, level, difficulty (1–5),
    knowledge point and tag. The bank must hold enough distinct active questions for every group
    of rules together (Hall's condition), so overlapping rules cannot ask for the same questions
    twice; the message names the rules and the shortfall.
    """
    rules: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, item in enumerate(raw, start=1):
        rule: dict[str, Any] = {k: item.get(k) for k in RULE_KEYS if item.get(k) not in (None, "")}
        try:
            count = int(rule.get("count", 0))
        except (TypeError, ValueError):
            count = 0
        if not 1 <= count <= MAX_DRAW:
            errors.append(_("第 %(i)d 条抽题规则：题量应在 1 到 %(m)d 之间。") % {"i": number, "m": MAX_DRAW})
            continue
        rule["count"] = count
        if rule.get("qtype") and rule["qtype"] not in QuestionType.values:
            errors.append(_("第 %(i)d 条抽题规则：题型无效。") % {"i": number})
        if rule.get("domain") and rule["domain"] not in SkillDomain.values:
            errors.append(_("第 %(i)d 条抽题规则：技能领域无效。") % {"i": number})
        if rule.get("level") and rule["level"] not in CourseLevel.values:
            errors.append(_("第 %(i)d 条抽题规则：等级无效。") % {"i": number})
        if rule.get("difficulty"):
            try:
                rule["difficulty"] = int(rule["difficulty"])
            except (TypeError, ValueError):
                rule["difficulty"] = 0
            if not 1 <= rule["difficulty"] <= 5:
                errors.append(_("第 %(i)d 条抽题规则：难度应为 1 到 5。") % {"i": number})
        for key in ("knowledge_point", "tag"):
            if rule.get(key):
                rule[key] = str(rule[key]).strip()[:100]
        rules.append(rule)
    if errors:
        raise ValidationError(errors)
    if not rules:
        raise ValidationError(_("随机组卷至少需要一条抽题规则。"))
    if len(rules) > MAX_RULES:
        raise ValidationError(_("抽题规则最多 %(n)d 条。") % {"n": MAX_RULES})
    pools = [rule_candidates(rule) for rule in rules]
    for i, (rule, pool) in enumerate(zip(rules, pools, strict=True), start=1):
        if len(pool) < rule["count"]:
            raise ValidationError(
                _("第 %(i)d 条抽题规则需要 %(n)d 道题，题库中符合条件的启用试题只有 %(m)d 道。请减少题量或放宽条件。")
                % {"i": i, "n": rule["count"], "m": len(pool)}
            )
    # Groups of rules: with up to 20 rules check pairs and triples exhaustively and the whole set;
    # for a handful of rules (the usual case) every subset, which is exact.
    indexes = range(len(rules))
    sizes = range(2, len(rules) + 1) if len(rules) <= 10 else (2, 3, len(rules))
    for size in sizes:
        for group in itertools.combinations(indexes, size):
            need = sum(rules[i]["count"] for i in group)
            have = len(set().union(*(pools[i] for i in group)))
            if have < need:
                raise ValidationError(
                    _(
                        "第 %(g)s 条抽题规则共需 %(n)d 道题，但同时符合这些规则的试题合计只有 %(m)d 道（规则之间有重叠）。"
                        "请减少题量或放宽条件。"
                    )
                    % {"g": "、".join(str(i + 1) for i in group), "n": need, "m": have}
                )
    return rules


# --- Quizzes ---------------------------------------------------------------------------------------


def _quiz_snapshot(quiz: Quiz) -> dict[str, Any]:
    data = {f: getattr(quiz, f) for f in QUIZ_FIELDS if f != "course"}
    data["course"] = quiz.course_id
    data["questions"] = list(quiz.items.values_list("question_id", flat=True)) if quiz.pk else []
    data["draw_rules"] = quiz.draw_rules
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


@transaction.atomic
def save_quiz(
    *,
    actor: User,
    quiz: Quiz | None,
    data: dict[str, Any],
    question_ids: list[int] | None = None,
    rules: list[dict[str, Any]] | None = None,
) -> Quiz:
    """Create or update a quiz with its paper.

    `data` holds the QUIZ_FIELDS. A fixed paper takes `question_ids` in order (active bank
    questions, no repeats, at least one); a random paper takes draw `rules` (see clean_rules).
    Pass mark is a percentage of the paper's points, 1–100. Papers already started keep the
    questions they were given; changes apply to attempts started afterwards. Audited.
    """
    course = data.get("course")
    _require_author(actor, course)
    if quiz is not None:
        quiz = Quiz.objects.select_for_update(of=("self",)).select_related("course").get(pk=quiz.pk)
        if quiz.course_id and quiz.course_id != getattr(course, "pk", None):
            _require_author(actor, quiz.course)  # moving a quiz away from a course needs rights on it
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    title = str(data.get("title") or "").strip()
    if not title:
        error("title", _("请填写测验名称。"))
    if data.get("kind") not in QuizKind.values:
        error("kind", _("请选择类型。"))
    mode = data.get("mode")
    if mode not in PaperMode.values:
        error("mode", _("请选择组卷方式。"))
    pass_mark = int(data.get("pass_mark") or 0)
    if not 1 <= pass_mark <= 100:
        error("pass_mark", _("及格线按试卷总分的百分比计，应在 1 到 100 之间。"))
    time_limit = int(data.get("time_limit_minutes") or 0)
    if not 0 <= time_limit <= MAX_TIME_LIMIT:
        error("time_limit_minutes", _("限时应在 0（不限时）到 %(m)d 分钟之间。") % {"m": MAX_TIME_LIMIT})
    if int(data.get("max_attempts") or 0) < 0:
        error("max_attempts", _("作答次数不能为负数。"))
    if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
        error("closes_at", _("截止时间必须晚于开放时间。"))
    if errors:
        raise ValidationError(errors)

    questions: list[Question] = []
    clean: list[dict[str, Any]] = []
    if mode == PaperMode.FIXED:
        ids = [int(i) for i in (question_ids or [])]
        if len(set(ids)) != len(ids):
            raise ValidationError({"questions": [_("同一道试题不能在试卷中出现两次。")]})
        if len(ids) > MAX_FIXED:
            raise ValidationError({"questions": [_("固定试卷最多 %(n)d 道题。") % {"n": MAX_FIXED}]})
        found = Question.objects.in_bulk(ids)
        missing = [str(i) for i in ids if i not in found or not found[i].is_active]
        if missing:
            raise ValidationError(
                {"questions": [_("试题编号 %(ids)s 不存在或已停用。") % {"ids": "、".join(missing[:10])}]}
            )
        if not ids:
            raise ValidationError({"questions": [_("固定试卷至少需要一道试题，请从题库中选择。")]})
        questions = [found[i] for i in ids]
        if sum((q.points for q in questions), Decimal(0)) <= 0:
            raise ValidationError({"questions": [_("试卷总分必须大于 0。")]})
    else:
        try:
            clean = clean_rules(list(rules or []))
        except ValidationError as exc:
            raise ValidationError({"draw_rules": exc.messages}) from None

    before = _quiz_snapshot(quiz) if quiz is not None else None
    quiz = quiz or Quiz(created_by=actor)
    for field in QUIZ_FIELDS:
        setattr(quiz, field, data.get(field))
    quiz.title = title[:200]
    quiz.pass_mark = pass_mark
    quiz.time_limit_minutes = time_limit
    quiz.max_attempts = int(data.get("max_attempts") or 0)
    quiz.draw_rules = clean
    quiz.save()
    if mode == PaperMode.FIXED:
        quiz.items.exclude(question_id__in=[q.pk for q in questions]).delete()
        existing = {item.question_id: item for item in quiz.items.all()}
        for order, question in enumerate(questions):
            item = existing.get(question.pk)
            if item is None:
                QuizQuestion.objects.create(quiz=quiz, question=question, order=order)
            elif item.order != order:
                item.order = order
                item.save(update_fields=["order"])
    audit(actor, "lms.quiz.save", quiz, before=before, after=_quiz_snapshot(quiz))
    return quiz


def lessons_linking(quiz_id: int) -> list[str]:
    """Titles of the lesson pages whose current content has a quiz block for this quiz (the
    block stores only the id and links to /learn/quizzes/<id>/)."""
    return [
        lesson.title
        for lesson in LessonPage.objects.only("title", "body").order_by("path")
        if any(
            block.get("type") == "quiz" and str((block.get("value") or {}).get("quiz_id")) == str(quiz_id)
            for block in lesson.body.raw_data
        )
    ]


@transaction.atomic
def delete_quiz(*, actor: User, quiz: Quiz) -> str:
    """Delete a quiz nobody has attempted, with its paper; returns its title. Audited.

    Attempts are learners' records (scores, passes that count towards course completion and
    certificates), so a quiz with any attempt is refused: unpublish it instead, which hides it
    and keeps them. A quiz a lesson's content links to is refused too (the link would break).
    The quiz row is locked first; on PostgreSQL an attempt being started at the same moment
    waits on that lock and then fails on its foreign key, so no attempt is deleted with the
    quiz. Incomplete enrollments of its course are refreshed (a quiz that counted for
    completion no longer does).
    """
    locked = Quiz.objects.select_for_update(of=("self",)).select_related("course").filter(pk=quiz.pk).first()
    if locked is None:
        raise ValidationError(_("该测验已被删除。"))
    _require_author(actor, locked.course)
    linking = lessons_linking(locked.pk)
    if linking:
        raise ValidationError(
            _("课时“%(l)s”的内容链接到该测验，请先在内容管理中移除其中的测验块，再删除测验。")
            % {"l": "”“".join(linking[:5])}
        )
    attempts = Attempt.objects.filter(quiz=locked).count()
    if attempts:
        raise ValidationError(
            ngettext(
                "该测验已有 %(n)d 次作答记录，不能删除；如不再使用，请取消“已发布”使其下线，作答记录会保留。",
                "该测验已有 %(n)d 次作答记录，不能删除；如不再使用，请取消“已发布”使其下线，作答记录会保留。",
                attempts,
            )
            % {"n": attempts}
        )
    title, course = locked.title, locked.course
    audit(actor, "lms.quiz.delete", locked, before=_quiz_snapshot(locked))
    locked.delete()
    if course is not None:
        _refresh_incomplete(course)
    return title


# --- Course rule and work-study module ----------------------------------------------------------


def _hours(value: Any, title: str) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("任务“%(t)s”的要求学时请填写数字。") % {"t": title}) from None
    if not Decimal("0.5") <= hours <= MAX_TASK_HOURS:
        raise ValidationError(_("任务“%(t)s”的要求学时应在 0.5 到 1000 之间。") % {"t": title})
    return hours


@transaction.atomic
def save_course_settings(
    *,
    actor: User,
    course: CoursePage,
    rule: dict[str, Any],
    module: dict[str, Any] | None = None,
    tasks: list[dict[str, Any]] | None = None,
) -> CourseRule:
    """Save a course's completion rule and, when `module` is given, its work-study task book.

    `rule` may be partial: keys it leaves out keep their current (or default) values.

    `tasks` items: {"id" (existing task or None), "title", "description", "required_hours",
    "deliverables", "delete"}. A task that already has learners' logs cannot be deleted (edit it
    instead); a module needs at least one task. Progress of every learner not yet completed is
    recomputed, so a relaxed rule completes those who now meet it (certificate included).
    """
    _require_author(actor, course)
    locked = course
    current = CourseRule.objects.filter(course=locked).first() or CourseRule(course=locked)
    rule_fields = ("require_lessons", "require_quizzes", "require_workstudy", "issue_certificate", "issuer_name")
    before = {f: getattr(current, f) for f in rule_fields}
    values = {**before, **{k: v for k, v in rule.items() if k in rule_fields}}  # a partial rule keeps the rest
    values["issuer_name"] = str(values.get("issuer_name") or "").strip()[:120]
    if values["issue_certificate"] and not values["issuer_name"]:
        raise ValidationError({"issuer_name": [_("颁发证书时请填写颁发单位。")]})
    values["issuer_name"] = values["issuer_name"] or before["issuer_name"]
    saved, _created = CourseRule.objects.update_or_create(course=locked, defaults=values)
    after: dict[str, Any] = {f: getattr(saved, f) for f in rule_fields}

    if module is not None:
        title = str(module.get("title") or "").strip()
        if not title:
            raise ValidationError({"module_title": [_("请填写工学一体模块名称。")]})
        workstudy, _created = WorkStudyModule.objects.update_or_create(
            course=locked, defaults={"title": title[:200], "description": str(module.get("description") or "")}
        )
        existing = {t.pk: t for t in workstudy.tasks.all()}
        used = set(WorkLog.objects.filter(task__in=existing.values()).values_list("task_id", flat=True))
        kept = 0
        changes: list[tuple[WorkStudyTask | None, dict[str, Any] | None]] = []
        for order, item in enumerate(tasks or []):
            task = existing.get(int(item["id"])) if item.get("id") else None
            if item.get("id") and task is None:
                raise ValidationError(_("任务不属于该课程，请刷新页面后重试。"))
            task_title = str(item.get("title") or "").strip()
            if item.get("delete"):
                if task is not None:
                    if task.pk in used:
                        raise ValidationError(
                            _("任务“%(t)s”已有学员的工学日志，不能删除；可修改其内容或要求学时。") % {"t": task.title}
                        )
                    changes.append((task, None))
                continue
            if not task_title:
                if task is None:
                    continue  # an empty extra row
                raise ValidationError(_("第 %(n)d 个任务缺少名称。") % {"n": order + 1})
            task_fields: dict[str, Any] = {
                "title": task_title[:200],
                "description": str(item.get("description") or ""),
                "deliverables": str(item.get("deliverables") or ""),
                "required_hours": _hours(item.get("required_hours"), task_title[:40]),
                "order": order,
            }
            changes.append((task, task_fields))
            kept += 1
        if kept == 0:
            raise ValidationError(_("工学一体模块至少需要一个任务。"))
        for task, fields in changes:
            if fields is None and task is not None:
                task.delete()
            elif task is None and fields is not None:
                WorkStudyTask.objects.create(module=workstudy, **fields)
            elif task is not None and fields is not None:
                for key, value in fields.items():
                    setattr(task, key, value)
                task.save()
        after["workstudy"] = {"title": workstudy.title, "tasks": kept}
    audit(actor, "lms.course_settings.save", locked, before=before, after=after)
    _refresh_incomplete(locked)
    return saved


def _refresh_incomplete(course: CoursePage) -> None:
    """Recompute every not-yet-completed enrollment of `course` after its requirements changed,
    so a learner who now meets them completes (and is certified)."""
    from lms.progress import refresh

    for enrollment in Enrollment.objects.filter(course=course, completed_at__isnull=True):
        refresh(enrollment)
