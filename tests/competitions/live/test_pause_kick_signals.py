"""Pause and resume, kicking a connection, and suspicious signals recorded for organizers."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import sync_to_async

from competitions.live.models import SuspiciousSignal

pytestmark = pytest.mark.django_db(transaction=True)


async def test_pause_refuses_answers_and_resume_moves_the_close_time_on(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    opened = await player.expect("question_open")
    await host.send(type="command", action="pause")
    paused = await player.expect("round_state")
    assert paused["paused"] and paused["remaining"] <= 20
    await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=opened["question"]["id"], response="A")
    assert (await player.expect("error"))["code"] == "paused"
    await host.send(type="command", action="resume")
    resumed = await player.expect("round_state")
    assert not resumed["paused"] and resumed["closes_at"] > opened["closes_at"]
    await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=opened["question"]["id"], response="A")
    await player.expect("ack")


async def test_a_kicked_contestant_is_disconnected_and_cannot_rejoin(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="kick", ticket=arena.tickets[0].number)
    bye = await player.expect("bye")
    assert bye["reason"] == "kicked"
    sock, _connected, _ = await sockets.raw(arena.people[0])
    await sock.send(type="join", ticket=arena.tickets[0].number, access_code=arena.tickets[0].access_code)
    assert (await sock.expect("error"))["code"] == "kicked"


async def test_page_hidden_during_a_question_and_too_fast_answers_are_recorded(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await player.send(type="signal", kind="page_hidden")  # in the lobby: not recorded
    await player.send(type="ping")
    await player.expect("pong")
    await host.send(type="command", action="open_next")
    qid = (await player.expect("question_open"))["question"]["id"]
    await player.send(type="signal", kind="page_hidden", question_id=qid)
    await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=qid, response="A")
    await player.expect("ack")
    kinds = await sync_to_async(lambda: sorted(SuspiciousSignal.objects.values_list("kind", flat=True)))()
    assert kinds == ["page_hidden", "too_fast"]


async def test_the_host_is_told_who_connects_and_leaves(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(2)
    joined = await host.expect("presence")
    assert joined["online"] and joined["name"] == "丙选手" and joined["connected"] == 1
    await player.close()
    left = await host.expect("presence")
    assert not left["online"] and left["connected"] == 0
