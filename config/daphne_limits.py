"""Request body ceilings inside daphne, as the bytes arrive (the table is in config/limits.py).

Why here and not only in ASGI middleware: daphne (`WebRequest.process`) runs the application
only after twisted has received the whole body, and then puts every chunk of it into the
application's queue at once. A 100 MB POST therefore sits in the process's memory before any
middleware can look at it. So the ceiling is enforced in twisted's request object, which sees
the headers and each chunk as it comes off the socket:

- `gotLength` (called by `HTTPChannel.allHeadersReceived` once the headers are in, with the
  declared Content-Length or None for a chunked body): the channel still holds the request
  target (`channel._path`), so the route's ceiling is known; a declared length over it is
  answered 413 at once;
- `handleContentChunk` counts streamed bytes and, past the ceiling, answers 413 the same way;
- after a refusal every further byte is thrown away, never stored, and the application is
  never started (`process`). The connection closes once the client has finished sending, or
  after `REQUEST_BODY_LINGER_SECONDS` whichever comes first; reading on meanwhile is what lets
  a client that is still sending see the 413 rather than a reset connection.

Twisted's own parsing of form bodies into `request.args` (which reads the whole body into memory
again) is switched off: daphne never uses `args`.

`install()` makes daphne build these requests (daphne's `HTTPFactory.buildProtocol` looks up
`daphne.http_protocol.WebRequest` each time it builds a connection). It relies on twisted's and
daphne's internals named above; tests/config/test_request_bodies_are_bounded.py drives a real
channel and a real daphne process so a release that renames them fails the suite. Where the
path cannot be read, the largest ceiling of the table applies (bounded, never stricter than the
route); the ASGI middleware then applies the route's own.
"""

from __future__ import annotations

import io
import logging
from typing import Any
from urllib.parse import urlsplit

from daphne import http_protocol
from django.conf import settings

from config.limits import ceiling_for, largest_ceiling, too_large_body

logger = logging.getLogger(__name__)
_OriginalWebRequest = http_protocol.WebRequest


def _request_path(channel: Any) -> str | None:
    """The path of the request whose headers the channel has just read, or None."""
    target = getattr(channel, "_path", None)
    if not isinstance(target, bytes):
        return None
    path = urlsplit(target).path if not target.startswith(b"/") else target.split(b"?", 1)[0]
    return path.decode("latin-1") or "/"


# daphne ships no types, so the class it is derived from is a variable of type Any to mypy.
class BodyLimitedRequest(_OriginalWebRequest):  # type: ignore[misc,valid-type]
    """daphne's WebRequest with a ceiling on the body, enforced as it arrives."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.body_limit: int | None = None
        self.body_received = 0
        self.body_refused = False
        self._linger: Any = None
        kwargs.setdefault("parsePOSTFormSubmission", False)
        super().__init__(*args, **kwargs)

    def gotLength(self, length: int | None) -> None:  # noqa: N802 (twisted's name)
        path = _request_path(self.channel)
        self.body_path = path or "/"
        self.body_limit = ceiling_for(path) if path is not None else largest_ceiling()
        if length is not None and length > self.body_limit:
            self.content = io.BytesIO()
            self._refuse(expecting_body=not self._expects_continue())
            return
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:  # noqa: N802 (twisted's name)
        if self.body_refused:
            return
        self.body_received += len(data)
        if self.body_limit is not None and self.body_received > self.body_limit:
            self.content.close()
            self.content = io.BytesIO()
            self._refuse(expecting_body=True)
            return
        super().handleContentChunk(data)

    def process(self) -> Any:
        if self.body_refused:
            # The whole (discarded) body is in: nothing more to read, so close cleanly.
            self._close()
            return None
        return super().process()

    def connectionLost(self, reason: Any) -> None:  # noqa: N802 (twisted's name)
        if self._linger is not None and self._linger.active():
            self._linger.cancel()
        super().connectionLost(reason)

    def _expects_continue(self) -> bool:
        expect = self.requestHeaders.getRawHeaders(b"Expect") or []
        return bool(expect) and expect[0].lower() == b"100-continue"

    def _refuse(self, *, expecting_body: bool) -> None:
        """Answer 413 now, on the raw connection: the application never runs for this request,
        and no other response is in flight (twisted reads the next pipelined request only
        after this one is done)."""
        self.body_refused = True
        channel = self.channel
        transport = getattr(channel, "transport", None)
        if transport is None:
            return
        limit = self.body_limit or 0
        content_type, body = too_large_body(self.body_path, limit)
        head = (
            b"HTTP/1.1 413 Payload Too Large\r\n"
            b"Content-Type: " + content_type + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n"
            b"Connection: close\r\n\r\n"
        )
        transport.write(head + body)
        channel.persistent = False
        # Twisted would otherwise answer "100 Continue" after our 413 and invite the body.
        self.requestHeaders.removeHeader(b"Expect")
        logger.warning("Refused a request body over %d bytes for %s", limit, self.body_path)
        if not expecting_body:
            self._close()
            return
        # The channel's callLater is the reactor's (TimeoutMixin), or a test clock.
        self._linger = channel.callLater(int(settings.REQUEST_BODY_LINGER_SECONDS), self._abort)

    def _close(self) -> None:
        if self._linger is not None and self._linger.active():
            self._linger.cancel()
        channel = self.channel
        if channel is not None and channel.transport is not None:
            channel.transport.loseConnection()

    def _abort(self) -> None:
        channel = self.channel
        if channel is not None and channel.transport is not None:
            channel.transport.abortConnection()


def install() -> None:
    """Make daphne build BodyLimitedRequest for every HTTP connection (idempotent)."""
    http_protocol.WebRequest = BodyLimitedRequest


def installed() -> bool:
    """daphne's factory builds our requests (checked on a throwaway protocol, as daphne does)."""
    factory = http_protocol.HTTPFactory(server=None)
    protocol = factory.buildProtocol(None)
    return protocol.requestFactory is BodyLimitedRequest
