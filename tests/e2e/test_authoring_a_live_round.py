"""An organizer builds a live round through the pages alone (issue #14 item 1): from the contest
console, 新建现场赛场次, tick bank questions, draw at random, write one on the spot, reorder, and
the round list offers host console, big screen, public board, tickets, copy, delete, reset. The
editor and the list fit a phone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from accounts.demo import DEMO_PASSWORD
from competitions.live.models import LiveRound
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REVIEW = Path("/work/shots/rounds")


def test_an_organizer_builds_a_round_from_the_console(demo, new_page, shot) -> None:
    demo_round = LiveRound.objects.get(title="演示场")
    contest = demo_round.contest
    page = new_page(DESKTOP)
    login(page, "13800000004", DEMO_PASSWORD)
    page.goto(f"/contests/manage/{contest.slug}/")
    panel = page.locator("section", has=page.get_by_role("heading", name="现场赛场次"))
    assert panel.get_by_role("link", name="主持台").first.get_attribute("href") == f"/live/{demo_round.pk}/host/"
    panel.get_by_role("link", name="新建现场赛场次").click()

    page.get_by_label("场次名称").fill("复赛")
    page.get_by_label("默认作答时间（秒，5–300）").fill("25")
    page.get_by_role("button", name="创建场次").click()
    page.get_by_text("场次已创建").wait_for()
    new_round = LiveRound.objects.get(contest=contest, title="复赛")

    bank = page.locator("section", has=page.get_by_role("heading", name="从题库选题"))
    boxes = bank.locator('input[name="questions"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    bank.get_by_role("button", name="加入勾选的试题").click()
    page.get_by_text("已加入 2 道题").wait_for()

    draw = page.locator("section", has=page.get_by_role("heading", name="随机抽题"))
    draw.get_by_label("抽取数量").fill("1")
    draw.get_by_role("button", name="抽题").click()
    page.get_by_text("已随机抽取 1 道题").wait_for()

    write = page.locator("section", has=page.get_by_role("heading", name="现场出题"))
    write.get_by_label("题型").select_option("single")
    write.get_by_label("题干").fill("下列哪项属于工业互联网平台的边缘层功能？")
    write.get_by_label("选项（每行一个，依次为 A、B、C…）").fill("设备接入与协议解析\n财务报表\n人事考勤")
    write.get_by_label("答案").fill("A")
    write.get_by_role("button", name="保存并加入").click()
    page.get_by_text("新题已存入题库").wait_for()
    assert new_round.questions.count() == 4
    last = new_round.questions.order_by("position").last()
    assert last.question.stem.startswith("下列哪项属于工业互联网平台")

    page.get_by_role("button", name="第 4 题上移").click()
    page.get_by_text("场次题目（4 题）").wait_for()
    assert new_round.questions.get(question=last.question).position == 3
    shot(page, "live-round-editor-1280")

    page.goto(f"/live/manage/contest/{contest.slug}/")
    card = page.locator("article", has=page.get_by_role("heading", name="复赛"))
    for name in ("主持台", "大屏", "公开榜", "准考证", "编辑", "预览", "删除"):
        assert card.get_by_role("link", name=name).count() == 1, name
    shot(page, "live-round-list-1280")

    phone = new_page(PHONE)
    login(phone, "13800000004", DEMO_PASSWORD)
    phone.goto(f"/live/manage/{new_round.pk}/")
    assert_fits(phone)
    shot(phone, "live-round-editor-375")
    phone.goto(f"/live/manage/contest/{contest.slug}/")
    assert_fits(phone)
    shot(phone, "live-round-list-375")
    phone.goto(f"/live/{new_round.pk}/preview/?n=1&as=play")
    shot(phone, "live-round-preview-play-375")
    page.goto(f"/live/{new_round.pk}/preview/?n=1&as=screen")
    shot(page, "live-round-preview-screen-1280")

    if REVIEW.parent.exists():
        REVIEW.mkdir(exist_ok=True)
        for name in (
            "live-round-editor-1280",
            "live-round-list-1280",
            "live-round-editor-375",
            "live-round-list-375",
            "live-round-preview-play-375",
            "live-round-preview-screen-1280",
        ):
            shutil.copy(Path(shot(page, "_").parent) / f"{name}.png", REVIEW / f"{name}.png")
