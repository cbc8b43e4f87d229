"""Serve Wagtail pages from the cache to anonymous visitors (see cms/cache.py).

Only GET/HEAD requests by anonymous visitors without pending messages are served or stored,
and only responses that a live page marked cacheable (`CachedPageMixin`) with status 200.
CSRF tokens inside cached HTML (the language switch form) are replaced by the current
visitor's token on the way out, so a cached page never carries another visitor's token.
Likewise CSP nonces: each response gets its own (django-csp sets the header outside this cache).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from cms import cache

_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
_PLACEHOLDER = b'name="csrfmiddlewaretoken" value="\x00CSRF\x00"'
_NONCE = re.compile(rb' nonce="[^"]*"')
_NONCE_PLACEHOLDER = b' nonce="\x00NONCE\x00"'


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = cache.timeout()
        if not seconds or not self._eligible(request):
            return self.get_response(request)
        key = cache.key(request.get_host(), request.get_full_path(), get_language() or "")
        stored = cache.django_cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(self._with_token(request, content), content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            getattr(request, "_cms_page_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies.get("messages")
            and not request.user.is_authenticated
        ):
            content = _NONCE.sub(_NONCE_PLACEHOLDER, _TOKEN.sub(_PLACEHOLDER, response.content))
            cache.django_cache.set(key, (content, response["Content-Type"]), seconds)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _eligible(request: HttpRequest) -> bool:
        if request.method not in ("GET", "HEAD") or "messages" in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return user is not None and not user.is_authenticated

    @staticmethod
    def _with_token(request: HttpRequest, content: bytes) -> bytes:
        if b"\x00NONCE\x00" in content:
            # django-csp's middleware puts csp_nonce on the request.
            content = content.replace(b"\x00NONCE\x00", str(request.csp_nonce).encode())  # type: ignore[attr-defined]
        if b"\x00CSRF\x00" not in content:
            return content
        return content.replace(b"\x00CSRF\x00", get_token(request).encode())
