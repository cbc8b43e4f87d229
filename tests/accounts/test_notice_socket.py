"""A committed notice reaches the person's open pages over the real socket route, with the new count."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.actions import notify
from accounts.choices import NoticeKind
from config.asgi import application


@pytest.mark.django_db(transaction=True)
async def test_a_notice_is_pushed_to_the_persons_socket_with_the_unread_count(ws_headers, learner, mentor) -> None:
    await sync_to_async(notify)(learner, NoticeKind.SYSTEM, title="旧通知")
    headers = await sync_to_async(ws_headers)(learner)
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    assert hello["type"] == "hello" and hello["unread"] == 1
    await sync_to_async(notify)(mentor, NoticeKind.SYSTEM, title="给导师的")  # someone else's: not sent here
    notice = await sync_to_async(notify)(
        learner, NoticeKind.WORKLOG, title="工学日志已通过", url="/learn/", level="success"
    )
    pushed = await communicator.receive_json_from()
    assert pushed == {
        "type": "notice",
        "level": "success",
        "text": "工学日志已通过",
        "url": "/learn/",
        "id": notice.pk,
        "kind": "worklog",
        "unread": 2,
    }
    assert await communicator.receive_nothing()
    await communicator.disconnect()
