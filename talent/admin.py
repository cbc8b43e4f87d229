"""Django admin for talent: read-mostly views of derived state and the deletion-request queue.
Changes of state go through `talent.actions`, like everywhere else. Evaluations and demands (import
and export), the ledger and the leader shortlist (export) have the exchange's buttons
(exchange.admin_bridge): the same record types, rules and audit as the 数据交换 page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.http import signed_in_user
from exchange.admin_bridge import RecordTypeImportExportMixin
from talent import actions
from talent.models import (
    Achievement,
    Candidate,
    DeletionRequest,
    DeletionStatus,
    Demand,
    Evaluation,
    KpiTarget,
    TalentProfile,
)


@admin.register(Achievement)
class AchievementAdmin(RecordTypeImportExportMixin, admin.ModelAdmin):
    record_type_key = "achievements"
    list_display = ("person", "kind", "title", "occurred_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("person__real_name", "title", "source_id")
    raw_id_fields = ("person",)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the ledger is written by the source apps' actions only


@admin.register(Evaluation)
class EvaluationAdmin(RecordTypeImportExportMixin, admin.ModelAdmin):
    record_type_key = "evaluations"
    list_display = ("person", "level", "category", "route", "status", "certificate_no", "created_at")
    list_filter = ("status", "route", "level", "category")
    search_fields = ("person__real_name", "certificate_no", "body")
    raw_id_fields = ("person", "decided_by")
    readonly_fields = ("status", "decided_by", "decided_at", "certificate_no", "verify_code")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Demand)
class DemandAdmin(RecordTypeImportExportMixin, ReadOnlyAdmin):
    """Read-only: demands are posted and closed through talent.actions (a file's import included)."""

    record_type_key = "demands"
    list_display = ("title", "organization", "city", "headcount", "status", "created_at")
    list_filter = ("status", "city")
    search_fields = ("title", "organization__name")


@admin.register(Candidate)
class CandidateAdmin(RecordTypeImportExportMixin, ReadOnlyAdmin):
    """Read-only: candidates move through a selection round's actions; exported as the shortlist."""

    record_type_key = "shortlist"
    list_display = ("person", "round", "city", "index", "status")
    list_filter = ("status", "round")
    search_fields = ("person__real_name",)


@admin.register(TalentProfile)
class TalentProfileAdmin(admin.ModelAdmin):
    list_display = ("person", "index", "city", "level", "public_consent", "match_opt_in")
    search_fields = ("person__real_name",)
    raw_id_fields = ("person",)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # derived from the ledger; `rebuild_talent` recomputes it


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):
    list_display = ("year", "city", "metric", "value", "updated_by", "updated_at")
    list_filter = ("year", "metric")


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    list_display = ("person", "status", "created_at", "processed_at", "outcome")
    list_filter = ("status",)
    raw_id_fields = ("person", "processed_by")
    readonly_fields = ("status", "processed_at", "processed_by", "reason", "outcome")
    actions = ["process"]

    @admin.action(description=_("批准所选删除申请（不予批准请在人才后台的删除申请页填写理由）"))
    def process(self, request: HttpRequest, queryset: QuerySet[DeletionRequest]) -> None:
        done = 0
        for deletion in queryset.filter(status=DeletionStatus.PENDING).select_related("person"):
            try:
                actions.decide_deletion(deletion, actor=signed_in_user(request), approve=True)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, str(exc))
            else:
                done += 1
        messages.success(request, _("已处理 %(n)s 条删除申请。") % {"n": done})
