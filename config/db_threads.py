"""Database calls from async code that may run side by side.

channels' `database_sync_to_async` is thread-sensitive: under daphne every call, from every
socket of the process, waits its turn for one thread. A socket's own reads and writes (signing
in from the session cookie, joining a round, its snapshot) share nothing with other sockets'
calls, so they run on a small pool of DB_THREADS threads instead, each with its own database
connection: a thousand phones joining in the same second are served DB_THREADS at a time, their
round trips to PostgreSQL and Redis overlapping, instead of one after another.

The pool's connections are not health-checked before every call (channels closes stale
connections before and after each call, and with CONN_HEALTH_CHECKS each call then begins with
a `SELECT 1`: a third of a join's round trips). Instead a call that fails drops its thread's
connection if it is broken (the next call reconnects: a database restart costs each thread
one failed call, which the live protocol reports as "not stored, retry"), and a connection
older than CONN_MAX_AGE is replaced between calls, as Django does between requests.
Calls whose order matters across sockets (a round's host commands, the answer group commit)
keep their own paths.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import close_old_connections

_executor: ThreadPoolExecutor | None = None
_state = threading.local()


def executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=settings.DB_THREADS, thread_name_prefix="db")
    return _executor


def _age_check() -> None:
    """Django's end-of-request check (obsolete or unusable connections closed), at most once
    per CONN_MAX_AGE/2 per thread instead of around every call."""
    now = time.monotonic()
    every = max(1.0, (settings.DATABASES["default"].get("CONN_MAX_AGE") or 0) / 2)
    if now - getattr(_state, "checked", 0.0) >= every:
        close_old_connections()
        _state.checked = now


class PoolCall(SyncToAsync):
    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        _age_check()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        except Exception:
            close_old_connections()  # a broken connection is dropped; the next call reconnects
            raise


def db_call(func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` made awaitable on the pool."""
    return PoolCall(func, thread_sensitive=False, executor=executor())
