"""撤销 (an invitation) and 移除 (a co-organizer or a judge) on the staff page first show a
confirmation page saying who and what follows; only a second POST with confirm=1 acts. No
JavaScript needed (the pattern of 公布成绩)."""

from __future__ import annotations

from django.urls import reverse

from competitions import actions
from competitions.models import InvitationStatus, JudgeAssignment, StaffInvitation, StaffRole


def op_url(contest, op: str) -> str:
    return reverse("competitions:staff_op", args=[contest.slug, op])


def test_revoking_shows_who_and_revokes_only_on_confirmation(client, contest, group, organizer, learner) -> None:
    invitation = actions.invite_staff(
        contest, actor=organizer, mobile=learner.mobile, real_name="钱裁判", role=StaffRole.JUDGE, event_groups=[group]
    ).invitation
    client.force_login(organizer)

    page = client.post(op_url(contest, "revoke"), {"invitation": invitation.pk})

    text = page.content.decode()
    assert page.status_code == 200 and "确认撤销邀请" in text
    assert "钱裁判" in text and invitation.mobile_masked in text and "工业互联网运维" in text
    assert 'name="confirm" value="1"' in text and "返回，暂不撤销" in text
    assert StaffInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING
    response = client.post(op_url(contest, "revoke"), {"invitation": invitation.pk, "confirm": "1"})
    assert response.status_code == 302
    assert StaffInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.REVOKED


def test_revoking_an_invitation_no_longer_pending_says_why_without_asking(
    client, contest, group, organizer, learner
) -> None:
    invitation = actions.invite_staff(
        contest, actor=organizer, mobile=learner.mobile, real_name="钱裁判", role=StaffRole.JUDGE, event_groups=[group]
    ).invitation
    actions.decline_invitation(invitation, user=learner)
    client.force_login(organizer)
    page = client.post(op_url(contest, "revoke"), {"invitation": invitation.pk}, follow=True).content.decode()
    assert "不能撤销" in page and "确认撤销邀请" not in page


def test_removing_a_co_organizer_asks_first(client, contest, organizer, learner) -> None:
    actions.accept_invitation(
        actions.invite_staff(
            contest, actor=organizer, mobile=learner.mobile, real_name="王学员", role=StaffRole.CO_ORGANIZER
        ).invitation,
        user=learner,
    )
    client.force_login(organizer)
    text = client.post(op_url(contest, "remove"), {"organizer": learner.pk}).content.decode()
    assert "确认移除协办组织者" in text and "王学员" in text and 'name="confirm" value="1"' in text
    assert contest.organizers.filter(pk=learner.pk).exists()
    client.post(op_url(contest, "remove"), {"organizer": learner.pk, "confirm": "1"})
    assert not contest.organizers.filter(pk=learner.pk).exists()


def test_removing_the_chief_judge_warns_that_the_group_will_have_none(client, contest, group, organizer, judge) -> None:
    assignment = actions.assign_judge(group, judge, actor=organizer, is_chief=True)
    client.force_login(organizer)
    text = client.post(op_url(contest, "remove"), {"assignment": assignment.pk}).content.decode()
    assert "确认移除裁判" in text and "刘裁判" in text and "移除后本赛项没有裁判长" in text
    assert JudgeAssignment.objects.filter(pk=assignment.pk).exists()
    client.post(op_url(contest, "remove"), {"assignment": assignment.pk, "confirm": "1"})
    assert not JudgeAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_judge_who_marked_is_shown_as_not_removable_with_no_confirm_button(
    client, contest, group, organizer, judges, contestants, scheme
) -> None:
    actions.record_mark(judge=judges[1], registration=contestants[0], item=scheme["measured"], value="10")
    assignment = JudgeAssignment.objects.get(judge=judges[1], event_group=group)
    client.force_login(organizer)
    text = client.post(op_url(contest, "remove"), {"assignment": assignment.pk}).content.decode()
    assert "已在本赛项评分，不能移除" in text and 'name="confirm"' not in text


def test_the_confirmation_is_the_managers_alone(client, contest, group, organizer, judge, learner) -> None:
    assignment = actions.assign_judge(group, judge, actor=organizer)
    client.force_login(learner)
    assert client.post(op_url(contest, "remove"), {"assignment": assignment.pk}).status_code == 404
    assert JudgeAssignment.objects.filter(pk=assignment.pk).exists()
