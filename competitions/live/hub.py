"""Per-process fan-out and group commit.

`Hub`: one per round per process. It owns one channel-layer channel in the round's group, so a
broadcast crosses Redis once per process, and writes the already-encoded frame to each local
socket (encode once, not once per socket; no `group_send` per consumer). It also runs the
question timer: every process schedules the close, the first to lock the round wins.

Answers are committed by a group commit of the consumers (`consumers.ANSWERS`): what a
process's sockets send within LIVE_FLUSH_MS is one transaction, each acknowledged after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
import uuid
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from competitions.live import actions, events, selectors, transport
from competitions.live.models import LiveRound, Participant
from config import metrics
from config.db_threads import db_call
from config.pacing import pacer

if TYPE_CHECKING:
    from competitions.live.consumers import LiveConsumer

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 0.25
REJOIN_SECONDS = 30.0
LOCAL_ORIGINS_KEPT = 1000
HOST_MESSAGES: dict[str, type[events.ServerMessage]] = {"progress": events.Progress, "presence": events.Presence}

_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, Hub]] = weakref.WeakKeyDictionary()


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def round_group(round_id: int) -> str:
    return f"live.r{round_id}"


def layer_failed() -> None:
    """A channel-layer call failed in this process. channels-redis reads every process-local
    channel through one shared loop, so only one of the readers (a hub or any socket) sees the
    error: every hub of this event loop is told, renews its group membership at once (Redis may
    have restarted empty) and, once back in the group, resyncs its sockets if it missed a frame."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    for hub in _hubs.get(loop, {}).values():
        hub.trouble()


def broadcast_from_request(round_id: int, broadcast: actions.Broadcast) -> None:
    """Send a broadcast made by a plain request (not a socket) to every process's hub of the
    round, through the channel layer; a hint like every broadcast (clients resync by seq)."""
    message = {
        "type": "live.frame",
        "frame": broadcast.frame,
        "host_frame": broadcast.host_frame,
        "seq": broadcast.seq,
        "standings": broadcast.standings,
        "closes_at": None,
        "question_id": 0,  # not None: each hub cancels a question timer it may still hold
    }
    async_to_sync(resilient)(get_channel_layer().group_send, round_group(round_id), message)


async def resilient(call: Any, *args: Any) -> None:
    """A channel-layer call retried once: after a Redis restart the first use of a pooled
    connection fails. Broadcasts are hints, so a second failure is logged, not raised: clients
    find the gap by sequence number and resync."""
    for attempt in (1, 2):
        try:
            await call(*args)
            return
        except Exception:
            metrics.CHANNEL_LAYER_FAILURES.inc()
            if attempt == 2:
                log.warning("live: channel layer call failed twice", exc_info=True)
            else:
                await asyncio.sleep(0.05)


class Frame:
    """One text frame for one or many sockets: the ASGI message, and the WebSocket frame
    prepared (built on first use) for daphne's sockets."""

    __slots__ = ("_prepared", "message")

    def __init__(self, text: str) -> None:
        self.message = {"type": "websocket.send", "text": text}
        self._prepared: transport.PreparedMessage | None = None

    @property
    def prepared(self) -> transport.PreparedMessage:
        if self._prepared is None:
            self._prepared = transport.prepare(self.message["text"])
        return self._prepared


class Hub:
    def __init__(self, round_id: int) -> None:
        self.round_id = round_id
        self.group = round_group(round_id)
        self.layer = get_channel_layer()
        self.sockets: dict[str, LiveConsumer] = {}
        # Hosts apart too: presence and progress go only to them, and must not walk every socket.
        self.hosts: dict[str, LiveConsumer] = {}
        self.channel = ""
        self.last_seq = 0
        self._timer: asyncio.TimerHandle | None = None
        self._progress_pending = False
        self._task: asyncio.Task[None] | None = None
        self._membership: asyncio.Task[None] | None = None
        self._troubled = False
        self._presence: list[dict[str, Any]] = []
        self._presence_task: asyncio.Task[None] | None = None
        self._joined = asyncio.Event()
        self._rejoin = asyncio.Event()
        # Broadcasts this hub published: delivered to its own sockets at once, so the copy that
        # comes back through the channel layer is dropped by its origin tag.
        self._origin_prefix = uuid.uuid4().hex
        self._origins = itertools.count(1)
        self._local: OrderedDict[str, None] = OrderedDict()

    @classmethod
    async def get(cls, round_id: int) -> Hub:
        loop = asyncio.get_running_loop()
        hubs = _hubs.setdefault(loop, {})
        hub = hubs.get(round_id)
        if hub is None:
            hub = hubs[round_id] = cls(round_id)
            await hub.start()
        return hub

    async def start(self) -> None:
        # The default prefix matters: channels-redis reads every process-local channel of one
        # prefix through a single shared receive loop; another prefix would starve behind it.
        self.channel = await self.layer.new_channel()
        loop = asyncio.get_running_loop()
        self._membership = loop.create_task(self._keep_membership())
        # Wait a moment for the first join so a broadcast right after is not missed; with Redis
        # down, go on: sockets still open and answer, and the join is retried in the background.
        try:
            await asyncio.wait_for(self._joined.wait(), 2.0)
        except TimeoutError:
            log.warning("live hub %s: channel layer unavailable, joining in the background", self.round_id)
        self._task = loop.create_task(self._listen())
        current = await database_sync_to_async(self._current_timer)()
        if current:
            self._schedule(*current)

    def _current_timer(self) -> tuple[int, float] | None:
        live_round = LiveRound.objects.select_related("current").get(pk=self.round_id)
        self.last_seq = live_round.seq
        current = live_round.current
        if live_round.state == "question" and live_round.paused_at is None and current is not None:
            return current.pk, current.deadline.timestamp()
        return None

    def add(self, consumer: LiveConsumer) -> None:
        """A socket that gets the round's broadcasts (a joined contestant, a host, a screen)."""
        self.sockets[consumer.channel_name] = consumer
        if consumer.role == "host":
            self.hosts[consumer.channel_name] = consumer

    def remove(self, consumer: LiveConsumer) -> None:
        self.sockets.pop(consumer.channel_name, None)
        self.hosts.pop(consumer.channel_name, None)

    def trouble(self) -> None:
        """The channel layer failed: rejoin the group now and resync once back in."""
        self._troubled = True
        self._rejoin.set()

    async def _keep_membership(self) -> None:
        """Group membership expires in Redis and is lost when Redis restarts: renew it every
        REJOIN_SECONDS, at once after any channel-layer error in this process, and every 0.5 s
        while it fails. Back in the group after a failure, frames published meanwhile never
        reached this process: if the round moved on, every socket here gets a fresh snapshot."""
        while True:
            troubled = self._troubled
            try:
                await self.layer.group_add(self.group, self.channel)
                self._joined.set()
                delay = REJOIN_SECONDS
                if troubled:
                    self._troubled = False
                    await self._resync()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if _cancelling():
                    raise asyncio.CancelledError from exc
                log.debug("live hub %s: group join failed, retrying", self.round_id, exc_info=True)
                self._troubled = True
                delay = 0.5
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._rejoin.wait(), delay)
            self._rejoin.clear()

    async def _resync(self) -> None:
        seq = await db_call(self._stored_seq)()
        if seq <= self.last_seq:
            return
        log.info(
            "live hub %s: missed frames %s..%s while the channel layer was down, resyncing",
            self.round_id,
            self.last_seq + 1,
            seq,
        )
        self.last_seq = seq
        for consumer in list(self.sockets.values()):
            with contextlib.suppress(Exception):
                await consumer.send_snapshot()

    def _stored_seq(self) -> int:
        return LiveRound.objects.filter(pk=self.round_id).values_list("seq", flat=True).first() or 0

    async def _listen(self) -> None:
        backoff = 0.1
        while True:
            try:
                message = await self.layer.receive(self.channel)
                backoff = 0.1
                await self._dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if _cancelling():
                    # A cancelled read can surface as a connection error: end, do not retry.
                    raise asyncio.CancelledError from exc
                log.warning("live hub %s: channel layer error, retrying", self.round_id, exc_info=True)
                layer_failed()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)

    async def _dispatch(self, message: dict[str, Any], *, local: bool = False) -> None:
        origin = message.get("origin")
        if not local and origin is not None and origin in self._local:
            del self._local[origin]  # already delivered here when it was published
            return
        if message.get("type") == "live.host":
            for payload in message.get("payloads") or [message["payload"]]:
                model = HOST_MESSAGES[payload["type"]].model_validate(payload)
                for consumer in list(self.hosts.values()):
                    await consumer.send_model(model)
            return
        if message.get("type") != "live.frame":
            return
        pacer.touch()
        seq = message["seq"]
        self.last_seq = max(self.last_seq, seq)
        frame, host_frame = message["frame"], message.get("host_frame")
        standings = message.get("standings")
        consumers = list(self.sockets.values())
        # The frame was encoded once by the action and is framed once for all sockets; every
        # socket gets it before any per-contestant standing, so the last one is not kept waiting.
        # Under daphne it is written straight to each socket (transport.PreparedFrames, sent at
        # once when the socket's buffer is empty); elsewhere it goes through the ASGI send.
        public = Frame(frame)
        hosts = Frame(host_frame) if host_frame else public
        for consumer in consumers:
            consumer.last_seq = max(consumer.last_seq, seq)
            frame_for = hosts if consumer.role == "host" else public
            writer = consumer.writer
            if writer is None:
                await self._deliver(consumer, frame_for)
                continue
            try:  # the common case inline: a thousand sockets, no coroutine each
                writer(frame_for.prepared)
            except Exception:
                log.debug("live hub %s: send failed", self.round_id, exc_info=True)
        if standings:
            total, now = len(standings), time.time()
            for consumer in consumers:
                row = standings.get(str(consumer.participant_id)) if consumer.participant_id is not None else None
                if row is not None:
                    await self._deliver(consumer, Frame(events.standing_json(consumer.last_seq, now, total, row)))
        if message.get("question_id") is not None:
            self._cancel_timer()
            if message.get("closes_at") is not None:
                self._schedule(message["question_id"], message["closes_at"])

    async def _deliver(self, consumer: LiveConsumer, frame: Frame) -> None:
        try:
            if consumer.writer is not None:
                consumer.writer(frame.prepared)
            else:
                await consumer.base_send(frame.message)
        except Exception:
            log.debug("live hub %s: send failed", self.round_id, exc_info=True)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _schedule(self, question_id: int, closes_at: float) -> None:
        self._cancel_timer()
        loop = asyncio.get_running_loop()
        delay = max(0.0, closes_at - time.time()) + 0.05
        self._timer = loop.call_later(delay, lambda: loop.create_task(self._due(question_id)))

    async def _due(self, question_id: int) -> None:
        outcome = await database_sync_to_async(actions.close_question)(
            None, self.round_id, question_id=question_id, if_due=True
        )
        await self.publish(outcome)

    async def publish(self, outcome: actions.Outcome) -> None:
        """Send each broadcast once to every process of the round (after the action committed).

        This process's own sockets get it at once, without the round trip through the channel
        layer (Redis), and also while the layer is down; the copy the layer brings back here is
        recognised by its origin tag and dropped, so every socket gets each frame once."""
        for b in outcome.broadcasts:
            origin = f"{self._origin_prefix}:{next(self._origins)}"
            message = {
                "type": "live.frame",
                "frame": b.frame,
                "host_frame": b.host_frame,
                "seq": b.seq,
                "standings": b.standings,
                "closes_at": b.closes_at,
                "question_id": b.question_id,
                "origin": origin,
            }
            self._local[origin] = None
            while len(self._local) > LOCAL_ORIGINS_KEPT:  # copies lost while the layer was down
                self._local.popitem(last=False)
            await self._dispatch(message, local=True)
            await resilient(self.layer.group_send, self.group, message)
        for channel, reason in outcome.close_channels:
            await resilient(self.layer.send, channel, {"type": "live.bye", "reason": reason})

    def presence_soon(self, *, ticket: str, name: str, online: bool) -> None:
        """A seat of this process came online or left: the round's hosts (on any process) hear
        it within PROGRESS_SECONDS, and what this process gathers meanwhile crosses the channel
        layer as one message, with the number of seats online counted once, when it is sent (a
        hall joining at once is a few messages and a few counts, not one of each per phone)."""
        self._presence.append({"ticket": ticket, "name": name, "online": online})
        if self._presence_task is not None and not self._presence_task.done():
            return

        async def later() -> None:
            while self._presence:  # what arrives while a message is on its way goes in the next one
                await asyncio.sleep(PROGRESS_SECONDS)
                gathered, self._presence = self._presence, []
                try:
                    connected = await db_call(self._online_count)()
                except Exception:  # the database is away: the notes go without a fresh count
                    log.debug("live hub %s: online count failed", self.round_id, exc_info=True)
                    connected = None
                payloads = [events.Presence(**note, connected=connected).model_dump(mode="json") for note in gathered]
                await resilient(self.layer.group_send, self.group, {"type": "live.host", "payloads": payloads})

        self._presence_task = asyncio.get_running_loop().create_task(later())

    def _online_count(self) -> int:
        return Participant.objects.filter(round_id=self.round_id, connected=True).count()

    async def to_hosts(self, message: events.ServerMessage) -> None:
        await resilient(
            self.layer.group_send, self.group, {"type": "live.host", "payload": message.model_dump(mode="json")}
        )

    def progress_soon(self) -> None:
        """Tell hosts how answers are arriving, at most every PROGRESS_SECONDS."""
        if self._progress_pending:
            return
        self._progress_pending = True

        async def later() -> None:
            await asyncio.sleep(PROGRESS_SECONDS)
            self._progress_pending = False
            # On the pool, not the ordered thread: a host's next command never waits for a hint.
            live_round = await db_call(selectors.access_round)(self.round_id)
            try:
                await self.to_hosts(await db_call(selectors.progress)(live_round))
            except Exception:
                # A hint only: hosts get the next one, or a snapshot when they reconnect.
                log.warning("live hub %s: progress not sent", self.round_id, exc_info=True)

        asyncio.get_running_loop().create_task(later())
