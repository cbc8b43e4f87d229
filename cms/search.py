"""Chinese full-text search that behaves the same on SQLite and PostgreSQL.

Chinese has no spaces, so the database backends' word tokenizers see a whole sentence as one
"word" and never find a two-character word inside it. Here every live page keeps a
`SearchEntry` with a normalized copy of its text (NFKC, lower case) and its jieba tokens.
A query is segmented with jieba into terms; an entry matches when it contains every term
(substring match, so one-character queries and words jieba splits differently still match);
results are ranked by title hits, whole-token hits (the jieba tokens of the entry) and term
frequency. Mixed Chinese/English text works because jieba keeps Latin words whole.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import jieba
from django.db import models
from django.utils.html import strip_tags
from wagtail.models import Page

from cms.models import CasePage, CoursePage, LessonPage, NewsPage, PolicyPage, SearchEntry, SearchKind

jieba.setLogLevel(logging.WARNING)

KINDS: dict[type[Page], str] = {
    NewsPage: SearchKind.NEWS,
    CasePage: SearchKind.CASE,
    PolicyPage: SearchKind.POLICY,
    CoursePage: SearchKind.COURSE,
    LessonPage: SearchKind.LESSON,
}
MAX_TERMS = 8
MAX_CANDIDATES = 300
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def query_terms(query: str) -> list[str]:
    """Split a query into search terms: jieba words, without punctuation, deduplicated."""
    terms: list[str] = []
    for word in jieba.lcut(normalize(query)[:200]):
        word = _PUNCT.sub("", word)
        if word and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _page_text(page: Page) -> str:
    parts: list[str] = [page.title]
    for name in ("summary", "enterprise_name", "authority", "document_number", "challenge", "solution",
                 "training", "work_study", "outline", "body"):  # fmt: skip
        value = getattr(page, name, None)
        if value is None:
            continue
        if hasattr(value, "stream_block"):  # StreamField: render to text via each block's source
            value = " ".join(str(block.render_as_block()) for block in value)
        parts.append(strip_tags(str(value)))
    if isinstance(page, CasePage):
        parts.append(page.city.name)
        parts.append(page.get_industry_display())
    return "\n".join(parts)


def index_page(page: Page) -> SearchEntry | None:
    """Create or refresh the entry of a live page of a searchable type; drop it otherwise."""
    page = page.specific
    kind = KINDS.get(type(page))
    if kind is None:
        return None
    if not page.live:
        SearchEntry.objects.filter(page_id=page.pk).delete()
        return None
    text = normalize(_page_text(page))
    tokens = " ".join(t for t in jieba.cut_for_search(text) if _PUNCT.sub("", t))
    entry, _created = SearchEntry.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "kind": kind,
            "title": page.title[:255],
            "text": text,
            "tokens": tokens,
            "published_at": page.last_published_at,
        },
    )
    return entry


def unindex_page(page_id: int) -> None:
    SearchEntry.objects.filter(page_id=page_id).delete()


def rebuild() -> int:
    """Re-index every live page of a searchable type; returns the number of entries."""
    live_ids: list[int] = []
    for model in KINDS:
        for page in model.objects.live():
            index_page(page)
            live_ids.append(page.pk)
    SearchEntry.objects.exclude(page_id__in=live_ids).delete()
    return len(live_ids)


@dataclass
class Hit:
    entry: SearchEntry
    score: float
    url: str
    snippet: str


def _snippet(text: str, terms: list[str], width: int = 90) -> str:
    positions = [text.find(t) for t in terms if text.find(t) >= 0]
    start = max(min(positions, default=0) - 20, 0)
    return text[start : start + width].replace("\n", " ")


def search(query: str, kind: str = "") -> tuple[list[Hit], list[str]]:
    """Entries containing every query term, best first. Returns the hits and the terms used."""
    terms = query_terms(query)
    if not terms:
        return [], terms
    entries = SearchEntry.objects.all()
    if kind in SearchKind.values:
        entries = entries.filter(kind=kind)
    for term in terms:
        entries = entries.filter(text__contains=term)
    candidates = list(entries.order_by("-published_at")[:MAX_CANDIDATES])
    hits: list[Hit] = []
    urls = _urls([entry.page_id for entry in candidates])
    for entry in candidates:
        title = normalize(entry.title)
        token_set = set(entry.tokens.split())
        score = 0.0
        for term in terms:
            score += 5 * title.count(term) + 2 * (term in token_set) + min(entry.text.count(term), 10) * 0.3
        hits.append(Hit(entry, score, urls.get(entry.page_id, ""), _snippet(entry.text, terms)))
    hits.sort(key=lambda hit: -hit.score)
    return hits, terms


def _urls(page_ids: list[int]) -> dict[int, str]:
    pages: models.QuerySet[Page] = Page.objects.filter(pk__in=page_ids).only("id", "url_path", "path", "depth")
    result: dict[int, str] = {}
    for page in pages:
        url: Any = page.get_url()
        result[page.pk] = url or ""
    return result
