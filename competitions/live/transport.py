"""Broadcast frames framed once, written straight to each socket under daphne.

A broadcast goes to every local socket of a round. Through ASGI each `websocket.send` is framed
again per socket (daphne's reply handler, then autobahn's `sendMessage` builds the WebSocket
frame). Autobahn, which daphne is built on, has an API for exactly this case: a message is
framed once with `PreparedMessage` and written to many connections with `sendPreparedMessage`.

Measured at 1,000 sockets (docs/performance.md): writing a broadcast went from about 20 ms
through ASGI to about 10 ms this way; `sendPreparedMessage` itself formats a debug log line per
call, so where it would only write the prepared bytes (no compression negotiated, nothing queued
in autobahn) the writer writes them to the transport itself.

Twisted's `transport.write` never sends at once: it buffers and asks the reactor to watch the
socket, and the bytes leave in the next loop iteration, after the whole broadcast has been
buffered (and each socket has been added to and removed from the poller). A plain asyncio
server sends at once, so its first sockets are reading while it still writes to the last. The
writer does the same where it safely can (`send_now`): on a plain TCP socket whose buffer is
empty it sends straight away, and leaves whatever the kernel does not take to twisted.

`PreparedFrames` is the outermost ASGI middleware for WebSockets. When the server is daphne (its
`send` is `partial(Server.handle_reply, protocol)`), it puts a writer for that connection in the
scope under `WRITER_KEY`; the hub uses it for broadcasts and falls back to the ASGI `send`
everywhere else (other servers, `WebsocketCommunicator` in tests). Per-socket messages (acks,
snapshots, errors) still go through ASGI; both paths write to the same transport synchronously,
so a socket's messages keep their order.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pprint import pformat
from typing import Any

from autobahn.twisted.websocket import WebSocketServerProtocol
from autobahn.websocket import protocol as autobahn_protocol
from autobahn.websocket.protocol import PreparedMessage, WebSocketProtocol
from twisted.internet import tcp

WRITER_KEY = "live.prepared_writer"
_UNKNOWN = object()

Writer = Callable[[PreparedMessage], bool]


def prepare(text: str) -> PreparedMessage:
    """A text frame for server → client (unmasked), framed once for any number of sockets."""
    return PreparedMessage(text.encode("utf-8"), isBinary=False, applyMask=False, doNotCompress=False)


def send_now(wire: Any, data: bytes) -> None:
    """`wire.write(data)`, but sent at once when that cannot reorder or lose anything.

    Only a plain twisted TCP connection (not TLS, not closing) with nothing buffered: then the
    bytes would be the next to leave anyway. What the socket does not take, or any error (the
    connection is lost), goes to `wire.write`, so twisted buffers it or notices the loss its
    usual way."""
    if _idle_tcp(wire):
        sent = wire.writeSomeData(data)
        if isinstance(sent, int) and sent > 0:
            if sent >= len(data):
                return
            data = data[sent:]
    wire.write(data)


def _idle_tcp(wire: Any) -> bool:
    """A plain, open twisted TCP connection with nothing buffered. Reads twisted's own buffer
    attributes; if a Twisted release renames them, the answer is no (the ordinary write)."""
    try:
        return (
            isinstance(wire, tcp.Connection)
            and bool(wire.connected)
            and not wire.disconnecting
            and not wire._writeDisconnected
            and not wire.TLS
            and not wire._tempDataLen
            and wire.offset == len(wire.dataBuffer)
        )
    except AttributeError:
        return False


def daphne_writer(send: Any) -> Writer | None:
    """A writer of prepared frames for the connection behind daphne's `send`, or None."""
    if not isinstance(send, functools.partial) or len(send.args) != 1 or send.keywords:
        return None
    server = getattr(send.func, "__self__", None)
    protocol = send.args[0]
    # daphne's protocol is autobahn's twisted server protocol, which writes to a twisted transport.
    if getattr(send.func, "__name__", "") != "handle_reply" or not isinstance(protocol, WebSocketServerProtocol):
        return None
    connections = getattr(server, "connections", None)
    if connections is None:
        return None

    def write(prepared: PreparedMessage) -> bool:
        # The same checks daphne makes before it hands a reply to the protocol.
        details = connections.get(protocol)
        if details is None or details.get("disconnected") or protocol.state != WebSocketProtocol.STATE_OPEN:
            return False
        # autobahn's own state; should a release rename it, sendPreparedMessage (public) decides.
        queue = getattr(protocol, "send_queue", None)
        if getattr(protocol, "_perMessageCompress", _UNKNOWN) is None and queue is not None and not queue:
            # What sendPreparedMessage does in this case, less its per-call debug formatting.
            send_now(protocol.transport, prepared.payloadHybi)
        else:
            protocol.sendPreparedMessage(prepared)
        return True

    return write


class PreparedFrames:
    """ASGI middleware: offers the prepared-frame writer to WebSocket consumers under daphne."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") == "websocket":
            writer = daphne_writer(send)
            if writer is not None:
                scope = {**scope, WRITER_KEY: writer}
        return await self.app(scope, receive, send)


class _LazyFormat:
    """`pformat(obj)`, made only when a log line that holds it is written."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any, *args: Any, **kwargs: Any) -> None:
        self.obj = obj

    def __str__(self) -> str:
        return pformat(self.obj)

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def lazy_handshake_logging() -> None:
    """autobahn pretty-prints its whole protocol configuration on every new connection for a
    debug log line that is almost never written: about 4 % of a daphne process's CPU when a hall
    of phones joins at once. Its module's `pformat` becomes lazy (the text is made if the line is
    written); `Timings.__str__`, the one caller that needs a real string, formats directly."""
    setattr(autobahn_protocol, "pformat", _LazyFormat)  # noqa: B010  (a module global, typed as a function)
    setattr(autobahn_protocol.Timings, "__str__", lambda self: pformat(self._timings))  # noqa: B010
