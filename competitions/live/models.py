"""Live theory rounds: the round, its questions, contestants' seats and answers, suspicious signals.

State lives here; WebSocket broadcasts are only hints. The database enforces the two rules
that matter to people's results: one scored answer per contestant per question
(`live_answer_once_per_question`) and one row per client-generated answer id
(`live_answer_client_id_once`), so a retried submission counts once.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from competitions.models import Contest, EventGroup, Registration


class ScoringMode(models.TextChoices):
    ACCURACY = "accuracy", _("只计正确率")
    SPEED = "speed", _("速度加权（50%—100%）")


class RoundState(models.TextChoices):
    LOBBY = "lobby", _("候场")
    QUESTION = "question", _("答题中")
    CLOSED = "closed", _("已截止")
    REVEALED = "revealed", _("已揭晓")
    LEADERBOARD = "leaderboard", _("排行榜")
    ENDED = "ended", _("已结束")


class LiveRound(models.Model):
    """One live round of a contest (理论赛场次). `seq` numbers its broadcasts, one by one.

    `event_group`: only approved, ticketed contestants of this event group may join (none: any
    group of the contest). `rehearsal` (彩排): its answers never count towards results or talent.
    `freeze_at`: opening the question at this position (or the first one past it) freezes the
    public board by itself. `default_seconds`/`default_points`: what a question placed in the
    round gets unless the organizer says otherwise.
    """

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="live_rounds")
    title = models.CharField(_("场次名称"), max_length=120)
    event_group = models.ForeignKey(
        EventGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="live_rounds",
        verbose_name=_("赛项"),
        help_text=_("只有该赛项审核通过并已领取准考证的选手可以进入；留空表示本竞赛所有赛项。"),
    )
    rehearsal = models.BooleanField(
        _("彩排"), default=False, help_text=_("彩排场次的作答不计入成绩，也不计入人才档案。")
    )
    freeze_at = models.PositiveSmallIntegerField(
        _("自动封榜题序"),
        null=True,
        blank=True,
        help_text=_("从第几题开始自动封榜（公开榜停止更新）；留空表示不自动封榜。"),
    )
    default_seconds = models.PositiveSmallIntegerField(_("默认作答时间（秒）"), default=20)
    default_points = models.DecimalField(_("默认分值"), max_digits=6, decimal_places=2, default=Decimal(10))
    scoring_mode = models.CharField(
        _("计分方式"), max_length=10, choices=ScoringMode.choices, default=ScoringMode.ACCURACY
    )
    streak_bonus = models.BooleanField(_("连对加分"), default=False)
    state = models.CharField(_("状态"), max_length=12, choices=RoundState.choices, default=RoundState.LOBBY)
    current = models.ForeignKey(
        "LiveQuestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("当前题")
    )
    paused_at = models.DateTimeField(_("暂停于"), null=True, blank=True)
    frozen = models.BooleanField(_("封榜"), default=False)
    seq = models.PositiveBigIntegerField(_("广播序号"), default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("现场赛场次")
        verbose_name_plural = _("现场赛场次")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.contest} · {self.title}"


class LiveQuestion(models.Model):
    """A bank question placed in a round, with server-set open and close times."""

    round = models.ForeignKey(LiveRound, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey("lms.Question", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("题序"))
    seconds = models.PositiveSmallIntegerField(_("作答时间（秒）"), default=20)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=Decimal(10))
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    paused_ms = models.PositiveIntegerField(default=0)
    tallied = models.BooleanField(default=False)
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("现场赛试题")
        verbose_name_plural = _("现场赛试题")
        ordering = ["round", "position"]
        constraints = [models.UniqueConstraint(fields=["round", "position"], name="live_question_position_once")]

    def __str__(self) -> str:
        return f"{self.round_id}#{self.position}"

    @property
    def deadline(self) -> datetime:
        """`closes_at` of a question that has been opened (opening sets both times); ValueError
        for one never opened, which a caller holding the round's open or closed question cannot meet."""
        if self.closes_at is None:
            raise ValueError(f"live question {self.pk} has not been opened")
        return self.closes_at


class Participant(models.Model):
    """A contestant's seat in a round: live connection and score.

    `score`, `correct_ms` (total time of correct answers) and `last_correct_at` are the true
    standing; the `public_*` copies are what contestants and spectators see, and stop moving
    while the round is frozen.
    """

    round = models.ForeignKey(LiveRound, on_delete=models.CASCADE, related_name="participants")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="live_seats")
    channel_name = models.CharField(max_length=200, blank=True)
    connected = models.BooleanField(default=False)
    kicked = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    correct = models.PositiveIntegerField(default=0)
    correct_ms = models.PositiveBigIntegerField(default=0)
    last_correct_at = models.DateTimeField(null=True, blank=True)
    streak = models.PositiveIntegerField(default=0)
    public_score = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    public_correct = models.PositiveIntegerField(default=0)
    public_correct_ms = models.PositiveBigIntegerField(default=0)
    public_last_correct_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("参赛席位")
        verbose_name_plural = _("参赛席位")
        constraints = [models.UniqueConstraint(fields=["round", "registration"], name="live_seat_once")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.registration_id}"


class LiveAnswer(models.Model):
    """A committed answer. `received_at` is the server's clock when the message arrived."""

    live_question = models.ForeignKey(LiveQuestion, on_delete=models.CASCADE, related_name="answers")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    client_id = models.UUIDField()
    response = models.JSONField(null=True)
    received_at = models.DateTimeField()
    elapsed_ms = models.PositiveIntegerField()
    is_correct = models.BooleanField(default=False)
    points = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))

    class Meta:
        verbose_name = _("现场赛作答")
        verbose_name_plural = _("现场赛作答")
        constraints = [
            models.UniqueConstraint(fields=["live_question", "participant"], name="live_answer_once_per_question"),
            models.UniqueConstraint(fields=["participant", "client_id"], name="live_answer_client_id_once"),
        ]

    def __str__(self) -> str:
        return str(self.client_id)


class SignalKind(models.TextChoices):
    PAGE_HIDDEN = "page_hidden", _("答题时切出页面")
    TWO_DEVICES = "two_devices", _("同一准考证多台设备")
    TOO_FAST = "too_fast", _("作答快于正常阅读")


class SuspiciousSignal(models.Model):
    """Something organizers should look at; never changes a score by itself."""

    round = models.ForeignKey(LiveRound, on_delete=models.CASCADE, related_name="signals")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="signals")
    kind = models.CharField(_("类型"), max_length=20, choices=SignalKind.choices)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("可疑信号")
        verbose_name_plural = _("可疑信号")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.participant_id}"
