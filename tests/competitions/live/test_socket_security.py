"""Who may open which socket, tickets, message size and rate limits."""

from __future__ import annotations

import json

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def closed_with(communicator: WebsocketCommunicator) -> int:
    """The handshake is accepted (so a browser sees the code), then the socket is closed: the code."""
    connected, _code = await communicator.connect()
    assert connected, "refusals other than a bad Origin are a close code, not an HTTP 403"
    output = await communicator.receive_output(timeout=3)
    assert output["type"] == "websocket.close", output
    return output["code"]


async def test_anonymous_sockets_are_closed_with_4401(arena) -> None:
    communicator = WebsocketCommunicator(
        application, f"/ws/live/{arena.round.pk}/play/", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )
    assert await closed_with(communicator) == 4401


async def test_a_forged_session_cookie_is_closed_with_4401(arena) -> None:
    from django.conf import settings

    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}=forged0000000000000000000000000".encode()),
    ]
    for role in ("play", "host", "screen"):
        communicator = WebsocketCommunicator(application, f"/ws/live/{arena.round.pk}/{role}/", headers=headers)
        assert await closed_with(communicator) == 4401


async def test_a_foreign_origin_is_refused_at_the_handshake(arena, ws_headers) -> None:
    """The one refusal that stays an HTTP 403: the CSRF-like Origin check, before any consumer."""
    from asgiref.sync import sync_to_async

    headers = await sync_to_async(ws_headers)(arena.people[0])
    headers[0] = (b"origin", b"https://evil.example.com")
    connected, _code = await WebsocketCommunicator(
        application, f"/ws/live/{arena.round.pk}/play/", headers=headers
    ).connect()
    assert not connected


async def test_only_the_contests_organizers_may_open_the_host_console_or_big_screen(
    arena, ws_headers, make_person
) -> None:
    from asgiref.sync import sync_to_async

    from accounts.choices import Role

    other_organizer = await sync_to_async(make_person)(Role.ORGANIZER)
    for person in (other_organizer, arena.people[0]):
        for role in ("host", "screen"):
            headers = await sync_to_async(ws_headers)(person)
            communicator = WebsocketCommunicator(application, f"/ws/live/{arena.round.pk}/{role}/", headers=headers)
            assert await closed_with(communicator) == 4403


@pytest.mark.parametrize("round_id", ["999999", str(2**63), "9" * 40])
async def test_an_unknown_round_is_closed_with_4404(arena, ws_headers, round_id: str) -> None:
    from asgiref.sync import sync_to_async

    for person, role in ((arena.people[0], "play"), (arena.organizer, "host"), (arena.organizer, "screen")):
        headers = await sync_to_async(ws_headers)(person)
        communicator = WebsocketCommunicator(application, f"/ws/live/{round_id}/{role}/", headers=headers)
        assert await closed_with(communicator) == 4404


async def test_a_wrong_access_code_is_refused(arena, sockets) -> None:
    sock, connected, _ = await sockets.raw(arena.people[0])
    assert connected
    await sock.send(type="join", ticket=arena.tickets[0].number, access_code="000000x")
    assert (await sock.expect("error"))["code"] == "bad_ticket"


async def test_nobody_can_join_with_someone_elses_ticket(arena, sockets) -> None:
    sock, _connected, _ = await sockets.raw(arena.people[1])
    await sock.send(type="join", ticket=arena.tickets[0].number, access_code=arena.tickets[0].access_code)
    assert (await sock.expect("error"))["code"] == "wrong_person"


async def test_answers_before_joining_are_refused(arena, sockets) -> None:
    sock, _connected, _ = await sockets.raw(arena.people[0])
    await sock.send(type="answer", answer_id="6f0c2f0e-8a9b-4c1d-9e2f-3a4b5c6d7e8f", question_id=1, response="A")
    assert (await sock.expect("error"))["code"] == "not_joined"


async def test_contestants_cannot_send_host_commands(arena, sockets) -> None:
    player = await sockets.player(0)
    await player.send(type="command", action="open_next")
    assert (await player.expect("error"))["code"] == "forbidden"


async def test_oversized_and_malformed_messages_are_refused(arena, sockets) -> None:
    player = await sockets.player(0)
    await player.raw(json.dumps({"type": "ping", "pad": "x" * 5000}))
    assert (await player.expect("error"))["code"] == "too_large"
    await player.raw("{not json")
    assert (await player.expect("error"))["code"] == "bad_message"
    await player.send(type="hello")
    assert (await player.expect("error"))["code"] == "bad_message"


async def test_a_flood_is_rate_limited_and_then_disconnected(arena, sockets) -> None:
    player = await sockets.player(0)
    for _ in range(25):
        await player.send(type="ping")
    codes = []
    for _ in range(25):
        message = await player.recv()
        codes.append(message.get("code") or message["type"])
    assert "rate_limited" in codes
    for _ in range(40):
        await player.send(type="ping")
    output = await player.c.receive_output(timeout=3)
    while output["type"] != "websocket.close":
        output = await player.c.receive_output(timeout=3)
    assert output["code"] == 4429
