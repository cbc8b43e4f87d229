"""Schemas of the notification socket's messages."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class Hello(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["hello"] = "hello"
    user_id: int
    server_time: float


class Notice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["notice"] = "notice"
    level: Literal["info", "success", "warning", "error"] = "info"
    text: str
    url: str = ""
