"""The staff page, the invitation page and one's own invitations, through the views."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from competitions import actions
from competitions.models import InvitationStatus, JudgeAssignment, StaffInvitation, StaffRole
from tests.accounts.sms_helpers import last_code


def staff_url(contest) -> str:
    return reverse("competitions:staff", args=[contest.slug])


def op_url(contest, op: str) -> str:
    return reverse("competitions:staff_op", args=[contest.slug, op])


def link_path(sent: actions.SentInvitation) -> str:
    return urlparse(sent.url).path


def test_the_organizer_invites_from_the_staff_page_and_sees_the_pending_invitation(
    client, contest, group, organizer
) -> None:
    client.force_login(organizer)
    console = client.get(reverse("competitions:console", args=[contest.slug])).content.decode()
    assert staff_url(contest) in console
    response = client.post(
        op_url(contest, "invite"),
        {"mobile": "139 1234 0002", "real_name": "钱裁判", "role": StaffRole.JUDGE, "event_groups": [group.pk]},
        follow=True,
    )
    page = response.content.decode()
    invitation = StaffInvitation.objects.get()
    assert invitation.mobile == "13912340002" and list(invitation.event_groups.all()) == [group]
    assert "139****0002" in page and "钱裁判" in page and "/contests/invitations/" in page
    assert "13912340002" not in page  # the number is shown masked


def test_a_refused_invitation_keeps_what_was_typed(client, contest, organizer) -> None:
    client.force_login(organizer)
    response = client.post(
        op_url(contest, "invite"), {"mobile": "13912340003", "real_name": "孙裁判", "role": StaffRole.JUDGE}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请至少选择一个赛项" in page and 'value="13912340003"' in page and 'value="孙裁判"' in page
    assert not StaffInvitation.objects.exists()


def test_revoke_and_resend_from_the_staff_page(client, contest, group, organizer, learner) -> None:
    sent = actions.invite_staff(
        contest, actor=organizer, mobile=learner.mobile, real_name="学员", role=StaffRole.JUDGE, event_groups=[group]
    )
    client.force_login(organizer)
    client.post(op_url(contest, "resend"), {"invitation": sent.invitation.pk})
    assert client.get(link_path(sent)).status_code == 404  # the old link stopped working
    client.post(op_url(contest, "revoke"), {"invitation": sent.invitation.pk, "confirm": "1"})
    sent.invitation.refresh_from_db()
    assert sent.invitation.status == InvitationStatus.REVOKED


def test_the_staff_page_is_404_for_a_non_manager_and_another_contests_organizer(
    client, contest, group, organizer, learner, judge, make_person: Callable[..., User]
) -> None:
    another = make_person(Role.ORGANIZER)
    actions.create_contest(actor=another, title="别人的竞赛", slug="theirs")
    for person in (learner, judge, another):
        client.force_login(person)
        assert client.get(staff_url(contest)).status_code == 404
        response = client.post(
            op_url(contest, "invite"),
            {"mobile": "13912340004", "real_name": "某人", "role": StaffRole.JUDGE, "event_groups": [group.pk]},
        )
        assert response.status_code == 404
    assert not StaffInvitation.objects.exists()


def test_an_invited_judge_accepts_and_opens_only_the_invited_groups_sheet(
    client, contest, group, organizer, learner
) -> None:
    sent = actions.invite_staff(
        contest, actor=organizer, mobile=learner.mobile, real_name="学员", role=StaffRole.JUDGE, event_groups=[group]
    )
    client.force_login(learner)
    assert client.get(reverse("competitions:judge")).status_code == 403  # not a judge yet
    page = client.get(link_path(sent)).content.decode()
    assert "接受" in page and group.name in page and contest.title in page
    response = client.post(link_path(sent), {"decision": "accept"})
    assert response.status_code == 302 and response.url == reverse("competitions:judge")
    home = client.get(reverse("competitions:judge")).content.decode()
    assert group.name in home
    assert reverse("competitions:judge") in home  # the header's 评分 entry, without the judge role
    assert client.get(reverse("competitions:judge_sheet", args=[group.pk])).status_code == 200
    other = contest.event_groups.exclude(pk=group.pk).get()
    assert client.get(reverse("competitions:judge_sheet", args=[other.pk])).status_code == 404


def test_a_co_organizer_reaches_the_console_of_that_contest_only(
    client, contest, organizer, learner, make_person: Callable[..., User]
) -> None:
    theirs = actions.create_contest(actor=make_person(Role.ORGANIZER), title="别人的竞赛", slug="theirs")
    sent = actions.invite_staff(
        contest, actor=organizer, mobile=learner.mobile, real_name="学员", role=StaffRole.CO_ORGANIZER
    )
    client.force_login(learner)
    assert client.get(reverse("competitions:manage")).status_code == 403
    response = client.post(link_path(sent), {"decision": "accept"})
    assert response.url == reverse("competitions:console", args=[contest.slug])
    listing = client.get(reverse("competitions:manage")).content.decode()
    assert contest.title in listing and theirs.title not in listing
    assert reverse("competitions:create") not in listing
    assert client.get(reverse("competitions:console", args=[contest.slug])).status_code == 200
    assert client.get(staff_url(contest)).status_code == 200
    assert client.get(reverse("competitions:console", args=[theirs.slug])).status_code == 404
    assert client.get(reverse("competitions:create")).status_code == 403


def test_another_account_is_told_whom_the_invitation_is_for_and_cannot_accept(
    client, contest, group, organizer, learner, outsider
) -> None:
    sent = actions.invite_staff(
        contest, actor=organizer, mobile=learner.mobile, real_name="学员", role=StaffRole.JUDGE, event_groups=[group]
    )
    client.force_login(outsider)
    page = client.get(link_path(sent)).content.decode()
    assert learner.mobile_masked in page and "退出当前账户" in page and 'value="accept"' not in page
    assert client.post(link_path(sent), {"decision": "accept"}).status_code == 400
    assert not JudgeAssignment.objects.filter(judge=outsider).exists()


def test_an_anonymous_visitor_with_an_account_is_sent_to_sign_in_and_back(
    client, contest, group, organizer, learner
) -> None:
    sent = actions.invite_staff(
        contest, actor=organizer, mobile=learner.mobile, real_name="学员", role=StaffRole.JUDGE, event_groups=[group]
    )
    page = client.get(link_path(sent)).content.decode()
    assert reverse("accounts:login") + "?next=" + link_path(sent).replace("/", "%2F") in page


def test_a_new_person_activates_an_account_and_accepts_in_one_form(client, contest, group, organizer) -> None:
    sent = actions.invite_staff(
        contest,
        actor=organizer,
        mobile="13912340005",
        real_name="周新人",
        role=StaffRole.CHIEF_JUDGE,
        event_groups=[group],
    )
    page = client.get(link_path(sent)).content.decode()
    assert "激活并接受邀请" in page and 'value="周新人"' in page
    client.post(link_path(sent), {"real_name": "周新人", "send_code": "1"})
    code = last_code("13912340005")
    assert code
    wrong = client.post(
        link_path(sent),
        {"real_name": "周新人", "sms_code": code, "password1": "Judge@2026x", "password2": "Judge@2026y"},
    )
    assert wrong.status_code == 400 and not User.objects.filter(mobile="13912340005").exists()
    response = client.post(
        link_path(sent),
        {"real_name": "周新人", "sms_code": code, "password1": "Judge@2026x", "password2": "Judge@2026x"},
    )
    assert response.status_code == 302 and response.url == reverse("competitions:judge")
    user = User.objects.get(mobile="13912340005")
    assert JudgeAssignment.objects.get(judge=user, event_group=group).is_chief
    assert client.get(reverse("competitions:judge_sheet", args=[group.pk])).status_code == 200  # signed in


def test_a_revoked_or_expired_link_says_so(client, contest, group, organizer, learner) -> None:
    sent = actions.invite_staff(
        contest, actor=organizer, mobile=learner.mobile, real_name="学员", role=StaffRole.JUDGE, event_groups=[group]
    )
    actions.revoke_invitation(sent.invitation, actor=organizer)
    client.force_login(learner)
    page = client.get(link_path(sent)).content.decode()
    assert "该邀请已被组织者撤销" in page and 'value="accept"' not in page
    assert client.get("/contests/invitations/not-a-token/").status_code == 404


def test_ones_own_invitations_are_listed_and_answered_there(
    client, contest, group, organizer, learner, outsider
) -> None:
    sent = actions.invite_staff(
        contest, actor=organizer, mobile=learner.mobile, real_name="学员", role=StaffRole.JUDGE, event_groups=[group]
    )
    client.force_login(outsider)
    assert contest.title not in client.get(reverse("competitions:invitations")).content.decode()
    client.post(reverse("competitions:invitations"), {"invitation": sent.invitation.pk, "decision": "accept"})
    assert not JudgeAssignment.objects.filter(judge=outsider).exists()
    client.force_login(learner)
    assert contest.title in client.get(reverse("competitions:invitations")).content.decode()
    client.post(reverse("competitions:invitations"), {"invitation": sent.invitation.pk, "decision": "decline"})
    sent.invitation.refresh_from_db()
    assert sent.invitation.status == InvitationStatus.DECLINED


def test_hostile_names_are_escaped(client, contest, group, organizer, learner) -> None:
    hostile = "<script>alert(1)</script>"
    sent = actions.invite_staff(
        contest, actor=organizer, mobile=learner.mobile, real_name=hostile, role=StaffRole.JUDGE, event_groups=[group]
    )
    actions.add_event_group(contest, actor=organizer, name="<img src=x onerror=alert(2)>")
    client.force_login(organizer)
    staff_page = client.get(staff_url(contest)).content.decode()
    client.force_login(learner)
    invitation_page = client.get(link_path(sent)).content.decode()
    for page in (staff_page, invitation_page):
        assert hostile not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in staff_page
