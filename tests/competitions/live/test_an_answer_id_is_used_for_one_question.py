"""An `answer_id` names one answer to one question: reused for a later question it is refused
with `answer_id_reused` (the new answer is neither stored nor acknowledged with the old ack);
the same answer resent for the same question stays an idempotent duplicate ack."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async

from competitions.live import actions
from competitions.live.models import LiveAnswer, LiveRound, Participant

pytestmark = pytest.mark.django_db(transaction=True)


async def next_question(host, player) -> dict:
    await host.send(type="command", action="open_next")
    return (await player.expect("question_open"))["question"]


async def test_an_answer_id_reused_for_a_later_question_is_rejected(arena, sockets) -> None:
    host = await sockets.host()
    player = await sockets.player(0)
    answer_id = str(uuid.uuid4())
    first = await next_question(host, player)
    await player.send(type="answer", answer_id=answer_id, question_id=first["id"], response="A")
    assert (await player.expect("ack"))["question_id"] == first["id"]
    await host.send(type="command", action="close")
    await host.expect("question_closed")
    second = await next_question(host, player)

    await player.send(type="answer", answer_id=answer_id, question_id=second["id"], response=True)

    error = await player.expect("error")
    assert (error["code"], error["answer_id"]) == ("answer_id_reused", answer_id)
    stored = await sync_to_async(lambda: list(LiveAnswer.objects.values_list("live_question_id", flat=True)))()
    assert stored == [first["id"]]
    # A fresh id for the second question is accepted; the first answer's resend is still a duplicate.
    await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=second["id"], response=True)
    assert (await player.expect("ack"))["question_id"] == second["id"]
    await player.send(type="answer", answer_id=answer_id, question_id=first["id"], response="A")
    again = await player.expect("ack")
    assert again["duplicate"] and again["question_id"] == first["id"]


def test_a_resend_in_the_same_batch_is_a_duplicate_and_a_reuse_there_is_rejected(arena) -> None:
    seat = Participant.objects.create(round=arena.round, registration=arena.tickets[0].registration)
    other = Participant.objects.create(round=arena.round, registration=arena.tickets[1].registration)
    actions.open_next(arena.organizer, arena.round.pk)
    lq = LiveRound.objects.get(pk=arena.round.pk).current
    later = arena.round.questions.get(position=2)
    at = lq.opens_at + timedelta(milliseconds=1500)
    same = uuid.uuid4()
    batch = [
        actions.PendingAnswer(seat.pk, arena.round.pk, same, lq.pk, "A", at),
        actions.PendingAnswer(seat.pk, arena.round.pk, same, lq.pk, "A", at + timedelta(milliseconds=5)),
        actions.PendingAnswer(seat.pk, arena.round.pk, same, later.pk, True, at),
        actions.PendingAnswer(other.pk, arena.round.pk, same, lq.pk, "B", at),  # ids are per seat
    ]

    first, resend, reuse, neighbour = actions.submit_answers(batch)

    assert first.ack is not None and not first.ack.duplicate
    assert resend.ack is not None and resend.ack.duplicate and resend.ack.received_at == first.ack.received_at
    assert reuse.error is not None and reuse.error.code == "answer_id_reused"
    assert neighbour.ack is not None and not neighbour.ack.duplicate
    assert LiveAnswer.objects.filter(participant=seat).count() == 1


def test_elapsed_time_is_whole_milliseconds_rounded_down(arena) -> None:
    seat = Participant.objects.create(round=arena.round, registration=arena.tickets[0].registration)
    actions.open_next(arena.organizer, arena.round.pk)
    lq = LiveRound.objects.get(pk=arena.round.pk).current
    at = lq.opens_at + timedelta(seconds=1, microseconds=1999)  # 1001.999 ms
    [result] = actions.submit_answers([actions.PendingAnswer(seat.pk, arena.round.pk, uuid.uuid4(), lq.pk, "A", at)])
    assert result.ack is not None
    assert LiveAnswer.objects.get().elapsed_ms == 1001
