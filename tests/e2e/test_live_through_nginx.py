"""A live round in Chromium through nginx (`make faults`, the last stage of `.ci/run`): the host
console and two phones reach the platform the way a hall does, and when one of the two daphne
processes is killed mid-round the pages reconnect through nginx to the other and the round goes on
with every answer kept."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD
from competitions.live.models import LiveAnswer, LiveRound
from competitions.models import Ticket
from tests.e2e.conftest import DESKTOP, PHONE, login

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PLAYERS = ("13800000001", "13800000011")


def test_a_live_round_through_nginx_survives_a_killed_process(demo, browser, stack, shot) -> None:
    live_round = LiveRound.objects.get(title="演示场")
    rid = live_round.pk
    contexts = []

    def page(size: dict[str, int]):
        context = browser.new_context(viewport=size, locale="zh-CN", base_url=stack.url)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    try:
        host = page(DESKTOP)
        login(host, "13800000004", DEMO_PASSWORD)
        host.goto(f"/live/{rid}/host/")
        host.get_by_text("已连接").wait_for()
        players = []
        for mobile in PLAYERS:
            phone = page(PHONE)
            login(phone, mobile, DEMO_PASSWORD)
            phone.goto(f"/live/{rid}/play/")
            ticket = Ticket.objects.get(registration__contest=live_round.contest, registration__person__mobile=mobile)
            phone.get_by_label("访问码").fill(ticket.access_code)
            phone.get_by_role("button", name="进入赛场").click()
            phone.get_by_text("候场中").wait_for()
            players.append(phone)
        host.locator("#connected", has_text="2").wait_for()

        host.get_by_role("button", name="开启下一题").click()
        for phone in players:
            phone.locator("#q-pos", has_text="第 1 / 5 题").wait_for()
            phone.get_by_role("button", name="A. 可编程逻辑控制器").click()
            phone.get_by_text("已提交，答案已保存").wait_for()
        host.locator("#answered", has_text="2").wait_for()

        stack.kill_daphne(0)  # some of the three pages were on it: they reconnect through nginx

        host.get_by_text("已连接").wait_for()
        host.get_by_role("button", name="提前截止").click()
        host.locator("#state", has_text="已截止").wait_for()
        host.get_by_role("button", name="开启下一题").click()
        for phone in players:
            phone.locator("#q-pos", has_text="第 2 / 5 题").wait_for()
            phone.get_by_role("button", name="正确", exact=True).click()
            phone.get_by_text("已提交，答案已保存").wait_for()
        host.locator("#answered", has_text="2").wait_for()
        shot(players[0], "live-through-nginx-after-a-process-died")
        assert LiveAnswer.objects.filter(live_question__round=live_round).count() == 4
    finally:
        for context in contexts:
            context.close()
