"""The live-contest socket: thin. Authenticate, parse into an event model, call an action, send
the result. Roles by URL: `host` and `screen` (the contest's organizers), `play` (contestants,
who join with their admission ticket)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.db import DatabaseError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from competitions.live import actions, events, selectors, transport
from competitions.live.hub import Hub, layer_failed, resilient
from config import metrics
from config.db_threads import db_call
from config.group_commit import GroupCommit
from config.rate import TokenBucket

MAX_MESSAGE_BYTES = 4096
RATE_PER_SECOND = 10.0
RATE_BURST = 20.0
MAX_VIOLATIONS = 30

CLOSE_ANONYMOUS = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_REPLACED = 4409
CLOSE_KICKED = 4410
CLOSE_ABUSE = 4429

ROLES: dict[str, events.Role] = {"host": "host", "screen": "screen", "play": "contestant"}

log = logging.getLogger(__name__)


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


# The round a socket asks for, kept a moment per process: when a hall joins at once, a thousand
# handshakes need the same row (its contest and group), not a thousand reads of it. State is
# never taken from here (snapshots and actions read the row themselves).
ROUND_CACHE_SECONDS = 2.0
_rounds: dict[int, tuple[float, Any]] = {}


_round_reads: dict[int, asyncio.Future[Any]] = {}


async def _round(round_id: int) -> Any:
    """The round row, from the process's copy when it is fresh; concurrent askers share one read."""
    now = time.monotonic()
    cached = _rounds.get(round_id)
    if cached is not None and now - cached[0] < ROUND_CACHE_SECONDS:
        return cached[1]
    pending = _round_reads.get(round_id)
    if pending is None:
        pending = _round_reads[round_id] = asyncio.ensure_future(db_call(selectors.access_round)(round_id))
        pending.add_done_callback(lambda _f: _round_reads.pop(round_id, None))
    live_round = await asyncio.shield(pending)
    if len(_rounds) > 1000:
        _rounds.clear()
    _rounds[round_id] = (time.monotonic(), live_round)
    return live_round


def _joins_and_snapshots(
    requests: list[actions.JoinRequest],
) -> list[tuple[actions.JoinResult, events.Snapshot] | actions.LiveError | Exception]:
    """The seats and the contestants' snapshots of a batch of joins, in one database call (a
    hall joining at once is a few batches: actions.join_many)."""
    out: list[tuple[actions.JoinResult, events.Snapshot] | actions.LiveError | Exception] = []
    for request, result in zip(requests, actions.join_many(requests), strict=True):
        if isinstance(result, actions.LiveError):
            out.append(result)
            continue
        try:
            snap = selectors.snapshot(
                request.live_round, role="contestant", participant=result.participant, joining=True
            )
        except Exception as exc:  # this socket fails as a failed read would; the batch goes on
            out.append(exc)
            continue
        out.append((result, snap))
    return out


def _join_failed(_request: actions.JoinRequest) -> Exception:
    return RuntimeError("the join batch failed")


JOINS = GroupCommit(
    "live joins", _joins_and_snapshots, _join_failed, flush_setting="SOCKET_JOIN_FLUSH_MS", max_batch=500
)
# Answers: one transaction per LIVE_FLUSH_MS of a process's sockets, on the pool (channels' one
# thread stays free for the rest); one answer that cannot be stored fails only itself
# (actions.submit_answers_isolated); with no database at all every answer is told "not stored"
# and its socket stays open to resend it.
ANSWERS = GroupCommit(
    "live answers", actions.submit_answers_isolated, actions.not_stored, flush_setting="LIVE_FLUSH_MS"
)


class LiveConsumer(AsyncWebsocketConsumer):
    role = "contestant"
    participant_id: int | None = None
    hub: Hub | None = None
    refused = False
    writer: transport.Writer | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Channels' consumer loop, except that a failing channel-layer read (Redis down or
        restarting) is retried with backoff instead of ending the consumer: the socket stays
        open, answers are still committed and acknowledged (they never go through Redis), and
        broadcasts resume when the layer is back."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        self.channel_receive = self._channel_receive
        self.base_send = send
        self.writer = scope.get(transport.WRITER_KEY)
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch([receive, self._channel_receive], self.dispatch)

    async def _channel_receive(self) -> dict[str, Any]:
        backoff = 0.1
        while True:
            try:
                return await self.channel_layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if _cancelling():
                    # A cancelled read can surface as a connection error: end, do not retry.
                    raise asyncio.CancelledError from exc
                log.debug("live socket: channel layer read failed, retrying", exc_info=True)
                layer_failed()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale DB connections before every message with a thread hop; every DB
        # call here goes through database_sync_to_async, which does that itself, so skip the hop
        # (one per answer adds up at a thousand answers a second).
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def refuse(self, code: int) -> None:
        """Accept the handshake, then close with `code`: a browser sees the close code only on an
        accepted socket (a refused handshake is an HTTP 403 it cannot tell from a bad Origin), and
        clients stop reconnecting on 4401/4403/4404. The Origin check stays a refused handshake
        (AllowedHostsOriginValidator, before this consumer)."""
        self.refused = True
        await self.accept()
        await self.close(code=code)

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_ANONYMOUS)  # no session, an expired or a forged one
            return
        kwargs = self.scope["url_route"]["kwargs"]
        self.role = ROLES[kwargs["role"]]
        self.round_id = int(kwargs["round_id"])
        self.user = user
        self.last_seq = 0
        self.bucket, self.violations = TokenBucket(RATE_PER_SECOND, RATE_BURST), 0
        if self.round_id > events.DB_BIGINT_MAX:
            await self.refuse(CLOSE_NOT_FOUND)  # no such row can exist (and the database cannot take the number)
            return
        try:
            self.round = await _round(self.round_id)
        except Http404:
            # The public board already says which rounds exist, so this reveals nothing.
            await self.refuse(CLOSE_NOT_FOUND)
            return
        if self.role != "contestant" and not await db_call(selectors.can_host)(user, self.round.contest):
            await self.refuse(CLOSE_FORBIDDEN)
            return
        await self.accept()
        self.hub = await Hub.get(self.round_id)
        self.last_seq = self.hub.last_seq
        await self.send_model(
            events.Welcome(
                role=self.role, round_id=self.round_id, title=self.round.title, contest=self.round.contest.title
            )
        )
        if self.role != "contestant":
            self.hub.add(self)
            await self.send_snapshot()

    async def disconnect(self, code: int) -> None:
        if self.hub is not None:
            self.hub.remove(self)
        if self.participant_id is not None and await db_call(actions.leave)(self.participant_id, self.channel_name):
            await self._presence(online=False)

    # --- sending ------------------------------------------------------------------------

    async def send_model(self, message: events.ServerMessage) -> None:
        message.seq = self.last_seq
        message.server_time = time.time()
        text = message.model_dump_json()
        # Under daphne straight to the socket, as broadcasts are (transport.py: both paths write
        # synchronously, so the socket's frames keep their order); an ack per answer, a thousand
        # in a second, skips the ASGI reply path. Elsewhere, or once closing, the ASGI send.
        if self.writer is not None and self.writer(transport.prepare(text)):
            return
        await self.send(text_data=text)

    async def error(self, code: events.ErrorCode, message: str, **extra: Any) -> None:
        await self.send_model(events.Error(code=code, message=message, **extra))

    async def send_snapshot(self) -> None:
        participant = self._participant if self.participant_id is not None else None
        snap = await db_call(selectors.snapshot)(self.round, role=self.role, participant=participant)
        self.last_seq = max(self.last_seq, snap.seq)
        await self.send(text_data=snap.model_dump_json())

    # --- receiving ----------------------------------------------------------------------

    def _allowed(self) -> bool:
        return self.bucket.take()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.refused:
            return  # closing: whatever raced the close frame is dropped
        received_at = timezone.now()
        if text_data is None:
            # Binary frames are refused whatever they hold (docs/realtime.md "text frames only"):
            # the socket stays open, the frame is not read, and it still counts against the rate.
            size = len(bytes_data or b"")
            if size > MAX_MESSAGE_BYTES:
                await self.error("too_large", _("消息过长（上限 4 KB）。"))
            elif await self._flooding():
                pass
            else:
                await self.error("bad_message", _("只接受文本帧（UTF-8 编码的 JSON），不接受二进制帧。"))
            return
        raw = text_data
        if len(raw.encode()) > MAX_MESSAGE_BYTES:
            await self.error("too_large", _("消息过长（上限 4 KB）。"))
            return
        if await self._flooding(raw):
            return
        try:
            message = events.client_message.validate_json(raw)
        except ValidationError as exc:
            if events.is_bad_join(exc.errors(include_url=False, include_input=False)):
                await self.error("bad_ticket", _("准考证号或访问码不正确，请核对准考证。"))
            else:
                await self.error(
                    "bad_message",
                    _("无法识别的消息格式，请刷新页面后重试。"),
                    request_id=events.request_id_of(raw),
                )
            return
        handler = getattr(self, f"on_{message.type}")
        await handler(message, received_at)

    async def _flooding(self, raw: str | None = None) -> bool:
        """Take a token from the connection's bucket; False if there was one. Otherwise the
        message is dropped with `rate_limited` (echoing a command's request id), and the 30th
        violation closes the socket with 4429."""
        if self._allowed():
            return False
        self.violations += 1
        if self.violations >= MAX_VIOLATIONS:
            await self.close(code=CLOSE_ABUSE)
        else:
            request_id = events.request_id_of(raw) if raw is not None else None
            await self.error("rate_limited", _("操作过于频繁，请稍后再试。"), request_id=request_id)
        return True

    async def on_ping(self, message: events.Ping, received_at: Any) -> None:
        await self.send_model(events.Pong())

    async def on_snapshot(self, message: events.SnapshotRequest, received_at: Any) -> None:
        if self.role == "contestant" and self.participant_id is None:
            await self.error("not_joined", _("请先输入准考证号和访问码进入赛场。"))
            return
        await self.send_snapshot()

    async def on_join(self, message: events.Join, received_at: Any) -> None:
        if self.role != "contestant":
            await self.error("forbidden", _("主持台和大屏无需准考证。"))
            return
        outcome = await JOINS.commit(
            actions.JoinRequest(self.round, self.user, message.ticket, message.access_code, self.channel_name)
        )
        if isinstance(outcome, actions.LiveError):
            await self.error(outcome.code, outcome.message)
            return
        if isinstance(outcome, Exception):
            raise outcome
        result, snap = outcome
        if result.replaced_channel:
            await resilient(
                self.channel_layer.send, result.replaced_channel, {"type": "live.bye", "reason": "replaced"}
            )
        self._participant = result.participant
        self.participant_id = result.participant.pk
        self._ticket = result.ticket.number
        self._name = self.user.real_name
        await self.send_model(
            events.Joined(participant_id=self.participant_id, ticket=result.ticket.number, name=self.user.real_name)
        )
        assert self.hub is not None
        self.hub.add(self)
        if self.hub.last_seq > snap.seq:
            await self.send_snapshot()  # a frame went by between the read and joining the hub
        else:
            self.last_seq = max(self.last_seq, snap.seq)
            await self.send(text_data=snap.model_dump_json())
        await self._presence(online=True)

    async def on_answer(self, message: events.AnswerIn, received_at: Any) -> None:
        if self.participant_id is None:
            await self.error("not_joined", _("请先输入准考证号和访问码进入赛场。"), answer_id=message.answer_id)
            return
        pending = actions.PendingAnswer(
            participant_id=self.participant_id,
            round_id=self.round_id,
            answer_id=message.answer_id,
            question_id=message.question_id,
            response=message.response,
            received_at=received_at,
        )
        result = await ANSWERS.commit(pending)
        if result.ack is not None:
            metrics.LIVE_ACKED.inc()
        elif result.error is not None and result.error.code == "not_stored":
            metrics.LIVE_NOT_STORED.inc()
        else:
            metrics.LIVE_REFUSED.inc()
        if self.hub is not None:
            self.hub.progress_soon()
        await self.send_model(result.ack if result.ack is not None else result.error)  # type: ignore[arg-type]

    async def on_signal(self, message: events.SignalIn, received_at: Any) -> None:
        if self.participant_id is not None:
            await database_sync_to_async(actions.record_page_hidden)(self._participant, message.question_id)

    async def on_command(self, message: events.Command, received_at: Any) -> None:
        request_id = message.request_id
        if self.role != "host":
            await self.error("forbidden", _("只有主持台可以发出指令。"), request_id=request_id)
            return
        try:
            # On the pool, beside the answer batches: the round's row lock orders commands (as it
            # does across processes) and the question rows order a close against a batch; the pool
            # skips the per-call health check (every phone waits for this commit to see the question).
            outcome = await db_call(actions.run_command)(self.user, self.round_id, message)
        except actions.LiveError as exc:
            await self.error(exc.code, exc.message, request_id=request_id)
            return
        except DatabaseError:
            log.warning("live host command %s failed", message.action, exc_info=True)
            await self.error("not_stored", _("数据库暂时不可用，指令没有执行，请稍后重试。"), request_id=request_id)
            return
        assert self.hub is not None
        await self.hub.publish(outcome)
        if request_id is not None:
            # After the publish: this host has been sent the command's broadcasts already.
            await self.send_model(events.CommandOk(action=message.action, request_id=request_id))

    # --- channel-layer events ------------------------------------------------------------

    async def live_bye(self, event: dict[str, Any]) -> None:
        reason = event["reason"]
        text = {
            "replaced": _("您的准考证已在另一台设备上进入赛场，本设备已断开。"),
            "kicked": _("您已被组织者移出本场比赛。"),
            "ended": _("本场比赛已结束。"),
        }[reason]
        await self.send_model(events.Bye(reason=reason, message=text))
        if self.hub is not None:
            self.hub.remove(self)
        self.participant_id = None
        await self.close(code=CLOSE_REPLACED if reason == "replaced" else CLOSE_KICKED)

    async def _presence(self, *, online: bool) -> None:
        """Tell hosts a seat came online or left (gathered per process, counted when sent)."""
        if self.hub is not None:
            self.hub.presence_soon(ticket=self._ticket, name=self._name, online=online)
