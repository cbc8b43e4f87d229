"""An exam at 1280 and 375 px: the question navigator (answered / unanswered / flagged) works from
the keyboard, a flag survives a reload, 交卷 shows a summary of unanswered and flagged questions
with links back (in place over the exam socket, or as a page), the 5-minute warning is announced, and at zero the paper submits itself."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def candidate(demo):
    from accounts.actions import register_user
    from accounts.models import User

    mentor = User.objects.get(mobile="13800000002")
    return register_user(
        mobile="13700000088", real_name="钱考生", password=DEMO_PASSWORD, organization=mentor.organization,
        job_group="operator",
    )  # fmt: skip


def _deadline_in(attempt_id: int, seconds: int) -> None:
    from django.utils import timezone

    from lms.models import Attempt

    Attempt.objects.filter(pk=attempt_id).update(deadline=timezone.now() + dt.timedelta(seconds=seconds))


def test_navigator_flags_and_summary_from_the_keyboard(candidate, new_page, shot) -> None:
    from lms.models import Attempt

    page = new_page(DESKTOP)
    login(page, candidate.mobile, DEMO_PASSWORD)
    page.goto("/learn/quizzes/1/")
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_url("**/learn/attempts/**")
    attempt = Attempt.objects.get(learner=candidate)
    _deadline_in(attempt.pk, 290)
    page.reload()
    page.get_by_role("alert").get_by_text("还剩 5 分钟").wait_for()

    nav = page.locator("[data-exam-nav]")
    buttons = nav.locator("[data-jump]")
    assert buttons.count() == len(attempt.paper) >= 3
    page.locator(".question").first.locator("label.option").first.click()
    nav.locator("[data-jump].is-answered").first.wait_for()
    assert "已作答" in (buttons.nth(0).get_attribute("aria-label") or "")

    # Enter on number 3 jumps there; Tab reaches its flag; Space flags it.
    buttons.nth(2).focus()
    page.keyboard.press("Enter")
    third = f"q-{attempt.paper[2]['q']}"
    assert page.evaluate("document.activeElement.id") == third
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-flag')")
    page.keyboard.press("Space")
    page.locator(f"#{third} [data-flag][aria-pressed=true]").wait_for()
    nav.locator("[data-jump].is-flagged").wait_for()
    page.wait_for_load_state("networkidle")
    page.reload()
    assert page.locator(f"#{third} [data-flag]").get_attribute("aria-pressed") == "true"
    assert "已标记复查" in (buttons.nth(2).get_attribute("aria-label") or "")
    page.locator("[data-flag]").first.focus()
    shot(page, "exam-paper-desktop", full_page=False)

    # With the exam socket, 交卷 checks in place (the same lists); the check page serves a page
    # without it, and is reached here directly.
    page.get_by_role("button", name="交卷", exact=True).click()
    dialog = page.get_by_role("dialog")
    unanswered_now = dialog.locator("p", has_text="未作答的题目")
    assert unanswered_now.get_by_role("link", name="第 2 题").is_visible()
    assert unanswered_now.get_by_role("link", name="第 1 题").count() == 0
    dialog.locator("p", has_text="标记复查的题目").get_by_role("link", name="第 3 题").wait_for()
    dialog.get_by_role("button", name="返回继续作答").click()
    page.goto(f"/learn/attempts/{attempt.pk}/summary/")
    unanswered = page.locator("section", has=page.locator("#summary-unanswered"))
    flagged = page.locator("section", has=page.locator("#summary-flagged"))
    assert unanswered.get_by_role("link", name="第 2 题").is_visible()
    assert unanswered.get_by_role("link", name="第 1 题").count() == 0
    assert flagged.get_by_role("link", name="第 3 题").is_visible()
    shot(page, "exam-summary-desktop")
    flagged.get_by_role("link", name="第 3 题").click()
    page.wait_for_url(f"**#{third}")
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === '{third}'")

    phone = new_page(PHONE)
    login(phone, candidate.mobile, DEMO_PASSWORD)
    phone.goto(f"/learn/attempts/{attempt.pk}/")
    phone.locator("[data-exam-nav]").wait_for()
    assert_fits(phone)
    shot(phone, "exam-paper-phone", full_page=False)
    phone.goto(f"/learn/attempts/{attempt.pk}/summary/")
    assert_fits(phone)
    shot(phone, "exam-summary-phone")
    phone.get_by_role("button", name="确认交卷").click()
    phone.wait_for_url("**/review/")
    attempt.refresh_from_db()
    assert not attempt.is_open


def test_the_paper_submits_itself_when_time_runs_out(candidate, new_page, shot) -> None:
    from lms.models import Attempt

    page = new_page(PHONE)
    login(page, candidate.mobile, DEMO_PASSWORD)
    page.goto("/learn/quizzes/1/")
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_url("**/learn/attempts/**")
    attempt = Attempt.objects.get(learner=candidate)
    page.locator(".question").first.locator("label.option").first.click()
    page.get_by_text("已自动保存").wait_for()
    _deadline_in(attempt.pk, 4)
    page.reload()
    page.get_by_role("alert").get_by_text("还剩 1 分钟").wait_for()
    assert "已作答" in (page.locator("[data-jump]").first.get_attribute("aria-label") or "")
    shot(page, "exam-last-minute-phone", full_page=False)
    page.wait_for_url("**/review/", timeout=20_000)
    attempt.refresh_from_db()
    assert not attempt.is_open
    assert attempt.answers.get(question_id=attempt.paper[0]["q"]).response is not None
