"""Question bank import from the organizers' Excel layout: dry run lists every bad row; any bad row writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lms.models import Question, QuestionType
from lms.resources import import_questions
from tests.lms.conftest import workbook

pytestmark = pytest.mark.django_db

GOOD = [
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
        "PLC 即可编程逻辑控制器",
        "易",
        "PLC 基础",
    ],
    ["多选", "下列属于工业通信协议的是？", "Modbus", "HTTP 图片", "OPC UA", "", "", "", "A,C", "", 3, "通信协议"],
    ["判断", "MES 是制造执行系统。", "", "", "", "", "", "", "对", "", "中", ""],
    ["填空", "OPC UA 中的 UA 指____", "", "", "", "", "", "", "统一架构|Unified Architecture", "", 4, ""],
    ["简答", "简述设备联网的两个好处。", "", "", "", "", "", "", "实时监控；预测维护", "", 2, ""],
]


def test_a_good_file_imports_every_type_and_a_rerun_updates_instead_of_duplicating(organizer) -> None:
    content = workbook(GOOD)
    dry = import_questions(content, "bank.xlsx", actor=organizer, dry_run=True)
    assert dry.ok and dry.new == 5 and not dry.written
    assert Question.objects.count() == 0
    report = import_questions(content, "bank.xlsx", actor=organizer, dry_run=False)
    assert report.written and report.new == 5
    fill = Question.objects.get(qtype=QuestionType.FILL)
    assert fill.answer == [["统一架构", "Unified Architecture"]]
    assert Question.objects.get(qtype=QuestionType.MULTIPLE).answer == ["A", "C"]
    assert Question.objects.get(qtype=QuestionType.TRUE_FALSE).answer is True
    assert Question.objects.get(qtype=QuestionType.SHORT).rubric == "实时监控；预测维护"
    again = import_questions(content, "bank.xlsx", actor=organizer, dry_run=False)
    assert again.updated == 5 and Question.objects.count() == 5


def test_every_bad_row_is_listed_with_its_excel_row_number_and_nothing_is_written(organizer) -> None:
    rows = [
        *GOOD[:2],
        ["问答", "未知题型", "", "", "", "", "", "", "", "", "", ""],
        ["单选", "答案越界", "甲", "乙", "", "", "", "", "D", "", "", ""],
        ["判断", "", "", "", "", "", "", "", "也许", "", "9", ""],
        GOOD[0],
    ]
    report = import_questions(workbook(rows), "bank.xlsx", actor=organizer, dry_run=False)
    assert not report.written
    numbers = [n for n, _reason in report.errors]
    assert numbers == [4, 5, 6, 7]
    reasons = dict(report.errors)
    assert "题型“问答”无法识别" in reasons[4]
    assert "不在选项范围" in reasons[5]
    assert "题干为空" in reasons[6] and "判断题答案" in reasons[6] and "难度" in reasons[6]
    assert "与第 2 行是同一道题" in reasons[7]
    assert Question.objects.count() == 0


def test_a_file_without_the_required_columns_is_refused_in_chinese(organizer) -> None:
    with pytest.raises(ValidationError, match="缺少必需的列"):
        import_questions(workbook([["x"]], headers=["标题"]), "bank.xlsx", actor=organizer, dry_run=True)
    with pytest.raises(ValidationError, match="xlsx"):
        import_questions(b"junk", "bank.pdf", actor=organizer, dry_run=True)
