"""Notices in the browser: a learner has her inbox open, an organizer approves her registration in
another browser, and the bell's count goes up without a reload; then she reads them."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login

pytestmark = pytest.mark.e2e

ORGANIZER = "13800000004"
NEW_LEARNER = "13900009911"
SLUG = "sd-digital-skills-2026"


def _pending_registration() -> None:
    """A learner who registered for the demo contest and waits for the organizer."""
    from accounts import actions as accounts_actions
    from competitions import actions
    from competitions.models import Contest

    person = accounts_actions.register_user(
        mobile=NEW_LEARNER, real_name="韩雪", password=DEMO_PASSWORD, roles=("learner",)
    )
    contest = Contest.objects.get(slug=SLUG)
    actions.register(person=person, contest=contest, event_group=contest.event_groups.first(), actor=person)


def test_the_bell_counts_up_live_when_an_organizer_approves_her_registration(demo, new_page, shot) -> None:
    _pending_registration()
    learner = new_page(DESKTOP)
    login(learner, NEW_LEARNER, DEMO_PASSWORD)
    learner.goto("/accounts/notices/")
    bell = learner.locator("[data-notice-bell]")
    assert bell.locator("[data-notice-count]").is_hidden()
    learner.wait_for_selector("[data-notice-bell][data-live]")  # the socket said hello
    assert learner.get_by_text("还没有通知").is_visible()

    organizer = new_page(DESKTOP)
    login(organizer, ORGANIZER, DEMO_PASSWORD)
    organizer.goto(f"/contests/manage/{SLUG}/")
    row = organizer.locator("tr", has=organizer.get_by_text("韩雪"))
    row.get_by_role("button", name="通过").click()
    assert organizer.get_by_text("已通过并生成准考证").is_visible()

    # No reload: the approval and the ticket arrive over the socket.
    count = bell.locator("[data-notice-count]")
    count.wait_for(state="visible")
    learner.wait_for_function("() => document.querySelector('[data-notice-count]').textContent === '2'")
    assert bell.get_attribute("data-unread") == "2"
    assert "2" in bell.locator("[data-notice-label]").inner_text()
    shot(learner, "notices-bell-live-desktop", full_page=False)

    learner.reload()
    items = learner.locator(".notice-item")
    assert items.count() == 2
    assert "准考证已生成" in items.nth(0).inner_text() and "报名已通过" in items.nth(1).inner_text()
    shot(learner, "notices-inbox-desktop")
    items.nth(0).get_by_role("button", name="标为已读").click()
    learner.wait_for_load_state("networkidle")
    assert learner.locator("[data-notice-count]").inner_text() == "1"
    learner.get_by_role("link", name="报名已通过：2026 年山东省中小企业数字技能大赛").click()
    learner.wait_for_url(f"**/contests/{SLUG}/")
    assert learner.locator("[data-notice-count]").is_hidden()

    learner.goto("/accounts/notices/preferences/")
    shot(learner, "notices-preferences-desktop")


def test_the_inbox_and_preferences_read_well_on_a_phone(demo, new_page, shot) -> None:
    _pending_registration()
    from accounts.models import User
    from competitions import actions
    from competitions.models import Registration

    registration = Registration.objects.get(person__mobile=NEW_LEARNER)
    actions.review_registration(registration, actor=User.objects.get(mobile=ORGANIZER), approve=True)
    page = new_page(PHONE)
    login(page, NEW_LEARNER, DEMO_PASSWORD)
    page.goto("/accounts/notices/")
    assert page.locator("[data-notice-bell]").is_visible()  # in the header row, not inside the menu
    assert page.locator("[data-notice-count]").inner_text() == "2"
    assert_fits(page)
    shot(page, "notices-inbox-phone")
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-notice-count]").is_hidden()
    page.get_by_role("link", name="通知设置").click()
    page.get_by_label("准考证：短信").check()
    page.get_by_role("button", name="保存设置").click()
    assert page.get_by_text("通知设置已保存").is_visible()
    assert page.get_by_label("准考证：短信").is_checked()
    assert_fits(page)
    shot(page, "notices-preferences-phone")


def test_a_learner_reading_in_english_gets_her_notices_in_english(demo, new_page, shot) -> None:
    """She picks English in the header; the organizer, working in Chinese, approves her."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    _pending_registration()
    learner = new_page(PHONE)
    login(learner, NEW_LEARNER, DEMO_PASSWORD)
    learner.goto("/accounts/notices/preferences/")
    learner.locator("#lang-select").select_option("en")
    learner.wait_for_url("**/accounts/notices/preferences/")
    learner.get_by_text("written in: English").wait_for()
    shot(learner, "notices-preferences-english-phone")
    assert_fits(learner)

    organizer = new_page(DESKTOP)
    login(organizer, ORGANIZER, DEMO_PASSWORD)
    organizer.goto(f"/contests/manage/{SLUG}/")
    organizer.locator("tr", has=organizer.get_by_text("韩雪")).get_by_role("button", name="通过").click()
    assert organizer.get_by_text("已通过并生成准考证").is_visible()  # the organizer still reads Chinese

    with translation.override("en"):
        approved = _("报名已通过：%(contest)s") % {"contest": "2026 年山东省中小企业数字技能大赛"}
    learner.goto("/accounts/notices/")
    learner.get_by_role("link", name=approved).wait_for()
    assert "报名已通过" not in learner.locator("main").inner_text()
    shot(learner, "notices-inbox-english-phone")
    desktop = new_page(DESKTOP)
    login(desktop, NEW_LEARNER, DEMO_PASSWORD)  # another device: her language comes with her
    desktop.goto("/accounts/notices/")
    desktop.get_by_role("link", name=approved).wait_for()
    shot(desktop, "notices-inbox-english-desktop")
