"""Django admin for support staff: contests and their setup are editable; marks, results,
appeals and tickets are read-only here because they change only through the audited actions.
Registrations (import and export) and results (export) have the exchange's buttons
(exchange.admin_bridge): the same record types, rules and audit as the 数据交换 page.
Contests are created on the 创建竞赛 page (`create_contest`: its rules row, organizer and audit
record), not here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from competitions.models import (
    Appeal,
    CheckIn,
    Clarification,
    Contest,
    ContestRules,
    EventGroup,
    JudgeAssignment,
    Mark,
    MarkingItem,
    PracticalTask,
    PromotionRule,
    Registration,
    Result,
    SignOff,
    Ticket,
)
from exchange.admin_bridge import RecordTypeImportExportMixin


class EventGroupInline(admin.TabularInline):
    model = EventGroup
    extra = 0


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ("title", "level", "status", "registration_closes", "theory_at")
    list_filter = ("level", "status")
    search_fields = ("title", "slug")
    inlines = [EventGroupInline]
    filter_horizontal = ("organizers",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ContestRules)
class ContestRulesAdmin(admin.ModelAdmin):
    list_display = ("contest", "aggregation", "award_mode", "appeal_hours", "results_published_at")
    readonly_fields = ("results_published_at",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(RecordTypeImportExportMixin, ReadOnlyAdmin):
    record_type_key = "registrations"
    list_display = ("person", "contest", "event_group", "status", "created_at")
    list_filter = ("status", "contest")
    search_fields = ("person__real_name",)


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "registration", "issued_at")
    exclude = ("access_code",)
    search_fields = ("number",)


@admin.register(Mark)
class MarkAdmin(ReadOnlyAdmin):
    list_display = ("registration", "team", "item", "judge", "value", "updated_at")


@admin.register(Result)
class ResultAdmin(RecordTypeImportExportMixin, ReadOnlyAdmin):
    record_type_key = "results"
    list_display = ("registration", "team", "event_group", "final", "rank", "award")
    list_filter = ("event_group__contest", "award")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("registration", "status", "created_at", "decided_at")


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ("event_group", "signed_by", "signed_at")


admin.site.register([JudgeAssignment, PracticalTask, MarkingItem, PromotionRule, Clarification, CheckIn], ReadOnlyAdmin)
