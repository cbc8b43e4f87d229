"""The hall's screens in a browser (issue #14 item 4): a short round with the big screen at
1920×1080, the host console and three phones. One label per option, the type tag, the timer
ring, the distribution after the reveal, the top 10, the podium after the end; the phones show
本场已结束 with their rank after the end and after a reload; the public board's badge and chart.
Also a preview page plays its messages without a socket."""

from __future__ import annotations

import json
import re

import pytest

from accounts.demo import DEMO_PASSWORD
from competitions.live import events, selectors
from competitions.live.models import LiveQuestion, LiveRound
from competitions.models import Ticket
from tests.e2e.conftest import PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLAYERS = ("13800000001", "13800000011", "13800000012")
HALL = {"width": 1920, "height": 1080}


def check_options(screen, count: int, kind: str) -> None:
    screen.locator("#q-kind", has_text=kind).wait_for()
    items = screen.locator("#q-options li")
    assert items.count() == count
    for i in range(count):
        text = items.nth(i).inner_text().strip()
        assert not re.match(r"^\d", text), text  # no list number before the letter
        assert items.nth(i).locator(".opt-label").count() <= 1
    tag = screen.evaluate("document.getElementById('q-options').tagName")
    assert tag == "UL"


def test_a_short_round_on_the_big_screen_host_console_and_phones(demo, new_page, shot) -> None:
    live_round = LiveRound.objects.get(title="演示场")
    rid = live_round.pk
    host = new_page()
    login(host, "13800000004", DEMO_PASSWORD)
    screen = host.context.new_page()
    screen.set_viewport_size(HALL)
    screen.goto(f"/live/{rid}/screen/")
    host.goto(f"/live/{rid}/host/")
    host.get_by_text("已连接").wait_for()

    players = []
    for mobile in PLAYERS:
        page = new_page(PHONE)
        login(page, mobile, DEMO_PASSWORD)
        page.goto(f"/live/{rid}/play/")
        ticket = Ticket.objects.get(registration__contest=live_round.contest, registration__person__mobile=mobile)
        page.get_by_label("访问码").fill(ticket.access_code)
        page.get_by_role("button", name="进入赛场").click()
        page.get_by_text("候场中").wait_for()
        players.append(page)
    screen.locator("#joined", has_text="3").wait_for(timeout=10_000)
    assert "/live/" in screen.locator(".screen-url").inner_text()
    shot(screen, "screen-lobby", full_page=False)
    shot(host, "host-lobby-1280")

    # Question 1, single choice.
    host.get_by_role("button", name="开启下一题").click()
    screen.locator("#q-pos", has_text="第 1 / 5 题").wait_for()
    check_options(screen, 4, "单选")
    assert screen.locator("#timer-ring svg circle.ring-left").count() == 1
    stem_px = screen.evaluate("parseFloat(getComputedStyle(document.getElementById('q-stem')).fontSize)")
    assert stem_px >= 48
    width = screen.evaluate("document.getElementById('screen').getBoundingClientRect().width")
    assert width >= 1900  # the whole 16:9 screen, not a column
    for page, name in zip(players, ("A. 可编程逻辑控制器", "A. 可编程逻辑控制器", "B. 个人计算机"), strict=True):
        page.locator("#q-pos", has_text="第 1 / 5 题").wait_for()
        page.get_by_role("button", name=name).click()
        page.get_by_text("已提交，答案已保存").first.wait_for()
    shot(players[0], "play-question-375")
    host.locator("#answered", has_text="3").wait_for()
    shot(screen, "screen-question", full_page=False)
    host.get_by_role("button", name="提前截止").click()
    screen.locator("#answer", has_text="本题已截止").wait_for()
    host.get_by_role("button", name="揭晓答案").click()
    screen.locator("#dist li.is-correct").wait_for()
    assert screen.locator("#dist li").count() == 4 and screen.locator("#dist li.is-correct").count() == 1
    assert screen.locator("#dist svg").count() == 4
    host.locator("#answer", has_text="答案：A. 可编程逻辑控制器").wait_for()
    assert '"' not in host.locator("#answer").inner_text()
    players[0].locator("#q-result", has_text="回答正确").wait_for()
    assert "当前第" in players[0].locator("#q-result").inner_text()
    players[2].locator("#q-result", has_text="回答错误").wait_for()
    shot(screen, "screen-distribution", full_page=False)
    shot(players[2], "play-result-375")
    assert_fits(players[2])

    # Question 2, true/false: two options 正确 / 错误.
    host.get_by_role("button", name="开启下一题").click()
    screen.locator("#q-pos", has_text="第 2 / 5 题").wait_for()
    check_options(screen, 2, "判断")
    assert screen.locator("#q-options").inner_text().split() == ["正确", "错误"]
    for page in players:
        page.locator("#q-pos", has_text="第 2 / 5 题").wait_for()
        page.get_by_role("button", name="正确", exact=True).click()
    host.locator("#answered", has_text="3").wait_for()
    host.get_by_role("button", name="提前截止").click()
    host.get_by_role("button", name="揭晓答案").click()
    host.locator("#answer", has_text="答案：正确").wait_for()

    # Question 3, multiple choice; one phone does not answer and the host sees who.
    host.get_by_role("button", name="开启下一题").click()
    screen.locator("#q-pos", has_text="第 3 / 5 题").wait_for()
    check_options(screen, 4, "多选")
    host.locator("#waiting li").nth(2).wait_for()
    for page in players[:2]:
        page.locator("#q-pos", has_text="第 3 / 5 题").wait_for()
        for name in ("A. 生产排程", "B. 质量追溯", "D. 设备状态监控"):
            page.get_by_role("button", name=name).click()
        page.get_by_role("button", name="提交").click()
    host.locator("#answered", has_text="2").wait_for()
    host.locator("#waiting-count", has_text="1").wait_for()
    waiting = host.locator("#waiting").inner_text()
    missing = Ticket.objects.get(registration__contest=live_round.contest, registration__person__mobile=PLAYERS[2])
    assert missing.registration.person.real_name in waiting and missing.number in waiting
    shot(host, "host-question-1280")
    host.set_viewport_size(PHONE)
    shot(host, "host-question-375")
    assert_fits(host)
    host.set_viewport_size({"width": 1280, "height": 800})
    host.get_by_role("button", name="提前截止").click()
    host.get_by_role("button", name="揭晓答案").click()
    host.locator("#answer", has_text="答案：A、B、D").wait_for()
    players[2].locator("#q-result", has_text="本题未作答").wait_for()
    host.get_by_role("button", name="展示排行榜").click()
    screen.locator("#screen[data-phase='leaderboard']").wait_for()
    screen.locator("#board li").nth(2).wait_for()
    screen.wait_for_timeout(700)  # the rows' slide
    shot(screen, "screen-top10", full_page=False)

    # The end: podium on the screen, the phones' ending.
    host.get_by_role("button", name="结束本场").click()
    host.get_by_role("dialog", name="确认结束本场？").get_by_role("button", name="确认结束").click()
    screen.locator("#podium li").nth(2).wait_for()
    assert screen.locator("#podium li").count() == 3
    shot(screen, "screen-podium", full_page=False)
    for page in players:
        page.locator("#ended", has_text="本场已结束").wait_for()
        page.locator("#ended-rank", has_text="名").wait_for()
        assert page.locator("#question").is_hidden()
        assert not page.get_by_text("回答错误").is_visible()
    shot(players[2], "play-ended-375")
    players[2].reload()
    players[2].get_by_text("本场已结束").wait_for()
    assert "名" in players[2].locator("#final-rank").inner_text()
    assert players[2].locator("#join-form").count() == 0
    shot(players[2], "play-ended-reload-375")
    assert_fits(players[2])
    shot(host, "host-ended-1280")

    board = new_page()
    board.goto(f"/live/{rid}/board/")
    board.locator("#chart svg polyline").first.wait_for()
    assert board.locator("#frozen").is_hidden()
    shot(board, "board-1280")
    board.set_viewport_size(PHONE)
    shot(board, "board-375")
    assert_fits(board)


def test_a_preview_page_plays_its_messages_without_a_socket(demo, new_page, shot) -> None:
    """The contract with the preview view: the page's own messages, no WebSocket, a 预览 tag."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import timezone

    from accounts.models import User

    live_round = LiveRound.objects.get(title="演示场")
    organizer = User.objects.get(mobile="13800000004")
    lq = LiveQuestion.objects.select_related("question").get(round=live_round, position=3)
    now = timezone.now().timestamp()
    board = events.Leaderboard(frozen=False, top=[], total=0)
    messages = [
        events.Snapshot(state="lobby", paused=False, frozen=False, leaderboard=board).model_dump(mode="json"),
        events.QuestionOpen(
            seq=1, server_time=now, question=selectors.question_view(lq), opens_at=now, closes_at=now + 30
        ).model_dump(mode="json"),
    ]
    request = RequestFactory().get("/")
    request.user = organizer
    html = {
        name: render_to_string(
            f"live/{name}.html",
            {"round": live_round, "play_url": "", "joined": 0, "preview_messages": messages},
            request=request,
        )
        for name in ("screen", "play")
    }
    host = new_page()
    login(host, "13800000004", DEMO_PASSWORD)
    sockets: list[str] = []
    for name, size in (("screen", HALL), ("play", PHONE)):
        page = host.context.new_page()
        page.set_viewport_size(size)
        # Only live sockets count: the header's notices socket is the person's own, not the round's.
        page.on("websocket", lambda ws: sockets.append(ws.url) if "/ws/live/" in ws.url else None)
        url = f"/live/{live_round.pk}/{name}/"
        body = html[name]
        page.route(f"**{url}", lambda route, _request, body=body: route.fulfill(body=body, content_type="text/html"))
        page.goto(url)
        page.locator("#q-pos", has_text="第 3 / 5 题").wait_for()
        assert page.locator("#preview-tag").is_visible()
        assert page.locator("#q-kind").inner_text() == "多选"
        shot(page, f"preview-{name}", full_page=False)
    assert sockets == []
    assert json.loads(json.dumps(messages))  # what was sent is plain JSON


@pytest.mark.parametrize(("size", "name"), [(HALL, "1920"), ({"width": 1280, "height": 800}, "1280"), (PHONE, "375")])
def test_the_lobby_shows_a_qr_code_of_the_play_address_beside_its_text(demo, new_page, shot, size, name) -> None:
    live_round = LiveRound.objects.get(title="演示场")
    page = new_page(size)
    login(page, "13800000004", DEMO_PASSWORD)
    page.goto(f"/live/{live_round.pk}/screen/")
    qr = page.locator(".screen-qr-code svg")
    qr.wait_for()
    url = page.locator(".screen-url").inner_text()
    assert url.endswith(f"/live/{live_round.pk}/play/")
    assert url in page.locator(".screen-qr-code").get_attribute("aria-label")
    box = qr.bounding_box()
    assert box is not None and abs(box["width"] - box["height"]) < 2
    if size == HALL:
        assert box["width"] >= 450  # scannable from the back of a hall
    else:
        assert box["width"] >= 200
    if size == PHONE:
        assert_fits(page)
    shot(page, f"screen-lobby-qr-{name}", full_page=size == PHONE)
