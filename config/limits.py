"""Request body ceilings and image pixel limits: one table, enforced before a body is read.

`settings.REQUEST_BODY_LIMITS` is the table: (path regex, bytes) pairs tried in order, the first
match wins, `settings.REQUEST_MAX_BODY_BYTES` otherwise. The same table is applied three times,
so every way a request reaches Django is bounded:

- under daphne, inside twisted, as the body arrives (`config.daphne_limits`): a declared
  Content-Length over the ceiling is answered at once, and streamed (chunked) bytes are counted
  and discarded past it, so an oversize body never reaches memory or the application queue;
- `RequestBodyLimit`, the outermost ASGI middleware, for any other ASGI server;
- `RequestBodyLimitMiddleware`, the first Django middleware, for WSGI and the test client.

Each answers 413 with a short Chinese message: JSON (`{"detail": ...}`, as django-ninja's errors)
under /api/, HTML elsewhere. Paths are matched as the client sent them, from the site's root.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

# As Django's ASGIHandler types them, so it is an ASGIApp here.
Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Room for a multipart body's boundaries, part headers and the small fields beside the file.
MULTIPART_MARGIN = 256 * 1024


def ceiling_for(path: str) -> int:
    """The largest body, in bytes, accepted for a request to `path` (a URL path, not decoded)."""
    for pattern, limit in settings.REQUEST_BODY_LIMITS:
        if re.match(pattern, path):
            return int(limit)
    return int(settings.REQUEST_MAX_BODY_BYTES)


def largest_ceiling() -> int:
    """The largest ceiling of any route: the bound used where the path cannot be known."""
    return max([int(settings.REQUEST_MAX_BODY_BYTES), *(int(limit) for _p, limit in settings.REQUEST_BODY_LIMITS)])


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(size // 1024, 1)} KB"


def too_large_message(limit: int) -> str:
    return _("提交的内容超过了 %(limit)s 的上限，未被接收。请缩小或压缩文件、分批提交后重试。") % {
        "limit": human_size(limit)
    }


def too_large_body(path: str, limit: int) -> tuple[bytes, bytes]:
    """(content type, body) of the 413 answer for `path`: JSON under /api/, HTML elsewhere."""
    message = too_large_message(limit)
    if path.startswith("/api/"):
        return b"application/json; charset=utf-8", json.dumps({"detail": message}, ensure_ascii=False).encode()
    title = _("内容过大")
    html = (
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>413 {escape(title)}</title>'
        f'</head><body><main><h1>{escape(title)}</h1><p>{escape(message)}</p><p><a href="/">'
        f"{escape(_('返回首页'))}</a></p></main></body></html>"
    )
    return b"text/html; charset=utf-8", html.encode()


def _declared_length(value: str | bytes | None) -> int | None:
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    return int(text) if text.isdigit() else None


class RequestBodyLimit:
    """ASGI middleware: 413 for a declared Content-Length over the route's ceiling before the
    application runs; streamed bytes are counted and, past the ceiling, the application sees the
    client disconnect (Django then stops reading) and the client gets the 413."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("raw_path") or scope["path"].encode()
        path_text = path.decode("latin-1") if isinstance(path, bytes) else str(path)
        limit = ceiling_for(path_text)
        declared = _declared_length(dict(scope.get("headers") or []).get(b"content-length"))
        if declared is not None and declared > limit:
            await self._answer(send, path_text, limit)
            return
        received = 0
        refused = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return  # the 413 below answers instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, guarded_send)
        if refused and not started:
            await self._answer(send, path_text, limit)

    @staticmethod
    async def _answer(send: Send, path: str, limit: int) -> None:
        content_type, body = too_large_body(path, limit)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class RequestBodyLimitMiddleware:
    """Django middleware (first in MIDDLEWARE): 413 for a declared Content-Length over the route's
    ceiling before anything reads the body. Under WSGI (and Django's test client) the body stream
    is cut at the declared length, so the declaration is what bounds it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = ceiling_for(request.path)
        declared = _declared_length(request.META.get("CONTENT_LENGTH"))
        if declared is not None and declared > limit:
            content_type, body = too_large_body(request.path, limit)
            response = HttpResponse(body, status=413, content_type=content_type.decode())
            response["Connection"] = "close"
            return response
        return self.get_response(request)


def apply_image_limits(max_pixels: int) -> None:
    """Every Pillow decode in the process refuses an image over `max_pixels` before decoding it.

    Pillow warns (DecompressionBombWarning) above MAX_IMAGE_PIXELS and only raises above twice
    that; the warning is made an error so the limit is the limit. Code that opens uploads should
    still check the size from the header themselves (as `lms.workstudy.process_photo` does) so the
    refusal does not depend on warning filters that a test runner or a library may reset."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)
