"""The examinees of benchmarks.lms: one client process drives its share of the learners over the
exam socket (lms/consumers.py, lms/events.py) on its own asyncio loop. No Django here: a
client process holds only sockets, so its CPU goes to the learners.

The parent (benchmarks.lms) talks to each client process through a pipe, one phase at a time:

    client → ("connected", n)            every socket open and its `hello` read
    parent → ("bell", wall time)         each learner sends `open` at bell + uniform(0, 1) s,
                                         then answers its first K questions after a think time each
    client → ("paced", n)
    parent → ("saturate", wall time)     from then on each learner sends the rest back to back
    client → ("saturated", {acks, last_ack})
    parent → ("close", wall time)        learners marked to submit send `submit` in the last 10 s
    client → ("done", report)            timings, counters, errors, and what was acknowledged

Times between processes are wall-clock (`time.time()`, one machine); latencies are measured
inside a process with `time.perf_counter()`.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import websockets

# The question ids of the paper in paper order: each question's own <div class="question" …>.
QUESTION_ID = re.compile(r'<div class="question"[^>]*?\bdata-qid="(\d+)"')
LETTERS = "ABCD"
# The server allows 10 messages a second per socket with a burst of 30 (lms/consumers.py); the
# client keeps a little under it so that clock jitter does not earn a `rate_limited` refusal.
RATE_PER_SECOND = 9.0
RATE_BURST = 28.0
REPLY_TIMEOUT = 120.0
RESENDS = 20
MAX_ERRORS_KEPT = 20


def choice(learner: int, question: int, round_: int) -> str:
    """The letter learner `learner` picks (as displayed) for its `question`-th question; round 1
    (the saturated re-answers) always differs from round 0."""
    return LETTERS[(learner + question + round_) % 4]


def question_ids(html: str) -> list[int]:
    seen: dict[int, None] = {}
    for match in QUESTION_ID.finditer(html):
        seen.setdefault(int(match.group(1)), None)
    return list(seen)


@dataclass
class Stats:
    paper: list[float] = field(default_factory=list)
    paced: list[float] = field(default_factory=list)
    saturated: list[float] = field(default_factory=list)
    submit: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    handshake_retries: int = 0
    connected: int = 0
    opened: int = 0
    submitted: int = 0
    not_stored_resends: int = 0
    rate_limited: int = 0
    client_rate_waits: int = 0
    last_saturated_ack: float = 0.0

    def error(self, text: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(text[:300])


class Learner:
    def __init__(self, spec: dict[str, Any], seed: int) -> None:
        self.i: int = spec["i"]
        self.url: str = spec["url"]
        self.cookie: str = spec["cookie"]
        self.submits: bool = spec["submit"]
        self.rng = random.Random(seed * 1_000_003 + self.i)
        self.ws: Any = None
        self.attempt: int | None = None
        self.alive = True  # false once the learner failed: it sits out the later phases
        self.qids: list[int] = []
        self.seq = 0
        self.first_sent = 0.0  # perf_counter of the current message's first send
        self.acked: dict[int, tuple[int, str]] = {}  # question → (seq, displayed letter) last acknowledged
        self.tokens = RATE_BURST
        self.refilled = time.monotonic()

    # --- plumbing ---------------------------------------------------------------------------

    async def _reply(self) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.ws.recv(), REPLY_TIMEOUT))

    async def _throttle(self, stats: Stats) -> None:
        now = time.monotonic()
        self.tokens = min(RATE_BURST, self.tokens + (now - self.refilled) * RATE_PER_SECOND)
        self.refilled = now
        if self.tokens < 1:
            stats.client_rate_waits += 1
            await asyncio.sleep((1 - self.tokens) / RATE_PER_SECOND)
            now = time.monotonic()
            self.tokens = min(RATE_BURST, self.tokens + (now - self.refilled) * RATE_PER_SECOND)
            self.refilled = now
        self.tokens -= 1

    async def _exchange(self, message: str, wanted: str, seq: int | None, stats: Stats) -> dict[str, Any] | None:
        """Send `message` until the server takes it (resending on `not_stored` and `rate_limited`);
        the reply of type `wanted`, or None after an error was recorded."""
        self.first_sent = 0.0
        for attempt in range(RESENDS):
            await self._throttle(stats)
            # Latency runs from the first send (a resend's wait counts; the client's own rate
            # limit before it does not).
            self.first_sent = self.first_sent or time.perf_counter()
            await self.ws.send(message)
            while True:
                reply = await self._reply()
                # One message in flight per learner: an error without a sequence number (rate
                # limit, refused) answers the message just sent.
                if reply.get("type") == wanted and (seq is None or reply.get("seq") == seq):
                    return reply
                if reply.get("type") == "error" and reply.get("seq") in (None, seq):
                    break
                stats.error(f"learner {self.i}: unexpected {json.dumps(reply, ensure_ascii=False)[:200]}")
            code = reply.get("code")
            if code == "not_stored":
                stats.not_stored_resends += 1
                await asyncio.sleep(0.05 * (attempt + 1))
            elif code == "rate_limited":
                stats.rate_limited += 1
                await asyncio.sleep(0.3)
            else:
                stats.error(f"learner {self.i}: {wanted} refused: {code} {reply.get('message', '')}")
                return None
        stats.error(f"learner {self.i}: {wanted} not taken after {RESENDS} sends")
        return None

    # --- the phases -------------------------------------------------------------------------

    async def connect(self, stats: Stats) -> bool:
        headers = {"Origin": "http://127.0.0.1", "Cookie": self.cookie}
        last: Exception | None = None
        for attempt in range(5):
            try:
                self.ws = await websockets.connect(
                    self.url,
                    additional_headers=headers,
                    max_size=2**22,
                    open_timeout=60,
                    compression=None,  # daphne does not offer permessage-deflate
                    ping_interval=None,  # a browser does not ping; the server does
                    close_timeout=2,
                )
                break
            except (OSError, TimeoutError, websockets.exceptions.InvalidHandshake) as exc:
                last = exc
                stats.handshake_retries += 1
                await asyncio.sleep(0.2 * (attempt + 1))
        else:
            stats.error(f"learner {self.i}: could not connect: {last!r}")
            return False
        hello = await self._reply()
        if hello.get("type") != "hello":
            stats.error(f"learner {self.i}: expected hello, got {str(hello)[:200]}")
            return False
        if hello.get("attempt") is not None:
            stats.error(f"learner {self.i}: already holds attempt {hello['attempt']} before the bell")
        stats.connected += 1
        return True

    async def sitting(self, bell: float, think: tuple[float, float], paced: int, questions: int, stats: Stats) -> None:
        """Open at the bell, then answer the first `paced` questions, each after a think time."""
        await asyncio.sleep(max(0.0, bell - time.time()) + self.rng.uniform(0, 1))
        await self._throttle(stats)
        began = time.perf_counter()
        await self.ws.send('{"type":"open"}')
        reply = await self._reply()
        if reply.get("type") != "paper":
            stats.error(f"learner {self.i}: open refused: {str(reply)[:200]}")
            return
        stats.paper.append(time.perf_counter() - began)
        self.attempt = reply["attempt"]
        self.seq = int(reply.get("last_seq") or 0)
        self.qids = question_ids(reply.get("html", ""))
        if len(self.qids) != questions:
            stats.error(f"learner {self.i}: the paper shows {len(self.qids)} questions, not {questions}")
            self.attempt = None
            return
        stats.opened += 1
        for j in range(paced):
            await asyncio.sleep(self.rng.uniform(*think))
            await self.answer(self.qids[j], choice(self.i, j, 0), stats.paced, stats)

    async def saturate(self, paced: int, stats: Stats) -> None:
        """The rest of the paper back to back (the next answer as soon as the last is acknowledged);
        with nothing left, every question again with another letter."""
        if self.attempt is None or not self.alive:
            return
        if paced < len(self.qids):
            plan = [(j, choice(self.i, j, 0)) for j in range(paced, len(self.qids))]
        else:
            plan = [(j, choice(self.i, j, 1)) for j in range(len(self.qids))]
        for j, letter in plan:
            if await self.answer(self.qids[j], letter, stats.saturated, stats):
                stats.last_saturated_ack = max(stats.last_saturated_ack, time.time())

    async def answer(self, qid: int, letter: str, timings: list[float], stats: Stats) -> bool:
        self.seq += 1
        seq = self.seq
        message = json.dumps({"type": "answer", "seq": seq, "question": qid, "response": letter})
        reply = await self._exchange(message, "ack", seq, stats)
        if reply is None:
            return False
        timings.append(time.perf_counter() - self.first_sent)
        self.acked[qid] = (seq, letter)
        return True

    async def rush(self, close: float, stats: Stats) -> None:
        """Submit at close − uniform(0, 10) s."""
        if self.attempt is None or not self.alive or not self.submits:
            return
        await asyncio.sleep(max(0.0, close - self.rng.uniform(0, 10) - time.time()))
        reply = await self._exchange('{"type":"submit"}', "submitted", None, stats)
        if reply is None:
            return
        stats.submit.append(time.perf_counter() - self.first_sent)
        stats.submitted += 1
        if reply.get("late"):
            stats.error(f"learner {self.i}: submitted before the close but told late: {reply.get('message')}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def _guarded(learner: Learner, stats: Stats, coroutine: Any) -> None:
    """A learner's failure (a dropped socket, a timeout) is reported and ends that learner only."""
    try:
        await coroutine
    except Exception as exc:  # a benchmark reports every failure, it does not stop
        stats.error(f"learner {learner.i}: {exc!r}")
        learner.alive = False


async def _main(pipe: Connection, spec: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    stats = Stats()
    learners = [Learner(item, spec["seed"]) for item in spec["learners"]]
    think: tuple[float, float] = tuple(spec["think"])  # type: ignore[assignment]
    paced: int = spec["paced"]

    async def command(expected: str) -> float:
        kind, value = await loop.run_in_executor(None, pipe.recv)
        if kind != expected:
            raise RuntimeError(f"expected {expected}, got {kind}")
        return float(value)

    spread = spec["connect_seconds"] / max(1, len(learners))

    async def connect(k: int, learner: Learner) -> bool:
        await asyncio.sleep(spread * k)
        try:
            return await learner.connect(stats)
        except Exception as exc:
            stats.error(f"learner {learner.i}: connect: {exc!r}")
            return False

    joined = await asyncio.gather(*(connect(k, learner) for k, learner in enumerate(learners)))
    live = [learner for learner, ok in zip(learners, joined, strict=True) if ok]
    pipe.send(("connected", len(live)))

    bell = await command("bell")
    await asyncio.gather(*(_guarded(x, stats, x.sitting(bell, think, paced, spec["questions"], stats)) for x in live))
    pipe.send(("paced", stats.opened))

    start = await command("saturate")
    await asyncio.sleep(max(0.0, start - time.time()))
    await asyncio.gather(*(_guarded(x, stats, x.saturate(paced, stats)) for x in live))
    pipe.send(("saturated", {"acks": len(stats.saturated), "last_ack": stats.last_saturated_ack}))

    close = await command("close")
    await asyncio.gather(*(_guarded(x, stats, x.rush(close, stats)) for x in live))
    await asyncio.gather(*(x.close() for x in live), return_exceptions=True)
    report = {
        key: getattr(stats, key)
        for key in (
            "paper",
            "paced",
            "saturated",
            "submit",
            "errors",
            "error_count",
            "handshake_retries",
            "connected",
            "opened",
            "submitted",
            "not_stored_resends",
            "rate_limited",
            "client_rate_waits",
        )
    }
    report["acked"] = {
        x.attempt: {qid: letter for qid, (_seq, letter) in x.acked.items()}
        for x in learners
        if x.attempt is not None and x.acked
    }
    report["papers"] = {x.attempt: x.qids for x in learners if x.attempt is not None}
    pipe.send(("done", report))


def run(pipe: Connection, spec: dict[str, Any]) -> None:
    """Entry point of a client process (multiprocessing, spawn). On uvloop, as contest_load's
    load generator (benchmarks/contest_load.py `phones`): the examinees share the machine's cores
    with the servers they measure, and uvloop's transports spend less of them."""
    import uvloop

    uvloop.run(_main(pipe, spec))
