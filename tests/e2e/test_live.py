"""A live round in one Chromium: host console, big screen and three contestants on phones; three
questions; one contestant reloads mid-question and carries on."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD
from competitions.live.models import LiveAnswer, LiveRound
from competitions.models import Ticket
from tests.e2e.conftest import PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLAYERS = ("13800000001", "13800000011", "13800000012")


def answer(page, position: int) -> None:
    if position == 1:
        page.get_by_role("button", name="A. 可编程逻辑控制器").click()
    elif position == 2:
        page.get_by_role("button", name="正确", exact=True).click()
    else:
        for name in ("A. 生产排程", "B. 质量追溯", "D. 设备状态监控"):
            page.get_by_role("button", name=name).click()
        page.get_by_role("button", name="提交").click()
    page.get_by_text("已提交，答案已保存").wait_for()


def test_a_round_of_three_questions_with_a_reload_mid_question(demo, new_page, shot) -> None:
    live_round = LiveRound.objects.get(title="演示场")
    rid = live_round.pk
    host = new_page()
    login(host, "13800000004", DEMO_PASSWORD)
    host.goto(f"/live/{rid}/host/")
    host.get_by_text("已连接").wait_for()
    screen = host.context.new_page()
    screen.set_viewport_size({"width": 1280, "height": 720})
    screen.goto(f"/live/{rid}/screen/")

    players = []
    for mobile in PLAYERS:
        page = new_page(PHONE)
        login(page, mobile, DEMO_PASSWORD)
        page.goto(f"/live/{rid}/play/")
        ticket = Ticket.objects.get(registration__contest=live_round.contest, registration__person__mobile=mobile)
        assert page.get_by_label("准考证号").input_value() == ticket.number
        page.get_by_label("访问码").fill(ticket.access_code)
        page.get_by_role("button", name="进入赛场").click()
        page.get_by_text("候场中").wait_for()
        players.append(page)
    shot(players[0], "live-contestant-lobby")
    host.locator("#connected", has_text="3").wait_for()

    for position in (1, 2, 3):
        host.get_by_role("button", name="开启下一题").click()
        for i, page in enumerate(players):
            page.locator("#q-pos", has_text=f"第 {position} / 5 题").wait_for()
            if position == 2 and i == 2:
                page.reload()  # mid-question: rejoins by itself and shows the same question
                page.locator("#q-pos", has_text="第 2 / 5 题").wait_for()
            answer(page, position)
        if position == 2:
            shot(players[2], "live-contestant-after-reload")
            assert_fits(players[2])
        host.locator("#answered", has_text="3").wait_for()
        shot(screen, f"live-screen-question-{position}")
        host.get_by_role("button", name="提前截止").click()
        host.locator("#state", has_text="已截止").wait_for()
        host.get_by_role("button", name="揭晓答案").click()
        players[0].get_by_text("回答正确").wait_for()
        screen.locator("#dist li.is-correct svg").first.wait_for()  # the distribution, the right option highlighted
        shot(screen, f"live-screen-reveal-{position}")
        host.get_by_role("button", name="展示排行榜").click()
        screen.locator("#board li").first.wait_for()

    shot(host, "live-host-console")
    shot(players[1], "live-contestant-result")
    assert_fits(players[1])
    assert "30" in players[0].locator("#my-score").inner_text()
    assert LiveAnswer.objects.filter(live_question__round=live_round).count() == 9
    board = new_page(PHONE)
    board.goto(f"/live/{rid}/board/")
    # 王小明 has not agreed to appear on public lists: masked, without employer (issue #19 item 13).
    assert board.get_by_role("cell", name="王*明").is_visible()
    assert board.get_by_role("cell", name="王小明").count() == 0
    shot(board, "live-public-board")
