"""Readable ASCII slugs for pages with Chinese titles: the title's pinyin (济南数控机床 →
ji-nan-shu-kong-ji-chuang), so page URLs are never percent-encoded.

Rules (used by the admin page form and by pages saved in code):
- an empty slug, or one that is not plain ASCII (a Chinese or percent-encoded slug), is made from
  the title;
- so is the slug Wagtail's admin script derives from a Chinese title with the Chinese dropped
  ("2026年智能工厂" → "2026") while the page has never been published;
- a published page's slug is left alone: changing it would break the links to it.
"""

from __future__ import annotations

import re

from django.utils.text import slugify
from pypinyin import lazy_pinyin

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_LENGTH = 80


def has_chinese(text: str) -> bool:
    return bool(CJK.search(text or ""))


def pinyin_slug(title: str, max_length: int = MAX_LENGTH) -> str:
    """The title in toneless pinyin, one hyphen between syllables and words; Latin letters and
    digits are kept (lower case), everything else separates. Cut at a hyphen within max_length."""
    words = lazy_pinyin(title or "", errors=lambda chars: chars)
    slug = slugify("-".join(words), allow_unicode=False)
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def wants_pinyin(slug: str, title: str, *, published: bool) -> bool:
    """Whether `slug` should be replaced by the title's pinyin (the rules in the module docstring)."""
    if not slug or not slug.isascii() or "%" in slug:
        return True
    if published or not has_chinese(title):
        return False
    return slug == slugify(title, allow_unicode=False)
