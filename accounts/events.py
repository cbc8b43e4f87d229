"""Schemas of the notification socket's messages."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class Hello(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["hello"] = "hello"
    user_id: int
    server_time: float
    # The person's unread notices when the socket opened: the bell is right again after a reconnect.
    unread: int | None = None


class Notice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["notice"] = "notice"
    level: Literal["info", "success", "warning", "error"] = "info"
    text: str
    url: str = ""
    # Set for a stored notice (accounts.notifications.notify): its id, kind and the new unread count.
    id: int | None = None
    kind: str = ""
    unread: int | None = None
