"""Fault: one of two daphne processes is killed mid-question. Its contestants reconnect to the
other process, join again, resend their unacknowledged answers with the same ids, and no
acknowledged answer is lost or stored twice.

Two real daphne subprocesses on the test database share a private redis-server (a free loopback
port, never the shared one), so this runs on the embedded SQLite file and on PostgreSQL alike.
"""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from typing import Any

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.db import connection

from competitions.live import actions, setup
from competitions.live.models import LiveAnswer, LiveRound

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ORIGIN = "http://127.0.0.1:8000"
CONTESTANTS = 8


class Client:
    """A contestant's reference-client behaviour: join, answer with an id, remember what is not
    yet acknowledged, and on a lost connection join again elsewhere and resend it."""

    def __init__(self, cookie: str, ticket: str, code: str) -> None:
        self.headers = {"Origin": ORIGIN, "Cookie": cookie}
        self.ticket, self.code = ticket, code
        self.ws: Any = None
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.pending: dict[str, dict[str, Any]] = {}
        self.acked: dict[str, dict[str, Any]] = {}
        self.snapshots: list[dict[str, Any]] = []
        self.closed = asyncio.Event()

    async def connect(self, url: str, *, join: bool = True) -> None:
        self.ws = await websockets.connect(url, additional_headers=self.headers, open_timeout=30)
        self.closed.clear()
        asyncio.get_running_loop().create_task(self._read(self.ws))
        if join:
            await self.send({"type": "join", "ticket": self.ticket, "access_code": self.code})
            await self.expect("joined")
            self.snapshots.append(await self.expect("snapshot"))

    async def _read(self, ws: Any) -> None:
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "ack":
                    answer = self.pending.pop(message["answer_id"], None)
                    if answer is not None:
                        self.acked[message["answer_id"]] = {**answer, "ack": message}
                self.inbox.put_nowait(message)
        except websockets.ConnectionClosed:
            pass
        finally:
            if ws is self.ws:
                self.closed.set()

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def expect(self, kind: str, timeout: float = 20) -> dict[str, Any]:
        while True:
            message = await asyncio.wait_for(self.inbox.get(), timeout)
            if message["type"] == kind:
                return message
            if message["type"] == "error":
                raise AssertionError(message)

    async def answer(self, question_id: int, response: Any) -> str:
        answer_id = str(uuid.uuid4())
        message = {"type": "answer", "answer_id": answer_id, "question_id": question_id, "response": response}
        self.pending[answer_id] = message
        await self.send(message)
        return answer_id

    async def resend(self) -> None:
        for message in list(self.pending.values()):
            await self.send(message)


def seat_people(arena) -> list[tuple[Any, str, str]]:
    contest = arena.round.contest
    group = contest.event_groups.first()
    seats = setup.bulk_seat(contest, group, CONTESTANTS, password="Test-pass-2026", mobile_start=17100000000)
    from accounts.models import User

    users = {u.pk: u for u in User.objects.filter(pk__in=[s.user_id for s in seats])}
    return [(users[s.user_id], s.ticket, s.access_code) for s in seats]


def cookie_of(headers: list[tuple[bytes, bytes]]) -> str:
    return dict(headers)[b"cookie"].decode()


async def test_when_a_daphne_process_dies_its_contestants_reconnect_to_another_and_no_acked_answer_is_lost(
    arena, ws_headers, cluster
) -> None:
    people = await sync_to_async(seat_people)(arena)
    host_cookie = cookie_of(await sync_to_async(ws_headers)(arena.organizer))
    cookies = [cookie_of(await sync_to_async(ws_headers)(person)) for person, _t, _c in people]
    await sync_to_async(lambda: connection.close())()
    doomed, survivor = cluster["ports"]
    url = "ws://127.0.0.1:{}/ws/live/" + str(arena.round.pk) + "/{}/"

    host = Client(host_cookie, "", "")
    await host.connect(url.format(survivor, "host"), join=False)
    await host.expect("snapshot")
    clients = [Client(cookie, ticket, code) for cookie, (_p, ticket, code) in zip(cookies, people, strict=True)]
    on_doomed = clients[: CONTESTANTS // 2]
    on_survivor = clients[CONTESTANTS // 2 :]
    for client in on_doomed:
        await client.connect(url.format(doomed, "play"))
    for client in on_survivor:
        await client.connect(url.format(survivor, "play"))

    # The host is on the survivor; the doomed process's contestants get the question through Redis.
    await host.send({"type": "command", "action": "open_next"})
    opened = [await client.expect("question_open") for client in clients]
    qid = opened[0]["question"]["id"]
    assert {m["question"]["id"] for m in opened} == {qid}

    # One answer is acknowledged before the kill; the rest of the doomed process's answers are in
    # flight when it dies (some may have been committed without their ack reaching the client).
    await on_doomed[0].answer(qid, "A")
    await on_doomed[0].expect("ack")
    for client in on_doomed[1:]:
        await client.answer(qid, "A" if clients.index(client) % 2 else "B")
    cluster["servers"][0].send_signal(signal.SIGKILL)
    cluster["servers"][0].wait(10)
    for client in on_survivor:
        await client.answer(qid, "A")
    for client in on_doomed:
        await asyncio.wait_for(client.closed.wait(), 20)

    # They reconnect to the other process, join, get a snapshot and resend what is unacknowledged.
    for client in on_doomed:
        await client.connect(url.format(survivor, "play"))
        snap = client.snapshots[-1]
        assert snap["state"] == "question" and snap["question"]["id"] == qid
        await client.resend()
    for client in clients:
        while client.pending:
            await client.expect("ack")

    acked = {answer_id: entry for client in clients for answer_id, entry in client.acked.items()}
    assert len(acked) == CONTESTANTS
    assert on_doomed[0].snapshots[-1]["my_answer"]["answer_id"] in on_doomed[0].acked
    rows = await sync_to_async(
        lambda: list(LiveAnswer.objects.filter(live_question_id=qid).values_list("client_id", "response"))
    )()
    stored = {str(client_id): response for client_id, response in rows}
    assert len(rows) == CONTESTANTS and set(stored) == set(acked)
    assert all(stored[answer_id] == entry["response"] for answer_id, entry in acked.items())

    # Broadcasts reach the reconnected contestants from the surviving process, and the tally agrees
    # with a replay of the stored answers.
    await host.send({"type": "command", "action": "close"})
    for client in clients:
        assert (await client.expect("question_closed"))["answered"] == CONTESTANTS
    live_round = await sync_to_async(LiveRound.objects.get)(pk=arena.round.pk)
    assert await sync_to_async(actions.rebuild_scores)(live_round) == []
    for client in [host, *clients]:
        await client.ws.close()
