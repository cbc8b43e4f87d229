"""Hosts hear every seat that comes online or leaves, on whichever process it joined; what one
process gathers within PROGRESS_SECONDS crosses the channel layer as one message (a hall joining
at once used to be one group_send per phone, a seventh of a daphne's time)."""

from __future__ import annotations

import asyncio

import pytest

from competitions.live import events
from competitions.live.hub import PROGRESS_SECONDS, Hub

pytestmark = pytest.mark.django_db(transaction=True)


async def test_many_seats_online_reach_the_hosts_as_one_layer_message(arena, sockets, monkeypatch) -> None:
    host = await sockets.host()
    hub = await Hub.get(arena.round.pk)
    sent: list[dict] = []
    group_send = hub.layer.group_send

    async def counting(group: str, message: dict) -> None:
        if message.get("type") == "live.host":
            sent.append(message)
        await group_send(group, message)

    monkeypatch.setattr(hub.layer, "group_send", counting)
    for i in range(30):
        hub.presence_soon(events.Presence(ticket=f"T{i:04d}", name=f"选手{i}", online=True, connected=i + 1))
    notes = [await host.expect("presence", timeout=PROGRESS_SECONDS + 3) for _ in range(30)]

    assert [n["ticket"] for n in notes] == [f"T{i:04d}" for i in range(30)]
    assert notes[-1]["connected"] == 30
    assert len(sent) == 1 and len(sent[0]["payloads"]) == 30
    # A later change is sent on its own, a moment later.
    hub.presence_soon(events.Presence(ticket="T0000", name="选手0", online=False, connected=29))
    left = await host.expect("presence", timeout=PROGRESS_SECONDS + 3)
    assert not left["online"] and left["connected"] == 29
    await asyncio.sleep(0)
    assert len(sent) == 2
