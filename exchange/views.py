"""Thin views over `exchange.actions` and `selectors`.

Every URL of a record type takes an optional query string `?context=<ref>&next=<path>`: the
context a page works in (a contest, round, cohort, city; 404 if the person may not use it) and
the page to lead back to. Pages build these links with the `exchange_links` template tags.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from exchange import actions, selectors
from exchange.files import FORMATS, template_xlsx, write_csv
from exchange.forms import ConfirmForm, ExportForm, ScopeForm, UploadForm
from exchange.models import ExchangeJob, JobKind, JobStatus
from exchange.registry import RecordType, all_record_types, context_kind, get_record_type

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 500


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    types = selectors.record_types_for(request.user)
    if not types:
        raise PermissionDenied(_("您没有可导入或导出的数据。"))
    labels = {rt.key: rt.label for rt in all_record_types()}
    jobs = [
        (job, labels.get(job.record_type, job.record_type))
        for job in selectors.jobs_of(request.user).defer("errors")[:15]
    ]
    return render(request, "exchange/index.html", {"types": types, "jobs": jobs, "export_form": ExportForm()})


class Scope:
    """The context and return page of one request (from `ScopeForm`), resolved for the user."""

    def __init__(self, request: AuthenticatedHttpRequest, record_type: RecordType) -> None:
        form = ScopeForm(request.GET)
        if not form.is_valid():
            raise Http404
        self.ref: str = form.cleaned_data["context"]
        self.next: str = form.cleaned_data["next"]
        self.target: Any = selectors.access_context(request.user, record_type, self.ref)

    @property
    def query(self) -> str:
        """The query string that carries this scope to the next exchange URL ("" for none)."""
        params = {k: v for k, v in (("context", self.ref), ("next", self.next)) if v}
        return "?" + urlencode(params) if params else ""


def _job_query(job: ExchangeJob) -> str:
    params = {k: v for k, v in (("context", job.context), ("next", job.return_to)) if v}
    return "?" + urlencode(params) if params else ""


@login_required
def template(request: AuthenticatedHttpRequest, key: str, fmt: str) -> HttpResponse:
    record_type = selectors.access_record_type(request.user, key, importing=True)
    if fmt not in FORMATS:
        raise Http404
    columns = record_type.file_columns(Scope(request, record_type).target)
    header = [c.header for c in columns]
    example = [c.example for c in columns]
    name = f"{record_type.label}-导入模板.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        write_csv(buffer, header, [example])
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    else:
        notes = [("【必填】" if c.required else "【选填】") + str(c.help or "") for c in columns]
        text_columns = [i for i, c in enumerate(columns) if c.text]
        response = HttpResponse(template_xlsx(header, example, text_columns, notes), content_type=XLSX)
    return _attachment(response, name)


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def upload(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    record_type = selectors.access_record_type(request.user, key, importing=True)
    scope = Scope(request, record_type)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = actions.start_import(
                request.user, record_type.key, form.cleaned_data["file"], context=scope.ref, return_to=scope.next
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("exchange:job", job.pk)
    context = {
        "record_type": record_type,
        "form": form,
        "scope": scope,
        "columns": record_type.file_columns(scope.target),
        "context_label": _context_label(record_type),
    }
    return render(request, "exchange/upload.html", context)


def _context_label(record_type: RecordType | None) -> str:
    """The name of the kind of context a record type takes (竞赛, 班级), "" for none."""
    return str(context_kind(record_type.context).label) if record_type and record_type.context else ""


@login_required
def job_detail(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    job = selectors.access_job(request.user, job_id)
    record_type = get_record_type(job.record_type)
    return render(
        request,
        "exchange/job.html",
        {
            "job": job,
            "record_type": record_type,
            "scope_query": _job_query(job),
            "context_label": _context_label(record_type),
            "errors": job.errors[:ERRORS_SHOWN],
            "more_errors": max(0, job.error_count - ERRORS_SHOWN),
            "can_import_all": job.status == JobStatus.VALIDATED and not job.error_rows and job.valid_rows,
            "can_import_valid": job.status == JobStatus.VALIDATED and job.error_rows and job.valid_rows,
        },
    )


@login_required
def job_status(request: AuthenticatedHttpRequest, job_id: str) -> JsonResponse:
    job = selectors.access_job(request.user, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "stage": job.stage,
            "processed": job.processed_rows,
            "total": job.total_rows,
            "percent": job.percent,
            "finished": job.finished,
        }
    )


@login_required
@require_POST
def job_confirm(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    job = selectors.access_job(request.user, job_id)
    try:
        actions.confirm_import(request.user, job, only_valid=ConfirmForm(request.POST).only_valid)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("exchange:job", job.pk)


@login_required
@require_POST
def job_abandon(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    job = selectors.access_job(request.user, job_id)
    try:
        actions.abandon_import(request.user, job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("exchange:job", job.pk)
    messages.success(request, _("已放弃该文件，上传的文件已删除。"))
    return redirect(job.return_to or "exchange:index")


@login_required
@require_POST
def export(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    record_type = selectors.access_record_type(request.user, key, exporting=True)
    scope = Scope(request, record_type)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择导出格式。"))
        return redirect(scope.next or "exchange:index")
    job = actions.start_export(
        request.user, record_type.key, form.cleaned_data["format"], context=scope.ref, return_to=scope.next
    )
    return redirect("exchange:job", job.pk)


@login_required
def job_download(request: AuthenticatedHttpRequest, job_id: str) -> FileResponse:
    job = selectors.access_job(request.user, job_id)
    path = actions.job_path(job)
    if job.kind != JobKind.EXPORT or job.status != JobStatus.DONE or path is None or not path.exists():
        raise Http404
    record_type = get_record_type(job.record_type)
    label = record_type.label if record_type else job.record_type
    name = f"{label}-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.{job.file_format}"
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=XLSX if job.file_format == "xlsx" else "text/csv; charset=utf-8",
    )


@login_required
def job_report(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    """The row report as csv, for fixing a large file in Excel."""
    job = selectors.access_job(request.user, job_id)
    buffer = io.StringIO(newline="")
    rows = ([e["row"], e["column"], e["message"]] for e in job.errors)
    write_csv(buffer, [_("行号"), _("列"), _("问题")], rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"错误报告-{job.original_name or job.pk}.csv")
