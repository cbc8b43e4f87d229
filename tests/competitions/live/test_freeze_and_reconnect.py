"""Freeze keeps the public board still; a reconnecting contestant is whole again from a snapshot."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


async def play_question(host, players, responses) -> int:
    await host.send(type="command", action="open_next")
    qid = (await players[0].expect("question_open"))["question"]["id"]
    for player, response in zip(players, responses, strict=True):
        await player.expect("question_open") if player is not players[0] else None
        if response is not None:
            await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=qid, response=response)
            await player.expect("ack")
    await host.send(type="command", action="close")
    await host.expect("question_closed")
    return qid


async def test_a_frozen_board_stops_moving_for_contestants_but_not_for_the_host(arena, sockets) -> None:
    host = await sockets.host()
    a, b = await sockets.player(0), await sockets.player(1)
    await play_question(host, [a, b], ["A", "B"])  # a leads
    await host.send(type="command", action="freeze")
    state = await a.expect("round_state")
    assert state["frozen"]
    await host.send(type="command", action="reveal")
    await a.expect("reveal")
    await host.send(type="command", action="open_next")
    await play_question_after_open(host, [a, b], [None, True])  # b catches up, hidden
    await host.send(type="command", action="reveal")
    standing = await b.expect("standing")
    assert standing["score"] == 0  # the frozen (public) score
    await host.send(type="command", action="leaderboard")
    public = await b.expect("leaderboard")
    true = await host.expect("leaderboard")
    assert public["frozen"] and true["frozen"]
    assert {r["name"]: r["score"] for r in public["top"]}["乙*手"] == 0  # masked: no public-list consent
    assert {r["name"]: r["score"] for r in true["top"]}["乙选手"] == 10  # the host sees every name
    await host.send(type="command", action="unfreeze")
    await b.expect("round_state")
    board = await b.expect("leaderboard")
    assert {r["name"]: r["score"] for r in board["top"]}["乙*手"] == 10
    assert not board["frozen"]


async def play_question_after_open(host, players, responses) -> None:
    qid = (await players[0].expect("question_open"))["question"]["id"]
    for player, response in zip(players, responses, strict=True):
        if player is not players[0]:
            await player.expect("question_open")
        if response is not None:
            await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=qid, response=response)
            await player.expect("ack")
    await host.send(type="command", action="close")
    await host.expect("question_closed")


async def test_a_reconnecting_contestant_gets_the_question_time_left_and_their_answer(arena, sockets) -> None:
    host = await sockets.host()
    first = await sockets.player(0)
    await host.send(type="command", action="open_next")
    question = (await first.expect("question_open"))["question"]
    answer_id = str(uuid.uuid4())
    await first.send(type="answer", answer_id=answer_id, question_id=question["id"], response="A")
    await first.expect("ack")
    await first.close()

    again = await sockets.player(0)
    snap = [m for m in again.seen if m["type"] == "snapshot"][-1]
    assert snap["state"] == "question"
    assert snap["question"]["id"] == question["id"]
    assert 0 < snap["remaining"] <= 20
    assert snap["my_answer"]["answer_id"] == answer_id
    assert snap["reveal"] is None
    assert snap["standing"]["rank"] >= 1
    # The reconnected client resends its unacknowledged answer with the same id: counted once.
    await again.send(type="answer", answer_id=answer_id, question_id=question["id"], response="A")
    assert (await again.expect("ack"))["duplicate"]


async def test_a_snapshot_can_be_asked_for_after_a_gap(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    opened = await player.expect("question_open")
    await player.send(type="snapshot")
    snap = await player.expect("snapshot")
    assert snap["seq"] == opened["seq"] and snap["question"]["id"] == opened["question"]["id"]


async def test_a_second_device_replaces_the_first_which_is_told_why(arena, sockets) -> None:
    from asgiref.sync import sync_to_async

    from competitions.live.models import SuspiciousSignal

    first = await sockets.player(0)
    await sockets.player(0)
    bye = await first.expect("bye")
    assert bye["reason"] == "replaced" and "另一台设备" in bye["message"]
    output = await first.c.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 4409}
    kinds = await sync_to_async(lambda: list(SuspiciousSignal.objects.values_list("kind", flat=True)))()
    assert kinds == ["two_devices"]
