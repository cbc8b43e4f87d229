"""Issue #15 item 5: a learner opens her calendar from the header at desktop and phone width,
sees this month's entries and moves to next month, creates her subscription link, and fetches
the feed with no session (as a phone calendar does): valid iCalendar with her contest's dates."""

from __future__ import annotations

import urllib.request

import pytest
from icalendar import Calendar

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEARNER = "13800000001"


def test_a_learner_reads_her_calendar_and_subscribes(demo, new_page, shot, live_url) -> None:
    page = new_page(DESKTOP)
    login(page, LEARNER, DEMO_PASSWORD)
    page.locator("header .nav-user").click()  # her home links to the calendar
    page.get_by_role("main").get_by_role("link", name="日历", exact=True).click()
    page.wait_for_url("**/calendar/")
    page.get_by_role("heading", name="我的日历").wait_for()
    grid = page.locator("table.cal-grid")
    assert grid.is_visible()
    assert page.locator("td[aria-current=date]").count() == 1
    assert grid.get_by_role("link", name="设备联网基础随堂测验").count() >= 1
    shot(page, "calendar-desktop")

    page.get_by_role("link", name="下个月").click()
    page.wait_for_url("**/calendar/?month=*")
    assert grid.get_by_role("link", name="理论考试").count() == 1
    assert grid.get_by_role("link", name="测验截止").count() == 1
    shot(page, "calendar-desktop-next-month")
    # An entry leads to its page.
    grid.get_by_role("link", name="理论考试").click()
    page.wait_for_url("**/contests/sd-digital-skills-2026/")

    page.goto("/calendar/")
    page.get_by_role("button", name="生成订阅链接").click()
    feed_url = page.get_by_label("我的订阅链接").input_value()
    assert "/calendar/feed/" in feed_url and feed_url.endswith(".ics")
    assert page.get_by_role("link", name="在日历应用中打开").get_attribute("href").startswith("webcal://")
    shot(page, "calendar-desktop-feed")

    # A phone calendar fetches the feed with no cookie at all.
    with urllib.request.urlopen(feed_url, timeout=15) as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/calendar")
        cal = Calendar.from_ical(response.read())
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert any(s.startswith("理论考试：") for s in summaries)
    assert any(s.startswith("测验截止：设备联网基础随堂测验") for s in summaries)

    phone = new_page(PHONE)
    login(phone, LEARNER, DEMO_PASSWORD)
    phone.goto("/calendar/")
    assert not phone.locator("table.cal-grid").is_visible()
    days = phone.locator(".cal-agenda .cal-day")
    assert days.count() >= 1 and days.first.is_visible()
    assert_fits(phone)
    shot(phone, "calendar-phone")
    phone.get_by_role("link", name="下个月").click()
    phone.wait_for_url("**/calendar/?month=*")
    assert phone.locator(".cal-agenda").get_by_role("link", name="理论考试").is_visible()
    assert_fits(phone)
    shot(phone, "calendar-phone-next-month")
