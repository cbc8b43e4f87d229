"""The round report in a browser: the organizer opens it after the demo round was played, its
tables scroll sideways inside their frame on a phone (the page itself does not), and 导出 Excel
leads to the exchange's job with the file."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from accounts.demo import DEMO_PASSWORD
from competitions.live import actions
from competitions.live.models import LiveRound, Participant
from competitions.models import Registration
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/shots/report")


def play_demo_round() -> LiveRound:
    live_round = LiveRound.objects.get(title="演示场")
    host = live_round.contest.created_by
    seats = [
        Participant.objects.get_or_create(round=live_round, registration=r)[0]
        for r in Registration.objects.filter(contest=live_round.contest, ticket__isnull=False).order_by("pk")
    ]
    choices = [["A", "B", "A", "C"], [True, True, False, True], [["A", "B", "D"], ["A", "B"], ["A", "D"], None]]
    for qi, responses in enumerate(choices):
        actions.open_next(host, live_round.pk)
        lq = LiveRound.objects.get(pk=live_round.pk).current
        batch = [
            actions.PendingAnswer(
                seat.pk,
                live_round.pk,
                uuid.uuid4(),
                lq.pk,
                response,
                lq.opens_at + timedelta(milliseconds=900 + 1300 * si + 400 * qi),
            )
            for si, (seat, response) in enumerate(zip(seats, responses, strict=False))
            if response is not None
        ]
        actions.submit_answers(batch)
        actions.close_question(host, live_round.pk)
    return live_round


def test_the_organizer_reads_the_report_on_a_desktop_and_a_phone_and_exports_it(
    demo, new_page, shot, settings, tmp_path
) -> None:
    settings.EXCHANGE_ROOT = tmp_path / "exchange-files"
    live_round = play_demo_round()
    SHOTS.mkdir(parents=True, exist_ok=True)

    phone = new_page(PHONE)
    login(phone, "13800000004", DEMO_PASSWORD)
    phone.goto(f"/live/{live_round.pk}/report/")
    phone.get_by_role("heading", name="逐题统计").wait_for()
    assert_fits(phone)
    wrap = phone.locator(".table-wrap").nth(1)
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # the contestants' table scrolls inside
    phone.screenshot(path=str(SHOTS / "report-375.png"), full_page=True)
    shot(phone, "live-report-375")

    page = new_page(DESKTOP)
    login(page, "13800000004", DEMO_PASSWORD)
    page.goto(f"/live/{live_round.pk}/report/")
    page.get_by_role("heading", name="选手明细").wait_for()
    page.screenshot(path=str(SHOTS / "report-1280.png"), full_page=True)
    shot(page, "live-report-1280")

    page.get_by_role("button", name="导出 Excel").click()
    page.get_by_role("link", name="下载").first.wait_for()
    page.screenshot(path=str(SHOTS / "report-export-job-1280.png"), full_page=True)
