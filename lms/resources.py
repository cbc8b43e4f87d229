"""Question bank import from the Excel layout organizers already use (django-import-export).

Columns: 题型, 题干, 选项A … 选项F, 答案, 解析, 难度, 知识点 (optional: 技能领域, 等级, 分值).
`import_questions` always validates the whole file first; a file with any bad row writes nothing
and the report lists every bad row with its Excel row number and the reason in Chinese.
A question already in the bank (same type, stem and options) is updated, not duplicated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import resources

from accounts.choices import CourseLevel, SkillDomain
from accounts.models import User
from exchange.files import FileProblemError, read_upload
from lms.grading import OPTION_LETTERS, normalize_text, question_fingerprint
from lms.models import Question, QuestionType

REQUIRED_COLUMNS = ["题型", "题干", "答案"]
OPTION_COLUMNS = [f"选项{letter}" for letter in OPTION_LETTERS]
TEMPLATE_COLUMNS = ["题型", "题干", *OPTION_COLUMNS, "答案", "解析", "难度", "知识点", "技能领域", "等级", "分值"]
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
MAX_ROWS = 5000


def _cell(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_row(row: dict[str, Any]) -> dict[str, Any]:
    """One spreadsheet row → Question field values; ValidationError with every problem in Chinese."""
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


class QuestionResource(resources.ModelResource):
    """Rows are parsed by `parse_row`; the fingerprint finds an existing question to update."""

    def __init__(self, actor: User | None = None) -> None:
        super().__init__()
        self.actor = actor
        self.seen: dict[str, int] = {}

    class Meta:
        model = Question
        fields = ("fingerprint",)
        import_id_fields = ("fingerprint",)
        skip_diff = True
        use_transactions = True

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        parsed = parse_row(row)
        fingerprint = question_fingerprint(parsed["qtype"], parsed["stem"], parsed["options"])
        number = kwargs.get("row_number", 0) + 1
        if fingerprint in self.seen:
            raise ValidationError(_("与第 %(n)d 行是同一道题") % {"n": self.seen[fingerprint]})
        self.seen[fingerprint] = number
        row["fingerprint"] = fingerprint
        row["_parsed"] = parsed

    def import_instance(self, instance: Question, row: Any, **kwargs: Any) -> None:
        for name, value in row["_parsed"].items():
            setattr(instance, name, value)
        if instance.pk is None:
            instance.created_by = self.actor


@dataclass
class ImportReport:
    total: int = 0
    new: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and self.total > 0


def load_dataset(content: bytes, filename: str) -> tablib.Dataset:
    """Read an .xlsx or .csv upload into a dataset; ValidationError in Chinese if unreadable.

    The file is read by the data exchange's guarded reader (structure checked, then parsed in a
    capped child process), never by openpyxl inside the web process; cells arrive as text.
    """
    if not filename.lower().endswith((".xlsx", ".csv")):
        raise ValidationError(_("请上传 .xlsx 或 .csv 文件。"))
    try:
        raw_headers, rows = read_upload(content, filename, max_rows=MAX_ROWS)
    except FileProblemError as exc:
        raise ValidationError(str(exc)) from None
    headers = [h.strip() for h in raw_headers]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ValidationError(_("缺少必需的列：%(c)s") % {"c": "、".join(missing)})
    dataset = tablib.Dataset(*(texts for _number, texts in rows), headers=headers)
    if dataset.height == 0:
        raise ValidationError(_("文件中没有试题。"))
    if "fingerprint" not in headers:  # filled in per row by the resource; the identity of a question
        dataset.append_col([""] * dataset.height, header="fingerprint")
    return dataset


def _run(dataset: tablib.Dataset, actor: User | None, dry_run: bool) -> ImportReport:
    result = QuestionResource(actor).import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    report = ImportReport(total=dataset.height)
    for row_result in result.rows:
        if row_result.import_type == "new":
            report.new += 1
        elif row_result.import_type == "update":
            report.updated += 1
    for invalid in result.invalid_rows:
        report.errors.append((invalid.number + 1, "；".join(invalid.error.messages)))
    for number, errors in result.row_errors():
        report.errors.append((number + 1, _("无法导入：%(e)s") % {"e": str(errors[0].error)[:200]}))
    for error in result.base_errors:
        report.errors.append((0, _("文件无法导入：%(e)s") % {"e": str(error.error)[:200]}))
    report.errors.sort()
    return report


def import_questions(content: bytes, filename: str, *, actor: User | None, dry_run: bool) -> ImportReport:
    """Validate the whole file (a dry run); write it only if asked and every row is good.

    Excel row numbers count the header as row 1, so the first question is row 2.
    """
    dataset = load_dataset(content, filename)
    report = _run(dataset, actor, dry_run=True)
    if dry_run or report.errors:
        return report
    with transaction.atomic():
        report = _run(dataset, actor, dry_run=False)
        if report.errors:  # pragma: no cover - the dry run found none; a race could
            transaction.set_rollback(True)
            return report
        report.written = True
    from accounts.actions import audit

    audit(actor, "lms.questions.import", None, after={"new": report.new, "updated": report.updated})
    return report


def template_workbook() -> bytes:
    dataset = tablib.Dataset(headers=TEMPLATE_COLUMNS)
    dataset.append(
        [
            "单选",
            "PLC 的中文全称是？",
            "可编程逻辑控制器",
            "个人计算机",
            "",
            "",
            "",
            "",
            "A",
            "",
            "易",
            "PLC 基础",
            "工业互联网",
            "入门",
            2,
        ]
    )
    dataset.append(
        [
            "填空",
            "OPC UA 中的 UA 指____",
            "",
            "",
            "",
            "",
            "",
            "",
            "统一架构|Unified Architecture",
            "",
            3,
            "通信协议",
            "",
            "",
            1,
        ]
    )
    return dataset.export("xlsx")
