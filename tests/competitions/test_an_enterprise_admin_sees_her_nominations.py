"""An enterprise admin sees, on the contest page, the registrations of her organization's people
and those she nominated, with their status and review reason; others see no such list
(issue #14 item 6)."""

from __future__ import annotations

from accounts.choices import Role
from competitions import actions


def test_the_enterprise_admin_sees_her_nominees_and_their_status(
    client, contest, group, enterprise_admin, learner, make_person, acme, rival, organizer
) -> None:
    colleague = make_person(Role.LEARNER, org=acme, name="钱同事")
    stranger = make_person(Role.LEARNER, org=rival, name="孙外人")
    nominated = actions.register(person=learner, contest=contest, event_group=group, actor=enterprise_admin)
    actions.review_registration(nominated, actor=organizer, approve=True)
    returned = actions.register(person=colleague, contest=contest, event_group=group, actor=enterprise_admin)
    actions.review_registration(returned, actor=organizer, approve=False, reason="岗位类别不符，请改报数据分析")
    actions.register(person=stranger, contest=contest, event_group=group, actor=stranger)

    client.force_login(enterprise_admin)
    page = client.get(f"/contests/{contest.slug}/").content.decode()

    assert "本单位的报名与推荐" in page
    assert learner.real_name in page and "审核通过" in page and "已发放" in page
    assert "钱同事" in page and "岗位类别不符，请改报数据分析" in page
    assert "孙外人" not in page
    client.force_login(learner)
    assert "本单位的报名与推荐" not in client.get(f"/contests/{contest.slug}/").content.decode()
