"""The socket speaks text frames only: a binary frame is answered with `bad_message` and never
read, even when its bytes are a valid message; the socket stays open."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async

from competitions.live.models import Participant

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_binary_frame_is_refused_even_when_it_holds_a_valid_message(arena, sockets) -> None:
    player, connected, _code = await sockets.raw(arena.people[0])
    assert connected
    await player.expect("welcome")
    ticket = arena.tickets[0]
    join = json.dumps({"type": "join", "ticket": ticket.number, "access_code": ticket.access_code})
    await player.c.send_to(bytes_data=join.encode())
    error = await player.expect("error")
    assert error["code"] == "bad_message" and "文本帧" in error["message"]
    assert not await sync_to_async(Participant.objects.exists)()  # not joined: the frame was not read
    await player.send(type="ping")
    assert (await player.expect("pong"))["type"] == "pong"  # still open


async def test_a_binary_command_is_not_run(arena, sockets) -> None:
    host = await sockets.host()
    await host.c.send_to(bytes_data=b'{"type":"command","action":"open_next"}')
    assert (await host.expect("error"))["code"] == "bad_message"
    await host.send(type="command", action="reveal", request_id="after")
    error = await host.expect("error")
    assert (error["code"], error["request_id"]) == ("bad_state", "after")  # still in the lobby


async def test_a_large_binary_frame_is_too_large(arena, sockets) -> None:
    player = await sockets.player(0)
    await player.c.send_to(bytes_data=b"x" * 5000)
    assert (await player.expect("error"))["code"] == "too_large"
