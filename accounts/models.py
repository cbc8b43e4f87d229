"""Users, roles, regions, organizations and the audit trail shared by every app."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import pii
from accounts.choices import Industry, JobGroup, NoticeKind, NoticeLevel, OrgKind, RegionKind, Role, SizeClass
from accounts.validators import normalize_mobile, validate_credit_code, validate_mobile


class Region(models.Model):
    """A province, city, district or development zone; cities hang under the province."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("地区")
        verbose_name_plural = _("地区")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: the English name in English mode where there is one."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def city(self) -> Region | None:
        """The prefecture-level city this region belongs to (itself for a city)."""
        region: Region | None = self
        while region is not None and region.kind not in (RegionKind.CITY, RegionKind.PROVINCE):
            region = region.parent
        return region if region is not None and region.kind == RegionKind.CITY else None


class Organization(models.Model):
    name = models.CharField(_("名称"), max_length=120)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices, default=OrgKind.ENTERPRISE)
    region = models.ForeignKey(
        Region, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="organizations"
    )
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices, default=Industry.OTHER)
    size_class = models.CharField(_("企业规模"), max_length=10, choices=SizeClass.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, mobile: str, password: str | None = None, **fields: Any) -> User:
        mobile = normalize_mobile(mobile)
        validate_mobile(mobile)
        user = self.model(mobile=mobile, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, mobile: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(mobile, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with a mainland mobile number; one real name, as Chinese names are not split."""

    mobile = models.CharField(_("手机号"), max_length=11, unique=True, validators=[validate_mobile])
    real_name = models.CharField(_("姓名"), max_length=50)
    email = models.EmailField(_("电子邮箱"), blank=True)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    region = models.ForeignKey(
        Region, verbose_name=_("所在地区"), null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    job_group = models.CharField(_("岗位类别"), max_length=20, choices=JobGroup.choices, blank=True)
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices, blank=True)
    is_staff = models.BooleanField(_("后台权限"), default=False)
    is_active = models.BooleanField(_("有效"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    # The language the person last chose (the switch in the page header, or on this device before
    # signing in): their notices, emails and texts are written in it. Blank: the platform's.
    language = models.CharField(_("语言"), max_length=10, choices=settings.LANGUAGES, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS = ["real_name"]

    # The person's role grants, fetched once per instance by accounts.selectors (scope checks
    # ask for them many times in one request).
    _grants: list[RoleGrant]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [("view_pii", _("可查看完整身份证号和手机号"))]

    def __str__(self) -> str:
        return self.real_name or self.mobile

    def get_full_name(self) -> str:
        return self.real_name

    def get_short_name(self) -> str:
        return self.real_name

    @property
    def mobile_masked(self) -> str:
        return pii.mask_mobile(self.mobile)

    @property
    def role_set(self) -> frozenset[str]:
        """Roles held by this user, cached on the instance for the request."""
        cached = getattr(self, "_role_set", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_set = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.role_set.intersection(roles))


class RoleGrant(models.Model):
    """A role held by a user, with its scope: a city for city admins, an organization for enterprise roles."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name=_("管辖地区"), null=True, blank=True, on_delete=models.PROTECT)
    organization = models.ForeignKey(
        Organization, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.CASCADE
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role"),
            # Enterprise roles are scoped by the grant itself, never by the holder's profile.
            models.CheckConstraint(
                condition=~models.Q(role__in=[Role.ENTERPRISE_ADMIN, Role.MENTOR])
                | models.Q(organization__isnull=False),
                name="enterprise_grant_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class EmploymentStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    ACCEPTED = "accepted", _("已确认")
    REJECTED = "rejected", _("已拒绝")
    WITHDRAWN = "withdrawn", _("已撤回")


class EmploymentRequest(models.Model):
    """A person asks to join (or move to) an organization; an enterprise admin of that
    organization decides. Acceptance is the only way a person's `User.organization` changes
    outside seeds, imports by an administrator in scope, and the Django admin."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="employment_requests")
    organization = models.ForeignKey(
        Organization, verbose_name=_("申请加入的单位"), on_delete=models.CASCADE, related_name="employment_requests"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=EmploymentStatus.choices, default=EmploymentStatus.PENDING
    )
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("任职申请")
        verbose_name_plural = _("任职申请")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="pending"), name="one_pending_employment_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.organization}"


class AuditEvent(models.Model):
    """Who did what to which record, when, what it was before and after, and why."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("待核验")
    CONFIRMED = "confirmed", _("已确认为本人")
    REJECTED = "rejected", _("未通过")


class IdentityConflict(models.Model):
    """A person submitted an ID number another account already holds. The number is not stored on
    her account (only its masked copy, so her page reads the same as after any submission); a
    province admin checks who the number belongs to and resolves it with a reason."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identity_conflicts")
    id_number_hash = models.CharField(max_length=64, db_index=True, editable=False)
    id_number_cipher = models.TextField(editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.TextField(_("处理说明"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("身份证号核验")
        verbose_name_plural = _("身份证号核验")

    def __str__(self) -> str:
        return f"{self.person} · {self.id_number_masked}"


class SmsPurpose(models.TextChoices):
    REGISTER = "register", _("注册")
    CHANGE_MOBILE = "change_mobile", _("更换手机号")
    INVITE = "invite", _("接受竞赛工作邀请")


class SmsCode(models.Model):
    """A one-time code sent to a mobile number. Only its keyed hash is stored; it expires, allows
    a few wrong tries, and is used once (`accounts.actions.send_sms_code` / `verify_sms_code`)."""

    mobile = models.CharField(max_length=11, db_index=True)
    purpose = models.CharField(max_length=20, choices=SmsPurpose.choices)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"{pii.mask_mobile(self.mobile)} · {self.purpose}"


class Heartbeat(models.Model):
    """The last time a long-running process said it was alive, one row per process kind.

    The background worker (`manage.py worker`) writes its row every few seconds; `/readyz`
    (config/health.py) reads it. The database is the one place every process can read.
    """

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self) -> str:
        return f"{self.name} · {self.beat_at:%Y-%m-%d %H:%M:%S}"


def new_feed_token() -> str:
    """A fresh secret for a calendar feed URL: 32 URL-safe characters (192 random bits)."""
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's personal iCalendar feed: the secret in its URL (accounts/calendar.py).

    The token is kept as it is, not hashed, so the calendar page can show the subscription URL
    again whenever the person comes back to add another device; it opens only what that page
    shows (titles and times of the person's contests, exams and deadlines). The person rotates
    it from the calendar page (`accounts.actions.rotate_calendar_feed`): the old URL stops at once.
    """

    person = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(_("订阅密钥"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self) -> str:
        return f"{self.person} · {self.created_at:%Y-%m-%d}"


class Notice(models.Model):
    """One thing that happened to a person, shown in their inbox (accounts.notifications.notify).

    `dedupe_key` ("<kind>:<subject>") is unique per person, so an action that runs twice (a retry,
    a re-run of the reminder job) stores and sends the notice once. `emailed_at` / `texted_at` are
    claimed by one conditional update before sending, so email and SMS go out at most once.
    """

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.SYSTEM)
    level = models.CharField(_("级别"), max_length=10, choices=NoticeLevel.choices, default=NoticeLevel.INFO)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    texted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [models.UniqueConstraint(fields=["person", "dedupe_key"], name="notice_once_per_key")]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="notice_inbox"),
            models.Index(fields=["person", "read_at"], name="notice_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.title}"


class NoticePreference(models.Model):
    """A person's choice of channels for one kind of notice (no row: the defaults in notifications.py)."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notice_preferences")
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    email = models.BooleanField(_("邮件"), default=True)
    sms = models.BooleanField(_("短信"), default=False)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="notice_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.person} · {self.kind}"
