"""Every change of state of an exchange job: upload, preview, confirm, abandon, export, clean-up.

An import is two steps: the upload is checked row by row (a dry run, writing nothing) and the
owner reads the row report; then she confirms ("import all", only allowed when every row is
valid, or "only valid rows") and the file is checked again and written in one transaction.
Files with more rows than `conf.inline_rows()` are processed by the background worker
(`tasks.run_job`); smaller ones inside the request. Uploaded files are removed when the import
is written, abandoned, or left unconfirmed for `conf.keep_hours()`.

A job started from a page carries that page's context (a contest, round, cohort or city): the
reference is resolved with the owner's permissions when the job starts and again every time it
runs (`registry.resolve_context`), so a person who lost access to a contest between the check
and the confirmation writes nothing into it.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from exchange import conf
from exchange.engine import record_count, run_import, write_export
from exchange.files import FORMATS, FileProblemError, check_file, sniff_format
from exchange.models import ExchangeJob, ImportMode, JobKind, JobStatus
from exchange.registry import RecordType, get_record_type, resolve_context

logger = logging.getLogger(__name__)


def job_path(job: ExchangeJob) -> Path | None:
    return conf.root() / job.file_name if job.file_name else None


def _remove_file(job: ExchangeJob) -> None:
    path = job_path(job)
    if path is not None:
        path.unlink(missing_ok=True)
    job.file_name = ""


def _record_type(key: str) -> RecordType:
    record_type = get_record_type(key)
    if record_type is None:
        raise ValidationError(_("未知的数据类型“%(k)s”。") % {"k": key})
    return record_type


def start_import(
    actor: User, record_type_key: str, upload: UploadedFile, *, context: str = "", return_to: str = ""
) -> ExchangeJob:
    """Store an uploaded file and check it (dry run). Needs the record type's import permission
    and, with a `context` reference, the right to use that context (PermissionDenied).

    The file must be .xlsx or .csv (checked by content, not only the name) and at most
    `conf.max_upload_bytes()`; raises ValidationError with a Chinese message otherwise.
    `return_to` is the local path of the page the person came from (checked by the view).
    """
    record_type = _record_type(record_type_key)
    if not record_type.importable_by(actor):
        raise PermissionDenied(_("您没有导入“%(t)s”的权限。") % {"t": record_type.label})
    target = resolve_context(record_type, actor, context)
    purge_stale()
    limit = conf.max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("文件太大（%(size).1f MB），上限为 %(limit)s MB：请拆分成多个文件。")
            % {"size": upload.size / 1024 / 1024, "limit": limit // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    try:
        fmt = sniff_format(upload.name or "", head)
    except FileProblemError as exc:
        raise ValidationError(str(exc)) from None
    job = ExchangeJob.objects.create(
        kind=JobKind.IMPORT,
        record_type=record_type.key,
        owner=actor,
        file_format=fmt,
        original_name=(upload.name or "")[:200],
        mode=ImportMode.DRY_RUN,
        **_context_fields(target, context, return_to),
    )
    job.file_name = f"{job.pk}.{fmt}"
    path = conf.root() / job.file_name
    written = 0
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:
                break
            handle.write(chunk)
    if written > limit:
        path.unlink(missing_ok=True)
        job.delete()
        raise ValidationError(
            _("文件太大，上限为 %(limit)s MB：请拆分成多个文件。") % {"limit": limit // (1024 * 1024)}
        )
    try:
        # Structure and declared sizes only, streamed: the parse runs in a capped child process.
        job.total_rows = check_file(path, fmt)
    except FileProblemError as exc:
        _remove_file(job)
        job.status = JobStatus.FAILED
        job.message = str(exc)
        job.finished_at = timezone.now()
        job.save()
        return job
    job.background = job.total_rows > conf.inline_rows()
    job.save()
    _dispatch(job)
    return job


def confirm_import(actor: User, job: ExchangeJob, *, only_valid: bool) -> ExchangeJob:
    """Write a checked file. "Import all" is refused while the preview shows bad rows."""
    if job.owner_id != actor.pk or job.kind != JobKind.IMPORT:
        raise PermissionDenied(_("只能确认您自己上传的文件。"))
    if job.status != JobStatus.VALIDATED or not job.file_name:
        raise ValidationError(_("该文件已处理或已放弃，请重新上传。"))
    if job.error_rows and not only_valid:
        raise ValidationError(
            _("文件中有 %(n)s 行错误：请修改后重新上传，或选择“仅导入有效行”。") % {"n": job.error_rows}
        )
    record_type = _record_type(job.record_type)
    if not record_type.importable_by(actor):
        raise PermissionDenied(_("您没有导入“%(t)s”的权限。") % {"t": record_type.label})
    resolve_context(record_type, actor, job.context)
    job.mode = ImportMode.ONLY_VALID if only_valid else ImportMode.ALL
    job.status = JobStatus.QUEUED
    job.processed_rows = 0
    job.stage = ""
    job.message = ""
    job.save()
    _dispatch(job)
    return job


def abandon_import(actor: User, job: ExchangeJob) -> ExchangeJob:
    """Drop an unconfirmed upload: its file is deleted at once."""
    if job.owner_id != actor.pk:
        raise PermissionDenied(_("只能放弃您自己上传的文件。"))
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        raise ValidationError(_("文件正在处理中，请等待完成后再操作。"))
    _remove_file(job)
    if job.kind == JobKind.IMPORT and job.status == JobStatus.VALIDATED:
        job.status = JobStatus.ABANDONED
        job.finished_at = timezone.now()
    job.save()
    return job


def start_export(actor: User, record_type_key: str, fmt: str, *, context: str = "", return_to: str = "") -> ExchangeJob:
    """Export what the actor may see of a record type as csv or xlsx, within the `context` a
    page passed (PermissionDenied if she may not use it). Masked unless she holds
    `accounts.view_pii`; the engine audits every export."""
    record_type = _record_type(record_type_key)
    if not record_type.exportable_by(actor):
        raise PermissionDenied(_("您没有导出“%(t)s”的权限。") % {"t": record_type.label})
    if fmt not in FORMATS:
        raise ValidationError(_("导出格式只能是 xlsx 或 csv。"))
    target = resolve_context(record_type, actor, context)
    purge_stale()
    assert record_type.exporter is not None
    total = record_count(record_type.exporter(actor, False, target).queryset())
    job = ExchangeJob.objects.create(
        kind=JobKind.EXPORT,
        record_type=record_type.key,
        owner=actor,
        file_format=fmt,
        total_rows=total,
        background=total > conf.inline_rows(),
        **_context_fields(target, context, return_to),
    )
    _dispatch(job)
    return job


def _context_fields(target: Any, context: str, return_to: str) -> dict[str, str]:
    return {
        "context": context if target is not None else "",
        "context_label": str(target)[:200] if target is not None else "",
        "return_to": return_to[:500],
    }


def _fail(job: ExchangeJob, message: str) -> None:
    _remove_file(job)
    job.status = JobStatus.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save()


def _dispatch(job: ExchangeJob) -> None:
    if job.background:
        from exchange.tasks import run_job

        job_id = str(job.pk)
        transaction.on_commit(lambda: run_job.enqueue(job_id))
    else:
        # A failure is logged and recorded on the job by process_job; the page shows it.
        with contextlib.suppress(Exception):
            process_job(job.pk)


def process_job(job_id: UUID | str) -> None:
    """Run an import check, an import or an export to the end, recording progress and the report.

    Called by the worker for background jobs and inline for small ones. Idempotent for finished
    jobs (a re-delivered task does nothing).
    """
    job = ExchangeJob.objects.select_related("owner").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return
    ExchangeJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    job.status = JobStatus.RUNNING
    try:
        if job.kind == JobKind.IMPORT:
            _process_import(job)
        else:
            _process_export(job)
    except Exception:
        logger.exception("exchange job %s failed", job.pk)
        _remove_file(job)
        job.status = JobStatus.FAILED
        job.message = _("处理时发生意外错误，未写入任何数据。请稍后重试或联系管理员。")
        job.finished_at = timezone.now()
        job.save()
        raise


def _process_import(job: ExchangeJob) -> None:
    record_type = _record_type(job.record_type)
    path = job_path(job)
    if path is None or not path.exists():
        _fail(job, _("上传的文件已被清理，请重新上传。"))
        return
    try:
        target = resolve_context(record_type, job.owner, job.context)
    except PermissionDenied as exc:
        _fail(job, str(exc))
        return

    def progress(processed: int, stage: str) -> None:
        ExchangeJob.objects.filter(pk=job.pk).update(processed_rows=processed, stage=stage)

    commit = job.mode != ImportMode.DRY_RUN
    try:
        report = run_import(
            record_type,
            job.owner,
            path,
            job.file_format,
            commit=commit,
            only_valid=job.mode == ImportMode.ONLY_VALID,
            progress=progress,
            context=target,
        )
    except FileProblemError as exc:
        _fail(job, str(exc))
        return
    job.total_rows = report.total
    job.processed_rows = report.total
    job.valid_rows = report.valid
    job.error_count = report.error_count
    job.error_rows = report.error_rows
    job.errors = report.errors
    job.ignored_columns = report.ignored_columns
    job.created_rows = report.counts.created
    job.updated_rows = report.counts.updated
    job.unchanged_rows = report.counts.unchanged
    job.message = report.message
    job.stage = ""
    if report.written:
        _remove_file(job)
        job.status = JobStatus.DONE
        job.finished_at = timezone.now()
    elif report.total == 0:
        _remove_file(job)
        job.status = JobStatus.FAILED
        job.finished_at = timezone.now()
    else:
        # A preview, or a confirmation refused because rows went bad meanwhile: the owner decides.
        job.status = JobStatus.VALIDATED
    job.save()


def _process_export(job: ExchangeJob) -> None:
    record_type = _record_type(job.record_type)
    try:
        target = resolve_context(record_type, job.owner, job.context)
    except PermissionDenied as exc:
        _fail(job, str(exc))
        return
    job.file_name = f"{job.pk}.{job.file_format}"
    ExchangeJob.objects.filter(pk=job.pk).update(stage="export")

    def progress(processed: int, stage: str) -> None:
        ExchangeJob.objects.filter(pk=job.pk).update(processed_rows=processed, stage=stage)

    count, unmasked = write_export(
        record_type, job.owner, job.file_format, conf.root() / job.file_name, progress=progress, context=target
    )
    job.total_rows = job.processed_rows = count
    job.unmasked = unmasked
    job.status = JobStatus.DONE
    job.stage = ""
    job.finished_at = timezone.now()
    job.save()


def purge_stale(now: datetime | None = None) -> int:
    """Remove files of uploads nobody confirmed and of old exports; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=conf.keep_hours())
    stale = ExchangeJob.objects.filter(created_at__lt=cutoff).exclude(file_name="")
    stale = stale.exclude(status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
    count = 0
    for job in stale:
        _remove_file(job)
        if job.kind == JobKind.IMPORT and job.status == JobStatus.VALIDATED:
            job.status = JobStatus.ABANDONED
            job.finished_at = timezone.now()
        job.save()
        count += 1
    return count
