"""After a channel-layer failure a process's hubs rejoin their groups at once and resync.

channels-redis reads every process-local channel through one shared loop, so a Redis restart is
seen by whichever reader holds it: often a contestant's socket, not the hub. Whoever sees it, every
hub of the process must rejoin its group (Redis came back empty) and, if the round moved on while
it was out, send its sockets a fresh snapshot: a frame published by another process meanwhile
reached nobody here."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.test import override_settings

from competitions.live import actions
from competitions.live.hub import Hub, layer_failed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def memory_layer(flush_layer):
    """The in-memory layer whatever the run's settings: the tests empty a group by hand, as a
    Redis restart does, and read its members (the Redis restart itself is test_redis_restart's)."""
    layer = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    with override_settings(CHANNEL_LAYERS=layer):
        channel_layers.backends.clear()
        yield
        channel_layers.backends.clear()


async def _members(hub: Hub) -> set[str]:
    return set(hub.layer.groups.get(hub.group, {}))


async def test_a_failure_seen_anywhere_rejoins_the_group_and_resyncs_missed_frames(
    memory_layer, arena, sockets
) -> None:
    await sockets.host()
    player = await sockets.player(0)
    hub = await Hub.get(arena.round.pk)
    assert hub.channel in await _members(hub)

    # Redis restarts empty: the group is gone. Another process opens the question meanwhile;
    # its broadcast reaches no one here.
    await hub.layer.group_discard(hub.group, hub.channel)
    await sync_to_async(actions.open_next)(arena.organizer, arena.round.pk)
    assert await player.c.receive_nothing(timeout=0.3)

    layer_failed()  # e.g. a contestant's socket read failed
    snapshot = await player.expect("snapshot")
    assert snapshot["state"] == "question" and snapshot["question"]["id"]
    assert hub.channel in await _members(hub)


async def test_a_rejoin_with_nothing_missed_sends_nothing(memory_layer, arena, sockets) -> None:
    await sockets.host()
    player = await sockets.player(0)
    hub = await Hub.get(arena.round.pk)
    await hub.layer.group_discard(hub.group, hub.channel)
    layer_failed()
    for _ in range(50):
        if hub.channel in await _members(hub):
            break
        await asyncio.sleep(0.02)
    assert hub.channel in await _members(hub)
    assert await player.c.receive_nothing(timeout=0.3)
