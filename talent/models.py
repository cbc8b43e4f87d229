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
