"""/readyz's channel-layer probe answers in a process whose live hub is receiving from the layer.

On Redis a process-specific channel is read by one reader per layer, owned by the hub's event loop;
a probe on such a channel from the request's own loop was never woken, and every process with a
live round on it reported itself unready.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from config import health

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


async def test_the_channel_layer_check_passes_while_a_round_is_live(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    await player.expect("question_open")
    await sync_to_async(health.check_channel_layer)()  # raises CheckError on a timeout
    assert "channel_layer" not in await sync_to_async(health.failing_checks)()
