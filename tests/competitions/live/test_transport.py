"""Broadcast frames framed once and written straight to daphne's sockets (live/transport.py):
the bytes are exactly what daphne's own reply path writes, closed sockets get nothing, anything
but a plain daphne connection goes the ordinary way, and the hub uses the writer when it has one."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import pytest
from daphne.server import Server
from daphne.ws_protocol import WebSocketFactory, WebSocketProtocol
from twisted.internet.testing import StringTransport

from competitions.live import transport


def daphne_connection() -> tuple[Server, WebSocketProtocol, StringTransport]:
    """A daphne WebSocket protocol past its handshake, writing into a StringTransport."""
    server = Server.__new__(Server)  # no reactor, no endpoints: only what handle_reply reads
    server.connections = {}
    protocol = WebSocketFactory(server).buildProtocol(None)
    wire = StringTransport()
    protocol.makeConnection(wire)
    protocol.state = WebSocketProtocol.STATE_OPEN
    protocol.client_addr = ("127.0.0.1", 50000)
    server.connections[protocol] = {}
    return server, protocol, wire


@pytest.mark.parametrize("text", ["你好", "题" * 60, '{"type":"question_open"}' * 4000])
def test_the_prepared_frame_is_byte_for_byte_what_daphne_would_write(text: str) -> None:
    server, protocol, wire = daphne_connection()
    asyncio.run(server.handle_reply(protocol, {"type": "websocket.send", "text": text}))
    by_daphne = wire.value()
    wire.clear()

    writer = transport.daphne_writer(functools.partial(server.handle_reply, protocol))
    assert writer is not None
    assert writer(transport.prepare(text)) is True
    assert wire.value() == by_daphne
    assert len(by_daphne) > len(text.encode())  # a real frame: header + payload


def test_a_closed_or_disconnected_socket_gets_nothing() -> None:
    server, protocol, wire = daphne_connection()
    writer = transport.daphne_writer(functools.partial(server.handle_reply, protocol))
    assert writer is not None
    server.connections[protocol]["disconnected"] = True
    assert writer(transport.prepare("迟到的题目")) is False
    del server.connections[protocol]
    assert writer(transport.prepare("迟到的题目")) is False
    server.connections[protocol] = {}
    protocol.state = WebSocketProtocol.STATE_CLOSING
    assert writer(transport.prepare("迟到的题目")) is False
    assert wire.value() == b""


def test_compression_or_queued_frames_go_through_autobahn(monkeypatch) -> None:
    server, protocol, wire = daphne_connection()
    writer = transport.daphne_writer(functools.partial(server.handle_reply, protocol))
    assert writer is not None
    through_autobahn: list[Any] = []
    monkeypatch.setattr(protocol, "sendPreparedMessage", through_autobahn.append)
    protocol._perMessageCompress = object()  # permessage-deflate negotiated: autobahn frames it
    writer(transport.prepare("甲"))
    protocol._perMessageCompress = None
    protocol.send_queue.append((b"earlier", False))  # keep the order of what autobahn queued
    writer(transport.prepare("乙"))
    assert len(through_autobahn) == 2
    assert wire.value() == b""


async def plain_send(message: dict[str, Any]) -> None:
    return None


def test_other_servers_get_no_writer() -> None:
    _server, protocol, _wire = daphne_connection()
    assert transport.daphne_writer(plain_send) is None
    assert transport.daphne_writer(functools.partial(plain_send)) is None
    assert transport.daphne_writer(functools.partial(print, protocol)) is None


async def test_the_middleware_offers_the_writer_to_websockets_under_daphne_only() -> None:
    server, protocol, _wire = daphne_connection()
    seen: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope)

    middleware = transport.PreparedFrames(app)
    daphne_send = functools.partial(server.handle_reply, protocol)
    await middleware({"type": "websocket", "path": "/ws/"}, None, daphne_send)
    await middleware({"type": "websocket", "path": "/ws/"}, None, plain_send)
    await middleware({"type": "http", "path": "/"}, None, daphne_send)
    assert callable(seen[0][transport.WRITER_KEY])
    assert transport.WRITER_KEY not in seen[1]
    assert transport.WRITER_KEY not in seen[2]


class FakeConsumer:
    def __init__(self, name: str, role: str, writer: Any) -> None:
        self.channel_name, self.role, self.writer = name, role, writer
        self.participant_id = None
        self.last_seq = 0
        self.sent: list[str] = []

    async def base_send(self, message: dict[str, Any]) -> None:
        self.sent.append(message["text"])


async def test_the_hub_writes_prepared_frames_where_it_can_and_asgi_messages_elsewhere(flush_layer) -> None:
    from competitions.live.hub import Hub

    written: list[tuple[str, bytes]] = []
    hub = Hub(round_id=999_999)
    fast = FakeConsumer("fast", "contestant", lambda prepared: written.append(("fast", prepared.payloadHybi)))
    host = FakeConsumer("host", "host", lambda prepared: written.append(("host", prepared.payloadHybi)))
    slow = FakeConsumer("slow", "contestant", None)
    for consumer in (fast, host, slow):
        hub.add(consumer)  # type: ignore[arg-type]
    try:
        await hub._dispatch(
            {"type": "live.frame", "frame": '{"p":"公开"}', "host_frame": '{"p":"真实"}', "seq": 7}, local=True
        )
    finally:
        for consumer in (fast, host, slow):
            hub.remove(consumer)  # type: ignore[arg-type]
    assert written == [
        ("fast", transport.prepare('{"p":"公开"}').payloadHybi),
        ("host", transport.prepare('{"p":"真实"}').payloadHybi),
    ]
    assert slow.sent == ['{"p":"公开"}']
    assert fast.last_seq == host.last_seq == slow.last_seq == 7
