"""Every request body has a ceiling enforced before it is read (issue #19, item 2).

Three layers share one table (config/limits.py): inside daphne as bytes arrive, the outermost
ASGI middleware, and the first Django middleware (what the test client goes through). The daphne
layer is checked on a real twisted channel and on a real `daphne config.asgi:application`
process fed 100 MB, whose memory must not grow by 64 MB.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from config.limits import RequestBodyLimit, ceiling_for

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


# --- the table --------------------------------------------------------------------------------


def test_forms_and_the_api_get_the_default_ceiling_and_uploads_their_own() -> None:
    assert ceiling_for("/accounts/login/") == settings.REQUEST_MAX_BODY_BYTES == 1 * MB
    assert ceiling_for("/api/lms/attempts/3/answers") == 1 * MB
    assert ceiling_for("/exchange/marks/import/") > settings.EXCHANGE_MAX_UPLOAD_BYTES
    assert ceiling_for("/contests/manage/skills-2026/import/") == 1 * MB  # files enter through /exchange/ only
    assert ceiling_for("/learn/courses/7/workstudy/") > settings.LMS_PHOTO_MAX_BYTES * settings.LMS_PHOTOS_PER_LOG
    assert ceiling_for("/api/lms/attempts/3/uploads") > settings.LMS_PRACTICAL_MAX_BYTES
    # Only the upload routes themselves: a longer path under them gets the default.
    assert ceiling_for("/exchange/marks/import/extra") == 1 * MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440


# --- Django middleware (the test client) -------------------------------------------------------


@pytest.mark.django_db
def test_an_oversize_login_post_is_refused_with_a_chinese_page(client) -> None:
    response = client.post("/accounts/login/", data=b"a" * (2 * MB), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "超过了 1 MB 的上限" in response.content.decode()


@pytest.mark.django_db
def test_an_oversize_spreadsheet_upload_is_refused(client, organizer) -> None:
    client.force_login(organizer)
    size = settings.EXCHANGE_MAX_UPLOAD_BYTES + MB
    response = client.post("/exchange/marks/import/", data=b"a" * size, content_type="multipart/form-data; boundary=x")
    assert response.status_code == 413
    assert "20 MB" in response.content.decode()


@pytest.mark.django_db
def test_a_spreadsheet_upload_under_its_ceiling_is_not_refused_for_its_size(client, organizer) -> None:
    client.force_login(organizer)
    response = client.post(
        "/exchange/marks/import/", data=b"a" * (3 * MB), content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code != 413


@pytest.mark.django_db
def test_an_oversize_api_call_gets_a_json_413(client, learner) -> None:
    client.force_login(learner)
    body = json.dumps({"question": 1, "response": "x" * (2 * MB)})
    response = client.post("/api/lms/attempts/1/answers", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "上限" in response.json()["detail"]


# --- ASGI middleware (any ASGI server) ----------------------------------------------------------


class _App:
    """An ASGI app that reads the whole body, as Django's handler does, then answers 200."""

    def __init__(self) -> None:
        self.called = False
        self.read = 0
        self.saw_disconnect = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.called = True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.saw_disconnect = True
                return
            self.read += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _run(app: Any, path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> list[dict[str, Any]]:
    queue = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "headers": headers}
    await RequestBodyLimit(app)(scope, receive, send)
    return sent


async def test_asgi_middleware_refuses_a_declared_length_without_running_the_app() -> None:
    app = _App()
    sent = await _run(app, "/api/me", [(b"content-length", str(5 * MB).encode())], [b""])
    assert not app.called
    assert sent[0]["status"] == 413
    assert "上限" in json.loads(sent[1]["body"])["detail"]


async def test_asgi_middleware_counts_streamed_bytes_and_stops_the_app_reading() -> None:
    app = _App()
    chunks = [b"x" * (256 * 1024)] * 40  # 10 MB, no Content-Length
    sent = await _run(app, "/accounts/login/", [], chunks)
    assert app.saw_disconnect
    assert app.read <= 1 * MB
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [413]


async def test_asgi_middleware_lets_a_body_under_the_ceiling_through() -> None:
    app = _App()
    sent = await _run(app, "/accounts/login/", [(b"content-length", b"1000")], [b"x" * 1000])
    assert app.read == 1000
    assert sent[0]["status"] == 200


# --- inside daphne: a real twisted channel -------------------------------------------------------


class _Server:
    """What daphne's WebRequest needs from its server; records applications started."""

    proxy_forwarded_address_header = None
    root_path = ""
    server_name = "daphne"
    request_buffer_size = 8192
    http_timeout = None

    def __init__(self) -> None:
        self.started: list[dict[str, Any]] = []

    def protocol_connected(self, protocol: Any) -> None:
        pass

    def protocol_disconnected(self, protocol: Any) -> None:
        pass

    def create_application(self, protocol: Any, scope: dict[str, Any]) -> Any:
        import asyncio

        self.started.append(scope)
        return asyncio.Queue()


def _channel() -> tuple[Any, Any, Any, _Server]:
    from daphne.http_protocol import HTTPFactory
    from twisted.internet.address import IPv4Address
    from twisted.internet.task import Clock
    from twisted.internet.testing import StringTransport

    import config.asgi  # noqa: F401  (installs the daphne hook, as daphne's import of the app does)

    server = _Server()
    protocol = HTTPFactory(server).buildProtocol(IPv4Address("TCP", "127.0.0.1", 1234))
    clock = Clock()
    protocol.callLater = clock.callLater
    transport = StringTransport()
    protocol.makeConnection(transport)
    return protocol, transport, clock, server


def test_daphne_builds_the_bounded_request() -> None:
    """If a daphne release stops looking up http_protocol.WebRequest, this fails."""
    import config.asgi  # noqa: F401
    from config import daphne_limits

    assert daphne_limits.installed()


def test_daphne_answers_413_on_the_declared_length_and_throws_the_body_away() -> None:
    protocol, transport, clock, server = _channel()
    protocol.dataReceived(b"POST /accounts/login/ HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n")
    answer = transport.value()
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert "超过了 1 MB 的上限".encode() in answer
    request = protocol._channel.requests[-1]
    chunk = b"x" * MB
    for _ in range(20):
        protocol.dataReceived(chunk)
    assert request.content.tell() == 0  # nothing kept
    assert not server.started  # the application never runs
    assert not transport.disconnecting  # still reading (and discarding), so the client sees the 413
    clock.advance(settings.REQUEST_BODY_LINGER_SECONDS + 1)
    assert transport.disconnecting or transport.disconnected


def test_daphne_counts_a_chunked_body_and_refuses_it_past_the_ceiling() -> None:
    protocol, transport, _clock, server = _channel()
    protocol.dataReceived(b"POST /api/me HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    assert transport.value() == b""
    piece = b"x" * (256 * 1024)
    for _ in range(8):  # 2 MB in 256 KB chunks
        protocol.dataReceived(b"%x\r\n" % len(piece) + piece + b"\r\n")
    answer = transport.value()
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"application/json" in answer
    protocol.dataReceived(b"0\r\n\r\n")
    assert not server.started
    assert transport.disconnecting  # the body is over: closed cleanly


def test_daphne_refuses_at_once_when_the_client_waits_for_100_continue() -> None:
    protocol, transport, _clock, _server = _channel()
    protocol.dataReceived(
        b"POST /accounts/login/ HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n"
    )
    answer = transport.value()
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"100 Continue" not in answer
    assert transport.disconnecting


def test_daphne_hands_a_body_under_the_ceiling_to_the_application() -> None:
    protocol, transport, _clock, server = _channel()
    protocol.dataReceived(b"POST /exchange/marks/import/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n")
    protocol.dataReceived(b"y" * 3_000_000)
    assert transport.value() == b""
    assert [scope["path"] for scope in server.started] == ["/exchange/marks/import/"]


# --- a real daphne process fed 100 MB ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


@pytest.fixture(scope="module")
def daphne_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`daphne config.asgi:application`, as production starts it, on a free port."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SQLITE_NAME": str(tmp_path_factory.mktemp("daphne") / "unused.sqlite3"),
        "REQUEST_BODY_LINGER_SECONDS": "20",
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("daphne exited at start-up")
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("daphne did not start")
    yield process, port
    process.terminate()
    process.wait(timeout=10)


def _post_huge(port: int, path: str, total: int, *, chunked: bool) -> bytes:
    """Send `total` bytes to `path` (all of them unless the server closes) and return the answer."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {total}\r\n\r\n"
    sock.sendall(head.encode())
    piece = b"z" * MB
    try:
        for _ in range(total // MB):
            sock.sendall(b"%x\r\n" % MB + piece + b"\r\n" if chunked else piece)
        if chunked:
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server may close once it has answered; the answer is still to be read
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except OSError:
        pass
    sock.close()
    return answer


@pytest.mark.parametrize(
    ("path", "chunked"),
    [
        ("/accounts/login/", False),
        ("/exchange/marks/import/", False),
        ("/api/lms/attempts/1/answers", True),
        ("/learn/courses/1/workstudy/", True),
    ],
)
def test_a_real_daphne_refuses_100_mb_without_growing(daphne_server: Any, path: str, chunked: bool) -> None:
    process, port = daphne_server
    before = _memory_kb(process.pid, "VmHWM")
    answer = _post_huge(port, path, 100 * MB, chunked=chunked)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert "上限".encode() in answer
    assert process.poll() is None
    grown_mb = (_memory_kb(process.pid, "VmHWM") - before) / 1024
    assert grown_mb < 64, f"daphne's peak memory grew by {grown_mb:.0f} MB"


def test_a_real_daphne_still_serves_a_small_post(daphne_server: Any) -> None:
    _process, port = daphne_server
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    body = b"mobile=1&password=2"
    sock.sendall(
        b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    )
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sock.close()
    assert answer.startswith(b"HTTP/1.1 403 ")  # reached Django: refused for the missing CSRF token


@override_settings(REQUEST_BODY_LIMITS=[], REQUEST_MAX_BODY_BYTES=2048)
def test_the_table_comes_from_settings() -> None:
    assert ceiling_for("/exchange/marks/import/") == 2048
