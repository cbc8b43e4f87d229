"""Editorial review in the Wagtail admin, and the public pages at desktop and phone widths."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR_MOBILE = "13800000006"
REVIEWER_MOBILE = "13800000008"  # province_admin, member of Moderators


def test_editor_submits_a_case_reviewer_approves_it_and_it_shows_under_its_city(demo, new_page, shot) -> None:
    from cms.models import CaseIndexPage, CasePage

    index = CaseIndexPage.objects.get(slug="cases")  # the main index (the demo also has 淄博's)
    editor = new_page()
    login(editor, EDITOR_MOBILE, DEMO_PASSWORD)
    editor.goto(f"/cms-admin/pages/add/cms/casepage/{index.pk}/")
    editor.locator("#id_title").fill("德州新能源装备企业推行数字化巡检")
    editor.locator("#id_enterprise_name").fill("德州新能源装备有限公司")
    editor.locator("#id_city").select_option(label="德州")
    editor.locator("#id_industry").select_option(value="equipment")
    editor.locator("#id_summary").fill("巡检数据上平台，缺陷发现时间缩短一半。")
    challenge = editor.locator("[data-contentpath='challenge'] .public-DraftEditor-content")
    challenge.wait_for()
    challenge.click()
    editor.keyboard.type("纸质巡检记录难以汇总。")
    editor.wait_for_timeout(300)  # Draftail serializes into its hidden input on change
    shot(editor, "cms-admin-case-draft")
    editor.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").first.click()
    with editor.expect_navigation():
        editor.get_by_role("button", name="提交").first.click()
    shot(editor, "cms-admin-case-submitted")
    page = CasePage.objects.get(title="德州新能源装备企业推行数字化巡检")
    assert not page.live
    assert page.current_workflow_state is not None

    reviewer = new_page()
    login(reviewer, REVIEWER_MOBILE, DEMO_PASSWORD)
    reviewer.goto(f"/cms-admin/pages/{page.pk}/edit/")
    shot(reviewer, "cms-admin-review")
    reviewer.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").first.click()
    with reviewer.expect_navigation():
        # "批准 和发布" (approve without a comment) of the 内容审核 workflow task.
        reviewer.locator("button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])").click()
    page.refresh_from_db()
    assert page.live

    visitor = new_page()
    visitor.goto(f"{index.url}?city=371400")
    assert visitor.get_by_role("heading", name="德州新能源装备企业推行数字化巡检").is_visible()
    assert visitor.get_by_text("济南").count() >= 1  # the city filter lists every city
    assert visitor.get_by_role("heading", name="数控机床联网：济南一家机床企业把设备综合效率提升到78%").count() == 0


@pytest.mark.parametrize(("size", "label"), [(None, "desktop"), (PHONE, "phone")])
def test_home_case_and_lesson_pages_hold_at_desktop_and_phone_widths(demo, new_page, shot, size, label) -> None:
    from cms.models import CasePage, LessonPage

    page = new_page(size) if size else new_page()
    page.goto("/")
    assert page.get_by_role("heading", name="推荐课程").is_visible()
    shot(page, f"cms-home-{label}")
    page.goto(CasePage.objects.get(slug="zibo-chemical-safety").url)
    assert page.get_by_role("heading", name="成效").is_visible()
    shot(page, f"cms-case-{label}")
    page.goto(LessonPage.objects.get(slug="python-cleaning").url)
    assert page.get_by_text("import pandas as pd").is_visible()
    shot(page, f"cms-lesson-{label}")
    if size:
        assert_fits(page)
        page.goto("/")
        assert_fits(page)
        page.goto(CasePage.objects.get(slug="zibo-chemical-safety").url)
        assert_fits(page)


ORGANIZER_MOBILE = "13800000004"


@pytest.mark.parametrize(("size", "label"), [(None, "desktop"), (PHONE, "phone")])
def test_province_admin_uses_the_admin_menu_and_limits_an_organizer_to_a_city(
    demo, new_page, shot, size, label
) -> None:
    from accounts.models import User
    from cms.actions import editorial_cities

    page = new_page(size) if size else new_page()
    login(page, REVIEWER_MOBILE, DEMO_PASSWORD)
    page.goto("/")
    if size:
        page.get_by_role("button", name="菜单").click()
    nav = page.get_by_role("navigation", name="主导航")
    menu = nav.locator("details.nav-menu summary")
    assert nav.get_by_role("link", name="数据看板", exact=True).is_hidden()
    menu.focus()
    page.keyboard.press("Enter")  # a native <details>: the keyboard opens it
    assert nav.get_by_role("link", name="数据看板", exact=True).is_visible()
    if not size:
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] < 80  # one row
    shot(page, f"nav-admin-menu-{label}", full_page=False)
    page.keyboard.press("Escape")
    assert nav.get_by_role("link", name="数据看板", exact=True).is_hidden()
    if size:
        assert_fits(page)

    organizer = User.objects.get(mobile=ORGANIZER_MOBILE)
    page.goto("/cms-admin/city-editors/")
    page.get_by_label("编辑或组织者").select_option(value=str(organizer.pk))
    page.get_by_label("城市栏目").select_option(label="淄博")
    page.get_by_label("原因").fill("负责淄博赛区宣传")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert page.get_by_text("现在只能编辑淄博的新闻和典型案例栏目").is_visible()
    row = page.get_by_role("row").filter(has_text=organizer.real_name)
    assert row.get_by_role("cell", name="仅淄博").is_visible()
    shot(page, f"cms-admin-city-editors-{label}")
    if size:
        assert_fits(page)
    assert [city.name for city in editorial_cities(organizer)] == ["淄博"]
    with page.expect_navigation():
        page.get_by_role("button", name=f"解除 {organizer.real_name} 的限定").click()
    assert editorial_cities(organizer) == []
