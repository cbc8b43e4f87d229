"""The CMS's panels on the person's home (/me/, accounts.home): for an editor, her pages in the
review workflow (submitted, waiting for a moderator) and any review tasks she may decide; for a
province admin (a moderator), the pages waiting for her approval. Reads Wagtail's workflow
models only; titles come from the revision, so a list costs one query."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision, TaskState, WorkflowState, get_default_page_content_type

from accounts.choices import Role
from accounts.home import QUEUE_PREVIEW, Panel, register
from accounts.models import User


def _page_rows(revisions: list[tuple[Revision, Any]]) -> list[dict[str, Any]]:
    page_type = get_default_page_content_type()
    return [
        {
            "title": revision.object_str,
            "page_id": int(revision.object_id) if revision.base_content_type_id == page_type.pk else None,
            "since": since,
            "by": revision.user,
        }
        for revision, since in revisions
    ]


def pages_to_review(person: User) -> list[dict[str, Any]]:
    """Review tasks waiting for `person` as a moderator, newest first (at most a few)."""
    if not getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
        return []
    states = (
        TaskState.objects.reviewable_by(person).select_related("revision", "revision__user").order_by("-started_at")
    )
    return _page_rows([(s.revision, s.started_at) for s in states[:QUEUE_PREVIEW] if s.revision is not None])


def my_pages_in_review(person: User) -> list[dict[str, Any]]:
    """Workflows `person` started (submitted a page for review) that are still under way."""
    states = (
        WorkflowState.objects.active()
        .filter(Q(requested_by=person))
        .select_related("current_task_state__revision", "current_task_state__revision__user")
        .order_by("-created_at")
    )
    return _page_rows(
        [
            (s.current_task_state.revision, s.created_at)
            for s in states[:QUEUE_PREVIEW]
            if s.current_task_state is not None and s.current_task_state.revision is not None
        ]
    )


def editor_review(person: User) -> Mapping[str, Any] | None:
    mine = my_pages_in_review(person)
    to_review = pages_to_review(person)
    if not mine and not to_review:
        return None
    return {"mine": mine, "to_review": to_review}


def moderator_review(person: User) -> Mapping[str, Any] | None:
    to_review = pages_to_review(person)
    return {"mine": [], "to_review": to_review} if to_review else None


register(
    Panel(
        key="cms.review.editor",
        role=Role.EDITOR,
        title=_("审核中的页面"),
        template="cms/home/review.html",
        selector=editor_review,
        empty=_("没有审核中的页面。写好新闻或案例后“提交审核”，审核进度会显示在这里。"),
        empty_url="wagtailadmin_home",
        empty_label=_("内容管理"),
        order=10,
    )
)
register(
    Panel(
        key="cms.review.province",
        role=Role.PROVINCE_ADMIN,
        title=_("待审核的页面"),
        template="cms/home/review.html",
        selector=moderator_review,
        empty=_("没有待您审核的页面。编辑提交审核后会出现在这里。"),
        empty_url="wagtailadmin_home",
        empty_label=_("内容管理"),
        order=30,
    )
)
