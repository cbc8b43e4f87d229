"""The notification socket: origin check, session auth, and a real-Redis load of 300 sockets."""

from __future__ import annotations

import asyncio
import os

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import override_settings

from accounts.consumers import user_group
from config.asgi import application

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.mark.django_db(transaction=True)
async def test_anonymous_sockets_are_accepted_then_closed_with_4401() -> None:
    communicator = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )
    connected, _subprotocol = await communicator.connect()
    assert connected  # a refused handshake would reach the browser as a bare HTTP 403
    closed = await communicator.receive_output()
    assert closed == {"type": "websocket.close", "code": 4401}


@pytest.mark.django_db(transaction=True)
async def test_foreign_origins_are_refused(ws_headers, learner) -> None:
    headers = await sync_to_async(ws_headers)(learner)
    headers[0] = (b"origin", b"https://evil.example.com")
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, _code = await communicator.connect()
    assert not connected


@pytest.mark.django_db(transaction=True)
async def test_a_signed_in_person_gets_hello_and_their_notices(ws_headers, learner) -> None:
    headers = await sync_to_async(ws_headers)(learner)
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    assert hello["type"] == "hello" and hello["user_id"] == learner.pk
    await get_channel_layer().group_send(
        user_group(learner.pk), {"type": "notify", "notice": {"text": "您的日志已通过", "level": "success"}}
    )
    notice = await communicator.receive_json_from()
    assert notice == {
        "type": "notice",
        "level": "success",
        "text": "您的日志已通过",
        "url": "",
        "id": None,
        "kind": "",
        "unread": None,
    }
    await communicator.disconnect()


def redis_layer(max_connections: int) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": max_connections}],
                "prefix": "shuzhi-test-pool",
            },
        }
    }


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_300_sockets_join_at_once_over_real_redis_with_the_sized_pool(ws_headers, learner) -> None:
    """redis-py 8's default pool (100) fails with 'Too many connections' here; our sized pool does not."""
    headers = await sync_to_async(ws_headers)(learner)
    with override_settings(CHANNEL_LAYERS=redis_layer(settings.REDIS_MAX_CONNECTIONS)):
        layer = get_channel_layer()
        assert layer.__class__.__name__ == "RedisChannelLayer"
        communicators = [WebsocketCommunicator(application, "/ws/notifications/", headers=headers) for _ in range(300)]
        results = await asyncio.gather(*(c.connect(timeout=30) for c in communicators))
        assert all(connected for connected, _ in results)
        hellos = await asyncio.gather(*(c.receive_json_from(timeout=30) for c in communicators))
        assert {h["type"] for h in hellos} == {"hello"}
        await layer.group_send(user_group(learner.pk), {"type": "notify", "notice": {"text": "全体通知"}})
        notices = await asyncio.gather(*(c.receive_json_from(timeout=30) for c in communicators))
        assert len(notices) == 300 and all(n["text"] == "全体通知" for n in notices)
        await asyncio.gather(*(c.disconnect() for c in communicators))
        await layer.flush()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_the_unsized_default_pool_runs_out_of_connections(ws_headers, learner) -> None:
    """The failure the sizing prevents: the same 300 joins with redis-py's default of 100."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    headers = await sync_to_async(ws_headers)(learner)
    with override_settings(CHANNEL_LAYERS=redis_layer(100)):
        layer = get_channel_layer()
        communicators = [WebsocketCommunicator(application, "/ws/notifications/", headers=headers) for _ in range(300)]
        results = await asyncio.gather(*(c.connect(timeout=3) for c in communicators), return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert errors, "expected the default pool to be exhausted"
        assert any(isinstance(e, RedisConnectionError) and "Too many connections" in str(e) for e in errors)
        connected = [c for c, r in zip(communicators, results, strict=True) if not isinstance(r, BaseException)]
        await asyncio.gather(*(c.disconnect() for c in connected), return_exceptions=True)
        for c in communicators:
            c.future.cancel()
        await layer.flush()
