"""Django keeps one cache object per async context under daphne, and its stock Redis backend
builds a connection pool (and a client) per cache object: a new Redis connection per request.
config.cache shares the cache client, its pool and its redis client per server and options across
cache objects (building a cache client per context imported `redis` under the import lock, for
which a hall's sign-ins queued)."""

from __future__ import annotations

from config.cache import RedisCache


def test_two_cache_objects_share_one_pool_and_client_per_server() -> None:
    first = RedisCache("redis://127.0.0.1:6379/9", {})
    second = RedisCache("redis://127.0.0.1:6379/9", {})
    other = RedisCache("redis://127.0.0.1:6379/10", {})
    with_options = RedisCache("redis://127.0.0.1:6379/9", {"OPTIONS": {"socket_timeout": 3}})
    assert first is not second  # one per context, as Django makes them
    assert first._cache is second._cache
    assert other._cache is not first._cache
    assert first._cache.get_client() is second._cache.get_client()
    assert first._cache.get_client().connection_pool is second._cache.get_client(write=True).connection_pool
    assert other._cache.get_client() is not first._cache.get_client()
    assert with_options._cache is not first._cache
