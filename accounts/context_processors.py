"""`unread_notices` for the header's bell: counted only when a page renders the bell (one query)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def notices(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from accounts.notifications import unread_count

        return unread_count(user)

    return {"unread_notices": SimpleLazyObject(count)}
