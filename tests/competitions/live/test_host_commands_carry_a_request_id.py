"""A host command may carry a `request_id`: its reply — `command_ok` after the action and its
broadcasts, or an `error` — carries it back; without one, success stays silent."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_command_with_a_request_id_is_answered_with_command_ok_after_its_broadcast(arena, sockets) -> None:
    host = await sockets.host()
    await host.send(type="command", action="open_next", request_id="open-1")
    opened = await host.recv()
    assert opened["type"] == "question_open"
    ok = await host.recv()
    assert ok == {**ok, "type": "command_ok", "action": "open_next", "request_id": "open-1", "seq": opened["seq"]}


async def test_a_refused_command_echoes_its_request_id(arena, sockets) -> None:
    host = await sockets.host()
    await host.send(type="command", action="reveal", request_id="r_2")
    error = await host.expect("error")
    assert (error["code"], error["request_id"]) == ("bad_state", "r_2")
    await host.send(type="command", action="kick", ticket="nobody", request_id="kick-3")
    error = await host.expect("error")
    assert (error["code"], error["request_id"]) == ("bad_ticket", "kick-3")


async def test_a_command_from_a_contestant_is_forbidden_with_its_request_id(arena, sockets) -> None:
    player = await sockets.player(0)
    await player.send(type="command", action="open_next", request_id="x")
    error = await player.expect("error")
    assert (error["code"], error["request_id"]) == ("forbidden", "x")


async def test_a_malformed_command_echoes_a_well_formed_request_id_only(arena, sockets) -> None:
    host = await sockets.host()
    await host.send(type="command", action="explode", request_id="bad-action")
    error = await host.expect("error")
    assert (error["code"], error["request_id"]) == ("bad_message", "bad-action")
    for bad in ("has space", "x" * 65, "", 12, "中文"):
        await host.send(type="command", action="open_next", request_id=bad)
        error = await host.expect("error")
        assert error["code"] == "bad_message" and error["request_id"] is None, bad
    await host.raw(json.dumps({"type": "command", "action": "open_next", "request_id": "a" * 64}))
    assert (await host.expect("command_ok"))["request_id"] == "a" * 64


async def test_without_a_request_id_success_is_silent_and_errors_carry_none(arena, sockets) -> None:
    host = await sockets.host()
    await host.send(type="command", action="open_next")
    await host.expect("question_open")
    await host.send(type="ping")
    assert (await host.expect("pong"))["type"] == "pong"
    assert "command_ok" not in [m["type"] for m in host.seen]
    await host.send(type="command", action="reveal")
    error = await host.expect("error")
    assert error["code"] == "bad_state" and error["request_id"] is None


async def test_a_command_the_database_could_not_run_is_an_error_and_the_console_stays(
    arena, sockets, monkeypatch
) -> None:
    """A database that is down (or a dropped connection) fails the command, not the host's socket:
    the console is told "not stored, retry" with its request id and its next command runs."""
    from django.db import OperationalError

    from competitions.live import actions

    real = actions.run_command
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(actions, "run_command", flaky)
    host = await sockets.host()
    await host.send(type="command", action="open_next", request_id="try-1")
    error = await host.expect("error")
    assert (error["code"], error["request_id"]) == ("not_stored", "try-1")
    assert "重试" in error["message"]
    await host.send(type="command", action="open_next", request_id="try-2")
    assert (await host.expect("question_open"))["question"]["position"] == 1
    assert (await host.expect("command_ok"))["request_id"] == "try-2"
