"""One JSON line per request and per audit write, with the request id and user id, never a mobile
number, a query string, form data or audited values (issue #18, item 4)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from accounts import actions

# Imported before any test runs: loading the ASGI application sets Django up, which configures
# logging afresh (a new stdout handler) and would bypass a capture made before it.
from config.asgi import application
from config.observability import JsonFormatter, logging_config

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"


@pytest.fixture
def log_output() -> Iterator[Callable[[], str]]:
    """What the configured stdout handler writes, in the production (JSON) format."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream, formatter = io.StringIO(), handler.formatter
    previous = handler.setStream(stream)
    handler.setFormatter(JsonFormatter())
    yield stream.getvalue
    handler.setStream(previous)
    handler.setFormatter(formatter)


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def request_lines(output: str) -> list[dict]:
    return [line for line in lines(output) if line.get("event") == "request"]


def test_production_logs_in_json_to_stdout() -> None:
    config = logging_config("json", "INFO")
    assert config["formatters"]["line"] == {"()": "config.observability.JsonFormatter"}
    assert config["handlers"]["console"]["stream"] == "ext://sys.stdout"


def test_a_request_is_one_json_line_with_its_fields(client, learner, log_output) -> None:
    client.force_login(learner)
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    [line] = request_lines(log_output())
    assert line["method"] == "GET"
    assert line["path"] == "/accounts/profile/"
    assert line["status"] == 200
    assert line["view"] == "accounts:profile"
    assert line["user_id"] == learner.pk
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["logger"] == "shuzhi.request" and line["level"] == "INFO"


def test_the_request_id_from_the_proxy_round_trips(client, log_output) -> None:
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="5f0c1d2e3a4b5c6d7e8f9a0b1c2d3e4f")
    assert response["X-Request-ID"] == "5f0c1d2e3a4b5c6d7e8f9a0b1c2d3e4f"
    [line] = request_lines(log_output())
    assert line["request_id"] == "5f0c1d2e3a4b5c6d7e8f9a0b1c2d3e4f"
    assert line["user_id"] is None


def test_a_malformed_request_id_is_replaced(client, log_output) -> None:
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID='x" forged=1')
    assert response["X-Request-ID"] != 'x" forged=1'
    assert len(response["X-Request-ID"]) == 32
    assert "forged" not in log_output()


def test_a_mobile_number_in_the_query_or_the_form_is_never_logged(client, learner, log_output) -> None:
    client.get(f"/accounts/login/?mobile={MOBILE}&next=/talent/?m={MOBILE}")
    client.post("/accounts/login/", {"username": MOBILE, "password": "wrong-password"})
    client.post("/accounts/login/", {"username": learner.mobile, "password": "wrong-password"})
    output = log_output()
    assert len(request_lines(output)) == 3
    assert [line["path"] for line in request_lines(output)] == ["/accounts/login/"] * 3
    assert MOBILE not in output
    assert learner.mobile not in output
    assert "password" not in output


def test_a_server_error_is_logged_without_the_query_string(client, log_output, monkeypatch) -> None:
    from accounts import views

    def broken(request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.LoginView, "get", broken)
    client.raise_request_exception = False
    response = client.get(f"/accounts/login/?mobile={MOBILE}")
    assert response.status_code == 500
    output = log_output()
    assert [line["status"] for line in request_lines(output)] == [500]
    assert MOBILE not in output


def test_an_audit_write_is_a_log_line_without_its_values(
    province_admin, learner, log_output, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actions.audit(
            province_admin,
            "pii.reveal",
            learner,
            before={"mobile": MOBILE},
            after={"mobile": MOBILE},
            reason=f"核对 {MOBILE}",
        )
    output = log_output()
    [line] = [line for line in lines(output) if line.get("event") == "audit"]
    assert line["action"] == "pii.reveal"
    assert line["actor_id"] == province_admin.pk
    assert line["target_type"] == "accounts.user"
    assert line["target_id"] == str(learner.pk)
    assert "before" not in line and "after" not in line
    assert MOBILE not in output


def test_development_logs_stay_readable_text(client, capsys) -> None:
    config = logging_config("text", "INFO")
    assert "()" not in config["formatters"]["line"]
    assert "%(request_id)s" in config["formatters"]["line"]["format"]


@pytest.mark.django_db(transaction=True)
async def test_a_socket_logs_its_connect_and_its_close_code(ws_headers, learner, log_output) -> None:
    headers = await sync_to_async(ws_headers)(learner)
    communicator = WebsocketCommunicator(application, f"/ws/notifications/?mobile={MOBILE}", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from()  # hello
    await communicator.disconnect(code=1001)
    await communicator.wait()

    anonymous = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )
    assert (await anonymous.connect())[0]
    assert await anonymous.receive_output() == {"type": "websocket.close", "code": 4401}
    await anonymous.wait()

    output = log_output()
    sockets = [line for line in lines(output) if line.get("event", "").startswith("ws_")]
    assert [(s["event"], s["path"], s["user_id"], s.get("close_code")) for s in sockets] == [
        ("ws_connect", "/ws/notifications/", learner.pk, None),
        ("ws_disconnect", "/ws/notifications/", learner.pk, 1001),
        ("ws_connect", "/ws/notifications/", None, None),
        ("ws_disconnect", "/ws/notifications/", None, 4401),
    ]
    assert MOBILE not in output


def test_probes_are_not_request_lines(client, log_output) -> None:
    client.cookies["sessionid"] = "stale-session-key"
    client.get("/healthz")
    client.get("/readyz")  # 503 here: no worker beats in tests
    assert request_lines(log_output()) == []


def test_a_mobile_or_id_number_in_any_message_or_traceback_is_masked(log_output) -> None:
    """Whoever logs it (a library repeating the value it refused, an exception's text), the line
    carries the number masked as the pages show it."""
    id_number = "37010219900307123X"
    logging.getLogger("somewhere.else").warning("refused %s for %s", MOBILE, id_number)
    try:
        raise ValueError(f"bad value {MOBILE}")
    except ValueError:
        logging.getLogger("somewhere.else").exception("failed")
    output = log_output()
    assert MOBILE not in output and id_number not in output
    first, second = lines(output)
    assert first["msg"] == "refused 139****5678 for 370102********123X"
    assert "ValueError: bad value 139****5678" in second["exc"]


def test_timestamps_and_request_ids_are_not_mistaken_for_numbers() -> None:
    from config.observability import redact_personal_numbers

    text = "at 1733500000123 id a13912345678f 5f0c1d2e3a4b5c6d7e8f9a0b1c2d3e4f 2026-12-06"
    assert redact_personal_numbers(text) == text


def test_the_console_sms_backend_logs_the_number_masked(settings, log_output, capsys) -> None:
    from accounts import sms

    settings.SMS_BACKEND = "accounts.sms.ConsoleBackend"
    settings.LOG_FORMAT = "json"
    sms.send(MOBILE, "验证码 123456")
    [line] = [line for line in lines(log_output()) if line.get("event") == "sms"]
    assert line["msg"] == "SMS to 139****5678: 验证码 123456"
    assert capsys.readouterr().out == ""  # journald takes JSON lines only
