"""WebSocket sign-in from the session cookie, many handshakes at a time.

channels' AuthMiddleware loads the session and then the user in two thread-sensitive calls that
every handshake of the process queues for. Here the handshakes that arrive within
SOCKET_JOIN_FLUSH_MS of each other are signed in together (config.group_commit, on the pool of
config/db_threads.py): their sessions read in one cache round trip (one query without the cache),
their users in one query, and each then checked by Django's own `auth.get_user` (backend check,
session hash verified, SECRET_KEY_FALLBACKS honoured, the session flushed on a mismatch). A
hall of phones opening their sockets in the same second is a few batches, not a thousand
sessions and users read one by one. `scope["user"]` is the user or AnonymousUser.
"""

from __future__ import annotations

import contextlib
from importlib import import_module
from types import SimpleNamespace
from typing import Any, cast

from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware
from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.backends import cached_db, db
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone

from accounts.backends import users_prefetched
from config.group_commit import GroupCommit


def _user_for(session: Any) -> Any:
    # Django's get_user reads only `request.session`.
    return auth.get_user(cast(HttpRequest, SimpleNamespace(session=session)))


def _preload(sessions: list[Any]) -> None:
    """Give each session its data as its own `load()` would, read for all at once: from the
    cache (cached_db sessions; a miss is left to the session's own load, which reads the
    database and fills the cache) or from the database (db sessions). A session with no valid
    key, or no live row, is left alone (its own load finds nothing, as before)."""
    pending = [s for s in sessions if s.session_key is not None and not hasattr(s, "_session_cache")]
    if not pending:
        return
    if isinstance(pending[0], cached_db.SessionStore):
        try:
            found = caches[settings.SESSION_CACHE_ALIAS].get_many([s.cache_key for s in pending])
        except Exception:
            return  # each session reads for itself (and, like Django's, past a failing cache)
        for session in pending:
            data = found.get(session.cache_key)
            if data is not None:
                session._session_cache = data
    elif isinstance(pending[0], db.SessionStore):
        model = pending[0].get_model_class()
        rows = dict(
            model.objects.filter(
                session_key__in=[s.session_key for s in pending], expire_date__gt=timezone.now()
            ).values_list("session_key", "session_data")
        )
        for session in pending:
            if session.session_key in rows:
                session._session_cache = session.decode(rows[session.session_key])


def sign_in_many(sessions: list[Any]) -> list[Any]:
    """The user (or AnonymousUser) of each session, in order; an exception stands in for a
    session whose sign-in failed (its socket fails the handshake, the others go on)."""
    _preload(sessions)
    user_ids = set()
    pk = auth.get_user_model()._meta.pk
    assert pk is not None
    for session in sessions:
        # No user in it (or garbage, which get_user below meets as Django's would).
        with contextlib.suppress(Exception):
            user_ids.add(pk.to_python(session[auth.SESSION_KEY]))
    results: list[Any] = []
    with users_prefetched(user_ids):
        for session in sessions:
            try:
                results.append(_user_for(session))
            except Exception as exc:
                results.append(exc)
    return results


def _batch_failed(_session: Any) -> Exception:
    return RuntimeError("the sign-in batch failed")


SIGN_INS = GroupCommit(
    "socket sign-ins", sign_in_many, _batch_failed, flush_setting="SOCKET_JOIN_FLUSH_MS", max_batch=500
)


class SessionUserMiddleware(BaseMiddleware):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if "session" not in scope:
            raise ValueError("SessionUserMiddleware needs SocketSessionMiddleware around it")
        scope = dict(scope)
        user = await SIGN_INS.commit(scope["session"])
        if isinstance(user, Exception):
            raise user
        scope["user"] = user
        return await super().__call__(scope, receive, send)


class SocketSessionMiddleware:
    """`scope["session"]`: the store of the session cookie, as channels' SessionMiddleware makes
    it, without channels' wrapper around every frame the socket sends (it saves a session only
    for an HTTP response; a WebSocket never sends one, and cannot set a cookie)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if "cookies" not in scope:
            raise ValueError("SocketSessionMiddleware needs CookieMiddleware around it")
        store = import_module(settings.SESSION_ENGINE).SessionStore
        scope = {**scope, "session": store(scope["cookies"].get(settings.SESSION_COOKIE_NAME))}
        return await self.inner(scope, receive, send)


def SessionUserMiddlewareStack(inner: Any) -> Any:  # noqa: N802  (named like channels' AuthMiddlewareStack)
    return CookieMiddleware(SocketSessionMiddleware(SessionUserMiddleware(inner)))
