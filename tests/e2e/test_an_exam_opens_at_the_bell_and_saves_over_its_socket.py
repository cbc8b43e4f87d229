"""An exam sitting as an examinee sees it, at 1280 and 375 px: the waiting room counts down by the
server's clock, the paper opens in place at the bell without a click or a page load, answers are
saved over the exam socket (no HTTP autosave) and shown as saved once acknowledged, and 交卷 checks
unanswered questions in place and submits over the socket."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _people(demo):
    from accounts.actions import register_user
    from accounts.models import User

    mentor = User.objects.get(mobile="13800000002")
    return [
        register_user(
            mobile=f"1370000009{i}",
            real_name=f"孙考生{i}",
            password=DEMO_PASSWORD,
            organization=mentor.organization,
            job_group="operator",
        )
        for i in range(2)
    ]


def _exam(opens_in: float):
    from django.utils import timezone

    from lms.models import Question, Quiz

    quiz = Quiz.objects.create(
        title="数字化技能等级认定（理论）",
        kind="exam",
        mode="random",
        draw_rules=[{"count": 4, "qtype": "single"}],
        time_limit_minutes=60,
        opens_at=timezone.now() + dt.timedelta(seconds=opens_in),
    )
    assert Question.objects.filter(qtype="single", is_active=True).count() >= 4
    return quiz


def test_the_paper_opens_at_the_bell_and_answers_travel_over_the_socket(demo, new_page, shot) -> None:
    from lms.models import Attempt, AttemptAnswer

    desktop_person, phone_person = _people(demo)
    quiz = _exam(opens_in=12)
    pages = []
    for person, size in ((desktop_person, DESKTOP), (phone_person, PHONE)):
        page = new_page(size)
        login(page, person.mobile, DEMO_PASSWORD)
        page.goto(f"/learn/quizzes/{quiz.pk}/")
        page.get_by_text("距开考").wait_for()
        page.wait_for_function("() => document.querySelector('[data-bell-countdown]').textContent !== '--:--'")
        pages.append(page)
    shot(pages[0], "exam-waiting-room-desktop")
    assert_fits(pages[1])
    shot(pages[1], "exam-waiting-room-phone")
    assert not Attempt.objects.filter(quiz=quiz).exists()

    autosaves: list[str] = []
    pages[0].on("request", lambda r: autosaves.append(r.url) if "/answers" in r.url else None)
    # The bell: both papers open in place, each the examinee's own draw.
    for page in pages:
        page.locator(".question").first.wait_for(timeout=30_000)
        page.wait_for_url("**/learn/attempts/**")
    desktop, phone = pages
    attempt = Attempt.objects.get(quiz=quiz, learner=desktop_person)
    other = Attempt.objects.get(quiz=quiz, learner=phone_person)
    assert [f"q-{e['q']}" for e in attempt.paper] == desktop.locator(".question").evaluate_all(
        "els => els.map(e => e.id)"
    )
    assert [f"q-{e['q']}" for e in other.paper] == phone.locator(".question").evaluate_all("els => els.map(e => e.id)")

    desktop.locator(".question").first.locator("label.option").nth(1).click()
    desktop.get_by_text("已自动保存").wait_for()
    saved = AttemptAnswer.objects.get(attempt=attempt, question_id=attempt.paper[0]["q"])
    assert saved.seq and saved.response == "ABCD"[attempt.paper[0]["perm"][1]]
    assert autosaves == []  # stored over the socket, not the HTTP autosave
    desktop.locator("[data-jump]").first.wait_for()
    assert "已作答" in (desktop.locator("[data-jump]").first.get_attribute("aria-label") or "")
    shot(desktop, "exam-opened-at-the-bell-desktop", full_page=False)
    assert_fits(phone)
    shot(phone, "exam-opened-at-the-bell-phone", full_page=False)

    # A reload resumes the same paper, with what was saved.
    desktop.reload()
    assert desktop.locator(".question").first.locator("input:checked").count() == 1

    # 交卷: the check opens in place, names the unanswered questions, and submits over the socket.
    desktop.get_by_role("button", name="交卷", exact=True).click()
    dialog = desktop.get_by_role("dialog")
    dialog.wait_for()
    assert dialog.get_by_role("link", name="第 2 题").is_visible()
    assert dialog.get_by_role("link", name="第 1 题").count() == 0
    shot(desktop, "exam-check-in-place-desktop", full_page=False)
    dialog.get_by_role("button", name="返回继续作答").click()
    desktop.locator("[data-summary-link]").click()
    desktop.get_by_role("dialog").get_by_role("button", name="确认交卷").click()
    desktop.wait_for_url("**/review/")
    attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.submitted_at is not None
    assert autosaves == []


def test_without_its_socket_the_exam_works_over_http(demo, new_page) -> None:
    """A browser whose socket cannot connect (a proxy that drops WebSockets): the paper opens by the
    form, answers are saved over HTTP with their sequence numbers, 交卷 goes through the check page."""
    from lms.models import Attempt, AttemptAnswer

    person, _other = _people(demo)
    quiz = _exam(opens_in=-60)
    page = new_page(PHONE)
    page.route_web_socket("**/ws/lms/**", lambda ws: ws.close())
    login(page, person.mobile, DEMO_PASSWORD)
    page.goto(f"/learn/quizzes/{quiz.pk}/")
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_url("**/learn/attempts/**")
    attempt = Attempt.objects.get(quiz=quiz, learner=person)
    with page.expect_response(lambda r: r.url.endswith("/answers") and r.status == 200):
        page.locator(".question").first.locator("label.option").first.click()
    page.get_by_text("已自动保存").wait_for()
    saved = AttemptAnswer.objects.get(attempt=attempt, question_id=attempt.paper[0]["q"])
    assert saved.seq and saved.response == "ABCD"[attempt.paper[0]["perm"][0]]
    page.get_by_role("button", name="交卷", exact=True).click()
    page.wait_for_url("**/summary/")
    page.get_by_role("button", name="确认交卷").click()
    page.wait_for_url("**/review/")
    attempt.refresh_from_db()
    assert attempt.status == "graded"
