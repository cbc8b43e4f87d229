"""A round reset from the organizer's page reaches every open screen and phone at once: the
broadcast state skips a sequence number, so each client drops what it showed and resyncs from a
snapshot of the lobby."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from competitions.live.models import LiveRound

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_reset_sends_every_socket_the_lobby_with_a_gap_that_makes_it_resync(arena, sockets) -> None:
    await sync_to_async(lambda: LiveRound.objects.filter(pk=arena.round.pk).update(rehearsal=True))()
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    opened = await player.expect("question_open")
    await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=opened["question"]["id"], response="A")
    await player.expect("ack")

    def reset() -> int:
        client = Client()
        client.force_login(arena.organizer)
        response = client.post(f"/live/manage/{arena.round.pk}/reset/")
        assert response.status_code == 302
        return LiveRound.objects.get(pk=arena.round.pk).seq

    seq = await sync_to_async(reset)()
    state = await player.expect("round_state")
    assert state["state"] == "lobby" and state["seq"] == seq
    assert seq >= opened["seq"] + 2  # a gap after whatever the socket last saw: it asks for a snapshot
    assert (await host.expect("round_state"))["state"] == "lobby"
    await player.send(type="snapshot")
    snap = await player.expect("snapshot")
    assert snap["state"] == "lobby" and snap["my_answer"] is None and snap["question"] is None
