"""The contest lifecycle: rules, teams, check-in, judging, marks, results, appeals, 以赛代评."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from competitions.models.core import (
    Contest,
    EventGroup,
    Registration,
)

# --- Contest lifecycle: eligibility, teams, judging, results, appeals, 以赛代评 -------------------


class Aggregation(models.TextChoices):
    MEAN = "mean", _("裁判平均分")
    TRIMMED = "trimmed", _("去掉最高最低分后平均（五名及以上裁判时）")


class AwardMode(models.TextChoices):
    SHARE = "share", _("按比例")
    COUNT = "count", _("按名额")


class Award(models.TextChoices):
    FIRST = "first", _("一等奖")
    SECOND = "second", _("二等奖")
    THIRD = "third", _("三等奖")
    MERIT = "merit", _("优胜奖")


AWARD_ORDER: tuple[str, ...] = (Award.FIRST, Award.SECOND, Award.THIRD, Award.MERIT)


class ContestRules(models.Model):
    """The lifecycle settings of one contest: eligibility, team size, judging, awards, appeals.

    Kept beside `Contest` (one row per contest) so the live engine's model stays unchanged.
    """

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="lifecycle")
    announcement = models.TextField(_("竞赛公告"), blank=True)
    how_to_register = models.TextField(_("报名方式"), blank=True)
    eligible_cities = models.ManyToManyField(
        Region, verbose_name=_("限定城市"), blank=True, related_name="+", help_text=_("不选表示不限城市。")
    )
    eligible_job_groups = models.JSONField(_("限定岗位类别"), default=list, blank=True)
    min_level = models.CharField(_("最低技能等级"), max_length=12, blank=True)
    max_level = models.CharField(_("最高技能等级"), max_length=12, blank=True)
    team_size_min = models.PositiveSmallIntegerField(_("每队最少人数"), default=1)
    team_size_max = models.PositiveSmallIntegerField(_("每队最多人数"), default=1)
    aggregation = models.CharField(
        _("评分汇总规则"), max_length=10, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    disagreement_threshold = models.DecimalField(
        _("评判分差预警阈值"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
        help_text=_("同一评判项裁判最高分与最低分之差超过该值时提请裁判长复核（0—3 分制）。"),
    )
    award_mode = models.CharField(_("奖项设置方式"), max_length=6, choices=AwardMode.choices, default=AwardMode.SHARE)
    award_first = models.DecimalField(_("一等奖"), max_digits=6, decimal_places=3, default=Decimal("0.100"))
    award_second = models.DecimalField(_("二等奖"), max_digits=6, decimal_places=3, default=Decimal("0.200"))
    award_third = models.DecimalField(_("三等奖"), max_digits=6, decimal_places=3, default=Decimal("0.300"))
    award_merit = models.DecimalField(_("优胜奖"), max_digits=6, decimal_places=3, default=Decimal("0"))
    theory_cap = models.DecimalField(
        _("理论成绩权重上限"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.300"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("默认 0.3（省级规程通常要求理论成绩不超过 30%）；确需提高时由组织者明确修改。"),
    )
    appeal_hours = models.PositiveSmallIntegerField(_("申诉期（小时）"), default=72)
    results_published_at = models.DateTimeField(_("成绩公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("竞赛规程")
        verbose_name_plural = _("竞赛规程")

    def __str__(self) -> str:
        return str(self.contest)

    def award_quota(self, award: str) -> Decimal:
        quotas: dict[str, Decimal] = {
            Award.FIRST: self.award_first,
            Award.SECOND: self.award_second,
            Award.THIRD: self.award_third,
            Award.MERIT: self.award_merit,
        }
        return quotas[award]


class Team(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="teams")
    event_group = models.ForeignKey(EventGroup, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("队名"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("参赛队")
        verbose_name_plural = _("参赛队")
        constraints = [models.UniqueConstraint(fields=["contest", "name"], name="team_name_once")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="team_membership")

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class CheckIn(models.Model):
    """检录号: a number drawn at random per contestant, or per team in a team contest, before the
    practical part. Judges score by this number and see neither names, organizations nor ticket
    numbers (WorldSkills practice); recusal is still enforced by the server."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="check_ins")
    number = models.CharField(_("检录号"), max_length=8)
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="check_in"
    )
    team = models.OneToOneField(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="check_in")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检录号")
        verbose_name_plural = _("检录号")
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="check_in_number_once"),
            models.CheckConstraint(
                condition=models.Q(registration__isnull=True, team__isnull=False)
                | models.Q(registration__isnull=False, team__isnull=True),
                name="check_in_for_contestant_or_team",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def entrant(self) -> Registration | Team:
        """The contestant or the team the number is for (the constraint above allows exactly one)."""
        if self.registration is not None:
            return self.registration
        if self.team is None:
            raise ValueError(f"check-in {self.pk} has neither a registration nor a team")
        return self.team


class JudgeAssignment(models.Model):
    event_group = models.ForeignKey(EventGroup, on_delete=models.CASCADE, related_name="judge_assignments")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judge_assignments")
    is_chief = models.BooleanField(_("裁判长"), default=False)
    is_arbiter = models.BooleanField(_("仲裁组成员"), default=False)

    class Meta:
        verbose_name = _("裁判分配")
        verbose_name_plural = _("裁判分配")
        constraints = [
            models.UniqueConstraint(fields=["event_group", "judge"], name="judge_once_per_group"),
            # At most one chief judge per event group: the one who reviews and signs the sheet.
            models.UniqueConstraint(
                fields=["event_group"], condition=models.Q(is_chief=True), name="one_chief_judge_per_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class PracticalTask(models.Model):
    event_group = models.ForeignKey(EventGroup, on_delete=models.CASCADE, related_name="practical_tasks")
    title = models.CharField(_("实操任务"), max_length=120)
    description = models.TextField(_("任务说明"), blank=True)

    class Meta:
        verbose_name = _("实操任务")
        verbose_name_plural = _("实操任务")

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    MEASUREMENT = "measurement", _("测量项（客观）")
    JUDGEMENT = "judgement", _("评判项（0—3 分）")


class MarkingItem(models.Model):
    task = models.ForeignKey(PracticalTask, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("类型"), max_length=12, choices=ItemKind.choices)
    description = models.CharField(_("评分项"), max_length=200)
    points = models.DecimalField(
        _("分值"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def max_mark(self) -> Decimal:
        """Highest mark a judge may give: the points for a measurement item, 3 for a judgement."""
        return self.points if self.kind == ItemKind.MEASUREMENT else Decimal(3)


class Mark(models.Model):
    """One judge's mark on one item for one contestant, or for one team in a team contest (the
    judges score the team's work once); a re-score after an appeal updates it."""

    item = models.ForeignKey(MarkingItem, on_delete=models.CASCADE, related_name="marks")
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="marks"
    )
    team = models.ForeignKey("Team", null=True, blank=True, on_delete=models.CASCADE, related_name="marks")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("分数"), max_digits=6, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["item", "registration", "judge"], name="mark_once"),
            models.UniqueConstraint(
                fields=["item", "team", "judge"], condition=models.Q(team__isnull=False), name="team_mark_once"
            ),
            models.CheckConstraint(
                condition=models.Q(registration__isnull=True, team__isnull=False)
                | models.Q(registration__isnull=False, team__isnull=True),
                name="mark_for_contestant_or_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    @classmethod
    def of_registration(cls, registration_id: int) -> models.QuerySet[Mark]:
        """The marks that count for a contestant: their own, and in a team contest their team's."""
        return (
            cls.objects.filter(
                models.Q(registration_id=registration_id) | models.Q(team__members__registration_id=registration_id)
            )
            .select_related("item", "judge")
            .order_by("item__order", "item_id", "judge_id")
        )


class SignOff(models.Model):
    """The chief judge's signature on the practical marks of an event group; marks count only after it."""

    event_group = models.OneToOneField(EventGroup, on_delete=models.CASCADE, related_name="signoff")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("复核说明"), blank=True)

    class Meta:
        verbose_name = _("裁判长签字")
        verbose_name_plural = _("裁判长签字")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class PracticalAbsence(models.Model):
    """缺考 in a practical part: the group's chief judge records that an entrant (a contestant,
    or a team in a team contest) did not sit the practical. The entrant needs no marks for the
    sign-off and, without a theory part either, is absent from the results."""

    event_group = models.ForeignKey(EventGroup, on_delete=models.CASCADE, related_name="practical_absences")
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="practical_absence"
    )
    team = models.OneToOneField(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="practical_absence")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("实操缺考")
        verbose_name_plural = _("实操缺考")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration__isnull=True, team__isnull=False)
                | models.Q(registration__isnull=False, team__isnull=True),
                name="practical_absence_of_contestant_or_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class TheoryMark(models.Model):
    """A theory score entered by an organizer (0—100), used when the live engine has none."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="theory_mark")
    score = models.DecimalField(
        _("理论成绩"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("理论成绩")
        verbose_name_plural = _("理论成绩")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class Result(models.Model):
    """A published result: computed from the stored marks and answers by `selectors.compute_results`."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="result")
    event_group = models.ForeignKey(EventGroup, on_delete=models.CASCADE, related_name="results")
    team = models.ForeignKey(
        Team,
        verbose_name=_("参赛队"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
        help_text=_("团体赛：队伍的成绩、名次和奖项记在每名队员名下。"),
    )
    theory = models.DecimalField(_("理论成绩"), max_digits=6, decimal_places=2)
    practical = models.DecimalField(_("实操成绩"), max_digits=6, decimal_places=2)
    final = models.DecimalField(_("总成绩"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True, help_text=_("缺考者没有名次。"))
    award = models.CharField(_("奖项"), max_length=8, choices=Award.choices, blank=True)
    absent = models.BooleanField(
        _("缺考"),
        default=False,
        help_text=_("未参加任何一部分（无理论作答、无理论成绩、无实操评分）：不排名、不评奖、不计入人才台账。"),
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("成绩")
        verbose_name_plural = _("成绩")
        ordering = ["event_group_id", "rank", "id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    @property
    def standing(self) -> str:
        """The rank as shown on pages and exports: the number, or 缺考 for an absent contestant."""
        return str(_("缺考")) if self.absent else str(self.rank)


class Clarification(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="clarifications")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.TextField(_("问题"))
    answer = models.TextField(_("答复"), blank=True)
    to_all = models.BooleanField(_("向全体公开"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("答疑")
        verbose_name_plural = _("答疑")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待仲裁")
    UPHELD = "upheld", _("申诉成立")
    REJECTED = "rejected", _("维持原成绩")


class Appeal(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(_("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decision = models.TextField(_("仲裁意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    @property
    def contested_marks(self) -> models.QuerySet[Mark]:
        return Mark.of_registration(self.registration_id)


class Rescore(models.Model):
    """A mark changed by arbitration: the old and new value and why."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="rescores")
    mark = models.ForeignKey(Mark, on_delete=models.CASCADE, related_name="rescores")
    before = models.DecimalField(max_digits=6, decimal_places=2)
    after = models.DecimalField(max_digits=6, decimal_places=2)
    reason = models.TextField(_("改分理由"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("复核改分")
        verbose_name_plural = _("复核改分")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class PromotionRule(models.Model):
    """以赛代评: an award, for a person whose current level is at most `max_current_level`, earns
    a recommendation for `target_level` (sent to talent as a pending evaluation)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="promotion_rules")
    award = models.CharField(_("奖项"), max_length=8, choices=Award.choices)
    max_current_level = models.CharField(_("现等级不高于"), max_length=12, blank=True)
    target_level = models.CharField(_("推荐晋升等级"), max_length=12)

    class Meta:
        verbose_name = _("以赛代评规则")
        verbose_name_plural = _("以赛代评规则")
        constraints = [models.UniqueConstraint(fields=["contest", "award"], name="promotion_rule_once")]

    def __str__(self) -> str:
        return f"{self.get_award_display()} → {self.target_level_display}"

    @property
    def target_level_display(self) -> str:
        return level_label(self.target_level)

    @property
    def max_current_level_display(self) -> str:
        return level_label(self.max_current_level)


def level_label(level: str) -> str:
    """A skill-level code as its name (职业技能等级), or the code itself if unknown."""
    from talent.models import SkillLevel

    return str(SkillLevel(level).label) if level in SkillLevel.values else level


class Promotion(models.Model):
    """A recommendation sent to talent; idempotent per registration."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="promotion")
    target_level = models.CharField(_("推荐晋升等级"), max_length=12)
    evaluation_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("晋升推荐")
        verbose_name_plural = _("晋升推荐")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"
