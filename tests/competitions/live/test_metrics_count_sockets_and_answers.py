"""/metrics follows a live round: open sockets per role, answers by outcome."""

from __future__ import annotations

import uuid

import pytest

from config.metrics import registry

pytestmark = pytest.mark.django_db(transaction=True)


def _value(name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


async def test_sockets_are_counted_by_role_while_open(arena, sockets) -> None:
    hosts, players = _value("shuzhi_websockets_open", role="host"), _value("shuzhi_websockets_open", role="play")
    host = await sockets.host()
    player = await sockets.player(0)
    assert _value("shuzhi_websockets_open", role="host") == hosts + 1
    assert _value("shuzhi_websockets_open", role="play") == players + 1
    await player.close()
    await host.close()
    assert _value("shuzhi_websockets_open", role="host") == hosts
    assert _value("shuzhi_websockets_open", role="play") == players


async def test_answers_are_counted_as_acked_or_refused(arena, sockets) -> None:
    acked = _value("shuzhi_live_answers_total", outcome="acked")
    refused = _value("shuzhi_live_answers_total", outcome="refused")
    host = await sockets.host()
    player = await sockets.player(0)
    await host.send(type="command", action="open_next")
    question = (await player.expect("question_open"))["question"]
    await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=question["id"], response="A")
    await player.expect("ack")
    await player.send(type="answer", answer_id=str(uuid.uuid4()), question_id=question["id"], response="B")
    assert (await player.expect("error"))["code"] == "already_answered"
    assert _value("shuzhi_live_answers_total", outcome="acked") == acked + 1
    assert _value("shuzhi_live_answers_total", outcome="refused") == refused + 1
