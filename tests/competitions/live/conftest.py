"""A live round with an organizer (host) and three seated contestants, and a socket helper."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator

from accounts.choices import Role
from competitions.live import setup
from competitions.live.models import LiveRound
from config.asgi import application


@dataclass
class Arena:
    round: LiveRound
    organizer: Any
    people: list[Any]
    tickets: list[Any]


@pytest.fixture
def flush_layer() -> None:
    """A fresh channel layer per test: each test runs in its own event loop, and a layer (its
    in-memory groups, or channels-redis' receive lock) belongs to the loop that first used it."""
    channel_layers.backends.clear()


@pytest.fixture
def arena(transactional_db: None, make_person, organizer, acme, flush_layer) -> Arena:
    contest, group = setup.create_contest(organizer)
    live_round = setup.create_round(contest, seconds=20)
    people = [make_person(Role.LEARNER, org=acme, name=name) for name in ("甲选手", "乙选手", "丙选手")]
    tickets = [setup.seat(organizer, contest, group, person) for person in people]
    return Arena(live_round, organizer, people, tickets)


class Socket:
    """A WebsocketCommunicator that reads messages until the wanted type, keeping the rest."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.c = communicator
        self.seen: list[dict[str, Any]] = []

    async def send(self, **message: Any) -> None:
        await self.c.send_to(text_data=json.dumps(message, default=str))

    async def raw(self, text: str) -> None:
        await self.c.send_to(text_data=text)

    async def recv(self, timeout: float = 3) -> dict[str, Any]:
        message = json.loads(await self.c.receive_from(timeout=timeout))
        self.seen.append(message)
        return message

    async def expect(self, kind: str, timeout: float = 3) -> dict[str, Any]:
        while True:
            message = await self.recv(timeout)
            if message["type"] == kind:
                return message

    async def close(self) -> None:
        await self.c.disconnect()


async def open_socket(ws_headers, user, path: str) -> tuple[Socket, bool, int | None]:
    headers = await sync_to_async(ws_headers)(user)
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    return Socket(communicator), connected, code


async def host_socket(ws_headers, arena: Arena) -> Socket:
    sock, connected, _code = await open_socket(ws_headers, arena.organizer, f"/ws/live/{arena.round.pk}/host/")
    assert connected
    await sock.expect("welcome")
    await sock.expect("snapshot")
    return sock


async def player_socket(ws_headers, arena: Arena, i: int) -> Socket:
    sock, connected, _code = await open_socket(ws_headers, arena.people[i], f"/ws/live/{arena.round.pk}/play/")
    assert connected
    await sock.expect("welcome")
    ticket = arena.tickets[i]
    await sock.send(type="join", ticket=ticket.number, access_code=ticket.access_code)
    await sock.expect("joined")
    await sock.expect("snapshot")
    return sock


@pytest.fixture
def sockets(ws_headers, arena):
    """Open host, player and raw sockets for the arena."""

    class Factory:
        async def host(self) -> Socket:
            return await host_socket(ws_headers, arena)

        async def player(self, i: int) -> Socket:
            return await player_socket(ws_headers, arena, i)

        async def raw(self, user, role: str = "play") -> tuple[Socket, bool, int | None]:
            return await open_socket(ws_headers, user, f"/ws/live/{arena.round.pk}/{role}/")

    return Factory()
