"""Contests and who takes part: the core shared by the lifecycle pages and the live engine.

`competitions.live` (the live theory rounds) builds on Contest, EventGroup, Registration and
Ticket. Judging, appeals, results and awards are in `lifecycle`, staff invitations in `staff`.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import SkillDomain
from accounts.models import Organization, Region


class ContestLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    ENTERPRISE = "enterprise", _("企业级")


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("报名中")
    RUNNING = "running", _("进行中")
    FINISHED = "finished", _("已结束")
    PUBLISHED = "published", _("成绩已公布")


class Contest(models.Model):
    title = models.CharField(_("竞赛名称"), max_length=200)
    slug = models.SlugField(_("网址标识"), max_length=80, unique=True)
    level = models.CharField(_("级别"), max_length=12, choices=ContestLevel.choices, default=ContestLevel.PROVINCE)
    organizing_body = models.ForeignKey(
        Organization,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contests",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("举办地区"), null=True, blank=True, on_delete=models.PROTECT, related_name="contests"
    )
    summary = models.TextField(_("简介"), blank=True)
    rules = models.TextField(_("竞赛规则"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ContestStatus.choices, default=ContestStatus.DRAFT)
    registration_opens = models.DateTimeField(_("报名开始"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("报名截止"), null=True, blank=True)
    theory_at = models.DateTimeField(_("理论考试时间"), null=True, blank=True)
    practical_at = models.DateTimeField(_("实操考核时间"), null=True, blank=True)
    theory_weight = models.DecimalField(
        _("理论成绩权重"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.300"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("0—1；省级竞赛通常不超过 0.3，其余为实操成绩权重。"),
    )
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("组织者"), blank=True, related_name="organized_contests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("竞赛")
        verbose_name_plural = _("竞赛")
        ordering = ["-theory_at", "-id"]

    def __str__(self) -> str:
        return self.title


class EventGroup(models.Model):
    """An event within a contest (赛项), e.g. 工业互联网运维."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="event_groups")
    name = models.CharField(_("赛项名称"), max_length=100)
    domain = models.CharField(_("技能领域"), max_length=30, choices=SkillDomain.choices, blank=True)

    class Meta:
        verbose_name = _("赛项")
        verbose_name_plural = _("赛项")
        constraints = [models.UniqueConstraint(fields=["contest", "name"], name="event_group_name_once")]

    def __str__(self) -> str:
        return self.name


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class Registration(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="registrations")
    event_group = models.ForeignKey(EventGroup, on_delete=models.PROTECT, related_name="registrations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_registrations")
    status = models.CharField(
        _("状态"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_reason = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [models.UniqueConstraint(fields=["contest", "person"], name="register_once_per_contest")]

    def __str__(self) -> str:
        return f"{self.person} · {self.contest}"


def new_access_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Ticket(models.Model):
    """Admission ticket (准考证): a number and a secret access code, issued per approved registration."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="ticket")
    number = models.CharField(_("准考证号"), max_length=20, unique=True)
    access_code = models.CharField(_("访问码"), max_length=12, default=new_access_code)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("准考证")
        verbose_name_plural = _("准考证")

    def __str__(self) -> str:
        return self.number
