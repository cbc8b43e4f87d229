"""Request and event limits (django-ratelimit), answered with a Chinese 429 or a form error.

One mechanism counts everything the platform limits: django-ratelimit's counters in the default
cache (Redis when REDIS_URL is set, so every daphne process shares them; the local-memory cache
of a development run counts per process). Windows are fixed periods (django-ratelimit's, with a
per-key offset), not sliding ones.

- `AddressLimit` limits requests from one client address: as a view decorator, or checked inside
  a view once the input is known to be worth counting (`refused`). The client address is the
  login throttle's (`accounts.login_throttle.client_address`, via RATELIMIT_IP_META_KEY), so a
  forged X-Forwarded-For does not buy a fresh budget.
- `certificate_lookups(group)` is the one budget of the public certificate pages (talent's
  evaluation certificates, lms' course certificates).
- `count_event` counts events that are not requests (an ID number submitted, a text message
  sent) under a key the caller chooses, for actions that have no request at hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.core import get_usage, is_ratelimited


def too_many_requests(request: HttpRequest, message: Any, *, retry_after: int = 60) -> HttpResponse:
    """The site's 429 page with what happened and when to try again."""
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@dataclass(frozen=True)
class AddressLimit:
    """At most `rate` requests from one client address, counted in `group`.

    `rate` is django-ratelimit's ("10/d", "30/m") or a callable returning one, read on every
    request (a setting, so deployments and tests can tune it). `message` is shown on the 429
    page, with `retry_after` seconds in its Retry-After header.
    """

    group: str
    rate: str | Callable[[], str]
    message: Any = None
    retry_after: int = 60

    def refused(self, request: HttpRequest) -> HttpResponse | None:
        """Count this request; the 429 page once the address's budget is spent, else None."""
        rate = self.rate() if callable(self.rate) else self.rate
        if not is_ratelimited(request, group=self.group, key="ip", rate=rate, increment=True):
            return None
        message = self.message or _("请求过于频繁，请稍等一分钟后再试。")
        return too_many_requests(request, message, retry_after=self.retry_after)

    def __call__(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        """As a decorator: every request to `view` counts, and a spent budget answers 429."""

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return self.refused(request) or view(request, *args, **kwargs)

        return wrapped


def _certificate_rate() -> str:
    return f"{settings.CERTIFICATE_LOOKUPS_PER_MINUTE}/m"


def certificate_lookups(group: str) -> AddressLimit:
    """The per-address budget of a public certificate page: CERTIFICATE_LOOKUPS_PER_MINUTE a
    minute, against guessing numbers or verify codes (lookups are exact, the numbers dense)."""
    return AddressLimit(group, _certificate_rate, gettext_lazy("证书查询过于频繁，请稍等一分钟后再试。"))


def count_event(group: str, key: str, *, limit: int, seconds: int) -> bool:
    """Count one event for `key` in `group`; True once more than `limit` happened in the current
    window of `seconds` (the event that crosses the limit is refused, and so is every later one
    until the window ends). `key` should not be personal data in the clear (pass a fingerprint):
    it becomes part of a cache key. A cache that cannot be reached counts as over the limit."""
    usage = get_usage(None, group=group, key=lambda _group, _request: key, rate=(limit, seconds), increment=True)
    return bool(usage and usage["should_limit"])
