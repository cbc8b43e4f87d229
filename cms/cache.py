"""Whole-page cache for anonymous visitors, invalidated on every publish.

Pages link to each other (the home page lists the latest news, a course lists its lessons), so
instead of tracking dependencies every publish, unpublish, move or delete bumps one generation
number that is part of every key: all cached pages become stale at once, which is cheap
because the cache refills on the next visit. `CMS_PAGE_CACHE_SECONDS` (0 = off) bounds how
stale counts such as "registered learners" on the home page may get.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache as django_cache

GENERATION_KEY = "cms:page-cache:generation"


def timeout() -> int:
    return int(settings.CMS_PAGE_CACHE_SECONDS)


def generation() -> int:
    value = django_cache.get(GENERATION_KEY)
    if value is None:
        value = 1
        django_cache.add(GENERATION_KEY, value, None)
    return int(value)


def invalidate() -> None:
    try:
        django_cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (fresh cache)
        django_cache.set(GENERATION_KEY, 2, None)


def key(host: str, path: str, language: str) -> str:
    digest = hashlib.sha256(f"{host}|{path}|{language}".encode()).hexdigest()[:32]
    return f"cms:page:{generation()}:{digest}"
