"""The achievements ledger: every result that counts for a person, written by the source app.

`talent` knows achievements, not courses or contests. The talent index, leaderboards, shortlist
and KPI figures are derived from these rows and can be rebuilt from them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AchievementKind(models.TextChoices):
    COURSE_COMPLETION = "course_completion", _("课程结业")
    CERTIFICATE = "certificate", _("证书")
    WORKSTUDY_HOURS = "workstudy_hours", _("工学一体学时")
    CONTEST_RESULT = "contest_result", _("竞赛成绩")
    CONTEST_AWARD = "contest_award", _("竞赛获奖")
    SKILL_LEVEL = "skill_level", _("技能等级")
    TALENT_CATEGORY = "talent_category", _("人才类别认定")


class Achievement(models.Model):
    """One result for one person. (person, kind, source, source_id) is unique, so a source app
    that records the same result twice (retries, re-runs) changes nothing."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="achievements")
    kind = models.CharField(_("类型"), max_length=30, choices=AchievementKind.choices)
    source = models.CharField(_("来源"), max_length=60, help_text="app.record, e.g. lms.certificate")
    source_id = models.CharField(_("来源编号"), max_length=64)
    title = models.CharField(_("名称"), max_length=200)
    occurred_at = models.DateTimeField(_("取得时间"), default=timezone.now)
    data = models.JSONField(_("明细"), default=dict, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.TextField(_("撤销原因"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("成果")
        verbose_name_plural = _("成果台账")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "source", "source_id"], name="achievement_once")
        ]
        indexes = [models.Index(fields=["person", "kind"]), models.Index(fields=["kind", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.title}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class SkillLevel(models.TextChoices):
    """The vocational skill-level ladder, lowest first. Codes are stable: other apps store them."""

    APPRENTICE = "apprentice", _("学徒工")
    L5 = "l5", _("五级/初级工")
    L4 = "l4", _("四级/中级工")
    L3 = "l3", _("三级/高级工")
    L2 = "l2", _("二级/技师")
    L1 = "l1", _("一级/高级技师")
    SPECIAL = "special", _("特级技师")
    CHIEF = "chief", _("首席技师")

    @classmethod
    def rank(cls, code: str) -> int:
        """Position on the ladder (0 = apprentice); -1 for no level."""
        try:
            return list(cls.values).index(code)
        except ValueError:
            return -1


class TalentCategory(models.TextChoices):
    """The digital talent categories the 2026–2030 plan counts."""

    DIGITAL_SKILL = "digital_skill", _("数字技能人才")
    SOLUTION_DESIGNER = "solution_designer", _("数字化解决方案设计师")
    ENGINEER_JUNIOR = "engineer_junior", _("数字技术工程师（初级）")
    ENGINEER_MIDDLE = "engineer_middle", _("数字技术工程师（中级）")
    ENGINEER_SENIOR = "engineer_senior", _("数字技术工程师（高级）")
    LEADER = "leader", _("高技能领军人才")


ENGINEER_CATEGORIES = (
    TalentCategory.ENGINEER_JUNIOR,
    TalentCategory.ENGINEER_MIDDLE,
    TalentCategory.ENGINEER_SENIOR,
)


class EvaluationRoute(models.TextChoices):
    ASSESSMENT = "assessment", _("技能考核")
    CONTEST = "contest", _("以赛代评")
    RECOGNITION = "recognition", _("业绩认定")


class EvaluationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class Evaluation(models.Model):
    """A proposed skill level or talent category for one person, approved or rejected here.

    (person, source, source_id) is unique so a source app (a contest's 以赛代评 promotion)
    proposing the same promotion twice creates one record. Approval writes a SKILL_LEVEL or
    TALENT_CATEGORY achievement and issues a certificate number with a public verification code.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluations")
    level = models.CharField(_("技能等级"), max_length=12, choices=SkillLevel.choices, blank=True)
    category = models.CharField(_("人才类别"), max_length=24, choices=TalentCategory.choices, blank=True)
    domain = models.CharField(_("技能领域"), max_length=30, blank=True)
    route = models.CharField(_("评价方式"), max_length=12, choices=EvaluationRoute.choices)
    body = models.CharField(_("评价机构"), max_length=120)
    evidence = models.JSONField(_("佐证材料"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.PENDING
    )
    reason = models.TextField(_("审核意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=60)
    source_id = models.CharField(_("来源编号"), max_length=64)
    certificate_no = models.CharField(_("证书编号"), max_length=32, blank=True)
    verify_code = models.CharField(_("验证码"), max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("技能评价")
        verbose_name_plural = _("技能评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "source", "source_id"], name="evaluation_once"),
            models.CheckConstraint(
                condition=~(models.Q(level="") & models.Q(category="")), name="evaluation_level_or_category"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.subject_display}"

    @property
    def subject_display(self) -> str:
        if self.level:
            return str(self.get_level_display())
        return str(self.get_category_display())
