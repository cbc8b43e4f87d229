"""Screens show each option with one label, true/false as 正确 / 错误 and the question's type
(单选 / 多选 / 判断); the answer key reads as text, never JSON (issue #14 item 4)."""

from __future__ import annotations

import pytest

from competitions.live import selectors
from competitions.live.models import LiveQuestion
from tests.competitions.live.playing import end, open_next, play_question, seat_all

pytestmark = pytest.mark.django_db(transaction=True)


def view(arena, position: int) -> dict:
    lq = LiveQuestion.objects.select_related("question").get(round=arena.round, position=position)
    return selectors.question_view(lq).model_dump(mode="json")


def test_a_single_choice_question_has_lettered_choices_and_says_single(arena) -> None:
    q = view(arena, 1)
    assert q["kind"] == "单选"
    assert q["choices"] == [
        {"key": "A", "label": "A", "text": "可编程逻辑控制器"},
        {"key": "B", "label": "B", "text": "个人计算机"},
        {"key": "C", "label": "C", "text": "工业交换机"},
        {"key": "D", "label": "D", "text": "变频器"},
    ]
    # The text of an option carries no label of its own (no "A. 可编程逻辑控制器" to be numbered again).
    assert all(not c["text"].startswith(c["label"]) for c in q["choices"])


def test_a_true_false_question_shows_two_choices_and_says_true_false(arena) -> None:
    q = view(arena, 2)
    assert q["kind"] == "判断" and q["options"] == []
    assert q["choices"] == [{"key": True, "label": "", "text": "正确"}, {"key": False, "label": "", "text": "错误"}]


def test_a_multiple_choice_question_says_multiple(arena) -> None:
    q = view(arena, 3)
    assert q["kind"] == "多选" and [c["key"] for c in q["choices"]] == ["A", "B", "C", "D"]


def test_the_open_question_in_a_snapshot_carries_its_choices_and_type(arena) -> None:
    open_next(arena)
    snap = selectors.snapshot(arena.round, role="screen").model_dump(mode="json")
    assert snap["question"]["kind"] == "单选" and len(snap["question"]["choices"]) == 4


@pytest.mark.parametrize(
    ("qtype", "options", "answer", "text"),
    [
        ("single", ["生产排程", "质量追溯"], "A", "A. 生产排程"),
        ("single", ["生产排程", "质量追溯"], "b", "B. 质量追溯"),
        ("multiple", ["生产排程", "质量追溯", "财务总账", "设备状态监控"], ["D", "A", "B"], "A、B、D"),
        ("truefalse", [], True, "正确"),
        ("truefalse", [], False, "错误"),
        ("fill", [], [["PLC", "可编程控制器"], ["OPC UA"]], "PLC / 可编程控制器；OPC UA"),
    ],
)
def test_an_answer_key_reads_as_text_never_as_json(qtype, options, answer, text) -> None:
    assert selectors.answer_text(qtype, options, answer) == text


def test_a_reveal_names_the_key_as_the_options_text(arena) -> None:
    seats = seat_all(arena)
    play_question(arena, seats, ["A", "C", None])
    lq = LiveQuestion.objects.get(round=arena.round, position=1)
    revealed = selectors.reveal_message(lq)
    assert revealed.answer == "A" and revealed.answer_text == "A. 可编程逻辑控制器"
    assert revealed.distribution == {"A": 1, "B": 0, "C": 1, "D": 0}
    play_question(arena, seats, [True, False, True])
    play_question(arena, seats, [["A", "B", "D"], ["A"], None])
    multiple = selectors.reveal_message(LiveQuestion.objects.get(round=arena.round, position=3))
    assert multiple.answer_text == "A、B、D"
    end(arena)
    truefalse = selectors.reveal_message(LiveQuestion.objects.get(round=arena.round, position=2))
    assert truefalse.answer_text == "正确" and truefalse.distribution == {"true": 2, "false": 1}


def test_a_fill_in_question_says_how_many_blanks_and_never_the_words(arena) -> None:
    from competitions.live.setup import bank_question

    question = bank_question(
        "fill", "工业通信协议 ____ 和 ____ 常用于设备互联。", [], [["OPC UA"], ["Modbus", "MODBUS"]], ""
    )
    lq = LiveQuestion.objects.create(round=arena.round, question=question, position=99, seconds=20, points=10)
    q = selectors.question_view(lq).model_dump(mode="json")
    assert q["kind"] == "填空" and q["blanks"] == 2 and q["choices"] == []
    assert "OPC UA" not in str(q) and "Modbus" not in str(q)
    single_blank = bank_question("fill", "PLC 的英文全称缩写是 ____。", [], "PLC", "")
    one = LiveQuestion.objects.create(round=arena.round, question=single_blank, position=98, seconds=20, points=10)
    assert selectors.question_view(one).blanks == 1
    assert selectors.question_view(LiveQuestion.objects.get(round=arena.round, position=1)).blanks == 0
