"""Django's Redis cache with its connection pools shared by the whole process.

Django keeps one cache object per async context (`caches` is context-local), and each cache
object builds its own redis-py connection pool. Under daphne every request and every WebSocket
database call runs in a fresh context, so the stock backend opened a new TCP connection to
Redis for each one (a thousand phones joining at once meant a thousand connects, each a round
trip before the session could be read). Here the pools live at module level, one per server
URL and options, each with one client: connections are reused across requests, threads and
contexts (redis-py's pools and clients are thread-safe). The cache client object itself is shared
too: building one per context imports `redis` under the import lock, and a hall's handshakes,
signing in side by side on the pool's threads, queued on that lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property

_pools: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


_clients: dict[int, Any] = {}


class SharedPoolRedisCacheClient(RedisCacheClient):
    # Set or defined by Django's RedisCacheClient (private, so not in django-stubs).
    _servers: list[str]
    _pool_options: dict[str, Any]
    _pool_class: Any
    _client: Any
    _get_connection_pool_index: Callable[[bool], int]

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        """One redis-py client per pool, not a new one per cache call (building a client costs
        more than the GET it sends; clients over a shared pool are thread-safe)."""
        pool = self._get_connection_pool(write)
        client = _clients.get(id(pool))
        if client is None:
            client = _clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client

    def _get_connection_pool(self, write: bool) -> Any:
        index = self._get_connection_pool_index(write)
        key = (self._servers[index], repr(sorted(self._pool_options.items(), key=lambda item: item[0])))
        pool = _pools.get(key)
        if pool is None:
            with _lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return pool


_cache_clients: dict[tuple[tuple[str, ...], str], SharedPoolRedisCacheClient] = {}


class RedisCache(DjangoRedisCache):
    # Set by Django's RedisCache (private, so not in django-stubs).
    _servers: list[str]
    _options: dict[str, Any]

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient

    @cached_property
    def _cache(self) -> SharedPoolRedisCacheClient:
        """One client per servers and options for the process (it holds no per-context state)."""
        key = (tuple(self._servers), repr(sorted(self._options.items(), key=lambda item: item[0])))
        client = _cache_clients.get(key)
        if client is None:
            with _lock:
                client = _cache_clients.get(key)
                if client is None:
                    client = _cache_clients[key] = self._class(self._servers, **self._options)
        return client
