"""Chinese throughout, English complete: the Wagtail admin in Chinese with pinyin slugs, each
role's pages and the live host console in English, and the KPI charts at desktop and phone width."""

from __future__ import annotations

import re

import pytest

from accounts.demo import DEMO_PASSWORD
from competitions.live.models import LiveRound
from tests.e2e.conftest import PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CJK = re.compile(r"[\u4e00-\u9fff]")


def to_english(page) -> None:
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_wagtail_admin_reads_in_chinese_and_makes_pinyin_slugs(demo, new_page, shot) -> None:
    page = new_page()
    login(page, "13800000008", DEMO_PASSWORD)  # province admin
    page.goto("/cms-admin/")
    body = page.locator("body").inner_text()
    assert page.get_by_placeholder("搜索所有页面…").count() == 1
    assert not re.search(r"\d+ Pages|Search all pages", body)
    shot(page, "i18n-admin-dashboard-1280")
    from cms.models import NewsIndexPage

    index = NewsIndexPage.objects.filter(depth=3).first()
    assert index is not None
    page.goto(f"/cms-admin/pages/add/cms/newspage/{index.pk}/")
    page.locator("#id_title").fill("济南开展数字技能培训")
    page.locator("#id_title").blur()
    shot(page, "i18n-admin-new-page-1280")
    page.get_by_role("button", name=re.compile("保存草稿")).click()
    page.wait_for_load_state("networkidle")
    shot(page, "i18n-admin-after-save-1280")
    assert "could not be" not in page.locator("body").inner_text()
    from cms.models import NewsPage

    assert NewsPage.objects.get(title="济南开展数字技能培训").slug == "ji-nan-kai-zhan-shu-zi-ji-neng-pei-xun"
    phone = new_page(PHONE)
    login(phone, "13800000006", DEMO_PASSWORD)  # editor
    phone.goto("/cms-admin/")
    shot(phone, "i18n-admin-dashboard-375")


def test_pages_and_the_live_console_read_in_english(demo, new_page, shot) -> None:
    page = new_page()
    login(page, "13800000004", DEMO_PASSWORD)  # organizer
    to_english(page)
    options = page.locator("#lang-select option").all_inner_texts()
    assert options == ["简体中文", "English"]
    shot(page, "i18n-en-home-1280")
    rid = LiveRound.objects.get(title="演示场").pk
    page.goto(f"/live/{rid}/host/")
    page.get_by_text("Connected").wait_for()
    assert "已连接" not in page.locator("#status").inner_text()
    shot(page, "i18n-en-live-host-1280")
    phone = new_page(PHONE)
    login(phone, "13800000001", DEMO_PASSWORD)  # learner
    to_english(phone)
    phone.goto("/contests/")
    shot(phone, "i18n-en-contests-375")
    assert_fits(phone)


def test_kpi_charts_print_figures_and_leave_future_years_empty(demo, new_page, shot) -> None:
    from accounts.models import User

    for size, name in (({"width": 1280, "height": 800}, "1280"), (PHONE, "375")):
        # Her choice of English on the first device would come with her to the second (signing
        # in brings a person's language): start each size from Chinese.
        User.objects.filter(mobile="13800000008").update(language="")
        page = new_page(size)
        login(page, "13800000008", DEMO_PASSWORD)
        page.goto("/talent/dashboard/")
        chart = page.get_by_test_id("chart-1")
        assert "尚未到来" in chart.locator("svg").inner_html()
        chart.locator("summary").click()
        assert chart.locator("table tbody tr").count() == 5
        assert chart.locator("svg[role=img] title").count() == 1
        shot(page, f"i18n-kpi-dashboard-{name}")
        if name == "375":
            assert_fits(page)
        to_english(page)
        assert "still to come" in page.get_by_test_id("chart-1").locator("svg").inner_html()
        shot(page, f"i18n-kpi-dashboard-en-{name}")
