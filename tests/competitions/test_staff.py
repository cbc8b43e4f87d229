"""Contest staff by invitation: an organizer invites by mobile number, the holder of that number
accepts or declines; the grant is the contest's alone (no global role)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.choices import Role
from accounts.models import AuditEvent, Organization, User
from competitions import actions, selectors
from competitions.models import (
    Contest,
    EventGroup,
    InvitationStatus,
    JudgeAssignment,
    Registration,
    StaffInvitation,
    StaffRole,
)


def texts_to(mobile: str) -> list[str]:
    path = Path(settings.SMS_FILE_PATH)
    if not path.exists():
        return []
    return [
        m["message"] for m in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if m["mobile"] == mobile
    ]


def invite(contest: Contest, actor: User, person: User, role: str, groups: list[EventGroup]) -> actions.SentInvitation:
    return actions.invite_staff(
        contest, actor=actor, mobile=person.mobile, real_name=person.real_name, role=role, event_groups=groups
    )


def test_an_invitation_is_texted_with_its_link_and_only_a_hash_of_the_token_is_stored(
    contest, group, organizer, learner
) -> None:
    sent = invite(contest, organizer, learner, StaffRole.JUDGE, [group])
    token = urlparse(sent.url).path.rstrip("/").rsplit("/", 1)[1]
    assert sent.url in texts_to(learner.mobile)[-1]
    assert contest.title in texts_to(learner.mobile)[-1]
    invitation = sent.invitation
    assert token not in invitation.token_hash and invitation.token_hash == selectors.token_hash(token)
    assert invitation.status == InvitationStatus.PENDING
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    assert selectors.access_invitation(token) == invitation
    assert AuditEvent.objects.filter(action="contest.staff.invite", target_id=str(invitation.pk)).exists()


def test_an_accepted_judge_invitation_is_the_grant_no_global_role(contest, group, organizer, learner) -> None:
    sent = invite(contest, organizer, learner, StaffRole.JUDGE, [group])
    actions.accept_invitation(sent.invitation, user=learner)
    assignment = JudgeAssignment.objects.get(event_group=group, judge=learner)
    assert not assignment.is_chief and not assignment.is_arbiter
    assert not learner.has_role(Role.JUDGE)
    sent.invitation.refresh_from_db()
    assert sent.invitation.status == InvitationStatus.ACCEPTED and sent.invitation.accepted_by == learner


def test_a_chief_judge_invitation_makes_the_chief_and_keeps_earlier_flags(contest, group, organizer, learner) -> None:
    actions.accept_invitation(invite(contest, organizer, learner, StaffRole.ARBITER, [group]).invitation, user=learner)
    actions.accept_invitation(
        invite(contest, organizer, learner, StaffRole.CHIEF_JUDGE, [group]).invitation, user=learner
    )
    assignment = JudgeAssignment.objects.get(event_group=group, judge=learner)
    assert assignment.is_chief and assignment.is_arbiter


def test_only_the_invited_number_may_accept_or_decline(contest, group, organizer, learner, outsider) -> None:
    invitation = invite(contest, organizer, learner, StaffRole.JUDGE, [group]).invitation
    with pytest.raises(PermissionDenied, match=r"138\*\*\*\*|1[3-9]\d\*\*\*\*"):
        actions.accept_invitation(invitation, user=outsider)
    with pytest.raises(PermissionDenied):
        actions.decline_invitation(invitation, user=outsider)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert not JudgeAssignment.objects.filter(judge=outsider).exists()


def test_a_declined_revoked_or_expired_invitation_cannot_be_accepted(contest, group, organizer, learner) -> None:
    declined = invite(contest, organizer, learner, StaffRole.JUDGE, [group]).invitation
    actions.decline_invitation(declined, user=learner)
    with pytest.raises(ValidationError, match="已谢绝"):
        actions.accept_invitation(declined, user=learner)

    revoked = invite(contest, organizer, learner, StaffRole.JUDGE, [group]).invitation
    actions.revoke_invitation(revoked, actor=organizer)
    with pytest.raises(ValidationError, match="撤销"):
        actions.accept_invitation(revoked, user=learner)

    expired = invite(contest, organizer, learner, StaffRole.JUDGE, [group]).invitation
    StaffInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="过期"):
        actions.accept_invitation(expired, user=learner)
    assert not JudgeAssignment.objects.filter(judge=learner).exists()


def test_a_second_pending_invitation_for_the_same_number_and_role_is_refused(
    contest, group, organizer, learner
) -> None:
    first = invite(contest, organizer, learner, StaffRole.JUDGE, [group]).invitation
    with pytest.raises(ValidationError, match="尚未答复"):
        invite(contest, organizer, learner, StaffRole.JUDGE, [group])
    invite(contest, organizer, learner, StaffRole.CHIEF_JUDGE, [group])  # another role is another invitation
    StaffInvitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    again = invite(contest, organizer, learner, StaffRole.JUDGE, [group]).invitation  # the stale one expired
    first.refresh_from_db()
    assert first.status == InvitationStatus.EXPIRED and again.status == InvitationStatus.PENDING


def test_resending_makes_a_new_link_and_the_old_one_stops_working(contest, group, organizer, learner) -> None:
    sent = invite(contest, organizer, learner, StaffRole.JUDGE, [group])
    old = urlparse(sent.url).path.rstrip("/").rsplit("/", 1)[1]
    again = actions.resend_invitation(sent.invitation, actor=organizer)
    new = urlparse(again.url).path.rstrip("/").rsplit("/", 1)[1]
    assert new != old and again.url in texts_to(learner.mobile)[-1]
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.access_invitation(old)
    assert selectors.access_invitation(new) == sent.invitation


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mobile": "self"}, "不能邀请自己"),
        ({"mobile": "12345"}, "11 位"),
        ({"event_groups": []}, "至少选择一个赛项"),
        ({"event_groups": "other"}, "不属于本竞赛"),
        ({"real_name": "  "}, "姓名"),
    ],
)
def test_bad_invitations_are_refused_and_nothing_is_written(
    contest, group, organizer, learner, make_person, change, message
) -> None:
    other = actions.create_contest(actor=organizer, title="另一场", slug="another")
    other_group = actions.add_event_group(other, actor=organizer, name="数据分析")
    data = {"mobile": learner.mobile, "real_name": learner.real_name, "role": StaffRole.JUDGE, "event_groups": [group]}
    data.update(change)
    if data["mobile"] == "self":
        data["mobile"] = organizer.mobile
    if data["event_groups"] == "other":
        data["event_groups"] = [other_group]
    with pytest.raises(ValidationError, match=message):
        actions.invite_staff(contest, actor=organizer, **data)
    assert not StaffInvitation.objects.exists()


def test_only_a_manager_of_the_contest_may_invite(
    contest, group, learner, judge, make_person: Callable[..., User]
) -> None:
    another_organizer = make_person(Role.ORGANIZER)
    actions.create_contest(actor=another_organizer, title="别人的竞赛", slug="theirs")
    for actor in (learner, judge, another_organizer):
        with pytest.raises(PermissionDenied):
            actions.invite_staff(
                contest, actor=actor, mobile="13912345678", real_name="王五", role=StaffRole.JUDGE, event_groups=[group]
            )
    assert not StaffInvitation.objects.exists()


def test_a_co_organizer_manages_that_contest_only_and_creates_none(
    contest, organizer, learner, make_person: Callable[..., User]
) -> None:
    other = actions.create_contest(actor=organizer, title="另一场", slug="another")
    actions.accept_invitation(invite(contest, organizer, learner, StaffRole.CO_ORGANIZER, []).invitation, user=learner)
    assert not learner.has_role(Role.ORGANIZER)
    assert selectors.can_manage(learner, contest)
    assert not selectors.can_manage(learner, other)
    assert not selectors.can_create_contest(learner)
    assert list(selectors.managed_contests(learner)) == [contest]
    group = actions.add_event_group(contest, actor=learner, name="人工智能训练")  # manages: adds an event group
    assert group.contest == contest
    with pytest.raises(PermissionDenied):
        actions.add_event_group(other, actor=learner, name="人工智能训练")
    with pytest.raises(PermissionDenied):
        actions.create_contest(actor=learner, title="自己的竞赛", slug="mine")
    with pytest.raises(ValidationError, match="已是本竞赛的组织者"):
        invite(contest, organizer, learner, StaffRole.CO_ORGANIZER, [])


def test_a_creator_who_lost_the_organizer_role_no_longer_manages(contest, organizer) -> None:
    from accounts.actions import revoke_role

    revoke_role(None, organizer, Role.ORGANIZER)
    organizer = User.objects.get(pk=organizer.pk)
    assert not selectors.can_manage(organizer, contest)
    assert list(selectors.managed_contests(organizer)) == []


def test_a_co_organizer_can_be_removed_and_the_creator_cannot(contest, organizer, learner) -> None:
    actions.accept_invitation(invite(contest, organizer, learner, StaffRole.CO_ORGANIZER, []).invitation, user=learner)
    with pytest.raises(ValidationError, match="创建者"):
        actions.remove_co_organizer(contest, organizer, actor=learner)
    actions.remove_co_organizer(contest, learner, actor=organizer)
    assert not selectors.can_manage(User.objects.get(pk=learner.pk), contest)


def test_a_judge_who_marked_is_not_removed(contest, group, organizer, judges, contestants, scheme) -> None:
    actions.record_mark(judge=judges[1], registration=contestants[0], item=scheme["measured"], value="10")
    with pytest.raises(ValidationError, match="已在本赛项评分"):
        actions.remove_judge(JudgeAssignment.objects.get(judge=judges[1], event_group=group), actor=organizer)
    actions.remove_judge(JudgeAssignment.objects.get(judge=judges[2], event_group=group), actor=organizer)
    assert not JudgeAssignment.objects.filter(judge=judges[2]).exists()


def test_an_invited_judge_marks_without_the_judge_role(
    contest, group, organizer, make_person: Callable[..., User], make_org, contestants, scheme
) -> None:
    person = make_person(Role.LEARNER, org=make_org("评委学院", "淄博"))
    actions.accept_invitation(invite(contest, organizer, person, StaffRole.JUDGE, [group]).invitation, user=person)
    mark = actions.record_mark(judge=person, registration=contestants[0], item=scheme["judged"], value="2")
    assert mark.value == 2


def test_recusals_list_the_contestants_of_a_judges_own_organization(
    contest,
    group,
    organizer,
    make_person: Callable[..., User],
    make_org: Callable[..., Organization],
    approved: Callable[..., Registration],
) -> None:
    org = make_org("同单位企业")
    colleague = approved(make_person(Role.LEARNER, org=org, name="同事甲"))
    stranger = approved(make_person(Role.LEARNER, name="外人乙"))
    person = make_person(Role.LEARNER, org=org, name="裁判丙")
    actions.accept_invitation(invite(contest, organizer, person, StaffRole.JUDGE, [group]).invitation, user=person)
    recusals = selectors.staff_recusals(contest)
    assert [(r.assignment.judge, r.contestants) for r in recusals] == [(person, ("同事甲（同单位企业）",))]
    assert stranger.person.real_name not in recusals[0].contestants[0]
    assert colleague.person.organization == org


def test_activation_creates_the_account_and_accepts_in_one_step(contest, group, organizer) -> None:
    from tests.accounts.sms_helpers import last_code

    sent = actions.invite_staff(
        contest, actor=organizer, mobile="13912340001", real_name="新裁判", role=StaffRole.JUDGE, event_groups=[group]
    )
    actions.send_activation_code(sent.invitation, ip="127.0.0.1")
    with pytest.raises(ValidationError):
        actions.activate_and_accept(
            sent.invitation, real_name="新裁判", password="Judge@2026x", sms_code="000000", ip="127.0.0.1"
        )
    assert not User.objects.filter(mobile="13912340001").exists()
    user = actions.activate_and_accept(
        sent.invitation,
        real_name="新裁判",
        password="Judge@2026x",
        sms_code=last_code("13912340001"),
        ip="127.0.0.1",
    )
    assert user.check_password("Judge@2026x") and user.real_name == "新裁判"
    assert JudgeAssignment.objects.filter(event_group=group, judge=user).exists()
    with pytest.raises(ValidationError, match="已有账户"):
        actions.send_activation_code(sent.invitation, ip="127.0.0.1")


def test_the_recusal_list_reads_every_judges_grants_in_one_query(
    contest, group, organizer, make_person, make_org, approved
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    approved(make_person(Role.LEARNER, org=make_org("参赛单位")))

    def judges(n: int) -> int:
        for _ in range(n):
            actions.assign_judge(group, make_person(Role.JUDGE, org=make_org()), actor=organizer)
        with CaptureQueriesContext(connection) as queries:
            selectors.staff_recusals(contest)
        return len(queries)

    assert judges(1) == judges(4)
