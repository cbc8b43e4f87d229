"""Database calls from async code that may run side by side.

channels' `database_sync_to_async` is thread-sensitive: under daphne every call, from every
socket of the process, waits its turn for one thread. A socket's own reads and writes (signing
in from the session cookie, joining a round, its snapshot) share nothing with other sockets'
calls, so they run on a small pool of DB_THREADS threads instead, each with its own database
connection (kept for CONN_MAX_AGE): a thousand phones joining in the same second are served
DB_THREADS at a time, their round trips to PostgreSQL and Redis overlapping, instead of one
after another. Calls whose order matters across sockets (a round's host commands, the answer
group commit) keep their own paths.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.db import DatabaseSyncToAsync
from django.conf import settings

_executor: ThreadPoolExecutor | None = None


def executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=settings.DB_THREADS, thread_name_prefix="db")
    return _executor


def db_call(func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` made awaitable on the pool (stale connections closed before and after, as channels
    does)."""
    return DatabaseSyncToAsync(func, thread_sensitive=False, executor=executor())
