"""Full garbage collections kept out of the way of live broadcasts and exam sittings.

CPython's cyclic collector stops the whole process for a full (oldest-generation) collection.
With a thousand live sockets a daphne process tracks some 250,000 objects besides its modules,
and a full collection takes 0.2–0.4 s on these machines: a question that happens to be
broadcast then reaches every contestant that much later (measured: fan-out 3–7x the plain
server in the runs where it hit). The interpreter starts one whenever enough objects have
survived two young collections, which during a round is any time answers arrive (and at an
exam's bell, when two thousand papers are drawn and sent in a second, several times over).

So, while any live round or exam sitting has a socket on this process (`PacedSockets`, the
outermost WebSocket middleware of config/asgi.py: from the handshake on, since a hall
connecting at once sets off several full collections before its first socket reaches a
consumer; measured: 0.3 s of each process's time with 2,500 phones apiece), automatic
full collections are deferred (the oldest generation's threshold is raised) and `Pacer` runs
one itself once nothing has been broadcast for `IDLE_SECONDS`: during a question (a broadcast
opens it, the next one closes it) or between questions, not right after a host's command.
Young collections (a few milliseconds) are left to the interpreter, so short-lived cycles are
still freed at once; only the full pass waits, and never longer than `IDLE_SECONDS` after the
last broadcast or new socket (a hall still coming in is not a quiet moment either) plus one
`CHECK_SECONDS` once as many young collections ran as would have started one by default; and never more than `MAX_SHARE` of the time (many sockets joining at once keep
the young collections busy: a full pass each second would be a fifth of the process's time).
With no live socket on the process the interpreter's own thresholds are back.

`freeze_startup` (called once by `config.asgi`) moves everything created while importing Django,
Wagtail and the project into the permanent generation, so later full collections skip it (the
interpreter's documented use of `gc.freeze`); it roughly halves a full collection here.
"""

from __future__ import annotations

import asyncio
import gc
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

IDLE_SECONDS = 2.0
CHECK_SECONDS = 1.0
MAX_SHARE = 0.05  # of the process's time spent in paced full collections
DEFERRED = 1_000_000_000  # "never" for the oldest generation's threshold


def freeze_startup() -> None:
    gc.collect()
    gc.freeze()


class Pacer:
    """One per process (the collector is per process). `hold(owner)`/`release(owner)`: a hub
    holds it while it has sockets; `touch` marks a broadcast. An owner whose event loop has
    closed no longer holds it (a server has one loop for its life; tests start one per test)."""

    def __init__(self) -> None:
        self._owners: weakref.WeakKeyDictionary[object, asyncio.AbstractEventLoop | None] = weakref.WeakKeyDictionary()
        self.saved: tuple[int, int, int] | None = None
        self.last_broadcast = time.monotonic()
        self.not_before = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None

    @property
    def holders(self) -> int:
        for owner, loop in list(self._owners.items()):
            if loop is not None and loop.is_closed():
                del self._owners[owner]
        if not self._owners:
            self._restore()
        return len(self._owners)

    def hold(self, owner: object) -> None:
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        self._owners[owner] = loop
        if self.saved is None:
            self.saved = gc.get_threshold()
            young, middle, _oldest = self.saved
            gc.set_threshold(young, middle, DEFERRED)
        self._ensure_timer()

    def release(self, owner: object) -> None:
        self._owners.pop(owner, None)
        if not self.holders:
            self._restore()

    def _restore(self) -> None:
        if self.saved is not None:
            gc.set_threshold(*self.saved)
            self.saved = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def touch(self) -> None:
        self.last_broadcast = time.monotonic()

    def tick(self, now: float | None = None) -> bool:
        """Run the deferred full collection if the process has been quiet long enough, if as many
        young collections ran since the last one as would have started it by default, and if the
        collector has had no more than its share of time (`MAX_SHARE`). Returns whether it ran."""
        now = time.monotonic() if now is None else now
        if self.holders == 0 or now - self.last_broadcast < IDLE_SECONDS or now < self.not_before:
            return False
        assert self.saved is not None  # kept while anyone holds the pacer
        if gc.get_count()[2] < self.saved[2]:
            return False
        started = time.monotonic()
        gc.collect()
        took = time.monotonic() - started
        self.not_before = now + took / MAX_SHARE
        return True

    def _ensure_timer(self) -> None:
        """A check every CHECK_SECONDS on the running loop (one loop per server process; tests
        run one per test, so a timer left on a closed loop is replaced)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._timer is not None and self._timer_loop is loop and not self._timer.cancelled():
            return
        if self._timer is not None:
            self._timer.cancel()

        def check() -> None:
            self._timer = None
            if self.holders == 0:
                return
            self.tick()
            self._ensure_timer()

        self._timer_loop = loop
        self._timer = loop.call_later(CHECK_SECONDS, check)


pacer = Pacer()


class _Sockets:
    """The paced sockets of one event loop (what holds the pacer for them)."""

    __slots__ = ("__weakref__", "count")

    def __init__(self) -> None:
        self.count = 0


class PacedSockets:
    """ASGI middleware: the pacer is held while this process has a WebSocket of a live round or
    an exam (paths under `PREFIXES`), from the handshake until the socket's application returns;
    each new socket counts as activity (`touch`). One holder per event loop, counted, so a hall
    of thousands costs a counter, not a holder each."""

    PREFIXES = ("/ws/live/", "/ws/lms/")

    def __init__(self, app: Callable[..., Awaitable[Any]]) -> None:
        self.app = app
        self._open: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Sockets] = weakref.WeakKeyDictionary()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") != "websocket" or not scope.get("path", "").startswith(self.PREFIXES):
            return await self.app(scope, receive, send)
        loop = asyncio.get_running_loop()
        here = self._open.get(loop)
        if here is None:
            here = self._open[loop] = _Sockets()
        if not here.count:
            pacer.hold(here)
        here.count += 1
        pacer.touch()
        try:
            return await self.app(scope, receive, send)
        finally:
            here.count -= 1
            if not here.count:
                pacer.release(here)
