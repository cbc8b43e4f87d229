"""Hosts hear every seat that comes online or leaves, on whichever process it joined; what one
process gathers within PROGRESS_SECONDS crosses the channel layer as one message (a hall joining
at once used to be one group_send per phone, a seventh of a daphne's time), and the number of
seats online in it is counted once, when it is sent (it used to be a COUNT per joining phone:
a tenth of a daphne's time while a hall joined)."""

from __future__ import annotations

import asyncio

import pytest

from competitions.live.hub import PROGRESS_SECONDS, Hub

pytestmark = pytest.mark.django_db(transaction=True)


async def test_many_seats_online_reach_the_hosts_as_one_layer_message_with_one_count(
    arena, sockets, monkeypatch
) -> None:
    host = await sockets.host()
    players = [await sockets.player(i) for i in range(3)]
    for _ in players:
        await host.expect("presence", timeout=PROGRESS_SECONDS + 3)
    hub = await Hub.get(arena.round.pk)
    sent: list[dict] = []
    counts: list[int] = []
    group_send, online_count = hub.layer.group_send, hub._online_count

    async def watched_send(group: str, message: dict) -> None:
        if message.get("type") == "live.host":
            sent.append(message)
        await group_send(group, message)

    def watched_count() -> int:
        counts.append(online_count())
        return counts[-1]

    monkeypatch.setattr(hub.layer, "group_send", watched_send)
    monkeypatch.setattr(hub, "_online_count", watched_count)
    for i in range(30):
        hub.presence_soon(ticket=f"T{i:04d}", name=f"选手{i}", online=True)
    notes = [await host.expect("presence", timeout=PROGRESS_SECONDS + 3) for _ in range(30)]

    assert [n["ticket"] for n in notes] == [f"T{i:04d}" for i in range(30)]
    assert {n["connected"] for n in notes} == {3}  # the seats really online, counted once
    assert len(sent) == 1 and len(sent[0]["payloads"]) == 30
    assert counts == [3]
    # A seat that leaves is told a moment later, with the new count.
    await players[0].close()
    left = await host.expect("presence", timeout=PROGRESS_SECONDS + 3)
    assert not left["online"] and left["name"] == "甲选手" and left["connected"] == 2
    await asyncio.sleep(0)
    assert len(sent) == 2 and counts == [3, 2]


async def test_the_notes_still_go_when_the_count_fails(arena, sockets, monkeypatch) -> None:
    host = await sockets.host()
    hub = await Hub.get(arena.round.pk)

    def broken() -> int:
        raise ConnectionError("database away")

    monkeypatch.setattr(hub, "_online_count", broken)
    hub.presence_soon(ticket="T0001", name="选手1", online=True)
    note = await host.expect("presence", timeout=PROGRESS_SECONDS + 3)
    assert note["ticket"] == "T0001" and note["online"] and note["connected"] is None
