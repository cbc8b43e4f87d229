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


# --- Quizzes and exams ------------------------------------------------------------------------


class QuizKind(models.TextChoices):
    QUIZ = "quiz", _("随堂测验")
    EXAM = "exam", _("考试")


class PaperMode(models.TextChoices):
    FIXED = "fixed", _("固定试卷")
    RANDOM = "random", _("随机组卷")


class Quiz(models.Model):
    """A quiz or exam: a fixed list of questions, or questions drawn at random by rules.

    `draw_rules` (random papers) is a list of {"count", "domain", "level", "difficulty",
    "knowledge_point", "tag"}; each rule draws `count` active questions matching every given key.
    `time_limit_minutes` 0 means no limit; `max_attempts` 0 means unlimited. `pass_mark` is a
    percentage of the paper's points.
    """

    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=QuizKind.choices, default=QuizKind.QUIZ)
    description = models.TextField(_("说明"), blank=True)
    mode = models.CharField(_("组卷方式"), max_length=8, choices=PaperMode.choices, default=PaperMode.FIXED)
    questions = models.ManyToManyField(Question, through="QuizQuestion", blank=True, related_name="quizzes")
    draw_rules = models.JSONField(_("抽题规则"), default=list, blank=True)
    time_limit_minutes = models.PositiveIntegerField(_("限时（分钟）"), default=0)
    max_attempts = models.PositiveIntegerField(_("作答次数上限"), default=0)
    pass_mark = models.PositiveSmallIntegerField(_("及格线（%）"), default=60)
    shuffle_options = models.BooleanField(_("选项乱序"), default=True)
    opens_at = models.DateTimeField(_("开放时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    is_published = models.BooleanField(_("已发布"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("测验")
        verbose_name_plural = _("测验与考试")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once")]


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("作答中")
    GRADING = "grading", _("待阅卷")
    GRADED = "graded", _("已评分")


class Attempt(models.Model):
    """One sitting of a quiz by one learner.

    `paper` is the learner's own paper, fixed at start: [{"q": question id, "perm": [original
    option indexes in display order]}]. `deadline` is set by the server at start (start + time
    limit, capped by the quiz's closing time); answers and submissions after it are refused.
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveIntegerField(_("第几次"), default=1)
    paper = models.JSONField(default=list)
    status = models.CharField(
        _("状态"), max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    deadline = models.DateTimeField(_("截止时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, default=0)
    max_score = models.DecimalField(_("满分"), max_digits=8, decimal_places=2, default=0)
    passed = models.BooleanField(_("通过"), null=True, blank=True)

    class Meta:
        verbose_name = _("作答记录")
        verbose_name_plural = _("作答记录")
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["quiz", "learner", "number"], name="attempt_number_once")]
        indexes = [models.Index(fields=["learner", "quiz"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.quiz} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    @property
    def percent(self) -> int:
        return int(self.score * 100 / self.max_score) if self.max_score else 0


class AttemptAnswer(models.Model):
    """The learner's response to one question of their paper, stored in original option letters.

    `is_correct` is set at submission for objective questions; short-answer and practical answers
    wait in the grading queue (`needs_grading`) until a grader scores them against the rubric.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    response = models.JSONField(null=True, blank=True)
    upload = models.FileField(_("附件"), upload_to="lms/answers/%Y/%m/", blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    needs_grading = models.BooleanField(default=False, db_index=True)
    comment = models.TextField(_("评语"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")]


# --- Certificates ----------------------------------------------------------------------------


class Certificate(models.Model):
    """A certificate of any kind (course completion, contest award…) with a public check.

    Anyone can verify it by `number` or by the `verify_code` in its QR code. (source, source_id,
    holder) is unique so the issuing app can call `issue_certificate` again safely.
    """

    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    verify_code = models.CharField(_("验证码"), max_length=32, unique=True)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(_("类型"), max_length=20)
    title = models.CharField(_("名称"), max_length=200)
    issuer_name = models.CharField(_("颁发单位"), max_length=120)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, null=True, blank=True)
    issued_at = models.DateTimeField(_("颁发时间"), auto_now_add=True)
    source = models.CharField(_("来源"), max_length=60)
    source_id = models.CharField(_("来源编号"), max_length=64)
    details = models.JSONField(_("明细"), default=dict, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.TextField(_("撤销原因"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id", "holder"], name="certificate_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def kind_display(self) -> str:
        return str(CERTIFICATE_KINDS.get(self.kind, self.kind))


CERTIFICATE_KINDS = {"course": _("结业证书"), "award": _("获奖证书"), "exam": _("考试合格证书")}
