"""Live-contest load: N contestants and a host through K questions on daphne, and in the same run
the same clients against a plain `websockets` broadcast server (the peer).

    python -m benchmarks.contest_load --contestants 100 --questions 3
    python -m benchmarks.contest_load --contestants 5000 --procs 2   # needs REDIS_URL

Figures: the join phase (every phone connects and joins at once); fan-out (host's command sent →
last contestant has the question) p50/p99 over the questions; full round (question sent → every
answer acknowledged → leaderboard delivered to everyone, less the reading time `--think` every
contestant spends before answering); answers acknowledged vs stored; ratios to the peer. Both
sides get the same question frame and the same clients. Loopback only. The last line of output
is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Coroutine
from datetime import timedelta
from pathlib import Path

from benchmarks.servers import daphne_command

ROOT = Path(__file__).resolve().parents[1]
ORIGIN = "http://127.0.0.1:8000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- database set-up (in this process, before any server starts) ----------------------------


def prepare(n: int, k: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone

    from accounts import actions as account_actions
    from accounts.choices import Role
    from accounts.models import User
    from competitions.live import authoring, setup

    call_command("migrate", verbosity=0)
    organizer = User.objects.filter(mobile="16900000000").first()
    if organizer is None:
        organizer = account_actions.register_user(
            mobile="16900000000", real_name="压测主持", password="Bench-pass-2026", roles=()
        )
        account_actions.grant_role(None, organizer, Role.ORGANIZER)
        organizer = User.objects.get(pk=organizer.pk)
    contest, group = setup.create_contest(organizer, title=f"压测 {n}")
    # The round is made as an organizer makes it on the console's round editor (the actions
    # behind those pages): settings, then the bank's questions placed with their time.
    questions = [
        setup.bank_question("single", f"压测题 {i + 1}：2 + {i} = ？", [str(i + 2), str(i + 3)], "A", "")
        for i in range(k)
    ]
    live_round = authoring.create_round(organizer, contest, title="压测场", event_group=group, default_seconds=60)
    authoring.add_questions(organizer, live_round, questions)
    seats = setup.bulk_seat(contest, group, n, password="Bench-pass-2026", mobile_start=16000000000)
    users = {u.pk: u for u in User.objects.filter(pk__in=[s.user_id for s in seats] + [organizer.pk])}
    store = SessionStore()
    expire = timezone.now() + timedelta(days=1)
    sessions, cookies = [], {}
    for uid, user in users.items():
        key = uuid.uuid4().hex
        data = {
            SESSION_KEY: str(uid),
            BACKEND_SESSION_KEY: "accounts.backends.MobileBackend",  # what a sign-in records
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        cookies[uid] = f"{settings.SESSION_COOKIE_NAME}={key}"
    Session.objects.bulk_create(sessions, batch_size=1000)
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db":
        # A sign-in saves the session through the cache too: the phones arrive with it there.
        from django.contrib.sessions.backends.cached_db import KEY_PREFIX
        from django.core.cache import caches

        caches[settings.SESSION_CACHE_ALIAS].set_many(
            {KEY_PREFIX + s.session_key: store.decode(s.session_data) for s in sessions}, 86400
        )
    return {
        "round": live_round.pk,
        "host_cookie": cookies[organizer.pk],
        "seats": [(cookies[s.user_id], s.ticket, s.access_code) for s in seats],
    }


def stored_answers(round_id: int) -> int:
    from competitions.live.models import LiveAnswer

    return LiveAnswer.objects.filter(live_question__round_id=round_id).count()


# --- the peer: a plain websockets broadcast server --------------------------------------------


async def peer_server(port: int) -> None:
    import websockets

    clients: set = set()

    async def handler(ws) -> None:
        clients.add(ws)
        try:
            async for raw in ws:
                msg = json.loads(raw)
                if msg["type"] == "broadcast":
                    websockets.broadcast(clients, json.dumps(msg["frame"], separators=(",", ":")))  # encoded once
                elif msg["type"] == "answer":
                    await ws.send(json.dumps({"type": "ack", "answer_id": msg["answer_id"]}, separators=(",", ":")))
        finally:
            clients.discard(ws)

    # No permessage-deflate on either side: daphne does not offer it, and a compressing peer would
    # deflate each frame once per socket, flattering the ratio (clients ask for it by default).
    async with websockets.serve(handler, "127.0.0.1", port, max_size=2**20, compression=None):
        await asyncio.Future()


# --- clients ----------------------------------------------------------------------------------


class Bot:
    KINDS = frozenset({"question_open", "ack", "leaderboard", "snapshot", "joined"})

    def __init__(self, ws, plain: bool, think: float) -> None:
        self.ws, self.plain, self.think = ws, plain, think
        self.got: dict[str, float] = {}
        self.acks = 0
        self.answering: asyncio.Task[None] | None = None

    async def answer(self, qid: int) -> None:
        # The contestant reads the question first (THINK_SECONDS; the server flags answers
        # faster than 0.8 s as too fast to have been read).
        if self.think:
            await asyncio.sleep(self.think)
        await self.ws.send(
            json.dumps({"type": "answer", "answer_id": str(uuid.uuid4()), "question_id": qid, "response": "A"})
        )

    async def run(self, counters: dict[str, int], waiters: dict[str, asyncio.Event], n: int) -> None:
        async for raw in self.ws:
            now = time.perf_counter()
            # The first "type" key is the message's own (nested models come later): no full parse.
            i = raw.find('"type":"') + 8
            kind = raw[i : raw.find('"', i)]
            if kind not in self.KINDS:
                continue
            self.got[kind] = now
            counters[kind] = counters.get(kind, 0) + 1
            if kind == "question_open":
                qid = json.loads(raw)["question"]["id"]
                self.answering = asyncio.get_running_loop().create_task(self.answer(qid))
            elif kind == "ack":
                self.acks += 1
            if counters[kind] >= n and kind in waiters:
                waiters[kind].set()


async def run_clients(urls: list[str], host_url: str, seats: list, k: int, plain: bool, think: float = 0.0) -> dict:
    import websockets

    n = len(seats)
    counters: dict[str, int] = {}
    waiters = {kind: asyncio.Event() for kind in ("question_open", "ack", "leaderboard", "snapshot")}
    bots: list[Bot] = []

    failures = 0
    t_join = time.perf_counter()
    cpu_join = time.process_time()

    async def connect(i: int, seat) -> None:
        nonlocal failures
        cookie, ticket, code = seat
        headers = {"Origin": ORIGIN, "Cookie": cookie}
        last_error: Exception | None = None
        for attempt in range(5):
            try:
                ws = await websockets.connect(
                    urls[i % len(urls)],
                    additional_headers=headers,
                    max_size=2**22,
                    open_timeout=60,
                    compression=None,
                )
                break
            except (
                OSError,
                websockets.exceptions.InvalidMessage,
                websockets.exceptions.InvalidStatus,
                TimeoutError,
            ) as exc:
                last_error = exc
                # A refused or timed-out handshake is a failure of the join phase; the phone's
                # client retries with back-off, and so does this one, so the round can go on.
                failures += 1
                await asyncio.sleep(0.2 * (attempt + 1))
        else:
            raise RuntimeError(f"could not connect: {last_error!r}")
        bot = Bot(ws, plain, think)
        bot.got["open"] = time.perf_counter()
        bots.append(bot)
        if not plain:
            await ws.send(json.dumps({"type": "join", "ticket": ticket, "access_code": code}))
        else:
            bot.got["joined"] = time.perf_counter()
            counters["snapshot"] = counters.get("snapshot", 0) + 1
            if counters["snapshot"] >= n:
                waiters["snapshot"].set()
        asyncio.get_running_loop().create_task(bot.run(counters, waiters, n))

    # The join phase: the host says "join now" and every phone connects and joins in the same
    # instant (no batching); time to joined is from that instant to the phone's snapshot.
    await asyncio.gather(*(connect(i, s) for i, s in enumerate(seats)))
    await asyncio.wait_for(waiters["snapshot"].wait(), 600)
    # The load generator's own processor time during the join: on a shared machine it is taken
    # from the servers (a hall's phones each bring their own).
    cpu_join = time.process_time() - cpu_join
    # Joined = the phone has its snapshot (it shows the lobby or the open question), not just
    # the `joined` reply; the peer's phones are "in" when their socket opens.
    joins = [b.got["snapshot" if not plain else "joined"] - t_join for b in bots]
    # The host opens the first question a moment after the last phone is in, as in a hall (the
    # questions' fan-out is then not timed against the tail of the join burst).
    await asyncio.sleep(SETTLE_SECONDS)
    # The load generator is a thousand phones in one process: its own garbage collections (a
    # full one over a thousand sockets stops it for a quarter of a second) are not something a
    # hall sees, so they are kept out of the timed questions (both sides alike).
    gc.collect()
    gc.freeze()
    gc.disable()
    opens = [b.got["open"] - t_join for b in bots]

    host = await websockets.connect(
        host_url,
        additional_headers={"Origin": ORIGIN, "Cookie": seats[0][0] if plain else HOST_COOKIE[0]},
        max_size=2**24,
        compression=None,
    )
    host_inbox: asyncio.Queue[str] = asyncio.Queue()

    async def host_reader() -> None:
        async for raw in host:
            host_inbox.put_nowait(raw)

    asyncio.get_running_loop().create_task(host_reader())

    async def host_wait(kind: str) -> None:
        while True:
            raw = await asyncio.wait_for(host_inbox.get(), 60)
            if f'"type":"{kind}"' in raw:
                if '"type":"error"' in raw:
                    raise RuntimeError(raw)
                return

    if not plain:
        # The host console shows the lobby (its snapshot) before anyone opens a question; a
        # command sent while the server still builds that snapshot would wait behind it.
        await host_wait("snapshot")

    async def command(action: str, plain_frame: dict | None = None) -> None:
        if plain:
            await host.send(json.dumps({"type": "broadcast", "frame": plain_frame}))
        else:
            await host.send(json.dumps({"type": "command", "action": action}))

    fanouts, firsts, rounds, phases = [], [], [], []
    board = {"type": "leaderboard", "top": [{"rank": i, "name": f"选手{i}", "score": 10} for i in range(1, 11)]}
    for q in range(k):
        for key in ("question_open", "ack", "leaderboard"):
            counters[key] = 0
            waiters[key].clear()
        t0 = time.perf_counter()
        await command(
            "open_next",
            # The live server's question frame, field for field (every client parses it).
            {
                "seq": 2 * q + 1,
                "server_time": time.time(),
                "type": "question_open",
                "question": {
                    "id": q,
                    "position": q + 1,
                    "total": k,
                    "qtype": "single",
                    "stem": f"压测题 {q + 1}：2 + {q} = ？",
                    "options": [str(q + 2), str(q + 3)],
                    "points": 10.0,
                    "seconds": 60,
                    "kind": "单选",
                    "choices": [
                        {"key": "A", "label": "A", "text": str(q + 2)},
                        {"key": "B", "label": "B", "text": str(q + 3)},
                    ],
                    "blanks": 0,
                },
                "opens_at": time.time(),
                "closes_at": time.time() + 60,
            },
        )
        await asyncio.wait_for(waiters["question_open"].wait(), 60)
        fanouts.append(max(b.got["question_open"] for b in bots) - t0)
        firsts.append(min(b.got["question_open"] for b in bots) - t0)
        await asyncio.wait_for(waiters["ack"].wait(), 60)
        # Phases and the round are timed less the reading time every contestant spends.
        phase = {"acked": time.perf_counter() - t0 - think}
        if not plain:
            await command("close")
            await host_wait("question_closed")
            phase["closed"] = time.perf_counter() - t0 - think
            await command("reveal")
            await host_wait("reveal")
            phase["revealed"] = time.perf_counter() - t0 - think
        await command("leaderboard", board)
        await asyncio.wait_for(waiters["leaderboard"].wait(), 60)
        rounds.append(max(b.got["leaderboard"] for b in bots) - t0 - think)
        phase["board"] = rounds[-1]
        phases.append({key: round(value * 1000) for key, value in phase.items()})
        # The hall looks at the board before the host opens the next question (BOARD_SECONDS):
        # the next fan-out is timed from a command a person could send, not from one that
        # lands while the server still writes each contestant their own rank after the board.
        await asyncio.sleep(BOARD_SECONDS)
    gc.enable()
    gc.unfreeze()
    acked = sum(b.acks for b in bots)
    await host.close()
    for bot in bots:
        await bot.ws.close()
    return {
        "join_p50_ms": round(pct(joins, 50) * 1000, 1),
        "join_p99_ms": round(pct(joins, 99) * 1000, 1),
        "join_max_ms": round(max(joins) * 1000, 1),
        "handshake_p50_ms": round(pct(opens, 50) * 1000, 1),
        "handshake_max_ms": round(max(opens) * 1000, 1),
        "handshake_failures": failures,
        "load_generator_cpu_join_s": round(cpu_join, 2),
        "fanout_p50_ms": round(pct(fanouts, 50) * 1000, 1),
        "fanout_p99_ms": round(pct(fanouts, 99) * 1000, 1),
        "fanouts_ms": [round(f * 1000, 1) for f in fanouts],
        # When the first phone had the question: the server's own delay before it sends (the
        # rest of the fan-out is writing to and reading on a thousand sockets).
        "first_ms": [round(f * 1000, 1) for f in firsts],
        "round_p50_ms": round(statistics.median(rounds) * 1000, 1),
        "round_max_ms": round(max(rounds) * 1000, 1),
        "acked": acked,
        "phases_ms": phases,
    }


HOST_COOKIE: list[str] = [""]
SETTLE_SECONDS = 2.0
BOARD_SECONDS = 0.5
# A contestant reads a question before answering: a hall's answers arrive a second or more after
# the question, not while the broadcast is still reaching the last phones (with --think 0 every
# answer lands on the same two cores as the broadcast, and is flagged too fast to have been read).
THINK_SECONDS = 1.0


def phones(clients: Coroutine[None, None, dict]) -> dict:
    """Run the load generator on uvloop. It stands for a hall of phones, each with its own
    processor, but here it shares the machine's cores with the servers it measures: what it
    spends is taken from them (reported as `load_generator_cpu_join_s`). uvloop's transports
    spend less of it for the same sockets, frames and timings. Both sides get the same load
    generator; the servers keep the standard loop (the peer here, daphne as deployed)."""
    import uvloop

    return uvloop.run(clients)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contestants", type=int, default=100)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--procs", type=int, default=1, help="daphne processes (2+ need REDIS_URL)")
    parser.add_argument(
        "--think",
        type=float,
        default=THINK_SECONDS,
        help="seconds each contestant reads a question before answering (0: answer at once)",
    )
    parser.add_argument("--peer-server", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer_server:
        asyncio.run(peer_server(args.peer_server))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DATABASE_URL"):
        # Kept between runs: migrating a fresh file takes minutes on a loaded machine.
        os.environ["SQLITE_NAME"] = str(ROOT / "var" / "bench-live.sqlite3")
    if args.procs > 1 and not os.environ.get("REDIS_URL"):
        sys.exit("--procs > 1 needs REDIS_URL (the processes share the channel layer)")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DEBUG"] = "0"  # as in production: no query log kept per connection
    t = time.perf_counter()
    data = prepare(args.contestants, args.questions)
    print(f"prepared {args.contestants} contestants in {time.perf_counter() - t:.1f}s", flush=True)
    HOST_COOKIE[0] = data["host_cookie"]
    servers, ports, logs = [], [], []
    load_before = os.getloadavg()
    # The servers log at INFO so that channels-redis' "channels over capacity" (a dropped group
    # message) and ChannelFull show up in their logs, which are counted below.
    server_env = {**os.environ, "LOG_LEVEL": "INFO"}
    try:
        for i in range(args.procs):
            port = free_port()
            log_path = ROOT / "var" / f"bench-live-daphne-{i}.log"
            logs.append(log_path)
            with log_path.open("w") as log_file:
                servers.append(
                    subprocess.Popen(
                        daphne_command(port),
                        cwd=ROOT,
                        env=server_env,
                        # The application logs JSON lines to stdout, daphne to stderr: keep both.
                        stdout=log_file,
                        stderr=subprocess.STDOUT,
                    )
                )
            ports.append(port)
        for port in ports:
            wait_port(port)
        urls = [f"ws://127.0.0.1:{p}/ws/live/{data['round']}/play/" for p in ports]
        host_url = f"ws://127.0.0.1:{ports[0]}/ws/live/{data['round']}/host/"
        live = phones(run_clients(urls, host_url, data["seats"], args.questions, plain=False, think=args.think))
        stored = stored_answers(data["round"])
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
    load_after = os.getloadavg()
    server_log = "".join(path.read_text(errors="replace") for path in logs)
    drops = server_log.count("over capacity") + server_log.count("ChannelFull")
    peer_port = free_port()
    peer = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.contest_load", "--peer-server", str(peer_port)], cwd=ROOT
    )
    try:
        wait_port(peer_port)
        url = f"ws://127.0.0.1:{peer_port}/"
        plain = phones(run_clients([url], url, data["seats"], args.questions, plain=True, think=args.think))
    finally:
        peer.terminate()
        peer.wait(10)
    ratio = round(live["fanout_p99_ms"] / max(plain["fanout_p99_ms"], 0.1), 2)
    target = 1.5 if args.procs == 1 else 2.0
    result = {
        "benchmark": "contest_load",
        "contestants": args.contestants,
        "questions": args.questions,
        "daphne_processes": args.procs,
        "think_seconds": args.think,
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "load_average_1m": [round(load_before[0], 1), round(load_after[0], 1)],
        "live": {
            **live,
            "answers_stored": stored,
            "answers_expected": args.contestants * args.questions,
            "channel_full_drops": drops,
        },
        "peer_plain_websockets": plain,
        "ratio_fanout_p99": ratio,
        "ratio_round_p50": round(live["round_p50_ms"] / max(plain["round_p50_ms"], 0.1), 2),
        "targets": {"fanout_p99_ratio_max": target, "full_round_ms_max": 1000 if args.procs == 1 else None},
        "met": {
            "fanout": ratio <= target,
            "round": live["round_max_ms"] <= 1000 if args.procs == 1 else None,
            "nothing_lost": live["acked"] == stored == args.contestants * args.questions and drops == 0,
        },
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
