"""Broadcast frames framed once and written straight to daphne's sockets (live/transport.py):
the bytes are exactly what daphne's own reply path writes, closed sockets get nothing, anything
but a plain daphne connection goes the ordinary way, the hub uses the writer when it has one,
and a frame is sent at once only when nothing is buffered before it (send_now)."""

from __future__ import annotations

import asyncio
import functools
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from daphne.server import Server
from daphne.ws_protocol import WebSocketFactory, WebSocketProtocol
from twisted.internet import main, tcp
from twisted.internet.defer import Deferred
from twisted.internet.testing import MemoryReactor, StringTransport

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
    protocol.send_queue.clear()
    del protocol._perMessageCompress  # an autobahn release that renamed its state: autobahn decides
    writer(transport.prepare("丙"))
    assert len(through_autobahn) == 3
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


def unframe(frame: bytes) -> str:
    """The text of one unmasked server → client frame (RFC 6455 §5.2 header lengths)."""
    length = frame[1] & 0x7F
    return frame[{126: 4, 127: 10}.get(length, 2) :].decode()


async def test_each_contestants_standing_goes_through_the_writer_after_every_socket_has_the_frame(
    flush_layer,
) -> None:
    import json

    from competitions.live.hub import Hub

    written: list[tuple[str, bytes]] = []
    hub = Hub(round_id=999_998)
    first = FakeConsumer("first", "contestant", lambda prepared: written.append(("first", prepared.payloadHybi)))
    second = FakeConsumer("second", "contestant", lambda prepared: written.append(("second", prepared.payloadHybi)))
    slow = FakeConsumer("slow", "contestant", None)
    first.participant_id, second.participant_id, slow.participant_id = 1, 2, 3
    standings = {"1": [1, 20.0, 2, True, 10.0], "2": [2, 10.0, 1, False, 0.0], "3": [3, 0.0, 0, False, 0.0]}
    for consumer in (first, second, slow):
        hub.add(consumer)  # type: ignore[arg-type]
    try:
        await hub._dispatch(
            {"type": "live.frame", "frame": '{"p":"揭晓"}', "seq": 9, "standings": standings}, local=True
        )
    finally:
        for consumer in (first, second, slow):
            hub.remove(consumer)  # type: ignore[arg-type]
    frame = transport.prepare('{"p":"揭晓"}').payloadHybi
    assert [who for who, _b in written] == ["first", "second", "first", "second"]
    assert written[0][1] == written[1][1] == frame
    mine = json.loads(unframe(written[2][1]))
    assert (mine["type"], mine["rank"], mine["score"], mine["last_correct"], mine["seq"]) == (
        "standing",
        1,
        20.0,
        True,
        9,
    )
    assert json.loads(unframe(written[3][1]))["rank"] == 2
    assert slow.sent[0] == '{"p":"揭晓"}' and json.loads(slow.sent[1])["rank"] == 3


# --- send_now: at once when nothing is buffered, else twisted's ordinary buffered write ----------


@pytest.fixture
def wire() -> Iterator[tuple[tcp.Connection, socket.socket, MemoryReactor]]:
    """A twisted TCP connection on one end of a real socket pair, under a reactor that only
    records which descriptors asked to be told when they can write."""
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    reactor = MemoryReactor()
    connection = tcp.Connection(ours, None, reactor=reactor)  # type: ignore[arg-type]
    connection.connected = True
    yield connection, theirs, reactor
    ours.close()
    theirs.close()


def drain(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(1 << 20)
        except BlockingIOError:
            return b"".join(chunks)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def test_with_nothing_buffered_the_bytes_leave_at_once(wire) -> None:
    connection, theirs, reactor = wire
    transport.send_now(connection, "第一题".encode())
    assert drain(theirs) == "第一题".encode()
    assert connection not in reactor.getWriters()  # nothing left for the next loop iteration


def test_behind_buffered_bytes_the_frame_waits_its_turn(wire) -> None:
    connection, theirs, reactor = wire
    connection.write(b"ack-1;")  # e.g. an acknowledgement through autobahn, not yet sent
    transport.send_now(connection, b"broadcast;")
    assert drain(theirs) == b""  # not sent ahead of the acknowledgement
    assert connection in reactor.getWriters()
    connection.doWrite()
    assert drain(theirs) == b"ack-1;broadcast;"


def test_what_the_socket_does_not_take_is_left_to_twisted_in_order(wire) -> None:
    connection, theirs, reactor = wire
    connection.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    big = bytes(range(256)) * 4096  # 1 MiB: far more than the socket takes at once
    transport.send_now(connection, big)
    transport.send_now(connection, b"next")
    assert connection in reactor.getWriters()
    received = drain(theirs)
    assert 0 < len(received) < len(big)
    for _ in range(10_000):
        if connection not in reactor.getWriters():
            break
        connection.doWrite()
        received += drain(theirs)
    assert received + drain(theirs) == big + b"next"


def test_tls_closing_or_lost_connections_take_the_ordinary_path(wire, monkeypatch) -> None:
    connection, _theirs, _reactor = wire
    at_once: list[bytes] = []
    ordinary: list[bytes] = []
    monkeypatch.setattr(connection, "writeSomeData", lambda data: at_once.append(bytes(data)) or len(data))
    monkeypatch.setattr(connection, "write", ordinary.append)
    for attribute in ("TLS", "disconnecting", "_writeDisconnected"):
        setattr(connection, attribute, True)
        transport.send_now(connection, attribute.encode())
        setattr(connection, attribute, False)
    connection.connected = False
    transport.send_now(connection, b"closed")
    connection.connected = True
    assert at_once == []
    assert ordinary == [b"TLS", b"disconnecting", b"_writeDisconnected", b"closed"]

    monkeypatch.delattr(connection, "_tempDataLen")  # a Twisted release that renamed it
    transport.send_now(connection, b"renamed")
    assert at_once == [] and ordinary[-1] == b"renamed"
    monkeypatch.undo()
    monkeypatch.setattr(connection, "write", ordinary.append)
    monkeypatch.setattr(connection, "writeSomeData", lambda data: main.CONNECTION_LOST)
    transport.send_now(connection, b"lost")  # no exception: twisted notices the loss on its write
    assert ordinary[-1] == b"lost"
    plain = StringTransport()
    transport.send_now(plain, b"not a socket")  # anything else: its own write
    assert plain.value() == b"not a socket"


async def test_under_daphnes_own_application_call_the_live_consumer_gets_the_writer(db) -> None:
    """daphne's create_application (not a hand-made partial) → PreparedFrames → LiveConsumer:
    the consumer holds a writer for its own connection, and it writes to that socket."""
    from competitions.live.consumers import LiveConsumer

    server, protocol, wire = daphne_connection()
    consumer = LiveConsumer()
    server.application = transport.PreparedFrames(consumer)
    queue = server.create_application(protocol, {"type": "websocket", "path": "/ws/live/1/play/", "headers": []})
    assert queue is not None
    protocol.handshake_deferred = Deferred()  # the handshake in flight: the consumer accepts, then closes
    await queue.put({"type": "websocket.connect"})  # anonymous: the consumer closes it with 4401
    await queue.put({"type": "websocket.disconnect", "code": 4401})
    await asyncio.wait_for(server.connections[protocol]["application_instance"], 10)
    assert consumer.writer is not None
    assert consumer.writer(transport.prepare("大屏")) is False  # the consumer closed this socket
    protocol.state = WebSocketProtocol.STATE_OPEN  # as if it were still open
    wire.clear()
    assert consumer.writer(transport.prepare("大屏")) is True
    assert wire.value() == transport.prepare("大屏").payloadHybi


def test_a_sockets_own_replies_go_through_the_writer_and_fall_back_when_it_refuses() -> None:
    """Acks, errors and command replies (LiveConsumer.send_model) are written straight to the
    socket like broadcasts when daphne's writer is there; a writer that refuses (the socket is
    closing) leaves the message to the ASGI send."""
    from competitions.live import events
    from competitions.live.consumers import LiveConsumer

    written: list[bytes] = []
    asgi: list[str] = []
    consumer = LiveConsumer.__new__(LiveConsumer)
    consumer.last_seq = 7

    async def send(text_data: str | None = None, **_: Any) -> None:
        asgi.append(text_data or "")

    consumer.send = send  # type: ignore[method-assign]
    consumer.writer = lambda prepared: written.append(prepared.payloadHybi) or True
    asyncio.run(consumer.send_model(events.Error(code="bad_state", message="不行")))
    assert len(written) == 1 and not asgi
    assert b'"code":"bad_state"' in written[0] and b'"seq":7' in written[0]

    consumer.writer = lambda prepared: False
    asyncio.run(consumer.send_model(events.Error(code="closed", message="晚了")))
    assert len(asgi) == 1 and '"code":"closed"' in asgi[0]
