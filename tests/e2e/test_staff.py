"""Contest staff in a browser: the organizer invites a new judge by mobile number on the staff
page; the invited person opens the texted link on a phone, activates an account with the texted
code and lands on the judge's page, able to mark the invited group."""

from __future__ import annotations

import re

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.accounts.sms_helpers import last_code
from tests.e2e.conftest import PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORGANIZER = "13800000004"
NEW_JUDGE = "13912348888"
SLUG = "sd-digital-skills-2026"


def test_an_organizer_invites_a_new_judge_who_activates_and_accepts_on_a_phone(demo, new_page, shot) -> None:
    organizer = new_page()
    login(organizer, ORGANIZER, DEMO_PASSWORD)
    organizer.goto(f"/contests/manage/{SLUG}/")
    organizer.get_by_role("link", name="工作人员与邀请").click()
    organizer.wait_for_url(f"**/contests/manage/{SLUG}/staff/")
    organizer.get_by_label("手机号").fill(NEW_JUDGE)
    organizer.get_by_label("姓名").fill("冯新评委")
    organizer.get_by_label("裁判", exact=True).check()
    organizer.get_by_label("数据分析").check()
    organizer.get_by_role("button", name="发送邀请").click()
    organizer.wait_for_load_state("networkidle")
    message = organizer.locator(".message-success").inner_text()
    link = re.search(r"https?://\S+/contests/invitations/[\w-]+/", message)
    assert link, message
    assert "139****8888" in organizer.locator("#inv-h + ul").inner_text()
    shot(organizer, "staff-page-1280")
    phone_view = new_page(PHONE)
    login(phone_view, ORGANIZER, DEMO_PASSWORD)
    phone_view.goto(f"/contests/manage/{SLUG}/staff/")
    assert_fits(phone_view)
    shot(phone_view, "staff-page-375")

    path = "/" + link.group(0).split("/", 3)[3]
    person = new_page(PHONE)
    person.goto(path)
    assert person.get_by_label("姓名").input_value() == "冯新评委"
    assert_fits(person)
    shot(person, "invitation-activate-375")
    person.get_by_role("button", name="获取验证码").click()
    person.wait_for_load_state("networkidle")
    person.get_by_label("短信验证码").fill(last_code(NEW_JUDGE))
    person.get_by_label("设置密码").fill("Judge@2026x")
    person.get_by_label("确认密码").fill("Judge@2026x")
    person.get_by_role("button", name="激活并接受邀请").click()
    person.wait_for_url("**/contests/judge/")
    assert "数据分析" in person.locator("main").inner_text()
    shot(person, "invitation-accepted-judge-home-375")

    desk = new_page()
    login(desk, "13800000001", DEMO_PASSWORD)  # another account opens the accepted link
    desk.goto(path)
    assert "已接受" in desk.locator("main").inner_text()
    shot(desk, "invitation-closed-1280")

    # An existing account invited as co-organizer: signed in with that number, 接受 / 谢绝.
    organizer.goto(f"/contests/manage/{SLUG}/staff/")
    organizer.get_by_label("手机号").fill("13800000001")
    organizer.get_by_label("姓名").fill("王小明")
    organizer.get_by_label("协办组织者").check()
    organizer.get_by_role("button", name="发送邀请").click()
    organizer.wait_for_load_state("networkidle")
    shot(organizer, "staff-page-pending-1280")
    desk.goto("/contests/invitations/")
    shot(desk, "invitations-mine-1280")
    desk.get_by_role("button", name="接受").click()
    desk.wait_for_url(f"**/contests/manage/{SLUG}/")
    assert "赛事管理" in desk.locator("header").inner_text()


def test_revoking_an_invitation_and_removing_a_judge_ask_on_a_confirmation_page(demo, new_page, shot) -> None:
    organizer = new_page()
    login(organizer, ORGANIZER, DEMO_PASSWORD)
    organizer.goto(f"/contests/manage/{SLUG}/staff/")
    organizer.get_by_label("手机号").fill("13912347777")
    organizer.get_by_label("姓名").fill("褚待撤")
    organizer.get_by_label("裁判", exact=True).check()
    organizer.get_by_label("数据分析").check()
    organizer.get_by_role("button", name="发送邀请").click()
    organizer.wait_for_load_state("networkidle")
    organizer.get_by_role("button", name="撤销 褚待撤").click()
    organizer.get_by_role("heading", name="确认撤销邀请").wait_for()
    assert "139****7777" in organizer.locator("main").inner_text()
    shot(organizer, "staff-confirm-revoke-1280")
    organizer.get_by_role("button", name="确认撤销").click()
    organizer.wait_for_url(f"**/contests/manage/{SLUG}/staff/")
    assert "邀请已撤销" in organizer.locator(".message-success").inner_text()
    assert "褚待撤" not in organizer.locator("#inv-h + *").inner_text()

    phone = new_page(PHONE)
    login(phone, ORGANIZER, DEMO_PASSWORD)
    phone.goto(f"/contests/manage/{SLUG}/staff/")
    chief = phone.locator(".staff-list li").filter(has_text="裁判长").first
    chief.get_by_role("button", name=re.compile("^移除")).click()
    phone.get_by_role("heading", name="确认移除裁判").wait_for()
    assert "移除后本赛项没有裁判长" in phone.locator("main").inner_text()
    assert_fits(phone)
    shot(phone, "staff-confirm-remove-375")
    phone.get_by_role("link", name="返回，暂不移除").click()
    phone.wait_for_url(f"**/contests/manage/{SLUG}/staff/")
    assert "裁判长" in phone.locator("#judges-h + *").inner_text()
