"""Content-Security-Policy helpers around django-csp (the policy itself is in settings).

Scripts run only from the site itself or inline with the response's nonce. Templates give an
inline <script> the nonce with `nonce="{{ request.csp_nonce }}"`; templates rendered without the
request in their context (Wagtail's form widgets and panels) use `{% csp_nonce %}` from
frontend/templatetags/shuzhi_csp.py, which reads the nonce this middleware publishes for the
duration of the request.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

current_nonce: ContextVar[Any] = ContextVar("csp_nonce", default=None)


class CSPRequestContext:
    """After django-csp's middleware: publishes the request's (lazy) nonce to templates that do
    not get the request, and lets the live pages open WebSockets to this very host (connect-src
    'self' covers ws:/wss: only in CSP Level 3 browsers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_nonce.set(getattr(request, "csp_nonce", None))
        try:
            response = self.get_response(request)
        finally:
            current_nonce.reset(token)
        host = request.get_host()
        # django-csp reads _csp_update off the response to extend its policy for this one page.
        response._csp_update = {"connect-src": [f"ws://{host}", f"wss://{host}"]}  # type: ignore[attr-defined]
        return response
