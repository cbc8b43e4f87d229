"""Site-wide files served at the root: the sitemap and robots.txt (mounted before Wagtail)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.views.static import serve
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
    # Image renditions only (media/images/): original uploads (media/original_images/) and
    # documents (served with permission checks by /documents/) are never exposed directly.
    # In production the web server serves this folder itself and this route is not reached.
    re_path(
        r"^media/(?P<path>images/[\w.-]+)$",
        serve,
        {"document_root": settings.MEDIA_ROOT},
        name="image_rendition",
    ),
]
