"""docs/realtime.md is enough to write a client: every error code and every message type is in
it, the login steps it gives produce a session the socket accepts, and the Origin rule it
states (host name in ALLOWED_HOSTS, port ignored, a missing Origin refused) is the code's."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from competitions.live import events
from config.asgi import application

DOC = (Path(__file__).resolve().parents[3] / "docs" / "realtime.md").read_text()


def literal_values(annotation: object) -> list[str]:
    return [str(v) for v in typing.get_args(annotation)]


def message_types(union: object) -> list[str]:
    """The `type` of every model in an (annotated) union of message models."""
    found = []
    for model in typing.get_args(typing.get_args(union)[0]):
        found += literal_values(model.model_fields["type"].annotation)
    return found


@pytest.mark.parametrize("code", literal_values(events.ErrorCode))
def test_every_error_code_is_documented(code: str) -> None:
    assert re.search(rf"^\| `{code}` \|", DOC, re.MULTILINE), f"error code {code} missing from the table"


@pytest.mark.parametrize("kind", message_types(events.ClientMessage))
def test_every_client_message_type_is_documented(kind: str) -> None:
    assert re.search(rf"^\| `{kind}` \|", DOC, re.MULTILINE), f"client message {kind} missing from the table"
    assert f'"type":"{kind}"' in DOC, f"no example of {kind}"


def test_every_server_message_type_is_documented() -> None:
    kinds = {
        str(typing.get_args(cls.model_fields["type"].annotation)[0])
        for cls in vars(events).values()
        if isinstance(cls, type) and issubclass(cls, events.ServerMessage) and "type" in cls.model_fields
    }
    assert {"welcome", "command_ok", "error", "snapshot", "standing"} <= kinds
    for kind in kinds:
        assert f'"type":"{kind}"' in DOC, f"no example of server message {kind}"


def test_every_host_action_and_field_limit_is_documented() -> None:
    for action in literal_values(events.HostAction):
        assert f"`{action}`" in DOC, action
    for text in ("4 KB", "20 characters", "12 characters", "200 characters", "20 such strings", "1–64"):
        assert text in DOC, text


@pytest.mark.django_db(transaction=True)
async def test_the_documented_login_steps_give_a_session_the_socket_accepts(arena) -> None:
    person = arena.people[0]

    def log_in() -> tuple[int, str]:
        person.set_password("correct horse 42")
        person.save(update_fields=["password"])
        http = Client(enforce_csrf_checks=True)
        http.get("/accounts/login/")
        token = http.cookies["csrftoken"].value
        response = http.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": person.mobile, "password": "correct horse 42"},
            HTTP_REFERER="http://testserver/accounts/login/",
        )
        return response.status_code, http.cookies["sessionid"].value

    status, session = await sync_to_async(log_in)()
    assert status == 302 and settings.SESSION_COOKIE_NAME == "sessionid"
    socket = WebsocketCommunicator(
        application,
        f"/ws/live/{arena.round.pk}/play/",
        headers=[(b"origin", b"http://localhost:8123"), (b"cookie", f"sessionid={session}".encode())],
    )
    connected, _code = await socket.connect()
    assert connected
    welcome = await socket.receive_json_from(timeout=3)
    assert welcome["type"] == "welcome" and welcome["role"] == "contestant"
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (b"http://127.0.0.1:9999", True),  # port ignored
        (b"https://localhost", True),  # scheme ignored
        (b"http://127.0.0.2:8000", False),
        (b"null", False),
        (None, False),  # missing Origin refused
    ],
)
async def test_the_origin_rule_is_the_documented_one(arena, ws_headers, origin: bytes | None, accepted: bool) -> None:
    headers = [h for h in await sync_to_async(ws_headers)(arena.people[0]) if h[0] != b"origin"]
    if origin is not None:
        headers.append((b"origin", origin))
    connected, _code = await WebsocketCommunicator(
        application, f"/ws/live/{arena.round.pk}/play/", headers=headers
    ).connect()
    assert connected is accepted
    assert "port are ignored" in DOC and "missing `Origin` is refused" in DOC.replace("\n  ", " ")
