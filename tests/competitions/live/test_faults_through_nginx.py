"""Rehearsed faults through the proxy (`make faults`, the last stage of `.ci/run`): nginx in front
of two daphne processes and the worker, on PostgreSQL and a Redis the test can stop. Contestants
connect through nginx, as on the day; a process killed, the database stopped and Redis restarted
mid-round lose no acknowledged answer, and /readyz turns unready and ready again.

These stop the machine's PostgreSQL: they run only with SHUZHI_FAULTS=1 in their own CI stage.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from competitions.live.hub import round_group
from competitions.live.models import LiveAnswer
from tests.competitions.live.test_daphne_killed import Client, cookie_of, seat_people
from tests.stack import Stack, http_status, start_postgres, stop_postgres, wait_status

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


async def _seated(arena: Any, ws_headers: Any, stack: Stack) -> tuple[Client, list[Client], str]:
    people = await sync_to_async(seat_people)(arena)
    host = Client(cookie_of(await sync_to_async(ws_headers)(arena.organizer)), "", "")
    clients = [
        Client(cookie_of(await sync_to_async(ws_headers)(person)), ticket, code) for person, ticket, code in people
    ]
    url = stack.url.replace("http://", "ws://") + f"/ws/live/{arena.round.pk}/{{}}/"
    await host.connect(url.format("host"), join=False)
    await host.expect("snapshot")
    for client in clients:
        await client.connect(url.format("play"))
    return host, clients, url


async def _open_question(host: Client, clients: list[Client]) -> int:
    await host.send({"type": "command", "action": "open_next"})
    opened = [await client.expect("question_open") for client in clients]
    return opened[0]["question"]["id"]


async def _error(client: Client, timeout: float = 30) -> dict[str, Any]:
    while True:
        message = await asyncio.wait_for(client.inbox.get(), timeout)
        if message["type"] == "error":
            return message


async def _stored(question_id: int) -> dict[str, str]:
    rows = await sync_to_async(
        lambda: list(LiveAnswer.objects.filter(live_question_id=question_id).values_list("client_id", "response"))
    )()
    return {str(client_id): response for client_id, response in rows}


def _acked(clients: list[Client]) -> dict[str, dict[str, Any]]:
    return {answer_id: entry for client in clients for answer_id, entry in client.acked.items()}


async def test_a_daphne_killed_mid_question_loses_no_acknowledged_answer(arena, ws_headers, stack: Stack) -> None:
    host, clients, url = await _seated(arena, ws_headers, stack)
    question = await _open_question(host, clients)
    for i, client in enumerate(clients):
        await client.answer(question, "A" if i % 2 else "B")
    stack.kill_daphne(0)
    await asyncio.sleep(2)
    dropped = [client for client in clients if client.closed.is_set()]
    # nginx spreads sockets over both processes: some contestants were on the one that died.
    assert 0 < len(dropped) < len(clients)
    for client in dropped:
        await client.connect(url.format("play"))  # through nginx, which now skips the dead process
        assert client.snapshots[-1]["question"]["id"] == question
        await client.resend()
    for client in clients:
        while client.pending:
            await client.expect("ack")
    acked = _acked(clients)
    assert len(acked) == len(clients)
    assert set(await _stored(question)) == set(acked)
    await sync_to_async(wait_status)(stack.readyz(stack.daphne_ports[1]), 200, 30)
    assert http_status(stack.readyz(stack.daphne_ports[0])) == 0  # nothing answers on the dead one
    if host.closed.is_set():
        await host.connect(url.format("host"), join=False)
    await host.send({"type": "command", "action": "close"})
    for client in clients:
        assert (await client.expect("question_closed"))["answered"] == len(clients)


async def test_answers_during_a_database_outage_are_refused_then_accepted(arena, ws_headers, stack: Stack) -> None:
    host, clients, _url = await _seated(arena, ws_headers, stack)
    question = await _open_question(host, clients)
    await sync_to_async(stop_postgres)()
    try:
        for port in stack.daphne_ports:
            await sync_to_async(wait_status)(stack.readyz(port), 503, 30)
        for client in clients[:3]:
            await client.answer(question, "A")
            refused = await _error(client)
            assert refused["code"] == "not_stored" and "重新提交" in refused["message"]
    finally:
        await sync_to_async(start_postgres)()
    for port in stack.daphne_ports:
        await sync_to_async(wait_status)(stack.readyz(port), 200, 60)
    for client in clients[:3]:
        await client.resend()  # the same answer ids, as the phone does
    for client in clients[3:]:
        await client.answer(question, "B")
    for client in clients:
        while client.pending:
            await client.expect("ack")
    acked = _acked(clients)
    assert len(acked) == len(clients)
    assert set(await _stored(question)) == set(acked)


async def test_a_redis_restart_mid_round_keeps_answers_and_broadcasts_resume(arena, ws_headers, stack: Stack) -> None:
    host, clients, _url = await _seated(arena, ws_headers, stack)
    question = await _open_question(host, clients)
    await sync_to_async(stack.stop_redis)()
    for port in stack.daphne_ports:
        await sync_to_async(wait_status)(stack.readyz(port), 503, 30)
    # Answers need the database, not Redis: every one is acknowledged while Redis is down.
    for client in clients:
        await client.answer(question, "A")
        await client.expect("ack")
    await sync_to_async(stack.start_redis)()
    for port in stack.daphne_ports:
        await sync_to_async(wait_status)(stack.readyz(port), 200, 60)
    assert set(await _stored(question)) == set(_acked(clients))
    # Redis came back empty: both processes' hubs rejoin the round's group by themselves, whichever
    # of their readers saw the failure.
    await sync_to_async(stack.wait_group_members)(round_group(arena.round.pk), len(stack.daphne_ports))
    # Broadcasts cross processes again: contestants on both processes see the host close the question.
    await host.send({"type": "command", "action": "close"})
    for client in clients:
        closed = await client.expect("question_closed", timeout=40)
        assert closed["answered"] == len(clients)
