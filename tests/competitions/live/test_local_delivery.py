"""A process delivers what it publishes to its own sockets at once (no round trip through the
channel layer) and drops the copy the layer brings back: every socket gets each frame once."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


async def test_each_broadcast_reaches_a_socket_exactly_once(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    opened = await player.expect("question_open")
    await host.send(type="command", action="close")
    closed = await player.expect("question_closed")
    assert closed["seq"] == opened["seq"] + 1
    # Give the layer's copies time to arrive: they must be dropped, not delivered again.
    assert await player.c.receive_nothing(timeout=0.5)
    frames = [m for m in player.seen if m["type"] in ("question_open", "question_closed")]
    assert [m["seq"] for m in frames] == [opened["seq"], closed["seq"]]


async def test_the_publishing_process_still_reaches_its_sockets_when_the_layer_fails(
    arena, sockets, monkeypatch
) -> None:
    host = await sockets.host()
    player = await sockets.player(0)

    async def down(*args, **kwargs):
        raise ConnectionError("channel layer unavailable")

    from competitions.live.hub import Hub

    hub = await Hub.get(arena.round.pk)
    monkeypatch.setattr(hub.layer, "group_send", down)
    await host.send(type="command", action="open_next")
    opened = await player.expect("question_open")
    assert "answer" not in opened["question"]
