"""A proctor watches a sitting at 1280 and 375 px: the examinee's page reports a tab switch and a
paste, the roster shows who is writing, connected, submitted or not started with the counters,
and one examinee gets 10 more minutes, which their countdown picks up on the next autosave."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login
from tests.e2e.test_accessibility import _axe, _failures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEARNER, ORGANIZER = "13800000001", "13800000004"


def _more_examinees() -> None:
    """Three more people in the sitting: one submitted, one writing, one not started yet."""
    from accounts.actions import register_user
    from accounts.models import User
    from lms.actions import enroll, save_answer, start_attempt, submit_attempt
    from lms.models import Quiz

    quiz = Quiz.objects.get(pk=1)
    org = User.objects.get(mobile="13800000002").organization
    for i, name in enumerate(("孙交卷", "周作答", "吴未考")):
        person = register_user(
            mobile=f"1370000007{i}", real_name=name, password=DEMO_PASSWORD, organization=org, job_group="operator"
        )
        enroll(person, quiz.course)
        if name == "吴未考":
            continue
        attempt = start_attempt(quiz, person)
        first = attempt.paper[0]
        save_answer(attempt, person, first["q"], "A" if first.get("t") in ("single", None) else "true")
        if name == "孙交卷":
            submit_attempt(attempt, person)


def test_a_proctor_sees_the_signals_and_extends_one_examinees_time(demo, new_page, shot) -> None:
    from lms.models import Attempt, AttemptProctoring

    exam = new_page(DESKTOP)
    login(exam, LEARNER, DEMO_PASSWORD)
    exam.goto("/learn/quizzes/1/")
    exam.get_by_role("button", name="开始作答").click()
    exam.wait_for_url("**/learn/attempts/**")
    attempt = Attempt.objects.get(quiz_id=1, learner__mobile=LEARNER, status="in_progress")
    with exam.expect_response(lambda r: r.url.endswith("/signals") and r.status == 200):
        exam.evaluate(
            "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
            "document.dispatchEvent(new Event('visibilitychange'));"
            "Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true});"
        )
    with exam.expect_response(lambda r: r.url.endswith("/signals") and r.status == 200):
        exam.locator("[data-autosave]").dispatch_event("paste")
    row = AttemptProctoring.objects.get(pk=attempt.pk)
    assert (row.hidden_count, row.paste_count) == (1, 1)
    _more_examinees()

    proctor = new_page(DESKTOP)
    login(proctor, ORGANIZER, DEMO_PASSWORD)
    proctor.goto("/learn/manage/")
    proctor.locator("a[href='/learn/manage/quizzes/1/proctor/']").click()
    proctor.wait_for_url("**/proctor/")
    mine = proctor.locator("tbody tr", has=proctor.get_by_role("rowheader", name="王小明"))
    assert "作答中" in mine.inner_text() and "在线" in mine.inner_text()
    assert mine.locator("td").nth(4).inner_text() == "1" and mine.locator("td").nth(5).inner_text() == "1"
    for name, state in (("孙交卷", "已交卷"), ("周作答", "作答中"), ("吴未考", "未开始")):
        assert state in proctor.locator("tbody tr", has=proctor.get_by_role("rowheader", name=name)).inner_text()
    shot(proctor, "proctor-desktop")
    assert _failures(_axe(proctor), "/learn/manage/quizzes/1/proctor/") == []

    mine.get_by_role("link", name="延时").click()
    proctor.get_by_label("延长（分钟）").fill("10")
    proctor.get_by_label("原因").fill("考场断电，重新登录耽误十分钟")
    shot(proctor, "proctor-extend-desktop")
    proctor.get_by_role("button", name="确认延时").click()
    proctor.wait_for_url("**/proctor/")
    proctor.get_by_text("已为 王小明 延时 10 分钟").wait_for()
    assert "已延时 10 分钟" in mine.inner_text()

    phone = new_page(PHONE)
    login(phone, ORGANIZER, DEMO_PASSWORD)
    phone.goto("/learn/manage/quizzes/1/proctor/")
    assert_fits(phone)
    shot(phone, "proctor-phone")
    assert _failures(_axe(phone), "/learn/manage/quizzes/1/proctor/") == []

    # The examinee's next autosave (acknowledged over the exam socket) brings the new deadline:
    # 15 minutes + 10 on the countdown.
    exam.locator(".question").first.locator("label.option").first.click()
    expect(exam.locator("[data-seconds-left] output")).to_have_text(re.compile(r"^2[0-5]:\d\d$"))
