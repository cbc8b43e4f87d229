"""Signing in lands on /me/, the person's home: a learner and an organizer, at desktop and phone
width, see their sections, follow an item to where they act, and the page fits the phone."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEARNER = "13800000001"
ORGANIZER = "13800000004"


@pytest.mark.parametrize(("size", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_learner_lands_on_her_home_and_continues_learning(demo, new_page, shot, size, label) -> None:
    page = new_page(size)
    login(page, LEARNER, DEMO_PASSWORD)
    assert page.url.endswith("/me/")
    main = page.locator("main")
    assert main.get_by_role("heading", name="学员").is_visible()
    for title in ("继续学习", "待完成的测验与考试", "我的竞赛", "我的证书", "我的人才指数"):
        assert main.get_by_role("heading", name=title).is_visible()
    assert main.get_by_text("准考证号").first.is_visible()
    shot(page, f"home-learner-{label}")
    if size == PHONE:
        assert_fits(page)
    main.locator(".home-panel").first.get_by_role("link").first.click()
    page.wait_for_load_state("domcontentloaded")
    assert "/learn/courses/" in page.url


@pytest.mark.parametrize(("size", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_an_organizer_lands_on_her_contests_by_stage(demo, new_page, shot, size, label) -> None:
    page = new_page(size)
    login(page, ORGANIZER, DEMO_PASSWORD)
    assert page.url.endswith("/me/")
    main = page.locator("main")
    assert main.get_by_role("heading", name="我负责的竞赛").is_visible()
    assert main.get_by_role("heading", name="报名中").is_visible()
    shot(page, f"home-organizer-{label}")
    if size == PHONE:
        assert_fits(page)
        page.get_by_role("button", name="菜单").click()
    page.locator("header .nav-user").click()  # the person's name in the header opens her home
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith("/me/")
    main.locator(".home-panel a[href^='/contests/manage/']").first.click()
    page.wait_for_load_state("domcontentloaded")
    assert "/contests/manage/" in page.url


OTHERS = [
    ("13800000002", "mentor", "待我审核"),
    ("13800000003", "enterprise_admin", "员工学习进度"),
    ("13800000005", "judge", "待评分"),
    ("13800000006", "editor", "审核中的页面"),
    ("13800000007", "city_admin", "年度目标完成情况"),
    ("13800000008", "province_admin", "待审核的页面"),
]


def test_every_other_demo_role_lands_on_a_home_with_its_panels(demo, new_page, shot) -> None:
    for size, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        for mobile, role, heading in OTHERS:
            page = new_page(size)
            login(page, mobile, DEMO_PASSWORD)
            assert page.url.endswith("/me/")
            assert page.locator("main").get_by_role("heading", name=heading).is_visible()
            shot(page, f"home-{role}-{label}")
            if size == PHONE:
                assert_fits(page)
            page.context.close()
