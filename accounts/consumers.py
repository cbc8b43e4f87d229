"""Per-person notification socket: signed-in users only, one group per person."""

from __future__ import annotations

import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from accounts.events import Hello, Notice


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


class NotificationConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept, then close with the documented code: a refused handshake reaches the
            # browser as a bare HTTP 403 it cannot tell from a bad Origin (docs/realtime.md).
            await self.accept()
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        unread = await database_sync_to_async(_unread)(user.pk)
        await self.send(text_data=Hello(user_id=user.pk, server_time=time.time(), unread=unread).model_dump_json())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # The socket is server-to-client only; anything a client sends is ignored.
        return

    async def notify(self, event: dict[str, Any]) -> None:
        await self.send(text_data=Notice.model_validate(event["notice"]).model_dump_json())


def _unread(user_id: int) -> int:
    from accounts.models import Notice

    return Notice.objects.filter(person_id=user_id, read_at__isnull=True).count()
