"""Group commit for sockets: what many sockets of a process send within a few milliseconds is
written in one database call, and each sender waits for its own result.

`GroupCommit(run, on_failure, flush_setting)` is created once at import; awaiting
`commit(item)` queues the item and returns its result once the batch holding it has run. Per
event loop one batch runs at a time, on a thread of config.db_threads: while it commits, the next
batch gathers, so under load the batches grow and the database sees a few large statements
instead of thousands of small ones; when the process is idle an item waits about
the milliseconds the setting named `flush_setting` gives (read at each batch, so tests may
change it). `run(items)` returns one result per item, in order; if it raises, every item of
the batch gets `on_failure(item)` (its sender is told it was not stored and resends).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings

from config.db_threads import db_call

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)


class _Runner(Generic[T, R]):
    def __init__(self, owner: GroupCommit[T, R]) -> None:
        self.owner = owner
        self.queue: list[tuple[T, asyncio.Future[R]]] = []
        self.wake = asyncio.Event()
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        owner = self.owner
        while True:
            await self.wake.wait()
            if owner.flush_seconds:
                await asyncio.sleep(owner.flush_seconds)
            self.wake.clear()
            items, self.queue = self.queue[: owner.max_batch], self.queue[owner.max_batch :]
            if self.queue:
                self.wake.set()
            if not items:
                continue
            batch = [item for item, _future in items]
            try:
                results = await db_call(owner.run)(batch)
            except Exception:
                log.exception("%s: a batch of %d failed", owner.name, len(batch))
                results = [owner.on_failure(item) for item in batch]
            for (_item, future), result in zip(items, results, strict=True):
                if not future.done():
                    future.set_result(result)


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        name: str,
        run: Callable[[list[T]], list[R]],
        on_failure: Callable[[T], R],
        *,
        flush_setting: str,
        max_batch: int = 1000,
    ) -> None:
        self.name = name
        self.run = run
        self.on_failure = on_failure
        self.flush_setting = flush_setting
        self.max_batch = max_batch
        self._runners: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Runner[T, R]] = weakref.WeakKeyDictionary()

    @property
    def flush_seconds(self) -> float:
        return float(getattr(settings, self.flush_setting)) / 1000

    async def commit(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        runner = self._runners.get(loop)
        if runner is None or runner.task.done():
            runner = self._runners[loop] = _Runner(self)
        future: asyncio.Future[R] = loop.create_future()
        runner.queue.append((item, future))
        runner.wake.set()
        return await future
