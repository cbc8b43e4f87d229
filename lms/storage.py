"""Private file storage: practical exam answers and work-study photos.

Files live under settings.PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, so neither the development
static route nor a production proxy serving /media/ can hand them out. They have no URL: views
check who is asking (lms.selectors.access_*) and stream them.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="lms.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at PRIVATE_MEDIA_ROOT, read on every use (tests override it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]  # None on purpose: no URL of their own
        return None  # url() raises: these files are served by views, never by a URL of their own

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; serve them through an access-checked view.")


private_storage = PrivateStorage()
