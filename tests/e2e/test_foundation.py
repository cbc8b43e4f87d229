"""Home page in Chinese, switch to English, register, every demo role logs in and sees its navigation."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD, PEOPLE
from tests.accounts.sms_helpers import last_code
from tests.e2e.conftest import PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_in_chinese_and_switches_to_english(demo, new_page, shot) -> None:
    page = new_page()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", name="数智英才").is_visible()
    shot(page, "foundation-home-desktop")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Log in").is_visible()
    shot(page, "foundation-home-english")


def test_a_visitor_registers_logs_out_and_logs_back_in_on_a_phone(demo, new_page, shot) -> None:
    page = new_page(PHONE)
    page.goto("/accounts/register/")
    assert_fits(page)
    page.get_by_label("手机号").fill("13698765432")
    page.get_by_role("button", name="获取验证码").click()  # a plain submit button: the page comes back with the form
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("验证码已发送").is_visible()
    page.get_by_label("短信验证码").fill(last_code("13698765432"))  # the forked server wrote it to the test outbox
    page.get_by_label("姓名").fill("韩梅梅")
    page.locator("#id_password1").fill("Gongchang-2026")
    page.get_by_label("确认密码").fill("Gongchang-2026")
    page.get_by_label("所在城市").select_option(label="青岛")
    page.get_by_label("岗位类别").select_option(label="一线操作人员")
    page.get_by_label("我已阅读并同意平台的个人信息保护说明").check()
    shot(page, "foundation-register-phone")
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/me/")
    assert page.get_by_text("注册成功").is_visible()
    assert_fits(page)
    shot(page, "foundation-profile-phone")
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")
    login(page, "13698765432", "Gongchang-2026")
    assert "/me/" in page.url


def test_a_wrong_password_shows_a_chinese_message(demo, new_page) -> None:
    page = new_page()
    login(page, "13800000001", "not-the-password")
    assert page.get_by_text("手机号或密码不正确").is_visible()


EXPECTED_NAV = {
    "enterprise_admin": "人员",
    "city_admin": "人员",
    "province_admin": "单位",
    "editor": "内容管理",
    "organizer": "内容管理",
}


@pytest.mark.parametrize(("mobile", "role"), [(p[0], p[2]) for p in PEOPLE[:8]])
def test_every_demo_role_logs_in_and_sees_its_navigation(demo, new_page, shot, mobile: str, role: str) -> None:
    page = new_page()
    login(page, mobile, DEMO_PASSWORD)
    assert "/me/" in page.url
    nav = page.get_by_role("navigation", name="主导航")
    if nav.locator("details.nav-menu").count():  # work entries grouped in the 管理 menu
        nav.locator("details.nav-menu summary").click()
    if role in EXPECTED_NAV:
        assert nav.get_by_role("link", name=EXPECTED_NAV[role], exact=True).count() >= 1
    if role == "learner":
        assert nav.get_by_role("link", name="人员", exact=True).count() == 0
    shot(page, f"foundation-role-{role}")


def test_the_desktop_header_stays_one_row_and_longer_english_labels_move_into_the_menu(demo, new_page, shot) -> None:
    page = new_page()  # 1280 px wide
    login(page, "13800000008", DEMO_PASSWORD)  # the province admin: the most entries
    page.goto("/")
    header = page.locator("header.site-header")
    nav = page.get_by_role("navigation", name="主导航")
    assert header.bounding_box()["height"] <= 64
    assert nav.get_by_role("link", name="人才档案", exact=True).is_visible()  # in the row, no menu button
    assert not page.get_by_role("button", name="菜单").is_visible()
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    header.and_(page.locator(".compact")).wait_for()
    assert header.bounding_box()["height"] <= 64  # not two rows of links
    nav = page.get_by_role("navigation", name="Main navigation")
    assert not nav.get_by_role("link", name="Talent profile", exact=True).is_visible()
    page.get_by_role("button", name="Menu").click()
    assert nav.get_by_role("link", name="Talent profile", exact=True).is_visible()
    assert nav.get_by_role("button", name="Log out").is_visible()
    shot(page, "foundation-header-english-menu")
