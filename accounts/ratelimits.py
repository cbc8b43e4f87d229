"""Per-address request limits for public endpoints (django-ratelimit), answered with a Chinese 429.

Counts live in the default cache: Redis when REDIS_URL is set, so every daphne process shares
them; the local-memory cache of a development run counts per process. The client address is
the login throttle's (`accounts.login_throttle.client_address`, via RATELIMIT_IP_META_KEY), so
a forged X-Forwarded-For does not buy a fresh budget.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited


def too_many_requests(request: HttpRequest, message: Any, *, retry_after: int = 60) -> HttpResponse:
    """The site's 429 page with what happened and when to try again."""
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def per_address(group: str, per_minute: Callable[[], int], message: Any = None) -> Callable[..., Any]:
    """Limit a view to `per_minute()` requests a minute from one client address, shared by `group`.

    `per_minute` is read on every request (a setting, so deployments and tests can tune it).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if is_ratelimited(request, group=group, key="ip", rate=f"{per_minute()}/m", increment=True):
                return too_many_requests(request, message or _("请求过于频繁，请稍等一分钟后再试。"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
