"""WebSocket sign-in from the session cookie, in one database call on the pool.

channels' AuthMiddleware loads the session and then the user in two thread-sensitive calls that
every handshake of the process queues for; this resolves both in one call on
`config.db_threads` with Django's own `auth.get_user` (backend check, session hash verified,
SECRET_KEY_FALLBACKS honoured, the session flushed on a mismatch), so the handshakes of a hall
joining at once do not wait for each other. `scope["user"]` is the user or AnonymousUser.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.contrib import auth
from django.http import HttpRequest

from config.db_threads import db_call


def _user_for(session: Any) -> Any:
    # Django's get_user reads only `request.session`.
    return auth.get_user(cast(HttpRequest, SimpleNamespace(session=session)))


class SessionUserMiddleware(BaseMiddleware):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if "session" not in scope:
            raise ValueError("SessionUserMiddleware needs SessionMiddleware around it")
        scope = dict(scope)
        scope["user"] = await db_call(_user_for)(scope["session"])
        return await super().__call__(scope, receive, send)


def SessionUserMiddlewareStack(inner: Any) -> Any:  # noqa: N802  (named like channels' AuthMiddlewareStack)
    return CookieMiddleware(SessionMiddleware(SessionUserMiddleware(inner)))
