"""Learning state. The question bank lives here and is shared with contests."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from accounts.choices import CourseLevel, SkillDomain
from lms.storage import private_storage


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

    def save(self, *args: Any, **kwargs: Any) -> None:
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
    questions: models.ManyToManyField[Question, QuizQuestion] = models.ManyToManyField(
        Question, through="QuizQuestion", blank=True, related_name="quizzes"
    )
    draw_rules = models.JSONField(_("抽题规则"), default=list, blank=True)
    time_limit_minutes = models.PositiveIntegerField(_("限时（分钟）"), default=0)
    max_attempts = models.PositiveIntegerField(_("作答次数上限"), default=0)
    pass_mark = models.PositiveSmallIntegerField(_("及格线（%）"), default=60)
    shuffle_options = models.BooleanField(_("选项乱序"), default=True)
    opens_at = models.DateTimeField(_("开放时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    is_published = models.BooleanField(_("已发布"), default=True)
    course = models.ForeignKey(
        "cms.CoursePage",
        verbose_name=_("所属课程"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quizzes",
    )
    counts_for_completion = models.BooleanField(_("计入结业"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("grade_answer", _("可阅卷（简答题、实操题）"))]
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

    def __str__(self) -> str:
        return f"{self.quiz_id}#{self.order}"


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

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
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
    # Question ids the learner flagged for review: kept with the attempt so a reload shows them.
    flagged = models.JSONField(_("标记复查的题目"), default=list, blank=True)

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
    upload = models.FileField(_("附件"), upload_to="lms/answers/%Y/%m/", storage=private_storage, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    needs_grading = models.BooleanField(default=False, db_index=True)
    comment = models.TextField(_("评语"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)
    # The exam page numbers every answer it sends (rising per attempt): a resent or late-arriving
    # older answer never replaces a newer one, and sending the same one twice stores it once.
    # Empty for answers saved without it (the no-script form, API clients): those always replace.
    seq = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}"


class AttemptProctoring(models.Model):
    """What the proctor sees of one attempt besides its answers: integrity counters, the last
    time the exam page reported in, and the minutes a proctor added (lms.proctoring).

    One row per attempt, created on the first report; a signal only bumps a counter, so a flood
    of events changes numbers, never the size of the table.
    """

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, primary_key=True, related_name="proctoring")
    hidden_count = models.PositiveIntegerField(_("切出页面次数"), default=0)
    paste_count = models.PositiveIntegerField(_("粘贴次数"), default=0)
    first_signal_at = models.DateTimeField(_("首次异常时间"), null=True, blank=True)
    last_signal_at = models.DateTimeField(_("最近异常时间"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("最近在线时间"), null=True, blank=True)
    extra_minutes = models.PositiveIntegerField(_("延时（分钟）"), default=0)

    class Meta:
        verbose_name = _("监考记录")
        verbose_name_plural = _("监考记录")

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.hidden_count}/{self.paste_count}"


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


# --- Courses: rules, cohorts, enrollment, progress ---------------------------------------------


class CourseRule(models.Model):
    """How a course is completed. A course without a row uses the defaults (everything required)."""

    course = models.OneToOneField("cms.CoursePage", on_delete=models.CASCADE, related_name="lms_rule")
    require_lessons = models.BooleanField(_("必修课时全部完成"), default=True)
    require_quizzes = models.BooleanField(_("计入结业的测验全部通过"), default=True)
    require_workstudy = models.BooleanField(_("工学一体任务通过导师审核（课程设置时）"), default=True)
    issue_certificate = models.BooleanField(_("结业颁发证书"), default=True)
    issuer_name = models.CharField(_("颁发单位"), max_length=120, default="数智英才培育平台")

    class Meta:
        verbose_name = _("结业规则")
        verbose_name_plural = _("结业规则")

    def __str__(self) -> str:
        return str(self.course_id)


class Cohort(models.Model):
    """A class of learners from one organization taking one course, with a mentor and dates."""

    name = models.CharField(_("班级名称"), max_length=120)
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="cohorts"
    )
    course = models.ForeignKey("cms.CoursePage", verbose_name=_("课程"), on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("企业导师"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentored_cohorts",
    )
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="cohort_dates_ordered")
        ]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    """A learner on a course. `progress` (0–100) and `last_lesson` are derived and kept current
    by lms.progress; `mentor` overrides the cohort's mentor for this learner's work-study."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey("cms.CoursePage", verbose_name=_("课程"), on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("班级"), null=True, blank=True, on_delete=models.SET_NULL, related_name="enrollments"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("企业导师"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentored_enrollments",
    )
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_lesson = models.ForeignKey(
        "cms.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    completed_at = models.DateTimeField(_("结业时间"), null=True, blank=True)
    certificate = models.ForeignKey(Certificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("选课")
        verbose_name_plural = _("选课")
        ordering = ["-enrolled_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="enroll_once")]

    def __str__(self) -> str:
        return f"{self.learner} · {self.course_id}"

    @property
    def effective_mentor_id(self) -> int | None:
        if self.mentor_id:
            return self.mentor_id
        return self.cohort.mentor_id if self.cohort_id and self.cohort else None


class CompletionHow(models.TextChoices):
    READ = "read", _("读到末尾")
    VIDEO = "video", _("视频观看达标")
    QUIZ = "quiz", _("通过本课测验")
    MANUAL = "manual", _("手动标记完成")


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey("cms.LessonPage", on_delete=models.CASCADE, related_name="+")
    how = models.CharField(max_length=8, choices=CompletionHow.choices)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("课时进度")
        verbose_name_plural = _("课时进度")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="lesson_done_once")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.lesson_id}"


class LessonActivity(models.Model):
    """The evidence a lesson's completion rule reads (lms.lesson_rules), recorded by the server.

    `read_seconds` is time credited by the page's heartbeats (each credits the server time since
    the previous one, at most lms.lesson_rules.PING_CREDIT_MAX); `end_seen_at` is when the page
    first reported the end-of-text marker in view; `video_intervals` are the merged [start, end]
    seconds of the video actually played, `video_duration` the length the first report gave.
    """

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_activity")
    lesson = models.ForeignKey("cms.LessonPage", on_delete=models.CASCADE, related_name="+")
    read_seconds = models.PositiveIntegerField(_("阅读时长（秒）"), default=0)
    last_seen_at = models.DateTimeField(_("最近一次在页面"), null=True, blank=True)
    end_seen_at = models.DateTimeField(_("读到末尾的时间"), null=True, blank=True)
    video_duration = models.FloatField(_("视频时长（秒）"), null=True, blank=True)
    video_intervals = models.JSONField(_("已观看的视频片段"), default=list, blank=True)
    video_reported_at = models.DateTimeField(_("最近一次观看报告"), null=True, blank=True)

    class Meta:
        verbose_name = _("课时学习记录")
        verbose_name_plural = _("课时学习记录")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="lesson_activity_once")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.lesson_id}"


# --- Work-study (工学一体) ---------------------------------------------------------------------


class WorkStudyModule(models.Model):
    course = models.OneToOneField("cms.CoursePage", on_delete=models.CASCADE, related_name="workstudy")
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("工学一体模块")
        verbose_name_plural = _("工学一体模块")

    def __str__(self) -> str:
        return self.title


class WorkStudyTask(models.Model):
    """One task of the task book (任务书): what to do, the hours it needs, what to hand in."""

    module = models.ForeignKey(WorkStudyModule, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=200)
    description = models.TextField(_("任务书"), blank=True)
    required_hours = models.DecimalField(_("要求学时"), max_digits=5, decimal_places=1, default=4)
    deliverables = models.TextField(_("交付成果"), blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("工学任务")
        verbose_name_plural = _("工学任务")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class LogStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class WorkLog(models.Model):
    """A session of work-study logged by the learner and signed off (or returned) by the mentor."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="work_logs")
    task = models.ForeignKey(WorkStudyTask, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="logs")
    date = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    content = models.TextField(_("工作内容"))
    status = models.CharField(_("状态"), max_length=10, choices=LogStatus.choices, default=LogStatus.PENDING)
    mentor_comment = models.TextField(_("导师意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工学日志")
        verbose_name_plural = _("工学日志")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24), name="worklog_hours_in_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} · {self.task_id}"


class WorkLogPhoto(models.Model):
    log = models.ForeignKey(WorkLog, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="lms/worklogs/%Y/%m/", storage=private_storage)
    thumbnail = models.ImageField(upload_to="lms/worklogs/thumbs/%Y/%m/", storage=private_storage)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("日志照片")
        verbose_name_plural = _("日志照片")

    def __str__(self) -> str:
        return self.image.name
