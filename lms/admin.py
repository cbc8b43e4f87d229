"""Django admin, for superusers. Everyday editing of quizzes, rules and task books is on /learn/manage/
(lms.authoring, validated and audited); certificates are issued and revoked only through actions.
The question bank, enrollments and certificates have the exchange's import/export buttons
(exchange.admin_bridge): the same record types, rules and audit as the 数据交换 page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from exchange.admin_bridge import RecordTypeImportExportMixin
from lms.models import (
    Certificate,
    Cohort,
    CourseRule,
    Enrollment,
    Question,
    Quiz,
    QuizQuestion,
    WorkStudyModule,
    WorkStudyTask,
)


@admin.register(Question)
class QuestionAdmin(RecordTypeImportExportMixin, admin.ModelAdmin):
    record_type_key = "questions"
    list_display = ("stem", "qtype", "domain", "difficulty", "knowledge_point", "is_active")
    list_filter = ("qtype", "domain", "level", "difficulty", "is_active")
    search_fields = ("stem", "knowledge_point")


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    raw_id_fields = ("question",)
    extra = 0


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "mode",
        "course",
        "time_limit_minutes",
        "max_attempts",
        "pass_mark",
        "is_published",
    )
    list_filter = ("kind", "mode", "is_published")
    inlines = [QuizQuestionInline]


@admin.register(CourseRule)
class CourseRuleAdmin(admin.ModelAdmin):
    list_display = ("course", "require_lessons", "require_quizzes", "require_workstudy", "issue_certificate")


class WorkStudyTaskInline(admin.StackedInline):
    model = WorkStudyTask
    extra = 0


@admin.register(WorkStudyModule)
class WorkStudyModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "course")
    inlines = [WorkStudyTaskInline]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "course", "mentor", "starts_on", "ends_on")
    raw_id_fields = ("mentor", "created_by")


@admin.register(Enrollment)
class EnrollmentAdmin(RecordTypeImportExportMixin, admin.ModelAdmin):
    """Read-only: learners are enrolled through lms.actions (a cohort's import included)."""

    record_type_key = "enrollments"
    list_display = ("learner", "course", "cohort", "progress", "enrolled_at", "completed_at")
    list_filter = ("cohort",)
    search_fields = ("learner__real_name", "cohort__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(RecordTypeImportExportMixin, admin.ModelAdmin):
    """Read-only: certificates are issued and revoked through lms.actions (audit, ledger)."""

    record_type_key = "certificates"
    list_display = ("number", "holder", "kind", "title", "issued_at", "revoked_at")
    search_fields = ("number", "title")
    list_filter = ("kind",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False
