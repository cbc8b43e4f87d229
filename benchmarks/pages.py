"""Wagtail pages against a bare Django view serving the same HTML, uncached and with the page cache.

    python -m benchmarks.pages --requests 300

Seeds the CMS demo content if missing (home, 3 courses with 4 lessons each, news, cases) in the
configured database, then measures through the full Django stack (middleware, URL routing,
Wagtail's page serving) with Django's test client in process, as an anonymous visitor:

- the home page, a course page and a lesson page with `CMS_PAGE_CACHE_SECONDS=0` (every request
  routes and renders the page: tree lookups, context queries, template rendering);
- the same pages with the page cache on (`cms.middleware.PageCacheMiddleware`, one warm-up
  request, then hits), and a check that publishing invalidates it;
- the peer ("bare"): a plain Django view behind the same middleware that loads the page row and
  renders the same template with the same context, i.e. the same HTML without Wagtail's site
  lookup, tree routing and serve machinery;
- a second, informative peer ("bare_bytes"): the captured HTML returned as bytes.

Runs with DEBUG off (no query logging), as in production. Requests per second and p95 latency
per page; ratios are page rps / bare rps. The last line of
output is one JSON object with the figures, the peer's figures, ratios and targets.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import time
from collections.abc import Callable

HTML: dict[str, bytes] = {}
PAGES: dict[str, tuple[type, int]] = {}


def bare_render(request: object, name: str) -> object:
    """The peer: a plain Django view that loads the page row and renders the same template with
    the same context (so the same queries for content and the same HTML), without Wagtail's
    site lookup, tree routing, view restrictions and serve hooks."""
    from django.template.response import TemplateResponse

    model, pk = PAGES[name]
    page = model.objects.get(pk=pk)
    return TemplateResponse(request, page.get_template(request), page.get_context(request))


def bare_bytes(request: object, name: str) -> object:
    """Second, informative peer: the captured HTML bytes, no database, no template."""
    from django.http import HttpResponse

    return HttpResponse(HTML[name], content_type="text/html; charset=utf-8")


def _urlpatterns() -> list:
    from django.urls import path

    from config.urls import urlpatterns as project

    return [
        path("__bench__/render/<str:name>/", bare_render),
        path("__bench__/bytes/<str:name>/", bare_bytes),
        *project,
    ]


def __getattr__(name: str) -> object:  # ROOT_URLCONF = "benchmarks.pages" during the run
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    samples = []
    started = time.perf_counter()
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    return {"rps": round(repeat / total, 1), "p95_ms": round(p95(samples), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per page and mode")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management.base import BaseCommand
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from accounts.actions import ensure_regions
    from cms import demo
    from cms.models import CoursePage, LessonPage

    ensure_regions()
    if not CoursePage.objects.live().exists():
        demo.seed(BaseCommand())
    course = CoursePage.objects.live().order_by("path").first()
    assert course is not None
    lesson = LessonPage.objects.child_of(course).live().order_by("path").last()
    pages = {"home": "/", "course": course.url, "lesson": lesson.url}

    # Run as __main__, the URLconf imports this file again as benchmarks.pages: share its dict.
    module = importlib.import_module("benchmarks.pages")
    html = module.HTML
    home = course.get_parent().get_parent().specific
    module.PAGES.update(
        {"home": (type(home), home.pk), "course": (CoursePage, course.pk), "lesson": (LessonPage, lesson.pk)}
    )
    results: dict[str, dict[str, object]] = {}
    common = {"ROOT_URLCONF": "benchmarks.pages", "ALLOWED_HOSTS": ["*"], "DEBUG": False}
    with override_settings(**common, CMS_PAGE_CACHE_SECONDS=0):
        client = Client()
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            html[name] = response.content
        for name, url in pages.items():
            same = client.get(f"/__bench__/render/{name}/").content
            assert same.count(b"<") == html[name].count(b"<"), f"peer renders different HTML for {name}"
            peer = measure(lambda name=name: client.get(f"/__bench__/render/{name}/"), args.requests)
            static = measure(lambda name=name: client.get(f"/__bench__/bytes/{name}/"), args.requests)
            uncached = measure(lambda url=url: client.get(url), args.requests)
            results[name] = {"bytes": len(html[name]), "bare": peer, "bare_bytes": static, "uncached": uncached}
    with override_settings(**common, CMS_PAGE_CACHE_SECONDS=300):
        client = Client()
        for name, url in pages.items():
            client.get(url)  # warm-up: the miss that stores the page
            assert client.get(url)["X-Page-Cache"] == "hit"
            results[name]["cached"] = measure(lambda url=url: client.get(url), args.requests)
        course.save_revision().publish()  # any publish invalidates every cached page
        invalidated = client.get(pages["course"])["X-Page-Cache"] == "miss"

    for name, figures in results.items():
        bare_rps = figures["bare"]["rps"]  # type: ignore[index]
        figures["ratio_uncached"] = round(figures["uncached"]["rps"] / bare_rps, 3)  # type: ignore[index]
        figures["ratio_cached"] = round(figures["cached"]["rps"] / bare_rps, 3)  # type: ignore[index]
        print(
            f"{name:7s} bare {figures['bare']}  bytes {figures['bare_bytes']}  uncached {figures['uncached']}  cached {figures['cached']}  "
            f"ratios {figures['ratio_uncached']} / {figures['ratio_cached']}"
        )
    summary = {
        "benchmark": "pages",
        "database": connection.vendor,
        "requests": args.requests,
        "pages": results,
        "invalidated_on_publish": invalidated,
        "targets": {"ratio_uncached": 0.3, "ratio_cached": 0.8},
        "met": all(
            f["ratio_uncached"] >= 0.3 and f["ratio_cached"] >= 0.8  # type: ignore[operator]
            for f in results.values()
        ),
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
