"""Authentication by mobile number, with lock-out after repeated failures."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
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

    def get_user(self, user_id: Any) -> Any:
        """Django's, except inside `users_prefetched`, where the rows read for a batch of sign-ins
        answer (one query for a hall of sockets signing in at once, not one each). A row answers
        once (each caller gets its own object; a second session of the same person in the batch
        reads as usual)."""
        prefetched = getattr(_prefetched, "users", None)
        if prefetched is None or user_id not in prefetched:
            return super().get_user(user_id)
        user = prefetched.pop(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


_prefetched = threading.local()


@contextmanager
def users_prefetched(user_ids: Iterable[Any]) -> Iterator[None]:
    """While inside, `MobileBackend.get_user` answers for `user_ids` from one query (an id with
    no row answers None, as Django's does for a missing user); other ids read as usual."""
    ids = set(user_ids)
    rows = {user.pk: user for user in get_user_model()._default_manager.filter(pk__in=ids)}
    _prefetched.users = {pk: rows.get(pk) for pk in ids}
    try:
        yield
    finally:
        del _prefetched.users
