"""The Django admin's import and export for staff, on the exchange's own path.

django-import-export gives staff the admin screens they know (导入 and 导出 buttons on a change
list, an upload page with a row report, a confirmation step, an export page). This module builds
those screens from a record type, so that they are the exchange under another face, not a second
spreadsheet path:

- `resource_for(key)` is a django-import-export `Resource` whose columns are the record type's
  Chinese headers. Its import hands the upload to `actions.start_import` (the size limit, type
  sniffing, the streamed structure checks and the parse in a capped child process, then the
  record type's `Importer` through `engine.run_import`: generic cell checks, natural-key
  idempotence) and, on confirmation, to `actions.confirm_import` (one all-or-nothing write with
  its `exchange.import` audit record). The job's row report becomes import-export's own `Result`,
  so row errors show in the admin's report, in Chinese, by spreadsheet row and column. Its export
  is `engine.write_export`: the exporter's scope for the admin user, identifiers masked unless
  she holds `accounts.view_pii` (an unmasked export is audited), formulas escaped.
- `RecordTypeImportExportMixin` goes before `ModelAdmin` in an app's admin class with
  `record_type_key` set. The record type's `importable_by` / `exportable_by` decide whether the
  buttons show and whether the views answer (403 otherwise). Files the request cannot finish
  (more rows than `EXCHANGE_INLINE_ROWS`) continue on the exchange's job page, where the worker's
  progress shows.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export import fields, resources
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX, Format
from import_export.forms import ExportForm
from import_export.results import Result, RowResult

from accounts.models import User
from exchange import actions, conf, selectors
from exchange.engine import write_export
from exchange.forms import UploadForm
from exchange.models import ExchangeJob, JobStatus
from exchange.registry import Exporter, RecordType, get_record_type

if TYPE_CHECKING:
    from django.db.models import Model

# The admin page lists this many errors; the exchange's job page has them all and the csv report.
ERRORS_SHOWN = 500


class ConfirmJobForm(forms.Form):
    """The confirmation step names the checked upload by its exchange job, never by a file path."""

    job = forms.UUIDField(widget=forms.HiddenInput)


def _within(exporter: type[Exporter], objects: QuerySet[Any]) -> type[Exporter]:
    """The exporter narrowed to the records of the admin's change list (its filters and search).
    The exporter's own scope still applies: the result is the intersection, and an
    export computed in memory (not a QuerySet of the admin's model) is left whole."""

    class Within(exporter):  # type: ignore[valid-type,misc]
        def queryset(self) -> QuerySet[Any] | Sequence[Any]:
            scoped = super().queryset()
            if isinstance(scoped, QuerySet) and scoped.model is objects.model:
                return scoped.filter(pk__in=objects.values("pk"))
            return scoped

    return Within


class RecordTypeResource(resources.Resource):
    """A record type as django-import-export sees it; built by `resource_for`.

    The columns are the record type's headers (shown on the import and export pages). Importing
    and exporting delegate to the exchange: `check` and `confirm` run its job actions, `report`
    turns a job's row report into import-export's `Result`, `export_file` is the engine's export.
    """

    record_type_key: ClassVar[str] = ""

    @classmethod
    def record_type(cls) -> RecordType:
        record_type = get_record_type(cls.record_type_key)
        if record_type is None:
            raise LookupError(f"no record type {cls.record_type_key!r}")
        return record_type

    @classmethod
    def get_display_name(cls) -> str:
        """The record type's label, where import-export names a resource (forms, field lists)."""
        return str(cls.record_type().label)

    def check(self, user: User, upload: UploadedFile) -> ExchangeJob:
        """Store and check an upload as the exchange page does (nothing written). Raises
        ValidationError (too big, not xlsx/csv) or PermissionDenied like `actions.start_import`;
        a file the guarded reader refuses comes back as a FAILED job with the reason."""
        job = actions.start_import(user, self.record_type_key, upload)
        job.refresh_from_db()  # an inline check ran on its own copy of the job
        return job

    def confirm(self, user: User, job: ExchangeJob) -> ExchangeJob:
        """Write a checked upload with no bad rows, all or nothing (`actions.confirm_import`)."""
        actions.confirm_import(user, job, only_valid=False)
        job.refresh_from_db()
        return job

    def report(self, job: ExchangeJob) -> Result:
        """The job's row report as import-export's `Result`: one invalid row per spreadsheet
        row with errors, its messages under the column headers they concern; the totals count
        created rows as new, updated as update and unchanged as skip."""
        result = self.get_result_class()()
        result.total_rows = job.total_rows
        by_row: dict[int, dict[str, list[str]]] = {}
        for error in job.errors[:ERRORS_SHOWN]:
            by_row.setdefault(error["row"], {}).setdefault(error["column"], []).append(error["message"])
        for number, problems in by_row.items():
            result.append_invalid_row(number, {}, ValidationError(problems))
        result.totals[RowResult.IMPORT_TYPE_INVALID] = job.error_rows
        result.totals[RowResult.IMPORT_TYPE_NEW] = job.created_rows
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = job.updated_rows
        result.totals[RowResult.IMPORT_TYPE_SKIP] = job.unchanged_rows
        return result

    def export_file(self, user: User, fmt: str, objects: QuerySet[Any] | None = None) -> bytes:
        """The export as the exchange writes it (`engine.write_export`), for what `user` may
        export, narrowed to `objects` when given (see `_within`)."""
        record_type = self.record_type()
        if objects is not None and record_type.exporter is not None:
            record_type = dataclasses.replace(record_type, exporter=_within(record_type.exporter, objects))
        buffer = io.BytesIO()
        write_export(record_type, user, fmt, buffer)
        return buffer.getvalue()


def resource_for(key: str) -> type[RecordTypeResource]:
    """A `RecordTypeResource` for the record type `key`, one field per column (its header as
    the column name). Raises LookupError for an unknown key."""
    record_type = get_record_type(key)
    if record_type is None:
        raise LookupError(f"no record type {key!r}")
    attrs: dict[str, Any] = {
        column.key: fields.Field(attribute=column.key, column_name=column.header) for column in record_type.columns
    }
    attrs["record_type_key"] = key
    attrs["__module__"] = __name__
    return type(f"{key.title().replace('_', '')}Resource", (RecordTypeResource,), attrs)


def _user(request: HttpRequest) -> User:
    # The admin site lets only signed-in staff reach these views.
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class RecordTypeImportExportMixin(ImportExportMixin):
    """Import and export on a ModelAdmin, through the exchange, for `record_type_key`.

    Put it before the ModelAdmin base. The upload and confirmation views are the exchange's
    (import-export's own import view would parse the upload with tablib in the web process,
    beside the guarded reader); everything else is import-export's: buttons, templates, the
    row report (`Result`), the export page and its change-list filters.
    """

    record_type_key: ClassVar[str] = ""
    import_template_name = "exchange/admin_import.html"
    export_form_class = ExportForm
    skip_admin_log = True  # the exchange's `exchange.import` audit record is the log of an import

    def _resource(self, request: HttpRequest) -> RecordTypeResource:
        return self.get_import_resource_classes(request)[0]()

    def get_resource_classes(self, request: HttpRequest) -> list[type[RecordTypeResource]]:
        return [resource_for(self.record_type_key)]

    def get_export_formats(self) -> list[type[Format]]:
        return [XLSX, CSV]

    def has_import_permission(self, request: HttpRequest) -> bool:
        record_type = get_record_type(self.record_type_key)
        return record_type is not None and record_type.importable_by(_user(request))

    def has_export_permission(self, request: HttpRequest) -> bool:
        record_type = get_record_type(self.record_type_key)
        return record_type is not None and record_type.exportable_by(_user(request))

    def _import_url(self) -> str:
        return reverse("admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name)

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        """Upload → the exchange checks every row (nothing written) → the row report, or the
        confirmation step when every row is valid. A file with more rows than the request
        checks inline continues on the exchange's job page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        user = _user(request)
        resource = self._resource(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        context: dict[str, Any] = {}
        if request.method == "POST" and form.is_valid():
            try:
                job = resource.check(user, form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                if job.status == JobStatus.FAILED:
                    form.add_error("file", job.message)
                elif job.status != JobStatus.VALIDATED:
                    return redirect("exchange:job", job.pk)
                else:
                    result = resource.report(job)
                    context.update(result=result, job=job, more_errors=max(0, job.error_count - ERRORS_SHOWN))
                    if not job.error_rows and job.valid_rows:
                        context["confirm_form"] = ConfirmJobForm(initial={"job": job.pk})
        context.update(self.admin_site.each_context(request))
        context.update(
            title=_("导入%(label)s") % {"label": resource.record_type().label},
            form=form,
            opts=self.model._meta,
            media=self.media + form.media,
            fields_list=[
                (resource.get_display_name(), [field.column_name for field in resource.get_user_visible_fields()])
            ],
            import_error_display=self.import_error_display,
            record_type=resource.record_type(),
            max_upload_mb=conf.max_upload_bytes() // (1024 * 1024),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        """Confirm a checked upload of this admin's record type: written all or nothing, then
        back to the change list with the counts; a write refused meanwhile says why."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        user = _user(request)
        resource = self._resource(request)
        form = ConfirmJobForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("确认信息无效，请重新上传文件。"))
            return redirect(self._import_url())
        job = selectors.access_job(user, form.cleaned_data["job"])
        if job.record_type != resource.record_type_key:
            raise Http404
        try:
            job = resource.confirm(user, job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self._import_url())
        if job.status == JobStatus.DONE:
            return self.process_result(resource.report(job), request)
        if not job.finished:
            return redirect("exchange:job", job.pk)
        messages.error(request, job.message or _("未写入任何数据，请重新上传文件。"))
        return redirect(self._import_url())

    def add_success_message(self, result: Result, request: HttpRequest) -> None:
        messages.success(
            request,
            _("导入完成：新增 %(new)s 行，更新 %(update)s 行，未变化 %(skip)s 行。")
            % {
                "new": result.totals[RowResult.IMPORT_TYPE_NEW],
                "update": result.totals[RowResult.IMPORT_TYPE_UPDATE],
                "skip": result.totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )

    def export_action(self, request: HttpRequest) -> HttpResponseBase:
        """import-export's export page; a filter the change list does not know sends the admin
        back to the change list, as Django's own change list does, instead of failing."""
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.error(request, _("筛选条件无效，请在列表中重新筛选后再导出。"))
            changelist = reverse(
                "admin:{}_{}_changelist".format(*self.get_model_info()), current_app=self.admin_site.name
            )
            return redirect(f"{changelist}?{ERROR_FLAG}=1")

    def get_export_data(
        self, file_format: Format, request: HttpRequest, queryset: QuerySet[Model], **kwargs: Any
    ) -> bytes:
        """The file for the change list's records (its filters and search) within what the
        admin user may export of the record type, written by the exchange's engine."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource = self.get_export_resource_classes(request)[0]()
        return resource.export_file(_user(request), file_format.get_extension(), queryset)

    def get_export_filename(self, request: HttpRequest, queryset: QuerySet[Model], file_format: Format) -> str:
        return f"{self.record_type_key}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"
