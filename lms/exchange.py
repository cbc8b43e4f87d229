"""Spreadsheet record types of lms: cohort enrollments, the question bank, certificates.

A plugin module of the data exchange (`exchange`, see docs/exchange.md), which
reads the files, reports bad rows, writes all-or-nothing, masks and escapes exports and audits.
Here are only the rules of each record type, and the writes go through lms's actions:

- 班级学员 (`enrollments`): an enterprise admin puts her own organization's staff into her
  organization's cohorts (the rules of `lms.actions.create_cohort`, written by `enroll`).
- 题库 (`questions`): rows are checked by `parse_row` (题型, options, answers per type, 难度,
  分值, 技能领域, 等级); a question is identified by its fingerprint (type, stem, options), so a
  re-import updates in place or changes nothing. The question-bank page's 导入题库 leads here.
- 班级学习进度 (`cohort_progress`): export only, within one cohort (the context kind
  `cohort`, for whoever may see the cohort: its mentor, its organization's admins, the city
  and the province): the cohort page's 导出 button.
- 证书 (`certificates`): export only. Certificates are issued by the platform itself (course
  completion, contest awards) with a verification code; a file cannot prove a certificate
  issued elsewhere, so there is no import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.actions import audit
from accounts.choices import CourseLevel, Role, SkillDomain
from accounts.models import User
from accounts.selectors import enterprise_admin_org_ids, people_visible_to
from exchange.columns import (
    EXAMPLE_ID,
    EXPORT_ONLY,
    PersonColumns,
    choice_labels,
    choice_lookup,
    local_time,
    points_text,
)
from exchange.registry import (
    Column,
    ContextKind,
    Exporter,
    Importer,
    RecordType,
    Row,
    WriteCounts,
    register,
    register_context,
)
from lms import actions, selectors
from lms.grading import OPTION_LETTERS, normalize_text, question_fingerprint
from lms.models import Certificate, Cohort, Enrollment, Question, QuestionType

ADMINS = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE_ADMIN)


# --- Cohort enrollments -----------------------------------------------------------------------

ENROLLMENT_COLUMNS = (
    Column(
        "cohort",
        "班级",
        required=True,
        example="2026 年第一期工业互联网班",
        help="必填，本单位已开设的班级名称，或班级编号（班级页面地址中的数字）；有同名班级时请填编号。",
    ),
    Column("real_name", "姓名", example="王小明", help="选填；填写时须与平台登记的姓名一致，用于核对。"),
    Column(
        "mobile",
        "手机号",
        text=True,
        pii="mobile",
        example="13800138000",
        help="手机号和身份证号至少填一项，用于找到平台中的学员（须为本单位人员）。",
    ),
    Column("id_number", "身份证号", text=True, pii="id_number", example=EXAMPLE_ID, help="选填，18 位，文本格式。"),
    Column("course", "课程", help=EXPORT_ONLY),
    Column("progress", "进度（%）", help=EXPORT_ONLY),
    Column("completed_at", "结业时间", help=EXPORT_ONLY),
)


class EnrollmentImporter(Importer):
    """Puts people into cohorts. Natural key: (learner, course): a learner takes a course once.

    The importer must be an enterprise admin; the cohort must be her organization's, the learner
    one of its staff, the course published (the rules of `create_cohort` and `enroll`). A
    learner already in the cohort is unchanged; one enrolled in the course without this cohort
    (or in another cohort) moves to it ("update", audited as lms.enroll.cohort).
    """

    def __init__(self, actor: User, context: Any = None) -> None:
        super().__init__(actor, context)
        self.columns = {c.key: c for c in ENROLLMENT_COLUMNS}
        self.people = PersonColumns(self.columns["mobile"], self.columns["id_number"], self.columns["real_name"])
        org_ids = enterprise_admin_org_ids(actor)
        cohorts = list(
            Cohort.objects.filter(organization_id__in=org_ids).select_related("course", "organization")
            if org_ids
            else []
        )
        self.by_pk = {str(c.pk): c for c in cohorts}
        self.by_name: dict[str, list[Cohort]] = {}
        for cohort in cohorts:
            self.by_name.setdefault(cohort.name, []).append(cohort)
        self.seen: dict[tuple[int, int], int] = {}

    def _cohort(self, row: Row) -> Cohort | None:
        text = row.values["cohort"].strip()
        if not text:
            return None
        named = self.by_name.get(text, [])
        if len(named) > 1:
            row.error(
                self.columns["cohort"],
                _("本单位有 %(n)s 个名为“%(c)s”的班级，请改填班级编号：%(ids)s。")
                % {"n": len(named), "c": text, "ids": "、".join(str(c.pk) for c in named)},
            )
            return None
        cohort = named[0] if named else self.by_pk.get(text)
        if cohort is None:
            row.error(
                self.columns["cohort"],
                _("未找到本单位的班级“%(c)s”：请先在“开设班级”中创建，或核对班级名称/编号。") % {"c": text},
            )
        return cohort

    def clean_chunk(self, rows: list[Row]) -> None:
        col = self.columns
        for row in rows:
            row.data = {"cohort": self._cohort(row) if not row.has_error(col["cohort"]) else None}
        self.people.resolve(rows)
        candidates = [r for r in rows if not r.errors]
        pairs = {(r.data["person"].pk, r.data["cohort"].course_id) for r in candidates}
        existing = {
            (e.learner_id, e.course_id): e
            for e in Enrollment.objects.filter(
                learner_id__in={p for p, _c in pairs}, course_id__in={c for _p, c in pairs}
            )
        }
        for row in candidates:
            person: User = row.data["person"]
            cohort: Cohort = row.data["cohort"]
            if person.organization_id != cohort.organization_id:
                row.error(
                    col["mobile"],
                    _("该人员不属于本单位（%(org)s），不能加入本单位的班级。") % {"org": cohort.organization.name},
                )
                continue
            if not cohort.course.live:
                row.error(col["cohort"], _("班级“%(c)s”的课程尚未发布，暂不能报名。") % {"c": cohort.name})
                continue
            key = (person.pk, cohort.course_id)
            first = self.seen.setdefault(key, row.number)
            if first != row.number:
                row.error(
                    col["mobile"], _("与第 %(n)s 行是同一学员的同一课程（一门课程只能加入一个班级）。") % {"n": first}
                )
                continue
            enrollment = existing.get(key)
            row.data["enrollment"] = enrollment
            if enrollment is None:
                row.action = "create"
            elif enrollment.cohort_id == cohort.pk:
                row.action = "unchanged"
            else:
                row.action = "update"

    def write(self, rows: list[Row]) -> WriteCounts:
        counts = WriteCounts()
        for row in rows:
            person, cohort, enrollment = row.data["person"], row.data["cohort"], row.data["enrollment"]
            if row.action == "unchanged":
                counts.unchanged += 1
                continue
            before = enrollment.cohort_id if enrollment is not None else None
            try:
                enrolled = actions.enroll(person, cohort.course, actor=self.actor, cohort=cohort)
            except ValidationError as exc:  # the course was unpublished since the check: write nothing
                raise IntegrityError(str(exc.messages[0])) from exc
            if row.action == "update":
                # `enroll` moves an existing enrollment silently; a move by file is audited here.
                audit(self.actor, "lms.enroll.cohort", enrolled, before={"cohort": before}, after={"cohort": cohort.pk})
                counts.updated += 1
            else:
                counts.created += 1
        return counts


class EnrollmentExporter(Exporter):
    """Learners of the cohorts the exporter may see (`lms.selectors.cohorts_visible_to`)."""

    def queryset(self) -> QuerySet[Enrollment]:
        cohorts = selectors.cohorts_visible_to(self.actor).values("pk")
        return (
            Enrollment.objects.filter(cohort__in=cohorts)
            .select_related("cohort", "course", "learner")
            .order_by("cohort_id", "learner__real_name", "pk")
        )

    def rows(self, objects: Iterable[Enrollment]) -> Iterator[dict[str, object]]:
        for enrollment in objects:
            learner = enrollment.learner
            yield {
                "cohort": enrollment.cohort.name if enrollment.cohort is not None else "",
                "real_name": learner.real_name,
                "mobile": learner.mobile,
                "id_number": self.id_number(learner),
                "course": enrollment.course.title,
                "progress": enrollment.progress,
                "completed_at": local_time(enrollment.completed_at),
            }


# --- Question bank ----------------------------------------------------------------------------

OPTION_COLUMNS = [f"选项{letter}" for letter in OPTION_LETTERS]
TYPE_NAMES = {
    "单选": QuestionType.SINGLE,
    "单选题": QuestionType.SINGLE,
    "多选": QuestionType.MULTIPLE,
    "多选题": QuestionType.MULTIPLE,
    "判断": QuestionType.TRUE_FALSE,
    "判断题": QuestionType.TRUE_FALSE,
    "填空": QuestionType.FILL,
    "填空题": QuestionType.FILL,
    "简答": QuestionType.SHORT,
    "简答题": QuestionType.SHORT,
    "实操": QuestionType.PRACTICAL,
    "实操题": QuestionType.PRACTICAL,
}
DIFFICULTY_NAMES = {"易": 1, "容易": 1, "较易": 2, "中": 3, "中等": 3, "较难": 4, "难": 5, "困难": 5}
TRUE_WORDS = {"对", "正确", "√", "是", "true", "t", "1"}
FALSE_WORDS = {"错", "错误", "×", "否", "false", "f", "0"}


def _cell(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_row(row: dict[str, Any]) -> dict[str, Any]:
    """One row of the question bank, keyed by header → Question field values; ValidationError
    with every problem in Chinese (题型, options, answers per type, 难度, 分值, 技能领域, 等级)."""
    problems: list[str] = []
    qtype = TYPE_NAMES.get(_cell(row, "题型"))
    if qtype is None:
        problems.append(
            _("题型“%(v)s”无法识别（应为单选、多选、判断、填空、简答或实操）") % {"v": _cell(row, "题型")[:10]}
        )
    stem = _cell(row, "题干")
    if not stem:
        problems.append(_("题干为空"))
    options: list[str] = []
    gap = False
    for column in OPTION_COLUMNS:
        text = _cell(row, column)
        if text and gap:
            problems.append(_("选项不连续（%(c)s 前有空选项）") % {"c": column})
        if text:
            options.append(text)
        else:
            gap = True
    raw_answer = _cell(row, "答案")
    answer: Any = None
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if len(options) < 2:
            problems.append(_("选择题至少需要两个选项"))
        letters = [c for c in raw_answer.upper() if c.isalpha()]
        allowed = OPTION_LETTERS[: len(options)]
        if not letters:
            problems.append(_("答案为空"))
        elif any(letter not in allowed for letter in letters):
            problems.append(_("答案“%(a)s”不在选项范围 A–%(z)s 内") % {"a": raw_answer[:10], "z": allowed[-1:] or "A"})
        elif qtype == QuestionType.SINGLE and len(letters) != 1:
            problems.append(_("单选题只能有一个答案"))
        answer = letters[0] if qtype == QuestionType.SINGLE and letters else sorted(set(letters))
    elif qtype == QuestionType.TRUE_FALSE:
        word = normalize_text(raw_answer)
        if word in TRUE_WORDS:
            answer = True
        elif word in FALSE_WORDS:
            answer = False
        else:
            problems.append(_("判断题答案应为“对”或“错”"))
    elif qtype == QuestionType.FILL:
        # Blanks are separated by ；/;, accepted variants of one blank by |.
        blanks = [b for b in re.split(r"[;；]", raw_answer) if b.strip()]
        answer = [[v.strip() for v in b.split("|") if v.strip()] for b in blanks]
        if not answer:
            problems.append(_("填空题答案为空（多个空用分号分隔，同一空的多个答案用 | 分隔）"))
    raw_difficulty = _cell(row, "难度")
    difficulty = 3
    if raw_difficulty:
        difficulty = DIFFICULTY_NAMES.get(raw_difficulty) or (int(raw_difficulty) if raw_difficulty.isdigit() else 0)
        if not 1 <= difficulty <= 5:
            problems.append(_("难度应为 1–5 或 易/较易/中/较难/难"))
    domain = _choice(row, "技能领域", SkillDomain, problems)
    level = _choice(row, "等级", CourseLevel, problems)
    points = Decimal(1)
    if _cell(row, "分值"):
        try:
            points = Decimal(_cell(row, "分值"))
            if points <= 0 or points > 100:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(_("分值应为 0–100 之间的数字"))
    if len(stem) > 5000:
        problems.append(_("题干过长（超过 5000 字）"))
    if problems:
        raise ValidationError("；".join(str(p) for p in problems))
    subjective = qtype in (QuestionType.SHORT, QuestionType.PRACTICAL)
    return {
        "qtype": qtype,
        "stem": stem,
        "options": options if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE) else [],
        "answer": None if subjective else answer,
        "rubric": raw_answer if subjective else "",
        "explanation": _cell(row, "解析"),
        "difficulty": difficulty,
        "knowledge_point": _cell(row, "知识点")[:100],
        "domain": domain,
        "level": level,
        "points": points,
    }


def _choice(row: dict[str, Any], column: str, choices: Any, problems: list[str]) -> str:
    text = _cell(row, column)
    if not text:
        return ""
    for value, label in choices.choices:
        if text in (value, str(label)):
            return value
    problems.append(_("%(c)s“%(v)s”无法识别") % {"c": column, "v": text[:20]})
    return ""


QUESTION_COLUMNS = (
    Column("qtype", "题型", required=True, example="单选", help="单选、多选、判断、填空、简答 或 实操。"),
    Column("stem", "题干", required=True, example="PLC 的中文全称是？", help="必填，最多 5000 字。"),
    *(
        Column(
            f"option_{letter.lower()}",
            header,
            example={"A": "可编程逻辑控制器", "B": "个人计算机"}.get(letter, ""),
            help="选择题的选项，从 选项A 起连续填写，至少两个。" if letter == "A" else "",
        )
        for letter, header in zip(OPTION_LETTERS, OPTION_COLUMNS, strict=True)
    ),
    Column(
        "answer",
        "答案",
        example="A",
        help="单选填一个字母；多选填多个字母（如 AC）；判断填 对 或 错；"
        "填空题多个空用分号分隔，同一空的多个答案用 | 分隔；简答、实操题填评分标准。",
    ),
    Column("explanation", "解析", help="选填。"),
    Column("difficulty", "难度", example="易", help="1–5，或 易、较易、中、较难、难；留空为 3。"),
    Column("knowledge_point", "知识点", example="PLC 基础", help="选填，最多 100 字。"),
    Column("domain", "技能领域", example="工业互联网", help="选填，如 工业互联网、数据分析。"),
    Column("level", "等级", example="入门", help="选填：入门、进阶 或 高级。"),
    Column("points", "分值", example="2", help="0–100 之间的数字；留空为 1。"),
)
QUESTION_HEADERS = {c.key: c.header for c in QUESTION_COLUMNS}
# Which column a message of `parse_row` is about: the earliest of these words in the message.
PROBLEM_COLUMNS = (
    ("题型", "题型"),
    ("题干", "题干"),
    ("答案", "答案"),
    ("选项", "选项A"),
    ("难度", "难度"),
    ("技能领域", "技能领域"),
    ("等级", "等级"),
    ("分值", "分值"),
)
TYPE_LABELS: dict[str, str] = {
    QuestionType.SINGLE: "单选",
    QuestionType.MULTIPLE: "多选",
    QuestionType.TRUE_FALSE: "判断",
    QuestionType.FILL: "填空",
    QuestionType.SHORT: "简答",
    QuestionType.PRACTICAL: "实操",
}


def problem_column(message: str) -> str:
    found = [(message.find(word), header) for word, header in PROBLEM_COLUMNS if word in message]
    return min(found)[1] if found else "题干"


def answer_text(question: Question) -> str:
    """The 答案 cell that `parse_row` reads back into the same answer."""
    answer = question.answer
    if question.qtype == QuestionType.SINGLE:
        return str(answer or "")
    if question.qtype == QuestionType.MULTIPLE:
        return "".join(answer or [])
    if question.qtype == QuestionType.TRUE_FALSE:
        return "对" if answer else "错"
    if question.qtype == QuestionType.FILL:
        return "；".join("|".join(str(v) for v in blank) for blank in answer or [])
    return question.rubric


class QuestionImporter(Importer):
    """The question bank. Rows are checked by `parse_row`; natural key: the question's
    fingerprint (type, stem and options, normalized)."""

    FIELDS = (
        "qtype",
        "stem",
        "options",
        "answer",
        "rubric",
        "explanation",
        "difficulty",
        "knowledge_point",
        "domain",
        "level",
        "points",
    )

    def __init__(self, actor: User, context: Any = None) -> None:
        super().__init__(actor, context)
        self.seen: dict[str, int] = {}
        # parse_row matches labels in the active language; files carry the Chinese labels.
        self.domains = choice_lookup(SkillDomain)
        self.levels = choice_lookup(CourseLevel)

    def clean_chunk(self, rows: list[Row]) -> None:
        for row in rows:
            cells = {QUESTION_HEADERS[key]: value for key, value in row.values.items()}
            for header, table in (("技能领域", self.domains), ("等级", self.levels)):
                cells[header] = table.get(cells[header].strip(), cells[header])
            try:
                parsed = parse_row(cells)
            except ValidationError as exc:
                for message in "；".join(exc.messages).split("；"):
                    header = problem_column(message)
                    # A required cell left empty is already reported by the engine.
                    if message.strip() and not any(h == header for h, _m in row.errors):
                        row.error(header, message)
                continue
            fingerprint = question_fingerprint(parsed["qtype"], parsed["stem"], parsed["options"])
            first = self.seen.setdefault(fingerprint, row.number)
            if first != row.number:
                row.error(
                    QUESTION_HEADERS["stem"], _("与第 %(n)d 行是同一道题（题型、题干和选项相同）。") % {"n": first}
                )
                continue
            row.data = {"fingerprint": fingerprint, "fields": parsed}
        valid = [r for r in rows if r.data]
        existing = {
            q.fingerprint: q for q in Question.objects.filter(fingerprint__in=[r.data["fingerprint"] for r in valid])
        }
        for row in valid:
            question = existing.get(row.data["fingerprint"])
            if question is None:
                row.action = "create"
                continue
            changes = {k: v for k, v in row.data["fields"].items() if getattr(question, k) != v}
            row.data.update(question=question, changes=changes)
            row.action = "update" if changes else "unchanged"

    def write(self, rows: list[Row]) -> WriteCounts:
        counts = WriteCounts()
        new: list[Question] = []
        for row in rows:
            if row.action == "create":
                new.append(Question(**row.data["fields"], fingerprint=row.data["fingerprint"], created_by=self.actor))
            elif row.action == "update":
                question, changes = row.data["question"], row.data["changes"]
                for key, value in changes.items():
                    setattr(question, key, value)
                question.save(update_fields=list(changes))
                counts.updated += 1
            else:
                counts.unchanged += 1
        Question.objects.bulk_create(new, batch_size=500)
        counts.created = len(new)
        if counts.created or counts.updated:
            audit(self.actor, "lms.questions.import", None, after={"new": counts.created, "updated": counts.updated})
        return counts


class QuestionExporter(Exporter):
    """The whole bank, with answers: only for those who may edit it."""

    def queryset(self) -> QuerySet[Question]:
        return Question.objects.order_by("pk")

    def rows(self, objects: Iterable[Question]) -> Iterator[dict[str, object]]:
        domains = choice_labels(SkillDomain)
        levels = choice_labels(CourseLevel)
        for question in objects:
            values: dict[str, object] = {
                "qtype": TYPE_LABELS.get(question.qtype, question.qtype),
                "stem": question.stem,
                "answer": answer_text(question),
                "explanation": question.explanation,
                "difficulty": question.difficulty,
                "knowledge_point": question.knowledge_point,
                "domain": domains.get(question.domain, ""),
                "level": levels.get(question.level, ""),
                "points": points_text(question.points),
            }
            for letter, option in zip(OPTION_LETTERS, question.options or [], strict=False):
                values[f"option_{letter.lower()}"] = option
            yield values


def manages_question_bank(user: User) -> bool:
    return user.has_perm("lms.add_question") and user.has_perm("lms.change_question")


# --- Cohort progress (export only, within a cohort) -----------------------------------------

COHORT_PROGRESS_COLUMNS = (
    Column("cohort", "班级"),
    Column("real_name", "姓名"),
    Column("mobile", "手机号", text=True, pii="mobile"),
    Column("progress", "进度（%）"),
    Column("lessons_done", "已完成课时"),
    Column("approved_hours", "已认定工学学时"),
    Column("pending_logs", "待审日志"),
    Column("completed", "结业"),
)


class CohortProgressExporter(Exporter):
    """The cohort page's progress table (`selectors.cohort_progress`), one row per learner, of
    the cohort the export is limited to (it is never exported without one)."""

    def queryset(self) -> list[dict[str, Any]]:
        return selectors.cohort_progress(self.context) if self.context is not None else []

    def rows(self, objects: Iterable[dict[str, Any]]) -> Iterator[dict[str, object]]:
        for row in objects:
            learner = row["learner"]
            yield {
                "cohort": self.context.name,
                "real_name": learner.real_name,
                "mobile": learner.mobile,
                "progress": row["progress"],
                "lessons_done": row["lessons_done"],
                "approved_hours": points_text(Decimal(row["approved_hours"])),
                "pending_logs": row["pending_logs"],
                "completed": _("是") if row["completed"] else _("否"),
            }


# --- Certificates (export only) ---------------------------------------------------------------

CERTIFICATE_COLUMNS = (
    Column("number", "证书编号", text=True),
    Column("real_name", "姓名"),
    Column("mobile", "手机号", text=True, pii="mobile"),
    Column("organization", "单位"),
    Column("kind", "类型"),
    Column("title", "证书名称"),
    Column("issuer", "颁发单位"),
    Column("hours", "学时"),
    Column("issued_at", "颁发时间"),
    Column("state", "状态"),
)
CERTIFICATE_KINDS = {"course": "课程结业证书", "award": "竞赛获奖证书", "exam": "考试合格证书"}


class CertificateExporter(Exporter):
    """Certificates held by the people the exporter may see (`people_visible_to`)."""

    def queryset(self) -> QuerySet[Certificate]:
        holders = people_visible_to(self.actor).values("pk")
        return (
            Certificate.objects.filter(holder__in=holders)
            .select_related("holder", "holder__organization")
            .order_by("issued_at", "pk")
        )

    def rows(self, objects: Iterable[Certificate]) -> Iterator[dict[str, object]]:
        for certificate in objects:
            holder = certificate.holder
            yield {
                "number": certificate.number,
                "real_name": holder.real_name,
                "mobile": holder.mobile,
                "organization": holder.organization.name if holder.organization is not None else "",
                "kind": CERTIFICATE_KINDS.get(certificate.kind, certificate.kind),
                "title": certificate.title,
                "issuer": certificate.issuer_name,
                "hours": points_text(certificate.hours) if certificate.hours is not None else "",
                "issued_at": local_time(certificate.issued_at),
                "state": _("已撤销") if certificate.revoked_at else _("有效"),
            }


register_context(
    ContextKind(
        key="cohort",
        label=gettext_lazy("班级"),
        # The cohort page's own check (`cohorts_visible_to`): 404 for a cohort one may not see.
        resolve=lambda user, ref: selectors.access_cohort(user, ref),
    )
)

register(
    RecordType(
        key="enrollments",
        label=gettext_lazy("班级学员"),
        description=gettext_lazy(
            "把本单位员工加入本单位的班级（按手机号或身份证号找到人员）；导出可见班级的学员与进度。"
        ),
        columns=ENROLLMENT_COLUMNS,
        natural_key=("mobile", "cohort"),
        importer=EnrollmentImporter,
        exporter=EnrollmentExporter,
        can_import=lambda user: bool(enterprise_admin_org_ids(user)),
        can_export=lambda user: user.has_role(*ADMINS),
    )
)

register(
    RecordType(
        key="questions",
        label=gettext_lazy("题库"),
        description=gettext_lazy("试题：题型、题干、选项A–F、答案、解析、难度、知识点（含答案，仅题库管理者）。"),
        columns=QUESTION_COLUMNS,
        natural_key=("qtype", "stem", "option_a"),
        importer=QuestionImporter,
        exporter=QuestionExporter,
        can_import=manages_question_bank,
        can_export=manages_question_bank,
    )
)

register(
    RecordType(
        key="cohort_progress",
        label=gettext_lazy("班级学习进度"),
        description=gettext_lazy("一个班级的学员进度、已完成课时、已认定工学学时和待审日志（从班级页面导出）。"),
        columns=COHORT_PROGRESS_COLUMNS,
        natural_key=("cohort", "mobile"),
        exporter=CohortProgressExporter,
        # Mentors and admins; which cohort is the context's check (`cohorts_visible_to`).
        can_export=lambda user: user.has_role(Role.MENTOR, *ADMINS),
        context="cohort",
        context_required=True,
    )
)

register(
    RecordType(
        key="certificates",
        label=gettext_lazy("证书"),
        description=gettext_lazy("平台颁发的课程结业证书和竞赛获奖证书（只导出；证书由平台颁发，不从文件导入）。"),
        columns=CERTIFICATE_COLUMNS,
        natural_key=("number",),
        exporter=CertificateExporter,
        can_export=lambda user: user.has_role(*ADMINS),
    )
)
