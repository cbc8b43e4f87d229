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
    WITHDRAWN = "withdrawn", _("已撤回")


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
    def domain_display(self) -> str:
        from accounts.choices import SkillDomain

        return str(SkillDomain(self.domain).label) if self.domain in SkillDomain.values else self.domain

    @property
    def subject_display(self) -> str:
        if self.level:
            return str(self.get_level_display())
        return str(self.get_category_display())


class TalentProfile(models.Model):
    """Single-row derived state per person: the talent index and what the boards and KPIs need.

    Everything but the consent flags is recomputed from the ledger (`talent.index`) and can be
    rebuilt with `manage.py rebuild_talent`. City, industry and job group are copied from the
    person (or their organization) so that boards and dashboards filter one table.
    """

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talent_profile")
    index = models.FloatField(_("人才指数"), default=0, db_index=True)
    breakdown = models.JSONField(_("指数构成"), default=dict, blank=True)
    city = models.ForeignKey(
        "accounts.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("城市")
    )
    industry = models.CharField(_("行业"), max_length=20, blank=True)
    job_group = models.CharField(_("岗位类别"), max_length=20, blank=True)
    domain = models.CharField(_("主要技能领域"), max_length=30, blank=True)
    level = models.CharField(_("最高技能等级"), max_length=12, choices=SkillLevel.choices, blank=True)
    level_rank = models.SmallIntegerField(default=-1)
    categories = models.JSONField(_("人才类别"), default=list, blank=True)
    province_awards = models.PositiveIntegerField(_("省级及以上获奖"), default=0)
    talent_since = models.DateTimeField(null=True, blank=True)
    leader_since = models.DateTimeField(null=True, blank=True)
    designer_since = models.DateTimeField(null=True, blank=True)
    engineer_since = models.DateTimeField(null=True, blank=True)
    public_consent = models.BooleanField(_("同意公开展示"), default=False)
    match_opt_in = models.BooleanField(_("同意参与企业对接"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("人才档案")
        verbose_name_plural = _("人才档案")
        indexes = [
            models.Index(fields=["-index", "person"], name="talent_board_province"),
            models.Index(fields=["city", "-index"], name="talent_board_city"),
            models.Index(fields=["industry", "-index"], name="talent_board_industry"),
            models.Index(fields=["domain", "-index"], name="talent_board_domain"),
            models.Index(fields=["job_group", "-index"], name="talent_board_jobgroup"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.index}"


class ConsentKind(models.TextChoices):
    LEADERBOARD = "leaderboard", _("在人才榜公开姓名")
    MATCHING = "matching", _("参与企业需求对接")


class ConsentRecord(models.Model):
    """Every grant and withdrawal of consent, kept as history; the profile holds the current state."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talent_consents")
    kind = models.CharField(_("事项"), max_length=20, choices=ConsentKind.choices)
    granted = models.BooleanField(_("同意"))
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("授权记录")
        verbose_name_plural = _("授权记录")

    def __str__(self) -> str:
        return f"{self.person} · {self.kind} · {self.granted}"


class KpiMetric(models.TextChoices):
    TALENTS = "talents", _("数字技能人才")
    LEADERS = "leaders", _("高技能领军人才")
    DESIGNERS = "designers", _("数字化解决方案设计师")
    ENGINEERS = "engineers", _("数字技术工程师")
    DEMAND_FIT = "demand_fit", _("企业需求适配度（%）")


class KpiTarget(models.Model):
    """A target for one year, for the province (city empty) or one city. Missing rows fall back
    to the plan's defaults (`talent.kpi.default_target`)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    city = models.ForeignKey(
        "accounts.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("城市")
    )
    metric = models.CharField(_("指标"), max_length=12, choices=KpiMetric.choices)
    value = models.FloatField(_("目标值"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        constraints = [
            models.UniqueConstraint(fields=["year", "city", "metric"], name="kpi_target_once"),
            models.UniqueConstraint(
                fields=["year", "metric"], condition=models.Q(city__isnull=True), name="kpi_target_province_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.metric} {self.value:g}"


class KpiActual(models.Model):
    """Precomputed counts of people who first counted for a metric in a year, per city (city
    empty: people without a city). Kept incrementally by the ledger hook; rebuilt by
    `rebuild_talent`. The dashboard reads these few rows instead of scanning every profile."""

    year = models.PositiveSmallIntegerField()
    city = models.ForeignKey("accounts.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=12, choices=KpiMetric.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "city", "metric"], name="kpi_actual_once"),
            models.UniqueConstraint(
                fields=["year", "metric"], condition=models.Q(city__isnull=True), name="kpi_actual_nocity_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.metric} {self.count}"


# --- Leader-cultivation shortlist (数字高技能领军人才培育计划) -------------------------------------


class RoundStatus(models.TextChoices):
    NOMINATING = "nominating", _("市级推荐")
    NOTICE = "notice", _("公示中")
    FINAL = "final", _("已确定")


class SelectionRound(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=120)
    min_level = models.CharField(_("最低技能等级"), max_length=12, choices=SkillLevel.choices, blank=True)
    min_index = models.FloatField(_("最低人才指数"), default=0)
    min_awards = models.PositiveSmallIntegerField(_("省级及以上获奖次数不少于"), default=0)
    required_categories = models.JSONField(_("须具备的人才类别"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.NOMINATING)
    notice_starts = models.DateTimeField(_("公示开始"), null=True, blank=True)
    notice_ends = models.DateTimeField(_("公示结束"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("遴选批次")
        verbose_name_plural = _("遴选批次")

    def __str__(self) -> str:
        return self.name

    @property
    def notice_published(self) -> bool:
        """The public notice (公示) page exists from the notice period on (talent.views.notice)."""
        return self.status in NOTICE_PUBLISHED

    @property
    def objections_open(self) -> bool:
        """Objections are taken during the notice period only: the round in notice and its end
        not passed (talent.actions.file_objection; the notice page shows the form then)."""
        return self.status == RoundStatus.NOTICE and (self.notice_ends is None or timezone.now() <= self.notice_ends)


# The round statuses in which the public notice page is shown.
NOTICE_PUBLISHED = (RoundStatus.NOTICE, RoundStatus.FINAL)


class CityQuota(models.Model):
    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="quotas")
    city = models.ForeignKey("accounts.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("城市"))
    quota = models.PositiveIntegerField(_("推荐名额"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "city"], name="quota_once")]

    def __str__(self) -> str:
        return f"{self.round} · {self.city} · {self.quota}"


class CandidateStatus(models.TextChoices):
    CANDIDATE = "candidate", _("候选")
    NOMINATED = "nominated", _("市级已推荐")
    DECLINED = "declined", _("市级未推荐")
    APPROVED = "approved", _("省级已审核")
    REJECTED = "rejected", _("省级未通过")
    WITHDRAWN = "withdrawn", _("公示异议成立")
    FINAL = "final", _("入选")


# The statuses each shortlist step starts from (talent.actions checks them; talent.selectors
# .candidate_moves offers the step on the round page only then).
NOMINATABLE = (CandidateStatus.CANDIDATE, CandidateStatus.DECLINED)
DECLINABLE = (CandidateStatus.CANDIDATE, CandidateStatus.NOMINATED)
REVIEWABLE = (CandidateStatus.NOMINATED,)
# Candidates that take one of their city's places.
HOLDS_A_PLACE = (CandidateStatus.NOMINATED, CandidateStatus.APPROVED, CandidateStatus.FINAL)


class Candidate(models.Model):
    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leader_candidacies")
    city = models.ForeignKey("accounts.Region", null=True, on_delete=models.SET_NULL, related_name="+")
    index = models.FloatField(_("人才指数"), default=0)
    reasons = models.JSONField(_("入围理由"), default=list)
    status = models.CharField(
        _("状态"), max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.CANDIDATE
    )
    city_reason = models.TextField(_("市级意见"), blank=True)
    province_reason = models.TextField(_("省级意见"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-index", "id"]
        verbose_name = _("领军人才候选人")
        verbose_name_plural = _("领军人才候选人")
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="candidate_once")]

    def __str__(self) -> str:
        return f"{self.round} · {self.person}"

    @property
    def has_plan(self) -> bool:
        """Only a finally listed leader has a cultivation plan (talent.actions.add_plan_item)."""
        return self.status == CandidateStatus.FINAL


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")
    SPAM = "spam", _("无效异议（已移除）")


class Objection(models.Model):
    """An objection to a listed candidate during the public notice (公示), filed under the
    filer's real name (talent.actions.file_objection). `filed_by` is empty only after the filer's
    data was erased; an open objection blocks finalizing the round until a province admin
    upholds, dismisses or removes it as spam."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("异议内容"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.get_status_display()}"


class PlanItemKind(models.TextChoices):
    MENTORING = "mentoring", _("导师带徒")
    PROJECT = "project", _("攻关项目")
    MILESTONE = "milestone", _("培养节点")


class CultivationItem(models.Model):
    """One line of an approved leader's cultivation plan."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="plan_items")
    kind = models.CharField(_("类型"), max_length=12, choices=PlanItemKind.choices)
    title = models.CharField(_("内容"), max_length=200)
    due = models.DateField(_("计划完成"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title


# --- Enterprise demand matching (人才与产业精准对接) ---------------------------------------------


class DemandStatus(models.TextChoices):
    OPEN = "open", _("招募中")
    CLOSED = "closed", _("已结束")


class Demand(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="talent_demands")
    title = models.CharField(_("岗位名称"), max_length=120)
    domains = models.JSONField(_("技能领域"), default=list)
    skills = models.CharField(_("技能要求"), max_length=300, blank=True)
    min_level = models.CharField(_("最低技能等级"), max_length=12, choices=SkillLevel.choices, blank=True)
    headcount = models.PositiveIntegerField(_("需求人数"))
    city = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("工作城市"))
    pay_min = models.PositiveIntegerField(_("月薪下限（元）"), null=True, blank=True)
    pay_max = models.PositiveIntegerField(_("月薪上限（元）"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Accepted matches erased on a person's deletion request: still counted by the fit rate.
    erased_accepted = models.PositiveIntegerField(_("已删除的双向确认对接"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("企业人才需求")
        verbose_name_plural = _("企业人才需求")

    def __str__(self) -> str:
        return self.title


class MatchStatus(models.TextChoices):
    INVITED = "invited", _("企业已邀请")
    ACCEPTED = "accepted", _("双方确认")
    DECLINED = "declined", _("本人婉拒")
    WITHDRAWN = "withdrawn", _("企业撤回")


class Match(models.Model):
    """An enterprise's invitation to a matched person; contact details show only once accepted."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="matches")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talent_matches")
    score = models.FloatField(_("匹配度"))
    explanation = models.JSONField(_("匹配说明"), default=list)
    status = models.CharField(_("状态"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["demand", "person"], name="match_once")]

    def __str__(self) -> str:
        return f"{self.demand} · {self.person}"


class DeletionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    APPROVED = "approved", _("已批准并执行")
    DECLINED = "declined", _("未予批准")


class DeletionRequest(models.Model):
    """A person's request to erase what talent need not keep; decided by an administrator
    responsible for them (`talent.actions.decide_deletion`). One pending request per person."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talent_deletions")
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DeletionStatus.choices, default=DeletionStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("处理理由"), blank=True)
    outcome = models.TextField(_("处理结果"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="pending"), name="talent_one_pending_deletion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.created_at:%Y-%m-%d}"
