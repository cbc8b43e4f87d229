from __future__ import annotations

import pytest

from lms.grading import grade, normalize_text, question_fingerprint


def test_full_width_and_spacing_differences_are_normalized() -> None:
    assert normalize_text("Ｐ Ｌ Ｃ") == normalize_text("plc")
    assert normalize_text("工业　互联网") == "工业互联网"


@pytest.mark.parametrize(
    ("qtype", "answer", "response", "expected"),
    [
        ("single", "B", "b", True),
        ("single", "B", "C", False),
        ("single", "B", ["B"], False),
        ("multiple", ["A", "C"], ["C", "A"], True),
        ("multiple", ["A", "C"], ["A"], False),
        ("multiple", ["A", "C"], "AC", False),
        ("truefalse", True, "对", True),
        ("truefalse", False, True, False),
        ("truefalse", True, "maybe", False),
        ("fill", [["PLC", "可编程逻辑控制器"]], "ｐｌｃ", True),
        ("fill", [["PLC", "可编程逻辑控制器"]], " 可编程 逻辑控制器 ", True),
        ("fill", [["5G"], ["边缘计算"]], ["5g", "边缘计算"], True),
        ("fill", [["5G"], ["边缘计算"]], ["5g"], False),
        ("short", None, "任意文字", None),
        ("practical", None, None, None),
    ],
)
def test_objective_answers_are_graded_and_subjective_ones_left_to_people(qtype, answer, response, expected) -> None:
    assert grade(qtype, answer, response) is expected


def test_the_same_question_has_the_same_fingerprint_whatever_the_spacing() -> None:
    a = question_fingerprint("single", "PLC 是什么？", ["控制器", "传感器"])
    b = question_fingerprint("single", "PLC是什么？", ["控制器 ", "传感器"])
    assert a == b
    assert a != question_fingerprint("multiple", "PLC是什么？", ["控制器", "传感器"])
