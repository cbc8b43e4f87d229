"""`/healthz` and `/readyz`: what a proxy and an operator ask before sending traffic.

- `/healthz` — the process answers: 200 "ok", no database, no session, nothing else.
- `/readyz` — this process can serve: 200 "ready", else 503 "not ready: <failing checks>".
  Checks, each bounded by a short timeout: `database` (SELECT 1), `migrations` (none
  unapplied; a positive answer is kept for the life of the process, a negative one is asked
  again), `redis` (PING, only when REDIS_URL is set), `channel_layer` (a message sent to a
  fresh channel comes back), `worker` (the background worker's heartbeat is younger than
  READY_WORKER_MAX_AGE seconds; 0 turns the check off). When the database does not answer,
  the checks that need it are not run.

The body names failing checks only: no host names, versions or exception text (those go to
the log, logger `shuzhi.health`). Both answer before the session, locale, CSP and axes
middleware (`HealthCheckMiddleware`, first in MIDDLEWARE), and are not in the request log:
a proxy asks every few seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import Heartbeat
from config.metrics import METRICS_PATH, metrics

logger = logging.getLogger("shuzhi.health")

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
# Seconds each network check may take before it counts as failed.
CHECK_TIMEOUT = 1.0
WORKER_HEARTBEAT_NAME = "exchange"  # the backend `manage.py worker` runs by default

_migrations_applied = False
_redis_client: Any = None


class CheckError(Exception):
    """A readiness check's answer was wrong (as opposed to raising on its own)."""


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckError("SELECT 1")


def check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CheckError("unapplied migrations")
    _migrations_applied = True


def check_redis() -> None:
    global _redis_client
    if _redis_client is None:
        import redis

        if not settings.REDIS_URL:  # readiness lists this check only when REDIS_URL is set
            raise CheckError("REDIS_URL is not set")
        _redis_client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT, socket_connect_timeout=CHECK_TIMEOUT
        )
    if not _redis_client.ping():
        raise CheckError("PING")


async def _channel_round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise CheckError("no channel layer")
    # A plain channel name, not `new_channel()`'s process-specific one: channels-redis receives
    # process-specific channels through one reader per layer, which a live hub's event loop owns in
    # a daphne process, so a probe waiting from another event loop would never be woken.
    channel = f"readyz.{uuid.uuid4().hex}"
    await layer.send(channel, {"type": "readyz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), CHECK_TIMEOUT)
    if message.get("type") != "readyz.ping":
        raise CheckError("unexpected message")


def check_channel_layer() -> None:
    async_to_sync(_channel_round_trip)()


def check_worker() -> None:
    max_age = settings.READY_WORKER_MAX_AGE
    if not max_age:
        return
    beat_at = Heartbeat.objects.filter(name=WORKER_HEARTBEAT_NAME).values_list("beat_at", flat=True).first()
    if beat_at is None or timezone.now() - beat_at > dt.timedelta(seconds=max_age):
        raise CheckError(f"last beat {beat_at}")


def _checks() -> list[tuple[str, Callable[[], None], bool]]:
    """(name, check, needs the database); looked up at call time so tests can replace one."""
    checks = [("database", check_database, False), ("migrations", check_migrations, True)]
    if settings.REDIS_URL:
        checks.append(("redis", check_redis, False))
    checks += [("channel_layer", check_channel_layer, False), ("worker", check_worker, True)]
    return checks


def readiness_checks() -> list[tuple[str, bool]]:
    """(name, needs the database) of each readiness check this deployment runs, in order."""
    return [(name, needs_database) for name, _check, needs_database in _checks()]


def failing_checks() -> list[str]:
    """Names of the readiness checks that fail now, in the order they run."""
    failing: list[str] = []
    for name, check, needs_database in _checks():
        if needs_database and "database" in failing:
            continue  # not run, and not named: the database failure says it all
        try:
            check()
        except Exception as error:
            logger.warning("readiness check %s failed: %r", name, error)
            failing.append(name)
    return failing


def _plain(body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body + "\n", content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" while the process answers; touches nothing else."""
    return _plain("ok")


def readyz(request: HttpRequest) -> HttpResponse:
    """200 "ready", or 503 "not ready: <names>" (see the module docstring for the checks)."""
    failing = failing_checks()
    if failing:
        response = _plain("not ready: " + ", ".join(failing), status=503)
        # Each failure is logged above with its reason; Django's "Service Unavailable" error line
        # on every probe would only repeat it.
        response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own "already logged" mark
        return response
    return _plain("ready")


class HealthCheckMiddleware:
    """First middleware: answers the two probe paths before sessions, locale, CSP or axes run,
    so a probe never creates a session, sets a cookie or queries for a user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH:
            return healthz(request)
        if request.path == READY_PATH:
            return readyz(request)
        if request.path == METRICS_PATH:
            return metrics(request)
        return self.get_response(request)
