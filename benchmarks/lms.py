"""Exam load: N learners autosave every answer of a Q-question exam and submit, all at once,
against daphne on PostgreSQL; and in the same run the peer: the same answers written straight
into PostgreSQL with one upsert each (no HTTP, no Django), at the same concurrency.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms python -m benchmarks.lms --learners 30
    DATABASE_URL=... python -m benchmarks.lms --learners 300 --questions 50
    DATABASE_URL=... python -m benchmarks.lms --learners 300 --questions 50 --think 5

With --think 0 (default) every learner fires its next request as soon as the last returns: a
closed loop that saturates one daphne process, so latency is about learners ÷ throughput whatever
a request costs. --think T puts an exponential pause (mean T s) before each answer, like people
reading questions, which is the load an exam actually puts on the server.

Each learner: GET its paper (JSON, no keys), POST one autosave per question (JSON API, CSRF),
POST the submission (form). Figures: p50/p95/max per request kind, throughput, and checks that
every answer is stored exactly as sent (translated back through the learner's shuffle) and every
attempt is graded. Loopback only. The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def prepare(n: int, q: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from lms.actions import start_attempt
    from lms.models import PaperMode, Question, Quiz, QuizQuestion

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("benchmarks.lms needs DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:6]
    quiz = Quiz.objects.create(title=f"压测考试 {run}", mode=PaperMode.FIXED, time_limit_minutes=60, pass_mark=60)
    for i in range(q):
        question = Question(
            qtype="single", stem=f"压测 {run} 第 {i + 1} 题", options=["甲", "乙", "丙", "丁"], answer="B"
        )
        question.save()
        QuizQuestion.objects.create(quiz=quiz, question=question, order=i)
    base = 17000000000 + int(run, 16) % 900000 * 1000
    users = User.objects.bulk_create(
        [User(mobile=str(base + i), real_name=f"压测学员{i}", password="!") for i in range(n)], batch_size=1000
    )
    users = list(User.objects.filter(mobile__in=[u.mobile for u in users]).order_by("mobile"))
    store = SessionStore()
    expire = timezone.now() + timedelta(days=1)
    sessions, learners = [], []
    for user in users:
        key = uuid.uuid4().hex
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        attempt = start_attempt(quiz, user)  # not timed: starting is a one-off, autosave is the load
        csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        learners.append(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}",
                "csrf": csrf,
                "attempt": attempt.pk,
                "paper": attempt.paper,
            }
        )
    Session.objects.bulk_create(sessions, batch_size=1000)
    return {"quiz": quiz.pk, "learners": learners, "queries": queries_per_request(quiz, base + n)}


def queries_per_request(quiz, mobile: int) -> dict:
    """SQL statements per autosave and per submission, counted in-process on one extra learner
    (Django's test client against the same code and database, outside the timed run)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from lms.actions import start_attempt

    user = User.objects.create(mobile=str(mobile), real_name="压测计数", password="!")
    attempt = start_attempt(quiz, user)
    client = Client()
    client.force_login(user)
    counts = []
    for entry in attempt.paper[:3]:
        with CaptureQueriesContext(connection) as ctx:
            client.post(
                f"/api/lms/attempts/{attempt.pk}/answers",
                {"question": entry["q"], "response": "A"},
                content_type="application/json",
            )
        counts.append(len(ctx.captured_queries))
    with CaptureQueriesContext(connection) as ctx:
        client.post(f"/learn/attempts/{attempt.pk}/submit/")
    return {"autosave": max(counts), "submit": len(ctx.captured_queries)}


class Http:
    """A minimal keep-alive HTTP/1.1 client over asyncio streams (one connection per learner)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and "close" in value.lower():
                close = True
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    await self.reader.readline()
                    break
                data += await self.reader.readexactly(size)
                await self.reader.readline()
        else:
            data = await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.writer = None
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def choice_for(learner_index: int, question_index: int) -> str:
    return "ABCD"[(learner_index + question_index) % 4]


async def run_learners(port: int, learners: list[dict], think: float = 0.0) -> dict:
    timings: dict[str, list[float]] = {"paper": [], "autosave": [], "submit": []}
    errors: list[str] = []
    start_gate = asyncio.Event()

    async def learner(i: int, info: dict) -> None:
        http = Http(port)
        base = {
            "Cookie": info["cookie"],
            "X-CSRFToken": info["csrf"],
            "Origin": "http://127.0.0.1",
            "Referer": "http://127.0.0.1/",
        }
        await start_gate.wait()
        try:
            t = time.perf_counter()
            status, body = await http.request("GET", f"/api/lms/attempts/{info['attempt']}/paper", base)
            timings["paper"].append(time.perf_counter() - t)
            if status != 200 or b'"answer"' in body:
                errors.append(f"paper {status}")
            pause = random.Random(i)
            for j, entry in enumerate(info["paper"]):
                if think:
                    await asyncio.sleep(pause.expovariate(1 / think))  # reading the next question
                payload = json.dumps({"question": entry["q"], "response": choice_for(i, j)}).encode()
                t = time.perf_counter()
                status, body = await http.request(
                    "POST",
                    f"/api/lms/attempts/{info['attempt']}/answers",
                    {**base, "Content-Type": "application/json"},
                    payload,
                )
                timings["autosave"].append(time.perf_counter() - t)
                if status != 200:
                    errors.append(f"autosave {status} {body[:120]!r}")
            form = f"csrfmiddlewaretoken={info['csrf']}".encode()
            t = time.perf_counter()
            status, _body = await http.request(
                "POST",
                f"/learn/attempts/{info['attempt']}/submit/",
                {**base, "Content-Type": "application/x-www-form-urlencoded"},
                form,
            )
            timings["submit"].append(time.perf_counter() - t)
            if status != 302:
                errors.append(f"submit {status}")
        except Exception as exc:  # a benchmark reports every failure, it does not stop
            errors.append(repr(exc))
        finally:
            http.close()

    tasks = [asyncio.create_task(learner(i, info)) for i, info in enumerate(learners)]
    await asyncio.sleep(0.2)
    began = time.perf_counter()
    start_gate.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    total = sum(len(v) for v in timings.values())
    return {
        "elapsed_s": round(elapsed, 2),
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        **{
            f"{kind}_ms": {
                "p50": round(pct(v, 50) * 1000, 1),
                "p95": round(pct(v, 95) * 1000, 1),
                "max": round(max(v) * 1000, 1) if v else 0,
            }
            for kind, v in timings.items()
        },
        "errors": len(errors),
        "first_errors": errors[:5],
    }


def verify(learners: list[dict]) -> dict:
    """Every answer stored as the learner chose it (through their shuffle), every attempt graded."""
    from lms.grading import OPTION_LETTERS
    from lms.models import Attempt, AttemptAnswer

    ids = [info["attempt"] for info in learners]
    stored = {(a.attempt_id, a.question_id): a.response for a in AttemptAnswer.objects.filter(attempt_id__in=ids)}
    expected = 0
    matching = 0
    for i, info in enumerate(learners):
        for j, entry in enumerate(info["paper"]):
            expected += 1
            shown = choice_for(i, j)
            original = OPTION_LETTERS[entry["perm"][OPTION_LETTERS.index(shown)]]
            if stored.get((info["attempt"], entry["q"])) == original:
                matching += 1
    graded = Attempt.objects.filter(pk__in=ids, status="graded").count()
    return {"answers_expected": expected, "answers_stored_as_sent": matching, "attempts_graded": graded}


def peer(learners: list[dict], concurrency: int) -> dict:
    """The floor: each answer as one INSERT … ON CONFLICT DO UPDATE over psycopg, same concurrency."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} dbname={db['NAME']} user={db['USER']}"
    if db.get("PASSWORD"):
        dsn += f" password={db['PASSWORD']}"
    timings: list[float] = []

    def one(i: int, info: dict) -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS _peer (a int, q int, r jsonb, saved timestamptz, PRIMARY KEY (a, q))"
            )
            for j, entry in enumerate(info["paper"]):
                t = time.perf_counter()
                conn.execute(
                    "INSERT INTO _peer (a, q, r, saved) VALUES (%s, %s, %s, now()) "
                    "ON CONFLICT (a, q) DO UPDATE SET r = excluded.r, saved = excluded.saved",
                    (info["attempt"], entry["q"], json.dumps(choice_for(i, j))),
                )
                timings.append(time.perf_counter() - t)

    began = time.perf_counter()
    # The PostgreSQL server is shared (max_connections 100): cap the peer at 20 connections.
    with ThreadPoolExecutor(max_workers=min(concurrency, 20)) as pool:
        list(pool.map(lambda pair: one(*pair), enumerate(learners)))
    elapsed = time.perf_counter() - began
    return {
        "writes": len(timings),
        "elapsed_s": round(elapsed, 2),
        "writes_per_s": round(len(timings) / elapsed, 1),
        "p50_ms": round(pct(timings, 50) * 1000, 2),
        "p95_ms": round(pct(timings, 95) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--pool", type=int, default=30, help="server database connections (psycopg pool)")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a learner spends before each answer (exponential); 0 = back to back, the server saturated",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("benchmarks.lms needs DATABASE_URL=postgres://…")
    data = prepare(args.learners, args.questions)
    from django.db import connections

    connections.close_all()
    port = free_port()
    # Under ASGI every request runs in its own thread with its own database connection, so 300
    # simultaneous requests would open 300 connections (PostgreSQL allows 100). The server runs
    # as deployed, with DB_POOL_SIZE (psycopg's pool, config/settings.py): requests wait for one
    # of --pool connections instead of failing.
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "var" / "benchmark-lms-server.log", "w"),  # noqa: SIM115 - lives as long as the server
        env={
            **os.environ,
            "DJANGO_ENV": os.environ.get("DJANGO_ENV", "development"),
            "DEBUG": "0",
            "DB_POOL_SIZE": str(args.pool),
            "DB_POOL_TIMEOUT": "120",
        },
    )
    try:
        wait_port(port)
        platform = asyncio.run(run_learners(port, data["learners"], args.think))
    finally:
        server.terminate()
        server.wait(timeout=20)
    checks = verify(data["learners"])
    floor = peer(data["learners"], args.learners)
    print(f"platform: {platform}")
    print(f"checks:   {checks}")
    print(f"queries:  {data['queries']}")
    print(f"peer:     {floor}")
    result = {
        "benchmark": "lms_exam_autosave",
        "learners": args.learners,
        "questions": args.questions,
        "server_db_pool": args.pool,
        "think_s": args.think,
        "platform": platform,
        "checks": checks,
        "queries_per_request": data["queries"],
        "load_average": round(os.getloadavg()[0], 1),
        "peer_raw_upsert": floor,
        "ratios": {
            "autosave_p95_vs_raw_upsert_p95": round(platform["autosave_ms"]["p95"] / max(floor["p95_ms"], 0.001), 1),
        },
        "targets": {
            "autosave_p95_ms": 1000,
            "every_answer_stored": checks["answers_stored_as_sent"] == checks["answers_expected"],
            "every_attempt_graded": checks["attempts_graded"] == args.learners,
            "errors": 0,
        },
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
