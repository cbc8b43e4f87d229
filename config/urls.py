from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import login_elsewhere, set_language
from config import health
from config.api import api

_STARTED = timezone.now()  # the catalogs change only with a deploy, which restarts the process

urlpatterns = [
    # Probes for the proxy and the operator; HealthCheckMiddleware answers them before any other
    # middleware, these routes name them (and serve them if that middleware is left out).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # One login door: the admin sites' and Wagtail's own login pages send people to
    # /accounts/login/, so every sign-in goes through one throttle and one audit trail.
    path("cms-admin/login/", login_elsewhere),
    path("django-admin/login/", login_elsewhere),
    path("_util/login/", login_elsewhere),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    # Django's language switch, remembered for a signed-in person (their notices' language).
    path("i18n/setlang/", set_language, name="set_language"),
    # The JavaScript pages' strings in the reader's language (frontend/static/js/i18n.js): our
    # catalogs only (locale/, LOCALE_PATHS), not every app's.
    path(
        "jsi18n/",
        last_modified(lambda request, **kwargs: _STARTED)(JavaScriptCatalog.as_view(packages=["frontend"])),
        name="javascript-catalog",
    ),
    path("accounts/", include("accounts.urls")),
    path("calendar/", include("accounts.calendar_urls")),
    path("me/", include("accounts.home_urls")),
    path("exchange/", include("exchange.urls")),
    path("site/", include("cms.urls")),
    path("learn/", include("lms.urls")),
    path("contests/", include("competitions.urls")),
    path("live/", include("competitions.live.urls")),
    path("talent/", include("talent.urls")),
    path("api/", api.urls),
    path("", include("cms.root_urls")),  # sitemap.xml and robots.txt
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
