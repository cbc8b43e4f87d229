"""Fault: the Redis behind the channel layer restarts mid-round. Answers keep being stored and
acknowledged (they never go through Redis), broadcasts resume, and clients resync.

Runs its own redis-server on a private loopback port (never the shared one)."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.test import override_settings

from competitions.live.models import LiveAnswer

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
PORT = 6390


def start_redis() -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def private_redis():
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for the Redis restart test (apt-get install redis-server)")
    process = start_redis()
    layer = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": f"redis://127.0.0.1:{PORT}/0", "max_connections": 200}]},
        }
    }
    with override_settings(CHANNEL_LAYERS=layer):
        channel_layers.backends.clear()
        holder = {"process": process}
        yield holder
        channel_layers.backends.clear()
    holder["process"].kill()
    holder["process"].wait()


async def test_answers_are_stored_and_acknowledged_while_redis_is_down_and_broadcasts_resume_after(
    arena, sockets, private_redis
) -> None:
    host = await sockets.host()
    first = await sockets.player(0)
    second = await sockets.player(1)
    await host.send(type="command", action="open_next")
    qid = (await first.expect("question_open"))["question"]["id"]
    await second.expect("question_open")
    answer_id = str(uuid.uuid4())
    await first.send(type="answer", answer_id=answer_id, question_id=qid, response="A")
    await first.expect("ack")

    private_redis["process"].kill()
    private_redis["process"].wait()
    await asyncio.sleep(0.5)

    # Redis is down: open sockets stay open, answers are committed and acknowledged directly,
    # and a contestant can still connect, join (snapshot from the database) and answer.
    during = str(uuid.uuid4())
    await second.send(type="answer", answer_id=during, question_id=qid, response="B")
    ack = await second.expect("ack", timeout=10)
    assert ack["answer_id"] == during and ack["duplicate"] is False
    third = await sockets.player(2)
    snap = [m for m in third.seen if m["type"] == "snapshot"][-1]
    assert snap["state"] == "question" and snap["question"]["id"] == qid
    late_joiner = str(uuid.uuid4())
    await third.send(type="answer", answer_id=late_joiner, question_id=qid, response="A")
    assert (await third.expect("ack", timeout=10))["answer_id"] == late_joiner
    stored = await sync_to_async(lambda: set(LiveAnswer.objects.values_list("client_id", flat=True)))()
    assert {str(c) for c in stored} == {answer_id, during, late_joiner}

    private_redis["process"] = await sync_to_async(start_redis)()
    await asyncio.sleep(2.5)  # the hub rejoins its group (retried every 0.5 s while it fails)

    # Broadcasts resume on the sockets that lived through the outage.
    await host.send(type="command", action="close")
    closed = await first.expect("question_closed", timeout=10)
    assert closed["answered"] == 3
    assert (await second.expect("question_closed", timeout=10))["seq"] == closed["seq"]
    assert (await third.expect("question_closed", timeout=10))["seq"] == closed["seq"]
    # A client that reconnects resyncs from the snapshot, its answer included.
    again = await sockets.player(0)
    snap = [m for m in again.seen if m["type"] == "snapshot"][-1]
    assert snap["state"] == "closed" and snap["my_answer"]["answer_id"] == answer_id
    assert await sync_to_async(LiveAnswer.objects.count)() == 3


async def test_after_a_redis_restart_clients_resync_and_broadcasts_and_answers_resume(
    arena, sockets, private_redis
) -> None:
    host = await sockets.host()
    first = await sockets.player(0)
    await host.send(type="command", action="open_next")
    qid = (await first.expect("question_open"))["question"]["id"]
    answer_id = str(uuid.uuid4())
    await first.send(type="answer", answer_id=answer_id, question_id=qid, response="A")
    await first.expect("ack")

    private_redis["process"].kill()
    private_redis["process"].wait()
    await asyncio.sleep(0.5)
    private_redis["process"] = await sync_to_async(start_redis)()
    await asyncio.sleep(2.5)  # hubs back off, then rejoin their groups

    # Clients that reconnect after the restart (a page reload, a network change) resync too.
    host = await sockets.host()
    again = await sockets.player(0)
    snap = [m for m in again.seen if m["type"] == "snapshot"][-1]
    assert snap["state"] == "question" and snap["my_answer"]["answer_id"] == answer_id
    second = await sockets.player(1)
    await second.send(type="answer", answer_id=str(uuid.uuid4()), question_id=qid, response="B")
    await second.expect("ack")
    await host.send(type="command", action="close")
    closed = await again.expect("question_closed", timeout=10)
    assert closed["answered"] == 2
    assert (await second.expect("question_closed"))["seq"] == closed["seq"]
    assert await sync_to_async(LiveAnswer.objects.count)() == 2
