"""Contest staff: an organizer invites co-organizers, judges, a chief judge and arbiters by
mobile number; the holder of that number accepts (a new person activates an account on the way)
or declines; the organizer revokes or resends a pending invitation and removes staff.

The grant is scoped to the contest: a co-organizer becomes a member of `contest.organizers`
(`selectors.can_manage` lets such a member manage that contest and no other, and gives no
global role); a judge gets a `JudgeAssignment` per invited event group, which is what every
judging permission reads. Only a keyed hash of an invitation's token is stored, so the link
cannot be rebuilt from the database; resending makes a new link and the old one stops working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from secrets import token_urlsafe

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import pii, sms
from accounts.actions import audit, in_language_of, notify, register_user, send_sms_code, verify_sms_code
from accounts.choices import NoticeKind
from accounts.models import SmsPurpose, User
from accounts.ratelimits import count_event
from accounts.validators import check_length, normalize_mobile, validate_mobile
from competitions.models import (
    Contest,
    EventGroup,
    InvitationStatus,
    JudgeAssignment,
    StaffInvitation,
    StaffRole,
)
from competitions.selectors import (
    can_manage,
    chief_judge_of,
    judge_removal_problem,
    pending_chief_invitation,
    require_manager,
    token_hash,
)

INVITATION_DAYS = 7
# An organizer may send this many invitation texts an hour, and one number may receive this many a day.
INVITES_PER_ORGANIZER_HOUR = 30
INVITES_PER_NUMBER_DAY = 5


@dataclass(frozen=True)
class SentInvitation:
    """An invitation just sent, with its link (the only moment the token is known) and whether
    the text message went out (`sms_error` holds the reason when it did not: the organizer can
    pass the link on herself)."""

    invitation: StaffInvitation
    url: str
    sms_error: str = ""


def invitation_url(token: str) -> str:
    """The invitation's absolute link (SITE_URL + path), as sent by text message."""
    base = str(settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return base + reverse("competitions:invitation", args=[token])


def _issue_token(invitation: StaffInvitation) -> str:
    token = token_urlsafe(24)
    invitation.token_hash = token_hash(token)
    invitation.expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
    return token


def _throttle(actor: User, mobile: str) -> None:
    limits = (
        (f"organizer:{actor.pk}", INVITES_PER_ORGANIZER_HOUR, 3600),
        ("number:" + mobile, INVITES_PER_NUMBER_DAY, 86400),
    )
    for key, allowed, window in limits:
        if count_event("competitions.staff_invite", pii.fingerprint(key), limit=allowed, seconds=window):
            raise ValidationError(_("邀请发送过于频繁，请稍后再试。"))


def _send(invitation: StaffInvitation, token: str, reader: User | None) -> tuple[str, str]:
    """Text the link to the invited number, in the language of `reader` (the account behind the
    number, if any); returns (link, '' or why sending failed)."""
    url = invitation_url(token)
    with in_language_of(reader):
        inviter = invitation.invited_by.real_name if invitation.invited_by else _("组织者")
        message = _("【数智英才】%(p)s 邀请您担任“%(c)s”的%(r)s，请在 %(d)s 天内打开链接确认：%(u)s") % {
            "p": inviter,
            "c": invitation.contest.title,
            "r": invitation.get_role_display(),
            "d": INVITATION_DAYS,
            "u": url,
        }
    try:
        sms.send(invitation.mobile, message)
    except sms.SmsError as exc:
        return url, str(exc) or _("短信发送失败，请稍后再试。")
    return url, ""


def _expire_stale(contest: Contest, mobile: str) -> None:
    """Mark pending invitations past their date as expired (so a new one may be sent)."""
    StaffInvitation.objects.filter(
        contest=contest, mobile=mobile, status=InvitationStatus.PENDING, expires_at__lte=timezone.now()
    ).update(status=InvitationStatus.EXPIRED, decided_at=timezone.now())


@transaction.atomic
def invite_staff(
    contest: Contest,
    *,
    actor: User,
    mobile: str,
    real_name: str,
    role: str,
    event_groups: list[EventGroup] | tuple[EventGroup, ...] = (),
) -> SentInvitation:
    """Invite the holder of `mobile` to the contest's staff as `role` (a `StaffRole`).

    Managers of the contest only. Judge roles (judge, chief judge, arbiter) need at least one
    event group, all of this contest; a co-organizer needs none (the groups are ignored).
    Refused: inviting oneself; a number that already manages the contest (co-organizer); a
    pending invitation for the same number and role in this contest (resend or revoke it);
    more than the sending limits. The invitation is valid for 7 days; its link is texted to the
    number (a failed text keeps the invitation, see `SentInvitation.sms_error`). Audited with
    the number masked.
    """
    require_manager(actor, contest)
    mobile = normalize_mobile(mobile)
    try:
        validate_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    real_name = real_name.strip()
    if not real_name:
        raise ValidationError({"real_name": _("请填写被邀请人的姓名。")})
    check_length(real_name, 50, _("姓名"))
    if role not in StaffRole.values:
        raise ValidationError({"role": _("请选择邀请的职责。")})
    if mobile == actor.mobile:
        raise ValidationError({"mobile": _("不能邀请自己。")})
    groups = list(event_groups) if role != StaffRole.CO_ORGANIZER else []
    if role != StaffRole.CO_ORGANIZER:
        if not groups:
            raise ValidationError({"event_groups": _("请至少选择一个赛项。")})
        if any(group.contest_id != contest.pk for group in groups):
            raise ValidationError({"event_groups": _("所选赛项不属于本竞赛。")})
    if role == StaffRole.CHIEF_JUDGE:
        _refuse_chief_invitation(groups, mobile)
    existing = User.objects.filter(mobile=mobile).first()
    if role == StaffRole.CO_ORGANIZER and existing is not None and can_manage(existing, contest):
        raise ValidationError({"mobile": _("%(p)s 已是本竞赛的组织者。") % {"p": existing.real_name}})
    _expire_stale(contest, mobile)
    if StaffInvitation.objects.filter(
        contest=contest, mobile=mobile, role=role, status=InvitationStatus.PENDING
    ).exists():
        raise ValidationError(
            {"mobile": _("已向该手机号发出同一职责的邀请，对方尚未答复；可在待接受的邀请中重发或撤销。")}
        )
    _throttle(actor, mobile)
    invitation = StaffInvitation(contest=contest, role=role, mobile=mobile, real_name=real_name, invited_by=actor)
    token = _issue_token(invitation)
    invitation.save()
    invitation.event_groups.set(groups)
    url, sms_error = _send(invitation, token, existing)
    audit(
        actor,
        "contest.staff.invite",
        invitation,
        after={
            "role": role,
            "mobile": invitation.mobile_masked,
            "groups": [g.pk for g in groups],
            "sms": not sms_error,
        },
    )
    if existing is not None:
        # Someone with an account also finds it in the inbox (the secret link goes by SMS only).
        with in_language_of(existing):
            notify(
                existing,
                NoticeKind.INVITATION,
                title=_("竞赛工作邀请：%(contest)s · %(role)s")
                % {"contest": contest.title, "role": invitation.get_role_display()},
                body=_("%(by)s 邀请您参与本竞赛的工作，请在 7 天内接受或谢绝。") % {"by": actor.real_name},
                url=reverse("competitions:invitations"),
                dedupe_key=str(invitation.pk),
            )
    return SentInvitation(invitation, url, sms_error)


def _refuse_chief_invitation(groups: list[EventGroup], mobile: str) -> None:
    """A chief-judge invitation is refused for an event group that has a chief judge, or a
    pending chief-judge invitation to another number (each group has at most one chief judge)."""
    for group in groups:
        chief = chief_judge_of(group)
        if chief is not None and chief.judge.mobile == mobile:
            raise ValidationError(
                {"mobile": _("%(p)s 已是赛项“%(g)s”的裁判长。") % {"p": chief.judge.real_name, "g": group.name}}
            )
        if chief is not None:
            raise ValidationError(
                {
                    "role": _("赛项“%(g)s”已有裁判长 %(p)s。每个赛项只能有一名裁判长；如需更换，请先移除原裁判长。")
                    % {"g": group.name, "p": chief.judge.real_name}
                }
            )
        pending = pending_chief_invitation(group, other_than=mobile)
        if pending is not None:
            raise ValidationError(
                {
                    "role": _(
                        "赛项“%(g)s”已向 %(n)s（%(m)s）发出裁判长邀请，对方尚未答复；如需改邀他人，请先撤销该邀请。"
                    )
                    % {"g": group.name, "n": pending.real_name, "m": pending.mobile_masked}
                }
            )


def _lock(invitation: StaffInvitation) -> StaffInvitation:
    return StaffInvitation.objects.select_for_update().select_related("contest").get(pk=invitation.pk)


@transaction.atomic
def revoke_invitation(invitation: StaffInvitation, *, actor: User) -> StaffInvitation:
    """A manager of the contest withdraws a pending invitation; its link stops working. Audited."""
    require_manager(actor, invitation.contest)
    invitation = _lock(invitation)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("该邀请%(s)s，不能撤销。") % {"s": invitation.get_status_display()})
    invitation.status, invitation.decided_at = InvitationStatus.REVOKED, timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    audit(actor, "contest.staff.revoke", invitation, before={"status": "pending"}, after={"status": "revoked"})
    return invitation


@transaction.atomic
def resend_invitation(invitation: StaffInvitation, *, actor: User) -> SentInvitation:
    """A manager sends a pending (or expired) invitation again: a new link, valid 7 days from
    now; the old link stops working. Refused for an accepted, declined or revoked one, and when
    another pending invitation for the same number and role exists. Audited."""
    require_manager(actor, invitation.contest)
    invitation = _lock(invitation)
    if invitation.status not in (InvitationStatus.PENDING, InvitationStatus.EXPIRED):
        raise ValidationError(_("该邀请%(s)s，不能重发；如需要请重新邀请。") % {"s": invitation.get_status_display()})
    if (
        StaffInvitation.objects.filter(
            contest=invitation.contest, mobile=invitation.mobile, role=invitation.role, status=InvitationStatus.PENDING
        )
        .exclude(pk=invitation.pk)
        .exists()
    ):
        raise ValidationError(_("该手机号已有同一职责的待接受邀请。"))
    if invitation.role == StaffRole.CHIEF_JUDGE:
        try:
            _refuse_chief_invitation(list(invitation.event_groups.all()), invitation.mobile)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
    _throttle(actor, invitation.mobile)
    before = invitation.status
    token = _issue_token(invitation)
    invitation.status, invitation.decided_at = InvitationStatus.PENDING, None
    invitation.save(update_fields=["token_hash", "expires_at", "status", "decided_at"])
    url, sms_error = _send(invitation, token, User.objects.filter(mobile=invitation.mobile).first())
    audit(actor, "contest.staff.resend", invitation, before={"status": before}, after={"status": "pending"})
    return SentInvitation(invitation, url, sms_error)


def check_open(invitation: StaffInvitation) -> None:
    """Raise ValidationError (with the reason to show) unless the invitation can still be answered."""
    if invitation.status == InvitationStatus.PENDING and invitation.expires_at <= timezone.now():
        raise ValidationError(_("该邀请已过期，请联系组织者重新发送。"))
    if invitation.status == InvitationStatus.REVOKED:
        raise ValidationError(_("该邀请已被组织者撤销。"))
    if invitation.status == InvitationStatus.EXPIRED:
        raise ValidationError(_("该邀请已过期，请联系组织者重新发送。"))
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("该邀请%(s)s。") % {"s": invitation.get_status_display()})


def _check_holder(invitation: StaffInvitation, user: User) -> None:
    if not user.is_authenticated or user.mobile != invitation.mobile:
        raise PermissionDenied(
            _("该邀请只发给手机号 %(m)s，请用该手机号的账户登录后再接受或谢绝。") % {"m": invitation.mobile_masked}
        )


def _refuse_second_chief_on_accept(groups: list[EventGroup], user: User) -> None:
    for group in groups:
        chief = chief_judge_of(group, other_than=user.pk)
        if chief is not None:
            raise ValidationError(
                _("赛项“%(g)s”已由 %(p)s 担任裁判长，每个赛项只能有一名裁判长，本邀请不能再接受；请联系组织者。")
                % {"g": group.name, "p": chief.judge.real_name}
            )


@transaction.atomic
def accept_invitation(invitation: StaffInvitation, *, user: User) -> StaffInvitation:
    """The holder of the invited number accepts: in one transaction a co-organizer joins
    `contest.organizers`; a judge, chief judge or arbiter gets an assignment to each invited
    event group (an existing assignment keeps its flags and gains the invited one).

    Refused: a user whose (verified, login) mobile is not the invited one; an invitation that
    is expired, revoked, or already accepted or declined; a chief-judge invitation for an event
    group that got another chief judge meanwhile (each group has at most one: the groups' rows
    are locked for the check, and the constraint `one_chief_judge_per_group` backs it; nothing
    is granted then). No global role is granted. Audited.
    """
    invitation = _lock(invitation)
    _check_holder(invitation, user)
    check_open(invitation)
    contest = invitation.contest
    if invitation.role == StaffRole.CO_ORGANIZER:
        contest.organizers.add(user)
        granted: dict[str, object] = {"organizer": True}
    else:
        groups = list(invitation.event_groups.filter(contest=contest).select_for_update().order_by("pk"))
        chief = invitation.role == StaffRole.CHIEF_JUDGE
        if chief:
            _refuse_second_chief_on_accept(groups, user)
        try:
            with transaction.atomic():
                for group in groups:
                    assignment, _created = JudgeAssignment.objects.get_or_create(event_group=group, judge=user)
                    assignment.is_chief = assignment.is_chief or chief
                    assignment.is_arbiter = assignment.is_arbiter or invitation.role == StaffRole.ARBITER
                    assignment.save(update_fields=["is_chief", "is_arbiter"])
        except IntegrityError:
            _refuse_second_chief_on_accept(groups, user)
            raise
        granted = {"groups": [g.pk for g in groups], "role": invitation.role}
    invitation.status, invitation.accepted_by, invitation.decided_at = (
        InvitationStatus.ACCEPTED,
        user,
        timezone.now(),
    )
    invitation.save(update_fields=["status", "accepted_by", "decided_at"])
    audit(
        user, "contest.staff.accept", invitation, before={"status": "pending"}, after={"status": "accepted", **granted}
    )
    return invitation


@transaction.atomic
def decline_invitation(invitation: StaffInvitation, *, user: User) -> StaffInvitation:
    """The holder of the invited number declines a pending invitation. Audited."""
    invitation = _lock(invitation)
    _check_holder(invitation, user)
    check_open(invitation)
    invitation.status, invitation.decided_at = InvitationStatus.DECLINED, timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    audit(user, "contest.staff.decline", invitation, before={"status": "pending"}, after={"status": "declined"})
    return invitation


def send_activation_code(invitation: StaffInvitation, *, ip: str | None) -> None:
    """Text a one-time code to the invited number so a person without an account can activate
    one on the invitation page. Refused for a closed invitation and for a number that already
    has an account (that person signs in instead); sending limits as for any code."""
    check_open(invitation)
    if User.objects.filter(mobile=invitation.mobile).exists():
        raise ValidationError(_("该手机号已有账户，请直接登录后接受邀请。"))
    send_sms_code(invitation.mobile, SmsPurpose.INVITE, ip=ip)


def activate_and_accept(
    invitation: StaffInvitation, *, real_name: str, password: str, sms_code: str, ip: str | None
) -> User:
    """A person without an account activates one for the invited number and accepts, in one step.

    The code texted to the invited number (`send_activation_code`) proves the person holds it;
    it is checked first (wrong tries count even though nothing else is written). Then the
    account is created (`accounts.actions.register_user`, a learner like every new account) and
    the invitation accepted in one transaction: a refusal of either leaves neither. Raises
    ValidationError with field keys (`sms_code`, `real_name`, `password1`, ...)."""
    check_open(invitation)
    if User.objects.filter(mobile=invitation.mobile).exists():
        raise ValidationError(_("该手机号已有账户，请直接登录后接受邀请。"))
    verify_sms_code(invitation.mobile, SmsPurpose.INVITE, sms_code, ip=ip)
    with transaction.atomic():
        user = register_user(mobile=invitation.mobile, real_name=real_name, password=password, ip=ip)
        accept_invitation(invitation, user=user)
    return user


@transaction.atomic
def remove_co_organizer(contest: Contest, person: User, *, actor: User) -> None:
    """A manager removes a co-organizer from the contest. The creator cannot be removed here
    (a province admin changes who runs a contest). Audited."""
    require_manager(actor, contest)
    if person.pk == contest.created_by_id:
        raise ValidationError(_("不能移除竞赛的创建者。"))
    if not contest.organizers.filter(pk=person.pk).exists():
        raise ValidationError(_("%(p)s 不是本竞赛的组织者。") % {"p": person.real_name})
    contest.organizers.remove(person)
    audit(actor, "contest.staff.remove_organizer", contest, before={"organizer": person.pk}, after={"organizer": None})


@transaction.atomic
def remove_judge(assignment: JudgeAssignment, *, actor: User) -> None:
    """A manager removes a judge from an event group. Refused once the judge has marked anyone
    in that group (the marks are part of the record; change them through arbitration). Audited."""
    group = assignment.event_group
    require_manager(actor, group.contest)
    problem = judge_removal_problem(assignment)
    if problem:
        raise ValidationError(problem)
    audit(
        actor,
        "contest.staff.remove_judge",
        assignment,
        before={"judge": assignment.judge_id, "group": group.pk, "chief": assignment.is_chief},
        after=None,
    )
    assignment.delete()
