"""The lesson page at 1280 and 375 px: the text in the wide column with the lesson list beside it
(below it on a phone), a long code block scrolls inside itself, the rule is shown, and a lesson
opened for a moment is not done; time read (the server's clock) and the end seen complete it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_LINE = 'summary = df.groupby(["shift", "line", "product"])["defective"].agg(["mean", "count"]).mul(100).round(2).sort_values("mean", ascending=False)  # 按班次、产线、产品汇总不良率'


@pytest.fixture
def reading(demo):
    """The demo learner on the data-analysis course, its pandas lesson with a very long code line."""
    import json

    from accounts.models import User
    from cms.models import CoursePage, LessonPage
    from lms.actions import enroll

    learner = User.objects.get(mobile="13800000001")
    course = CoursePage.objects.get(slug="production-data-analysis")
    lesson = LessonPage.objects.child_of(course).get(slug="python-cleaning")
    body = list(lesson.body.raw_data)
    body.append({"type": "code", "value": {"language": "python", "code": LONG_LINE}})
    lesson.body = json.dumps([{"type": b["type"], "value": b["value"]} for b in body])
    lesson.save_revision().publish()
    enrollment = enroll(learner, course)
    return learner, course, LessonPage.objects.get(pk=lesson.pk), enrollment


def test_the_lesson_text_is_in_the_wide_column_and_code_scrolls(reading, new_page, shot) -> None:
    from lms.models import LessonProgress

    learner, course, lesson, enrollment = reading
    url = f"/learn/courses/{course.pk}/lessons/{lesson.pk}/"

    page = new_page(DESKTOP)
    login(page, learner.mobile, DEMO_PASSWORD)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    article = page.locator("article.lesson-main").bounding_box()
    aside = page.locator("aside.lesson-aside").bounding_box()
    assert article and aside
    assert article["width"] > 2 * aside["width"] and aside["x"] > article["x"] + article["width"] - 1
    assert page.get_by_text(re.compile(r"完成条件：阅读到末尾并停留至少 \d+ 分钟")).is_visible()
    code = page.locator(".lesson-body pre").last
    assert code.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    assert code.evaluate("e => e.scrollWidth > e.clientWidth")  # scrolls, not cut
    assert (
        page.locator(".lesson-body pre").first.evaluate("e => e.getBoundingClientRect().right")
        <= article["x"] + article["width"] + 1
    )
    shot(page, "lessons-desktop")
    # Opened for a moment, the end in view: not done.
    assert not LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).exists()

    phone = new_page(PHONE)
    login(phone, learner.mobile, DEMO_PASSWORD)
    phone.goto(url)
    phone.wait_for_load_state("networkidle")
    assert_fits(phone)
    main = phone.locator("article.lesson-main").bounding_box()
    below = phone.locator("aside.lesson-aside").bounding_box()
    assert main and below and below["y"] >= main["y"] + main["height"] - 1
    assert phone.locator(".lesson-body pre").last.evaluate("e => e.scrollWidth > e.clientWidth")
    shot(phone, "lessons-phone")

    # The minimum of heartbeats by the server's clock, with the end seen, completes it.
    from django.utils import timezone

    from lms.actions import report_reading, visit_lesson
    from lms.progress import lesson_state

    minimum = lesson_state(enrollment, lesson)["min_seconds"]
    start = timezone.now()
    visit_lesson(enrollment, lesson, now=start)
    for t in range(30, minimum + 1, 30):
        report_reading(enrollment, lesson, end_seen=True, now=start + dt.timedelta(seconds=t))
    phone.reload()
    phone.locator(".lesson-actions").get_by_text("本课时已完成").wait_for()
    assert phone.locator("[data-rule-status]").get_by_text("本课时已完成").is_visible()
    phone.locator(".lesson-toc").scroll_into_view_if_needed()
    shot(phone, "lessons-done-phone", full_page=False)
