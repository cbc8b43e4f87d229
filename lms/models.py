"""Learning state. The question bank lives here and is shared with contests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from accounts.choices import CourseLevel, SkillDomain


class QuestionType(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUE_FALSE = "truefalse", _("判断题")
    FILL = "fill", _("填空题")
    SHORT = "short", _("简答题")
    PRACTICAL = "practical", _("实操题")


OBJECTIVE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.FILL)


class Question(models.Model):
    """One question of the shared bank.

    `options` is a list of option texts (A, B, C… in order). `answer` depends on the type:
    single "B"; multiple ["A", "C"]; true/false true|false; fill a list of blanks, each a list
    of accepted answers ([["PLC", "可编程逻辑控制器"]]); short/practical null (graded by a person
    against `rubric`). The answer never leaves the server before an attempt is submitted.
    """

    qtype = models.CharField(_("题型"), max_length=12, choices=QuestionType.choices)
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list, blank=True)
    answer = models.JSONField(_("答案"), null=True, blank=True)
    explanation = models.TextField(_("解析"), blank=True)
    rubric = models.TextField(_("评分标准"), blank=True)
    domain = models.CharField(_("技能领域"), max_length=30, choices=SkillDomain.choices, blank=True)
    level = models.CharField(_("等级"), max_length=20, choices=CourseLevel.choices, blank=True)
    difficulty = models.PositiveSmallIntegerField(_("难度"), default=3, help_text=_("1（易）—5（难）"))
    knowledge_point = models.CharField(_("知识点"), max_length=100, blank=True)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=1)
    fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    tags = TaggableManager(_("标签"), blank=True)

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("题库")
        ordering = ["id"]
        indexes = [models.Index(fields=["domain", "difficulty"])]

    def __str__(self) -> str:
        return self.stem[:40]

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        from lms.grading import question_fingerprint

        self.fingerprint = question_fingerprint(self.qtype, self.stem, self.options)
        super().save(*args, **kwargs)

    @property
    def is_objective(self) -> bool:
        return self.qtype in OBJECTIVE_TYPES
