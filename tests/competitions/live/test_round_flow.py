"""A round from lobby to end over real sockets: every host action and what contestants see."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import sync_to_async

from accounts.models import AuditEvent
from competitions.live.models import LiveAnswer

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_question_reaches_contestants_without_its_answer_key(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    opened = await player.expect("question_open")
    assert opened["question"]["stem"] == "PLC 的中文全称是？"
    assert "answer" not in opened["question"] and "explanation" not in opened["question"]
    assert opened["closes_at"] - opened["opens_at"] == pytest.approx(20, abs=0.01)
    assert opened["server_time"] > 0
    assert (await host.expect("question_open"))["seq"] == opened["seq"]


async def test_an_answer_is_acknowledged_once_and_a_retry_gets_the_same_ack(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    question = (await player.expect("question_open"))["question"]
    answer_id = str(uuid.uuid4())
    await player.send(type="answer", answer_id=answer_id, question_id=question["id"], response="A")
    ack = await player.expect("ack")
    assert ack["answer_id"] == answer_id and not ack["duplicate"]
    await player.send(type="answer", answer_id=answer_id, question_id=question["id"], response="A")
    again = await player.expect("ack")
    assert again["duplicate"] and again["received_at"] == ack["received_at"]
    await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=question["id"], response="B")
    refused = await player.expect("error")
    assert refused["code"] == "already_answered"
    assert await sync_to_async(LiveAnswer.objects.count)() == 1


async def test_the_host_sees_answers_arrive_with_their_distribution(arena, sockets) -> None:
    host = await sockets.host()
    players = [await sockets.player(i) for i in range(3)]
    await host.send(type="command", action="open_next")
    question = (await players[0].expect("question_open"))["question"]
    for player, choice in zip(players, "AAB", strict=True):
        await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=question["id"], response=choice)
        await player.expect("ack")
    while True:
        progress = await host.expect("progress")
        if progress["answered"] == 3:
            break
    assert progress["distribution"] == {"A": 2, "B": 1, "C": 0, "D": 0}
    assert progress["connected"] == 3


async def test_close_reveal_leaderboard_and_end_in_order_with_consecutive_sequence_numbers(arena, sockets) -> None:
    host = await sockets.host()
    right, wrong = await sockets.player(0), await sockets.player(1)
    await host.send(type="command", action="open_next")
    opened = await right.expect("question_open")
    qid = opened["question"]["id"]
    await right.send(type="answer", answer_id=str(uuid.uuid4()), question_id=qid, response="A")
    await right.expect("ack")
    await wrong.send(type="answer", answer_id=str(uuid.uuid4()), question_id=qid, response="C")
    await wrong.expect("ack")

    await host.send(type="command", action="close")
    closed = await right.expect("question_closed")
    assert closed["seq"] == opened["seq"] + 1 and closed["answered"] == 2
    await host.send(type="command", action="reveal")
    revealed = await right.expect("reveal")
    assert revealed["seq"] == closed["seq"] + 1
    assert revealed["answer"] == "A" and revealed["distribution"]["A"] == 1 and revealed["distribution"]["C"] == 1
    mine = await right.expect("standing")
    assert mine["rank"] == 1 and mine["score"] == 10 and mine["last_correct"] is True
    theirs = await wrong.expect("standing")
    assert theirs["last_correct"] is False and theirs["score"] == 0

    await host.send(type="command", action="leaderboard")
    board = await wrong.expect("leaderboard")
    assert board["seq"] == revealed["seq"] + 1
    # Contestants see the public board: nobody here agreed to appear on public lists, so masked.
    assert board["top"][0]["name"] == "甲*手" and board["top"][0]["organization"] == ""
    await host.send(type="command", action="end")
    state = await wrong.expect("round_state")
    assert state["state"] == "ended"
    actions = set(await sync_to_async(lambda: set(AuditEvent.objects.values_list("action", flat=True)))())
    assert {
        "live.open_question",
        "live.close_question",
        "live.reveal",
        "live.show_leaderboard",
        "live.end",
        "live.score",
    } <= actions


async def test_an_answer_after_close_is_rejected(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    qid = (await player.expect("question_open"))["question"]["id"]
    await host.send(type="command", action="close")
    await player.expect("question_closed")
    await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=qid, response="A")
    # The question is still the round's current one, closed early by the host: its closing
    # time has passed, so the answer is refused as late.
    assert (await player.expect("error"))["code"] == "closed"
    assert await sync_to_async(LiveAnswer.objects.count)() == 0


async def test_the_timer_closes_the_question_on_the_server_clock(arena, sockets) -> None:
    await sync_to_async(arena.round.questions.update)(seconds=1)
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    await player.expect("question_open")
    closed = await player.expect("question_closed", timeout=5)
    assert closed["answered"] == 0


async def test_a_claimed_client_time_is_ignored(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    qid = (await player.expect("question_open"))["question"]["id"]
    await player.send(
        type="answer", answer_id=str(uuid.uuid4()), question_id=qid, response="A", received_at=0, elapsed_ms=0
    )
    assert (await player.expect("error"))["code"] == "bad_message"


async def test_only_the_open_question_can_be_answered(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    qid = (await player.expect("question_open"))["question"]["id"]
    await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=qid + 1, response="A")
    assert (await player.expect("error"))["code"] == "not_open"


async def test_host_actions_out_of_order_are_refused(arena, sockets) -> None:
    host = await sockets.host()
    await host.send(type="command", action="reveal")
    assert (await host.expect("error"))["code"] == "bad_state"
    await host.send(type="command", action="resume")
    assert (await host.expect("error"))["code"] == "bad_state"


async def test_ping_gets_pong_with_server_time(arena, sockets) -> None:
    player = await sockets.player(0)
    await player.send(type="ping")
    pong = await player.expect("pong")
    assert pong["server_time"] > 1_700_000_000
