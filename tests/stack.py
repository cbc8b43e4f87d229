"""The production layout on one machine, for the fault rehearsal (`make faults`, the last stage of `.ci/run`; marker `faults`).

nginx with the repository's site (deploy/nginx/shuzhi.conf: the HTTPS server served as plain HTTP
on a free port, its includes and paths pointed at this checkout), two daphne processes and the
background worker on the test database, and a private redis-server the tests may stop and start.
PostgreSQL is the machine's own cluster: `stop_postgres`/`start_postgres` stop and start it, so
these tests run only in their own CI stage, never beside other tests.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, process: subprocess.Popen | None = None, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process for port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def http_status(url: str, timeout: float = 5) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_status(url: str, status: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < end:
        seen = http_status(url)
        if seen == status:
            return
        time.sleep(0.5)
    raise AssertionError(f"{url} answered {seen}, not {status}, for {timeout} s")


def _server_env(redis_port: int, nginx_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SQLITE_NAME")}
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("the fault rehearsal runs on PostgreSQL (DATABASE_URL)")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env.update(
        DATABASE_URL=f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}?connect_timeout=2",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
        TRUSTED_PROXY_HOPS="1",
        # nginx passes $host (no port), as on the real site's port 443: the browser's origin is trusted here.
        CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{nginx_port}",
        READY_WORKER_MAX_AGE="30",
    )
    return env


def _site(port: int, daphne_ports: list[int], work: Path) -> Path:
    """deploy/nginx/shuzhi.conf's HTTPS server as plain HTTP on `port`, includes from `work`."""
    includes = work / "shuzhi"
    includes.mkdir()
    for conf in ("proxy.conf", "body-limits.conf"):
        text = (ROOT / "deploy" / "nginx" / conf).read_text()
        (includes / conf).write_text(text.replace("/etc/nginx/shuzhi/", f"{includes}/"))
    (includes / "upstreams.conf").write_text(
        "".join(f"server 127.0.0.1:{p} max_fails=2 fail_timeout=5s;\n" for p in daphne_ports)
    )
    site = (ROOT / "deploy" / "nginx" / "shuzhi.conf").read_text()
    servers = [m.start() for m in re.finditer(r"^server \{", site, flags=re.M)]
    tls_server = site[servers[-1] :]
    tls_server = tls_server.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    tls_server = tls_server.replace("listen [::]:443 ssl http2;", "")
    tls_server = tls_server.replace("include /etc/nginx/shuzhi/tls.conf;", "")
    tls_server = tls_server.replace("/etc/nginx/shuzhi/", f"{includes}/").replace("/srv/shuzhi/", f"{ROOT}/")
    head = site[: servers[0]]  # the upstream and the map
    head = head.replace("/etc/nginx/shuzhi/", f"{includes}/")
    temp = work / "temp"
    temp.mkdir()
    conf = work / "nginx.conf"
    conf.write_text(
        f"""pid {work}/nginx.pid;
error_log {work}/error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{head}
{tls_server}
}}
"""
    )
    return conf


@dataclass
class Stack:
    """The running processes; `work` holds nginx's files and every process's log."""

    work: Path
    url: str
    nginx_port: int
    daphne_ports: list[int]
    redis_port: int
    daphnes: list[subprocess.Popen]
    redis: subprocess.Popen
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def readyz(self, port: int) -> str:
        return f"http://127.0.0.1:{port}/readyz"

    def kill_daphne(self, index: int) -> int:
        victim = self.daphnes[index]
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        return self.daphne_ports[index]

    def stop_redis(self) -> None:
        self.redis.kill()
        self.redis.wait(10)

    def start_redis(self) -> None:
        self.redis = _redis(self.redis_port)
        self.processes.append(self.redis)

    def wait_group_members(self, group: str, count: int, timeout: float = 30) -> None:
        """Wait until `count` channels are in the channel layer's `group` (one per daphne
        process with sockets in that round): after a Redis restart, the hubs' rejoin."""
        import redis
        from django.conf import settings

        client = redis.Redis(port=self.redis_port)
        key = f"{settings.REDIS_PREFIX}:asgi:group:{group}"
        deadline = time.monotonic() + timeout
        members = 0
        while time.monotonic() < deadline:
            members = client.zcard(key)
            if members >= count:
                return
            time.sleep(0.1)
        raise AssertionError(f"{members} of {count} processes back in {group} after {timeout} s")


def _redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_port(port, process, 10)
    return process


def _pg_ctl(action: str) -> None:
    version = os.environ.get("PG_CLUSTER_VERSION") or sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True, capture_output=True
    )


def stop_postgres() -> None:
    connection.close()
    _pg_ctl("stop")


def start_postgres() -> None:
    _pg_ctl("start")
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not come back")


def start_stack() -> Stack:
    for tool in ("nginx", "redis-server", "pg_ctlcluster"):
        if shutil.which(tool) is None:
            raise RuntimeError(
                f"{tool} is needed for the fault rehearsal (apt-get install nginx redis-server postgresql)"
            )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, check=True, timeout=300
    )
    redis_port, nginx_port = free_port(), free_port()
    processes: list[subprocess.Popen] = []
    redis = _redis(redis_port)
    processes.append(redis)
    connection.close()
    env = _server_env(redis_port, nginx_port)
    work = Path(tempfile.mkdtemp(prefix="shuzhi-stack-"))
    daphne = str(Path(sys.executable).parent / "daphne")
    ports = [free_port(), free_port()]
    daphnes = [
        subprocess.Popen(
            [daphne, "-v", "0", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=(work / f"daphne-{port}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for port in ports
    ]
    processes += daphnes
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=(work / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    processes.append(worker)
    for port, process in zip(ports, daphnes, strict=True):
        wait_port(port, process)
    conf = _site(nginx_port, ports, work)
    subprocess.run(["nginx", "-t", "-q", "-e", "stderr", "-p", str(work), "-c", str(conf)], check=True)
    nginx = subprocess.Popen(["nginx", "-e", "stderr", "-p", str(work), "-c", str(conf)], start_new_session=True)
    processes.append(nginx)
    wait_port(nginx_port, nginx, 30)
    return Stack(
        work=work,
        url=f"http://127.0.0.1:{nginx_port}",
        nginx_port=nginx_port,
        daphne_ports=ports,
        redis_port=redis_port,
        daphnes=daphnes,
        redis=redis,
        env=env,
        processes=processes,
    )


def stop_stack(stack: Stack) -> None:
    # Each process leads its own session: kill the whole group (nginx's workers, a child a
    # process may have started), not just the leader.
    for process in stack.processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    # PostgreSQL notices a killed client's sessions a moment later; wait for them to end so the
    # test database can be dropped at teardown.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)


def logs(stack: Stack) -> str:
    """The last lines of every process's log, for a failing test's report."""
    parts = []
    for log in sorted(stack.work.glob("*.log")):
        lines = log.read_text(errors="replace").splitlines()[-25:]
        parts.append(f"--- {log.name}\n" + "\n".join(lines))
    return "\n".join(parts)
