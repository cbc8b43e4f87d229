"""Site-wide files served at the root: the sitemap and robots.txt (mounted before Wagtail)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap


def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /cms-admin/",
        "Disallow: /django-admin/",
        "Disallow: /accounts/",
        "Disallow: /site/search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


urlpatterns = [
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots, name="robots"),
]
