"""Keep the search index and the page cache in step with publishing, and city-limited editors in
their city groups whichever way their role grants or group memberships change (accounts' grant
action, the Django admin, `ensure_editorial`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from accounts.models import RoleGrant, User
from cms import cache, search


def _published(sender: Any, instance: Page, **kwargs: Any) -> None:
    search.index_page(instance)
    cache.invalidate()


def _unpublished(sender: Any, instance: Page, **kwargs: Any) -> None:
    search.unindex_page(instance.pk)
    cache.invalidate()


def _deleted(sender: Any, instance: Page, **kwargs: Any) -> None:
    cache.invalidate()


def _moved(sender: Any, instance: Page, **kwargs: Any) -> None:
    cache.invalidate()


def _grant_saved(sender: Any, instance: RoleGrant, raw: bool = False, **kwargs: Any) -> None:
    from cms.actions import EDITORIAL_ROLES, sync_editorial_groups

    if not raw and instance.role in EDITORIAL_ROLES:
        sync_editorial_groups(instance.user)


def _grant_deleted(sender: Any, instance: RoleGrant, **kwargs: Any) -> None:
    from cms.actions import EDITORIAL_ROLES, sync_editorial_groups

    # The user may be being deleted too (cascade): only remove memberships, never add rows.
    if instance.role in EDITORIAL_ROLES:
        sync_editorial_groups(instance.user, may_add=False)


def _groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """Someone joined the site-wide Editors group (grant_role adds it after saving the grant):
    a city-limited person is moved back to their city group."""
    from cms.actions import EDITORIAL_ROLES, EDITORS, sync_editorial_groups

    if action != "post_add" or not pk_set:
        return
    if isinstance(instance, Group):  # group.user_set.add(...)
        if instance.name != EDITORS:
            return
        user_ids = pk_set
    elif Group.objects.filter(pk__in=pk_set, name=EDITORS).exists():
        user_ids = {instance.pk}
    else:
        return
    limited = RoleGrant.objects.filter(user__in=user_ids, role__in=EDITORIAL_ROLES, region__isnull=False)
    for user in User.objects.filter(pk__in=limited.values("user")):
        sync_editorial_groups(user)


def connect() -> None:
    page_published.connect(_published, dispatch_uid="cms_published")
    page_unpublished.connect(_unpublished, dispatch_uid="cms_unpublished")
    post_delete.connect(_deleted, sender=Page, dispatch_uid="cms_page_deleted")
    post_page_move.connect(_moved, dispatch_uid="cms_page_moved")
    page_slug_changed.connect(_moved, dispatch_uid="cms_slug_changed")
    post_save.connect(_grant_saved, sender=RoleGrant, dispatch_uid="cms_grant_saved")
    post_delete.connect(_grant_deleted, sender=RoleGrant, dispatch_uid="cms_grant_deleted")
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="cms_groups_changed")
