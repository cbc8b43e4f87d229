"""One hostile message cannot knock honest contestants off (issue #19, item 14).

Each poison is sent by one contestant in the same group-commit window as two honest answers:
the honest answers are acknowledged and stored, the poison gets an error frame (nothing of it is
stored), and every socket stays open (no 1011).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import DataError

from competitions.live.models import LiveAnswer, Participant

pytestmark = pytest.mark.django_db(transaction=True)

HONEST = "A"


@pytest.fixture
def one_batch(settings) -> None:
    """A wide group-commit window, so the three answers below are committed as one batch."""
    settings.LIVE_FLUSH_MS = 300


async def open_question(sockets) -> tuple[Any, list[Any], int]:
    host = await sockets.host()
    players = [await sockets.player(i) for i in range(3)]
    await host.send(type="command", action="open_next")
    for player in players:
        opened = await player.expect("question_open")
    return host, players, opened["question"]["id"]


def answer(qid: Any, response: Any = HONEST, **extra: Any) -> dict[str, Any]:
    return {"type": "answer", "answer_id": str(uuid.uuid4()), "question_id": qid, "response": response, **extra}


async def still_open(*socks: Any) -> None:
    """No socket was closed (1011 or otherwise): each still answers a ping."""
    for sock in socks:
        await sock.send(type="ping")
        assert (await sock.expect("pong"))["type"] == "pong"


async def honest_ones_are_stored(players: list[Any], honest: list[dict[str, Any]]) -> None:
    for player, sent in zip(players[:2], honest, strict=True):
        ack = await player.expect("ack")
        assert ack["answer_id"] == sent["answer_id"] and not ack["duplicate"]
    stored = await sync_to_async(lambda: set(LiveAnswer.objects.values_list("client_id", flat=True)))()
    assert stored == {uuid.UUID(h["answer_id"]) for h in honest}


def _poisons(qid: int) -> dict[str, str]:
    """The raw text of each poison, for the open question `qid` (a single-choice question)."""
    base = {"type": "answer", "answer_id": str(uuid.uuid4())}
    return {
        "id over the bigint range": json.dumps({**base, "question_id": 2**63, "response": "A"}),
        "negative id": json.dumps({**base, "question_id": -1, "response": "A"}),
        "id as a string": json.dumps({**base, "question_id": str(qid), "response": "A"}),
        "id as a float": json.dumps({**base, "question_id": float(qid), "response": "A"}),
        "NUL in the response": json.dumps({**base, "question_id": qid, "response": "A\u0000"}),
        "NUL in a list response": json.dumps({**base, "question_id": qid, "response": ["A", "\u0000"]}),
        "object response": json.dumps({**base, "question_id": qid, "response": {"A": 1}}),
        "number response": json.dumps({**base, "question_id": qid, "response": 1}),
        "null response": json.dumps({**base, "question_id": qid, "response": None}),
        "missing response": json.dumps({**base, "question_id": qid}),
        # Well-typed, but not the shape of a single-choice answer: refused per answer in the batch.
        "list for a single choice": json.dumps({**base, "question_id": qid, "response": ["A"]}),
        "boolean for a single choice": json.dumps({**base, "question_id": qid, "response": True}),
        "option out of range": json.dumps({**base, "question_id": qid, "response": "F"}),
        "long text for a single choice": json.dumps({**base, "question_id": qid, "response": "AB"}),
    }


POISONS = list(_poisons(1))


@pytest.mark.parametrize("poison", POISONS)
async def test_a_poisoned_answer_is_refused_and_its_neighbours_are_acknowledged_and_stored(
    arena, sockets, one_batch, poison: str
) -> None:
    host, players, qid = await open_question(sockets)
    honest = [answer(qid), answer(qid, "B")]
    await players[0].raw(json.dumps(honest[0]))
    await players[2].raw(_poisons(qid)[poison])
    await players[1].raw(json.dumps(honest[1]))
    error = await players[2].expect("error")
    assert error["code"] == "bad_message", error
    await honest_ones_are_stored(players, honest)
    await still_open(host, *players)
    poisoned_seat = await sync_to_async(
        lambda: Participant.objects.get(registration=arena.tickets[2].registration).answers.count()
    )()
    assert poisoned_seat == 0


async def test_the_poisoner_can_still_answer_properly_afterwards(arena, sockets, one_batch) -> None:
    _host, players, qid = await open_question(sockets)
    await players[2].raw(_poisons(qid)["id as a string"])
    assert (await players[2].expect("error"))["code"] == "bad_message"
    await players[2].send(**answer(qid))
    assert (await players[2].expect("ack"))["question_id"] == qid


async def test_responses_must_fit_each_question_type(arena, sockets) -> None:
    """true/false takes a boolean, multiple a list of distinct option keys (not a bare key)."""
    host, players, qid = await open_question(sockets)
    await host.send(type="command", action="close")
    await host.expect("question_closed")
    await host.send(type="command", action="open_next")  # 2: true/false
    qid = (await players[0].expect("question_open"))["question"]["id"]
    for wrong in ("true", "对", 1, ["A"]):
        await players[0].send(**answer(qid, wrong))
        assert (await players[0].expect("error"))["code"] == "bad_message", wrong
    await players[0].send(**answer(qid, True))
    await players[0].expect("ack")
    await host.send(type="command", action="close")
    await host.expect("question_closed")
    await host.send(type="command", action="open_next")  # 3: multiple
    opened = await players[1].expect("question_open")
    while opened["question"]["position"] != 3:  # skip the true/false question's opening
        opened = await players[1].expect("question_open")
    qid = opened["question"]["id"]
    for wrong in ("A", ["A", "A"], [], ["A", "Z"], [True]):
        await players[1].send(**answer(qid, wrong))
        assert (await players[1].expect("error"))["code"] == "bad_message", wrong
    await players[1].send(**answer(qid, ["A", "B", "D"]))
    await players[1].expect("ack")
    assert await sync_to_async(LiveAnswer.objects.count)() == 2


@pytest.mark.parametrize(
    ("ticket", "code"),
    [("2026\u00000001", "000000"), ("2" * 21, "000000"), (20260001, "000000"), ("x", "0\u00000")],
    ids=["NUL ticket", "oversize ticket", "number ticket", "NUL access code"],
)
async def test_a_hostile_join_ticket_is_bad_ticket_and_answering_goes_on(
    arena, sockets, one_batch, ticket: Any, code: str
) -> None:
    host = await sockets.host()
    players = [await sockets.player(i) for i in range(2)]
    intruder, connected, _ = await sockets.raw(arena.people[2])
    assert connected
    await intruder.expect("welcome")
    await host.send(type="command", action="open_next")
    qid = (await players[0].expect("question_open"))["question"]["id"]
    await players[1].expect("question_open")
    honest = [answer(qid), answer(qid, "C")]
    await players[0].raw(json.dumps(honest[0]))
    await intruder.raw(json.dumps({"type": "join", "ticket": ticket, "access_code": code}))
    await players[1].raw(json.dumps(honest[1]))
    assert (await intruder.expect("error"))["code"] == "bad_ticket"
    await honest_ones_are_stored(players, honest)
    await still_open(host, intruder, *players)


async def test_a_database_error_on_one_answer_fails_only_that_answer(
    arena, sockets, one_batch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the checks did not foresee: the batch is retried without the failing answer."""
    host, players, qid = await open_question(sockets)
    doomed = await sync_to_async(lambda: Participant.objects.get(registration=arena.tickets[2].registration).pk)()
    real_bulk_create = LiveAnswer.objects.bulk_create
    batches: list[int] = []

    def bulk_create(rows: Any, *args: Any, **kwargs: Any) -> Any:
        rows = list(rows)
        batches.append(len(rows))
        if any(row.participant_id == doomed for row in rows):
            raise DataError("unsupported Unicode escape sequence")  # as PostgreSQL says of a NUL in jsonb
        return real_bulk_create(rows, *args, **kwargs)

    monkeypatch.setattr(LiveAnswer.objects, "bulk_create", bulk_create)
    honest = [answer(qid), answer(qid, "B")]
    doomed_answer = answer(qid, "C")
    await players[0].raw(json.dumps(honest[0]))
    await players[2].raw(json.dumps(doomed_answer))
    await players[1].raw(json.dumps(honest[1]))
    error = await players[2].expect("error")
    assert error["code"] == "not_stored" and error["answer_id"] == doomed_answer["answer_id"]
    await honest_ones_are_stored(players, honest)
    assert batches[0] == 3  # the three really were one group commit
    await still_open(host, *players)
    # Nothing of it was stored, so sending it again (once the fault is gone) is accepted.
    monkeypatch.setattr(LiveAnswer.objects, "bulk_create", real_bulk_create)
    await players[2].raw(json.dumps(doomed_answer))
    assert (await players[2].expect("ack"))["answer_id"] == doomed_answer["answer_id"]
