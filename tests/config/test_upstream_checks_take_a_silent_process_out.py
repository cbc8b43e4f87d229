"""deploy/bin/shuzhi-upstreams: nginx's upstream list follows which daphne processes answer /healthz."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "deploy" / "bin" / "shuzhi-upstreams"


class _Healthy(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def healthy_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Healthy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _check(tmp_path: Path, ports: list[int]) -> tuple[str, str]:
    target = tmp_path / "upstreams.conf"
    reloads = tmp_path / "reloads"
    env = {
        **os.environ,
        "SHUZHI_DAPHNE_PORTS": " ".join(map(str, ports)),
        "SHUZHI_UPSTREAMS_FILE": str(target),
        "SHUZHI_NGINX_RELOAD": f"touch {reloads}",
    }
    subprocess.run([str(SCRIPT), "--once"], env=env, check=True, capture_output=True, timeout=30)
    return target.read_text(), ("reloaded" if reloads.exists() else "")


def test_a_process_that_does_not_answer_is_marked_down(tmp_path: Path, healthy_port: int) -> None:
    silent = _closed_port()
    conf, reloaded = _check(tmp_path, [healthy_port, silent])
    assert f"server 127.0.0.1:{healthy_port} max_fails=2 fail_timeout=5s;" in conf
    assert f"server 127.0.0.1:{silent} down;" in conf
    assert reloaded


def test_an_unchanged_list_does_not_reload_nginx(tmp_path: Path, healthy_port: int) -> None:
    _check(tmp_path, [healthy_port])
    (tmp_path / "reloads").unlink()
    conf, reloaded = _check(tmp_path, [healthy_port])
    assert "down" not in conf
    assert not reloaded


def test_when_nobody_answers_every_process_stays_listed(tmp_path: Path) -> None:
    ports = [_closed_port(), _closed_port()]
    conf, _ = _check(tmp_path, ports)
    assert "down" not in conf
    assert all(f"127.0.0.1:{port} " in conf for port in ports)
