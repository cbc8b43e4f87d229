"""Keep the search index and the page cache in step with publishing."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

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


def connect() -> None:
    page_published.connect(_published, dispatch_uid="cms_published")
    page_unpublished.connect(_unpublished, dispatch_uid="cms_unpublished")
    post_delete.connect(_deleted, sender=Page, dispatch_uid="cms_page_deleted")
    post_page_move.connect(_moved, dispatch_uid="cms_page_moved")
    page_slug_changed.connect(_moved, dispatch_uid="cms_slug_changed")
