"""Logs an operator can read: one line per request and per significant event, to stdout.

LOG_FORMAT=json (production's default) writes each record as one JSON object for journald;
LOG_FORMAT=text (development's default) writes a readable line. Contract of a request line
(logger `shuzhi.request`, event "request"): method, path (never the query string), status,
duration_ms, view (the URL pattern's name), request_id, user_id (or null). Audit writes
(logger `shuzhi.audit`, event "audit", from `accounts.actions.audit`) carry action, actor_id,
target_type, target_id, never the before/after values.

What is never logged: query strings, form fields and bodies, headers other than X-Request-ID,
mobile and ID numbers. The JSON formatter writes only the fields named in `FIELDS`, so an
object a library attaches to a record (Django's `request`) cannot leak its query string. The
message and traceback of every record, ours or a library's (an exception that quotes the value it
refused), pass `PersonalNumberFilter` on the way out: a mobile number is written masked
(`139****5678`), an ID number as its region code and check part (`370102********123X`).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.functional import empty

from config import metrics

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

request_logger = logging.getLogger("shuzhi.request")
socket_logger = logging.getLogger("shuzhi.socket")

# The request being served, so any line logged while serving it carries its id.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept if it looks like one (nginx's $request_id is 32 hex digits, a UUID has
# dashes); anything else, which could smuggle text into the logs, is replaced by a fresh one.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")

# The extra fields a record may carry into the JSON line; nothing else is written.
FIELDS = (
    "event",
    "method",
    "path",
    "status",
    "duration_ms",
    "view",
    "user_id",
    "action",
    "actor_id",
    "target_type",
    "target_id",
    "close_code",
)


def request_id_for(request: HttpRequest) -> str:
    """The X-Request-ID the client (the proxy) sent if it is well formed, else a new one."""
    sent = request.headers.get(REQUEST_ID_HEADER, "")
    if _VALID_REQUEST_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


# A mainland mobile number or an 18-character ID number standing alone (not inside a longer run of
# digits or letters, such as a timestamp in milliseconds or a hex request id).
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")


def redact_personal_numbers(text: str) -> str:
    """`text` with every mobile and ID number masked as the pages show them (accounts.pii)."""
    text = _ID_NUMBER.sub(lambda m: m.group()[:6] + "*" * 8 + m.group()[-4:], text)
    return _MOBILE.sub(lambda m: m.group()[:3] + "****" + m.group()[-4:], text)


class PersonalNumberFilter(logging.Filter):
    """The last guard of the log (on the stdout handler, in both formats): masks mobile and ID
    numbers in a record's message and traceback, whoever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: logging reports it when formatting
            return True
        clean = redact_personal_numbers(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_personal_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_personal_numbers(record.stack_info)
        return True


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request being served (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, msg, request_id, the `FIELDS` it carries,
    and the traceback of an exception as text."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for field in FIELDS:
            if field in record.__dict__:
                line[field] = record.__dict__[field]
        if record.exc_text:  # already masked by PersonalNumberFilter
            line["exc"] = record.exc_text
        elif record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _user_id(request: HttpRequest) -> int | None:
    # Only a user the request already loaded: asking here would cost a session and a user query
    # on requests (static files, health checks, cached pages) that never needed them.
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


class RequestLogMiddleware:
    """Outermost Django middleware: gives the request its id (echoed in X-Request-ID) and
    writes one `shuzhi.request` line when the response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        request.request_id = request_id  # type: ignore[attr-defined]  # our own attribute on Django's request
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response[REQUEST_ID_HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            metrics.observe_request(
                match.view_name if match else None, request.method or "", response.status_code, duration_ms / 1000
            )
            request_logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "event": "request",
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "view": match.view_name if match else None,
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            current_request_id.reset(token)


class SocketLog:
    """ASGI middleware for WebSockets (inside the session auth, so the user is known): one
    `shuzhi.socket` line when a socket is accepted (event "ws_connect": path, user_id) and one
    when it ends (event "ws_disconnect": path, user_id, close_code: the server's close code if it
    closed, else the client's). Never the query string or a message's content.

    Cost on the live path: each `send`/`receive` of a socket passes through one small wrapper that
    looks at the message type; broadcasts written by the prepared-frame writer (outside ASGI,
    competitions/live/transport.py) do not pass here at all."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope.get("type") != "websocket":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        open_sockets = metrics.WEBSOCKETS_OPEN.labels(role=metrics.socket_role(path))
        user = scope.get("user")
        user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
        state: dict[str, object] = {"accepted": False, "code": None}

        async def watched_send(message: dict) -> None:
            kind = message.get("type")
            if kind == "websocket.accept":
                state["accepted"] = True
                open_sockets.inc()
                socket_logger.info(
                    "WS connect %s", path, extra={"event": "ws_connect", "path": path, "user_id": user_id}
                )
            elif kind == "websocket.close" and state["code"] is None:
                state["code"] = message.get("code", 1000)
            await send(message)

        async def watched_receive() -> dict:
            message = await receive()
            if message.get("type") == "websocket.disconnect" and state["code"] is None:
                state["code"] = message.get("code")
            return message

        try:
            await self.app(scope, watched_receive, watched_send)
        finally:
            if state["accepted"]:
                open_sockets.dec()
                socket_logger.info(
                    "WS disconnect %s %s",
                    path,
                    state["code"],
                    extra={"event": "ws_disconnect", "path": path, "user_id": user_id, "close_code": state["code"]},
                )


def logging_config(log_format: str, level: str) -> dict[str, object]:
    """settings.LOGGING for LOG_FORMAT `json` or `text`: everything to stdout, one line a record."""
    formatter = (
        {"()": "config.observability.JsonFormatter"}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "config.observability.RequestIdFilter"},
            "personal_numbers": {"()": "config.observability.PersonalNumberFilter"},
        },
        "formatters": {"line": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "line",
                "filters": ["request_id", "personal_numbers"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "daphne": {"level": "WARNING"},
            "django.channels.server": {"level": "WARNING"},
            # Our request line replaces Django's "Not Found: /path" warnings; errors (500s with
            # their traceback) still come through.
            "django.request": {"level": "ERROR"},
        },
    }
