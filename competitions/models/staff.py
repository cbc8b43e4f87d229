"""Staff: co-organizers and judges invited by mobile number."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.pii import mask_mobile
from accounts.validators import validate_mobile
from competitions.models.core import (
    Contest,
    EventGroup,
)

# --- Staff: co-organizers and judges invited by mobile number ----------------------------------


class StaffRole(models.TextChoices):
    CO_ORGANIZER = "co_organizer", _("协办组织者")
    JUDGE = "judge", _("裁判")
    CHIEF_JUDGE = "chief_judge", _("裁判长")
    ARBITER = "arbiter", _("仲裁组成员")


JUDGE_ROLES: tuple[str, ...] = (StaffRole.JUDGE, StaffRole.CHIEF_JUDGE, StaffRole.ARBITER)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("待接受")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已谢绝")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已过期")


class StaffInvitation(models.Model):
    """An organizer's invitation to one mobile number to join a contest's staff: as a
    co-organizer (manages this contest only) or as a judge, chief judge or arbiter of some of its
    event groups. The grant is made when the holder of that number accepts
    (`competitions.staff.accept_invitation`); the link carries a random token of which only a
    keyed hash is stored."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="staff_invitations")
    role = models.CharField(_("职责"), max_length=16, choices=StaffRole.choices)
    mobile = models.CharField(_("手机号"), max_length=11, validators=[validate_mobile])
    real_name = models.CharField(_("姓名"), max_length=50)
    event_groups = models.ManyToManyField(EventGroup, verbose_name=_("赛项"), blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("邀请人")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("工作人员邀请")
        verbose_name_plural = _("工作人员邀请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "mobile", "role"],
                condition=models.Q(status="pending"),
                name="staff_invitation_pending_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.contest}"

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def is_judge_role(self) -> bool:
        return self.role in JUDGE_ROLES
