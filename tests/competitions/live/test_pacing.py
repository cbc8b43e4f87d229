"""Full garbage collections wait for quiet moments while a live round has sockets on the process
(config/pacing.py): deferred while held, run once nothing was broadcast for a while, never more
than their share of the time, and the interpreter's thresholds come back when the round empties."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from config import pacing
from config.pacing import Pacer


@pytest.fixture
def full_collections() -> Iterator[list[int]]:
    """Generations of the collections that run while the test does."""
    seen: list[int] = []

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


class Owner:
    """What holds a pacer (a hub in the server)."""


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    assert pacing.pacer.holders == 0  # hubs of earlier tests' closed loops hold nothing
    saved = gc.get_threshold()
    assert saved[2] != pacing.DEFERRED
    yield saved
    gc.set_threshold(*saved)


def young_collections(n: int) -> None:
    """What a busy process does between full collections: each collection of the middle
    generation counts towards the oldest one."""
    for _ in range(n):
        gc.collect(1)


def test_holding_defers_full_collections_and_releasing_brings_the_thresholds_back(thresholds) -> None:
    pacer, one, two = Pacer(), Owner(), Owner()
    pacer.hold(one)
    pacer.hold(two)
    pacer.hold(two)
    young, middle, oldest = gc.get_threshold()
    assert (young, middle) == thresholds[:2]
    assert oldest == pacing.DEFERRED
    pacer.release(one)
    assert gc.get_threshold()[2] == pacing.DEFERRED  # another round still has sockets here
    pacer.release(two)
    assert gc.get_threshold() == thresholds
    pacer.release(two)  # one release too many changes nothing
    assert gc.get_threshold() == thresholds


def test_an_owner_whose_event_loop_closed_holds_nothing(thresholds) -> None:
    import asyncio

    pacer, owner = Pacer(), Owner()

    async def hold() -> None:
        pacer.hold(owner)
        assert gc.get_threshold()[2] == pacing.DEFERRED

    asyncio.run(hold())  # the test's loop ends without the hub letting go
    assert pacer.holders == 0
    assert gc.get_threshold() == thresholds


def test_the_full_collection_waits_until_nothing_was_broadcast_for_a_while(thresholds, full_collections) -> None:
    pacer, owner = Pacer(), Owner()
    pacer.hold(owner)
    try:
        young_collections(thresholds[2] + 1)
        pacer.touch()
        now = pacer.last_broadcast
        full_collections.clear()
        assert pacer.tick(now + pacing.IDLE_SECONDS / 2) is False
        assert 2 not in full_collections
        assert pacer.tick(now + pacing.IDLE_SECONDS) is True
        assert full_collections == [2]
        assert gc.get_count()[2] == 0
    finally:
        pacer.release(owner)


def test_no_full_collection_without_the_young_ones_that_would_start_one(thresholds, full_collections) -> None:
    pacer, owner = Pacer(), Owner()
    pacer.hold(owner)
    try:
        gc.collect()
        young_collections(thresholds[2] - 1)
        full_collections.clear()
        assert pacer.tick(pacer.last_broadcast + 60) is False
        assert 2 not in full_collections
    finally:
        pacer.release(owner)


def test_paced_collections_take_no_more_than_their_share_of_the_time(thresholds) -> None:
    pacer, owner = Pacer(), Owner()
    pacer.hold(owner)
    try:
        young_collections(thresholds[2] + 1)
        now = pacer.last_broadcast + 60
        assert pacer.tick(now) is True
        wait = pacer.not_before - now  # the collection's own time / MAX_SHARE
        assert wait > 0
        young_collections(thresholds[2] + 1)
        assert pacer.tick(now + wait * 0.9) is False
        assert pacer.tick(now + wait) is True
    finally:
        pacer.release(owner)


def test_nothing_is_collected_by_a_pacer_nobody_holds(thresholds, full_collections) -> None:
    pacer = Pacer()
    young_collections(thresholds[2] + 1)
    full_collections.clear()
    assert pacer.tick(pacer.last_broadcast + 60) is False
    assert full_collections == []


async def test_live_and_exam_sockets_hold_the_pacer_from_their_handshake_until_they_end(thresholds) -> None:
    import asyncio

    from config.pacing import PacedSockets, pacer

    ends: dict[str, asyncio.Event] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await ends[scope["path"]].wait()

    paced = PacedSockets(app)
    holders = pacer.holders
    before = pacer.last_broadcast
    paths = ["/ws/live/7/play/", "/ws/live/7/host/", "/ws/lms/quizzes/3/", "/ws/notifications/"]
    tasks = []
    for path in paths:
        ends[path] = asyncio.Event()
        tasks.append(asyncio.create_task(paced({"type": "websocket", "path": path}, None, None)))
    await asyncio.sleep(0)
    assert pacer.holders == holders + 1  # one holder for the process's sockets, however many
    assert gc.get_threshold()[2] == pacing.DEFERRED
    assert pacer.last_broadcast > before  # a socket arriving is not a quiet moment
    for path in paths[:2]:
        ends[path].set()
    await asyncio.sleep(0)
    assert pacer.holders == holders + 1  # the exam socket is still here
    ends[paths[3]].set()
    await asyncio.sleep(0)
    assert pacer.holders == holders + 1  # notification sockets never held it
    ends[paths[2]].set()
    await asyncio.gather(*tasks)
    assert pacer.holders == holders
    if holders == 0:
        assert gc.get_threshold() == thresholds


async def test_a_phone_that_has_not_joined_yet_already_holds_the_pacer(sockets, arena, thresholds) -> None:
    """A hall connecting at once: thousands of handshakes come before the first seat is taken,
    and the full collections they would set off must wait too."""
    from config.pacing import pacer

    holders = pacer.holders
    sock, connected, _code = await sockets.raw(arena.people[0])
    assert connected
    await sock.expect("welcome")
    assert pacer.holders == holders + 1
    assert gc.get_threshold()[2] == pacing.DEFERRED
    await sock.close()
    assert pacer.holders == holders
    assert gc.get_threshold() == thresholds


async def test_a_broadcast_puts_off_the_next_full_collection(flush_layer) -> None:
    from competitions.live.hub import Hub
    from config.pacing import pacer

    before = pacer.last_broadcast
    hub = Hub(round_id=999_997)
    await hub._dispatch({"type": "live.frame", "frame": "{}", "seq": 1}, local=True)
    assert pacer.last_broadcast > before
