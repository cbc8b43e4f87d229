"""/healthz answers without the database; /readyz is 503 naming the failing check, never its
details, when the database, migrations, Redis, the channel layer or the worker heartbeat fail
(issue #18, item 2)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.management.commands.worker import beat
from accounts.models import Heartbeat
from config import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_alive() -> None:
    beat(health.WORKER_HEARTBEAT_NAME)


def test_healthz_is_ok_without_touching_the_database_or_the_session(client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert not response.cookies
    assert "Content-Security-Policy" not in response


def test_readyz_is_ready_when_everything_answers(client, worker_alive) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.content == b"ready\n"
    assert not response.cookies


def test_readyz_names_the_database_when_it_does_not_answer(client, worker_alive, monkeypatch) -> None:
    def down() -> None:
        raise OSError("could not connect to server db.internal:5432")

    monkeypatch.setattr(health, "check_database", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    # The checks that need the database are not run (and not blamed) while it is down.
    assert response.content == b"not ready: database\n"


def test_readyz_is_unready_when_the_worker_heartbeat_is_stale(client) -> None:
    assert client.get("/readyz").content == b"not ready: worker\n"  # never beat
    Heartbeat.objects.update_or_create(
        name=health.WORKER_HEARTBEAT_NAME, defaults={"beat_at": timezone.now() - dt.timedelta(seconds=61)}
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: worker\n"


def test_no_worker_check_when_the_max_age_is_zero(client, settings) -> None:
    settings.READY_WORKER_MAX_AGE = 0
    assert client.get("/readyz").status_code == 200


def test_readyz_names_the_channel_layer_when_it_raises(client, worker_alive, monkeypatch) -> None:
    class BrokenLayer:
        async def new_channel(self, prefix: str = "") -> str:
            return prefix + "x"

        async def send(self, channel: str, message: dict) -> None:
            raise ConnectionError("Error connecting to redis.internal:6379")

    monkeypatch.setattr(health, "get_channel_layer", BrokenLayer)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: channel_layer\n"


def test_readyz_names_redis_when_it_is_configured_and_does_not_answer(
    client, worker_alive, settings, monkeypatch
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    monkeypatch.setattr(health, "_redis_client", None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: redis\n"


def test_unapplied_migrations_are_asked_again_until_applied(client, worker_alive, monkeypatch) -> None:
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("accounts", False)])
    assert client.get("/readyz").content == b"not ready: migrations\n"
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [])
    assert client.get("/readyz").status_code == 200
    # Once applied, the answer is kept: the plan is not computed again.
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: 1 / 0)
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_writes_its_heartbeat(client) -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    beat_at = Heartbeat.objects.get(name=health.WORKER_HEARTBEAT_NAME).beat_at
    assert timezone.now() - beat_at < dt.timedelta(seconds=10)
    assert client.get("/readyz").status_code == 200


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.mark.redis
def test_readyz_is_ready_on_redis(client, worker_alive, settings, monkeypatch) -> None:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    # A missing Redis fails this test (CI starts one); it never skips.
    assert _redis_answers(url), f"this test needs Redis at {url}"
    settings.REDIS_URL = url
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url], "prefix": "readyz"}}
    }
    monkeypatch.setattr(health, "_redis_client", None)
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
