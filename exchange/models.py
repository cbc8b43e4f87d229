"""An import or export job: its file, state, progress and row report."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    VALIDATED = "validated", _("已校验，待确认")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    ABANDONED = "abandoned", _("已放弃")


class ImportMode(models.TextChoices):
    DRY_RUN = "dry_run", _("仅校验（预览）")
    ALL = "all", _("全部导入")
    ONLY_VALID = "only_valid", _("仅导入有效行")


class ExchangeJob(models.Model):
    """One import or export. The id is a UUID so job URLs cannot be guessed; access is also
    limited to the owner. The uploaded file lives outside MEDIA_ROOT (never served) and is
    removed when the import finishes or is abandoned. A job started from a page (a contest's
    console, a cohort) keeps that page's context and leads back to it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=10, choices=JobKind.choices)
    record_type = models.CharField(_("数据类型"), max_length=40)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.CASCADE, related_name="exchange_jobs"
    )
    status = models.CharField(_("状态"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(_("阶段"), max_length=12, blank=True)
    mode = models.CharField(_("导入方式"), max_length=12, choices=ImportMode.choices, default=ImportMode.DRY_RUN)
    file_format = models.CharField(_("文件格式"), max_length=5)
    file_name = models.CharField(max_length=80, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    background = models.BooleanField(_("后台处理"), default=False)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    created_rows = models.PositiveIntegerField(_("新增"), default=0)
    updated_rows = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("未变化"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    message = models.TextField(_("说明"), blank=True)
    unmasked = models.BooleanField(_("含完整个人信息"), default=False)
    # The context the job is limited to (a contest's slug, a round's id: the reference the page
    # passed, resolved again with the owner's permissions whenever the job runs) and its name.
    context = models.CharField(_("范围"), max_length=100, blank=True)
    context_label = models.CharField(_("范围名称"), max_length=200, blank=True)
    # The page the person started from (a local path), where the job page leads back to.
    return_to = models.CharField(_("返回页面"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("数据交换任务")
        verbose_name_plural = _("数据交换任务")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.record_type} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status in (JobStatus.DONE, JobStatus.VALIDATED):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.VALIDATED, JobStatus.DONE, JobStatus.FAILED, JobStatus.ABANDONED)
