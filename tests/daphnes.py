"""Two real daphne processes on the test database sharing a private redis-server (a free loopback
port, never the shared one), for the tests that kill one mid-flight (a live round, an exam sitting).
Runs on the embedded SQLite file and on PostgreSQL alike."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.stack import free_port, wait_port

ROOT = Path(__file__).resolve().parents[1]


def server_env(redis_port: int) -> dict[str, str]:
    """The test database and the private Redis, for a daphne subprocess."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SQLITE_NAME")}
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        env["SQLITE_NAME"] = str(db["NAME"])
    env.update(
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture
def cluster():
    """A private redis-server and two daphne processes; yields their ports and handles."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for the multi-process fault test (apt-get install redis-server)")
    redis_port = free_port()
    processes: list[subprocess.Popen] = []

    def start_redis() -> subprocess.Popen:
        process = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        processes.append(process)
        wait_port(redis_port, process, 10)
        return process

    def restart_redis(down_seconds: float = 1.0) -> None:
        """Kill the Redis the servers share (its data gone, as after a crash) and start it again."""
        for process in processes:
            if process.args[0] == "redis-server" and process.poll() is None:
                process.kill()
                process.wait(10)
        time.sleep(down_seconds)
        start_redis()

    try:
        start_redis()
        connection.close()  # SQLite: let the servers take the write lock
        env = server_env(redis_port)
        ports = [free_port(), free_port()]
        daphne = str(Path(sys.executable).parent / "daphne")
        servers = [
            subprocess.Popen(
                [daphne, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        processes.extend(servers)
        for port, server in zip(ports, servers, strict=True):
            wait_port(port, server)
        yield {"ports": ports, "servers": servers, "restart_redis": restart_redis}
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(10)
