from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from accounts.models import AuditEvent, Organization, Region, RoleGrant, User
from exchange.admin_bridge import RecordTypeImportExportMixin


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Organization)
class OrganizationAdmin(RecordTypeImportExportMixin, admin.ModelAdmin):
    record_type_key = "organizations"
    list_display = ["name", "credit_code", "kind", "region", "industry", "size_class"]
    list_filter = ["kind", "industry", "region"]
    search_fields = ["name", "credit_code"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    exclude = ["granted_by"]


@admin.register(User)
class UserAdmin(RecordTypeImportExportMixin, BaseUserAdmin):
    record_type_key = "people"
    ordering = ["mobile"]
    list_display = ["mobile_masked", "real_name", "region", "organization", "job_group", "is_active"]
    list_filter = ["job_group", "region", "is_active"]
    search_fields = ["real_name", "organization__name"]
    readonly_fields = ["id_number_masked", "date_joined", "last_login"]
    inlines = [RoleGrantInline]
    fieldsets = (
        (None, {"fields": ("mobile", "password")}),
        (
            "资料",
            {"fields": ("real_name", "email", "id_number_masked", "region", "organization", "job_group", "industry")},
        ),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("mobile", "real_name", "password1", "password2")}),)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_id", "ip"]
    list_filter = ["action"]
    search_fields = ["action", "target_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
