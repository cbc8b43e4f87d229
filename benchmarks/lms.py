"""Exam day at province scale (issue 17): N examinees sit a Q-question exam over the exam socket
(/ws/lms/quizzes/<id>/) against several daphne processes on PostgreSQL + Redis, from the bell to
the last paper graded; and in the same run the peer: the same number of answers written straight
into PostgreSQL, one `INSERT … ON CONFLICT DO UPDATE` each (no daphne, no Django).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lmsbench REDIS_URL=redis://127.0.0.1:6379/3 \\
        python -m benchmarks.lms --learners 60 --questions 10 --think 0.5-1.5 --procs 2     # a check
    DATABASE_URL=... REDIS_URL=... python -m benchmarks.lms --learners 2000 --questions 50 --think 30-90 --procs 2
    DATABASE_URL=... REDIS_URL=... python -m benchmarks.lms --learners 5000 --questions 50 --think 30-90 \\
        --procs 2 --clients 2                                                               # the stretch row

Run it alone on the machine (no test suite beside it): the load average is in the result.

Set-up (not timed): migrate; a bank of 3×Q single-choice questions (4 options, key "B") under a
knowledge point named for the run; a random-mode exam drawing Q of them, options shuffled per
learner, a long time limit; N learners with signed-in sessions. No attempt exists yet: opening
the paper is measured. Then --procs daphne processes (learners spread over them round-robin,
each one's log in var/benchmark-lms-server-<i>.log) and `manage.py worker` (closes expired
attempts every 2 s; var/benchmark-lms-worker.log). The learners are split over --clients client
processes (benchmarks/lms_client.py, one uvloop event loop each) that act on a shared wall clock.

Phases and what each measures:

1. connect: every socket opens (spread over --connect-seconds) and reads its `hello`.
2. the bell: every learner sends `open` at bell + uniform(0, 1) s. paper_ms: `open` sent → the
   `paper` (its HTML, each learner's own draw and option order) received. Target p95 ≤ 2 s, no error.
3. paced: each learner answers its first K questions (--paced-answers, default Q), thinking
   uniform(--think) seconds before each. save_paced_ms: `answer` sent → `ack` (acknowledged only
   after its group commit). Target p95 ≤ 300 ms.
4. saturated: every learner sends its remaining Q − K answers back to back (the next as soon as
   the last is acknowledged); with K = Q, all Q again with another letter. save_saturated_ms and
   saturated_acks_per_s (acks ÷ time from the common start to the last ack); throughput per
   process = that ÷ --procs, compared with the peer's writes/s: target ≥ 0.15x. The server
   limits a socket to 10 messages/s after a burst of 30; the client stays under it and counts
   its waits (client_rate_waits): when they are not 0, the limit, not the server, set the pace.
5. submission rush: every attempt's deadline is set to close = now + 15 s; 95 % of learners
   submit at close − uniform(0, 10) s (submit_ms), 5 % never do (the worker closes them once the
   deadline and its 5 s grace have passed). graded_after_close_s: the moment no attempt of the
   exam is in progress or waiting to be graded (the database polled every 0.25 s), minus the close.
   Target ≤ 30 s.
6. checks: the last acknowledged answer of every question is stored exactly as sent (the
   displayed letter translated through the learner's option order, Attempt.paper[i]["perm"]);
   each paper's questions as shown are the attempt's paper in order; every attempt graded.
7. peer: the same number of writes (same learners, questions and letters, in the same order per
   learner) as raw upserts over psycopg in autocommit, min(N, 20) connections (the PostgreSQL
   server is shared: max_connections 100).

Loopback only. The last line of output is one JSON object: the figures, the peer's, the ratio,
the checks, the load average and the targets with whether each was met.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.servers import daphne_command

ROOT = Path(__file__).resolve().parents[1]
CLOSE_IN_SECONDS = 15.0
RUSH_SECONDS = 10.0
NEVER_SUBMIT = 0.05
GRADED_WAIT_SECONDS = 120.0
PEER_CONNECTIONS = 20
TARGETS = {"paper_p95_ms": 2000, "save_paced_p95_ms": 300, "ratio_min": 0.15, "graded_within_s": 30}


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


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(pct(values, 50) * 1000, 1),
        "p95": round(pct(values, 95) * 1000, 1),
        "max": round(max(values) * 1000, 1) if values else 0.0,
    }


def think_range(text: str) -> tuple[float, float]:
    """ "30-90" → (30, 90); "1" → (1, 1)."""
    low, _sep, high = text.partition("-")
    try:
        a, b = float(low), float(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--think takes seconds, as 30-90 or 5, not {text!r}") from None
    if a < 0 or b < a:
        raise argparse.ArgumentTypeError(f"--think {text!r}: need 0 ≤ low ≤ high")
    return a, b


def writes_of(learner: int, questions: int, paced: int) -> list[tuple[int, str]]:
    """(question index, displayed letter) of every answer a learner sends, in order: the paced
    answers, then the saturated ones (lms_client.Learner.sitting / saturate)."""
    from benchmarks.lms_client import choice

    plan = [(j, choice(learner, j, 0)) for j in range(paced)]
    if paced < questions:
        plan += [(j, choice(learner, j, 0)) for j in range(paced, questions)]
    else:
        plan += [(j, choice(learner, j, 1)) for j in range(questions)]
    return plan


# --- set-up (in this process, before any server starts) -----------------------------------------


def prepare(n: int, q: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from lms.grading import question_fingerprint
    from lms.models import PaperMode, Question, QuestionType, Quiz, QuizKind

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("benchmarks.lms needs DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    while True:
        run = uuid.uuid4().hex[:8]
        # Up to 10,000 learners per run without touching another run's numbers.
        base = 17000000000 + int(run, 16) % 90000 * 10000
        mobiles = [str(base + i) for i in range(n)]
        if not User.objects.filter(mobile__in=mobiles).exists():
            break
    options = ["甲", "乙", "丙", "丁"]
    bank = []
    for i in range(3 * q):
        stem = f"考试压测 {run} 第 {i + 1} 题"
        bank.append(
            Question(
                qtype=QuestionType.SINGLE,
                stem=stem,
                options=options,
                answer="B",
                knowledge_point=run,
                fingerprint=question_fingerprint(QuestionType.SINGLE, stem, options),
            )
        )
    Question.objects.bulk_create(bank, batch_size=1000)
    quiz = Quiz.objects.create(
        title=f"考试压测 {run}",
        kind=QuizKind.EXAM,
        mode=PaperMode.RANDOM,
        draw_rules=[{"count": q, "qtype": QuestionType.SINGLE, "knowledge_point": run}],
        shuffle_options=True,
        time_limit_minutes=600,
        pass_mark=60,
        # Published with its bell ahead, as a sitting is: the pages that connect before it have
        # their process prepare the papers (lms.papers.warm). The real bell is set in set_bell.
        opens_at=timezone.now() + timedelta(hours=1),
    )
    User.objects.bulk_create(
        [User(mobile=mobile, real_name=f"压测考生{i}", password="!") for i, mobile in enumerate(mobiles)],
        batch_size=1000,
    )
    users = list(User.objects.filter(mobile__in=mobiles).order_by("mobile"))
    store = SessionStore()
    expire = timezone.now() + timedelta(days=1)
    sessions, cookies = [], []
    for user in users:
        key = uuid.uuid4().hex
        data = {
            SESSION_KEY: str(user.pk),
            # What a sign-in records (AUTHENTICATION_BACKENDS[0] is axes' standalone backend,
            # which cannot load a user).
            BACKEND_SESSION_KEY: "accounts.backends.MobileBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={key}")
    Session.objects.bulk_create(sessions, batch_size=1000)
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db":
        # A sign-in saves the session through the cache too: the examinees arrive with it there.
        from django.contrib.sessions.backends.cached_db import KEY_PREFIX
        from django.core.cache import caches

        caches[settings.SESSION_CACHE_ALIAS].set_many(
            {KEY_PREFIX + s.session_key: store.decode(s.session_data) for s in sessions}, 86400
        )
    return {"run": run, "quiz": quiz.pk, "cookies": cookies}


# --- servers ------------------------------------------------------------------------------------


def start_servers(procs: int, pool: int) -> tuple[list[subprocess.Popen], list[int], list[Path]]:
    (ROOT / "var").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_ENV": os.environ.get("DJANGO_ENV", "development"),
        "DEBUG": "0",
        # Under ASGI each socket's database calls share the process's psycopg pool: they wait for
        # one of --pool connections instead of opening one each (PostgreSQL allows 100).
        "DB_POOL_SIZE": str(pool),
        "DB_POOL_TIMEOUT": "120",
        "LOG_LEVEL": "WARNING",
        "HOUSEKEEPING_OFTEN_SECONDS": "2",
    }
    processes, ports, logs = [], [], []
    for i in range(procs):
        port = free_port()
        log_path = ROOT / "var" / f"benchmark-lms-server-{i}.log"
        with log_path.open("w") as log_file:
            processes.append(
                subprocess.Popen(
                    daphne_command(port),
                    cwd=ROOT,
                    env=env,
                    # daphne logs to stderr, the application to stdout: keep both.
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            )
        ports.append(port)
        logs.append(log_path)
    log_path = ROOT / "var" / "benchmark-lms-worker.log"
    with log_path.open("w") as log_file:
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "worker"], cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
        )
    logs.append(log_path)
    for port in ports:
        wait_port(port)
    return processes, ports, logs


def stop(servers: list[subprocess.Popen], clients: list[Any]) -> None:
    """End what this run started (the client processes have usually ended on their own)."""
    for client in clients:
        if client.is_alive():
            client.terminate()
        client.join(timeout=10)
    for server in servers:
        if server.poll() is None:
            server.terminate()
    for server in servers:
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def log_findings(logs: list[Path]) -> dict[str, Any]:
    """Warnings, errors and tracebacks the servers and the worker logged (they log at WARNING)."""
    lines = []
    for path in logs:
        for line in path.read_text(errors="replace").splitlines():
            if any(word in line for word in ("WARNING", "ERROR", "CRITICAL", "Traceback")):
                lines.append(f"{path.name}: {line[:300]}")
    return {"lines": len(lines), "first": lines[:5]}


# --- the clients --------------------------------------------------------------------------------


class Clients:
    """The client processes and their pipes: every command goes to all, every reply is awaited
    from all (a client process that dies ends the run with its exit code)."""

    def __init__(self, specs: list[dict[str, Any]]) -> None:
        from benchmarks import lms_client

        context = multiprocessing.get_context("spawn")  # no Django state in the clients
        self.pipes, self.processes = [], []
        for spec in specs:
            ours, theirs = context.Pipe()
            process = context.Process(target=lms_client.run, args=(theirs, spec), daemon=True)
            process.start()
            theirs.close()
            self.pipes.append(ours)
            self.processes.append(process)

    def send(self, kind: str, value: float) -> None:
        for pipe in self.pipes:
            pipe.send((kind, value))

    def gather(self, kind: str, timeout: float) -> list[Any]:
        end = time.monotonic() + timeout
        replies: list[Any] = [None] * len(self.pipes)
        waiting = set(range(len(self.pipes)))
        while waiting:
            if time.monotonic() > end:
                raise RuntimeError(f"client processes {sorted(waiting)} did not report {kind} in {timeout:.0f} s")
            for k in list(waiting):
                if self.pipes[k].poll(0.1):
                    got, value = self.pipes[k].recv()
                    if got != kind:
                        raise RuntimeError(f"client process {k} reported {got}, expected {kind}")
                    replies[k] = value
                    waiting.discard(k)
                elif not self.processes[k].is_alive():
                    raise RuntimeError(f"client process {k} ended (exit code {self.processes[k].exitcode})")
        return replies


# --- the rush's end, the checks -----------------------------------------------------------------


def open_attempts(quiz_id: int) -> int:
    from lms.models import Attempt, AttemptStatus

    return Attempt.objects.filter(
        quiz_id=quiz_id, status__in=(AttemptStatus.IN_PROGRESS, AttemptStatus.GRADING)
    ).count()


def set_bell(quiz_id: int, bell: float) -> None:
    """The exam opens at `bell` (a wall-clock time): an `open` before it is refused."""
    import datetime as dt

    from lms.models import Quiz

    Quiz.objects.filter(pk=quiz_id).update(opens_at=dt.datetime.fromtimestamp(bell, dt.UTC))


def set_close(quiz_id: int) -> float:
    """Every attempt of the exam now ends at close = now + 15 s; the close as a wall-clock time."""
    from django.utils import timezone

    from lms.models import Attempt

    close = timezone.now() + timedelta(seconds=CLOSE_IN_SECONDS)
    Attempt.objects.filter(quiz_id=quiz_id).update(deadline=close)
    return close.timestamp()


def wait_graded(quiz_id: int, close: float) -> float | None:
    """Seconds from the close until no attempt is in progress or waiting to be graded (None if
    that does not happen within GRADED_WAIT_SECONDS of the close)."""
    while time.time() < close + GRADED_WAIT_SECONDS:
        if open_attempts(quiz_id) == 0:
            return max(0.0, time.time() - close)
        time.sleep(0.25)
    return None


def verify(quiz_id: int, acked: dict[int, dict[int, str]], shown: dict[int, list[int]]) -> dict[str, Any]:
    """The last acknowledged answer of every question stored as sent (through the learner's
    option order); each paper as shown is the attempt's paper; every attempt graded."""
    from lms.grading import OPTION_LETTERS
    from lms.models import Attempt, AttemptAnswer, AttemptStatus

    attempts = {a.pk: a for a in Attempt.objects.filter(quiz_id=quiz_id).only("pk", "paper", "status")}
    stored = {
        (a, q): r
        for a, q, r in AttemptAnswer.objects.filter(attempt__quiz_id=quiz_id).values_list(
            "attempt_id", "question_id", "response"
        )
    }
    count = matching = 0
    for attempt_id, answers in acked.items():
        attempt = attempts.get(attempt_id)
        perms = {entry["q"]: entry["perm"] for entry in attempt.paper} if attempt else {}
        for qid, letter in answers.items():
            count += 1
            perm = perms.get(qid)
            if perm is not None and stored.get((attempt_id, qid)) == OPTION_LETTERS[perm[OPTION_LETTERS.index(letter)]]:
                matching += 1
    papers_as_drawn = sum(
        1 for pk, qids in shown.items() if pk in attempts and [e["q"] for e in attempts[pk].paper] == qids
    )
    return {
        "acked": count,
        "stored_as_acked": matching,
        "attempts": len(attempts),
        "attempts_graded": sum(1 for a in attempts.values() if a.status == AttemptStatus.GRADED),
        "papers_shown_as_drawn": papers_as_drawn,
    }


# --- the peer -----------------------------------------------------------------------------------


def peer(n: int, questions: int, paced: int) -> dict[str, Any]:
    """The floor: every answer of the run as one INSERT … ON CONFLICT DO UPDATE over psycopg in
    autocommit, each learner's answers in order on one of min(n, 20) connections."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} dbname={db['NAME']} user={db['USER']}"
    if db.get("PASSWORD"):
        dsn += f" password={db['PASSWORD']}"
    width = min(n, PEER_CONNECTIONS)
    connections = []
    for _ in range(width):  # opened before the clock starts, as the servers' pools are
        conn = psycopg.connect(dsn, autocommit=True)
        conn.execute("CREATE TEMP TABLE _peer (a int, q int, r jsonb, saved timestamptz, PRIMARY KEY (a, q))")
        connections.append(conn)
    timings: list[list[float]] = [[] for _ in range(width)]
    sql = (
        "INSERT INTO _peer (a, q, r, saved) VALUES (%s, %s, %s, now()) "
        "ON CONFLICT (a, q) DO UPDATE SET r = excluded.r, saved = excluded.saved"
    )

    def work(k: int) -> None:
        conn, mine = connections[k], timings[k]
        for learner in range(k, n, width):
            for j, letter in writes_of(learner, questions, paced):
                t = time.perf_counter()
                conn.execute(sql, (learner, j, json.dumps(letter)))
                mine.append(time.perf_counter() - t)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(width)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    for conn in connections:
        conn.close()
    flat = [t for mine in timings for t in mine]
    return {
        "writes": len(flat),
        "connections": width,
        "elapsed_s": round(elapsed, 2),
        "writes_per_s": round(len(flat) / elapsed, 1),
        "p50_ms": round(pct(flat, 50) * 1000, 2),
        "p95_ms": round(pct(flat, 95) * 1000, 2),
    }


# --- the run ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument(
        "--think", type=think_range, default=(30.0, 90.0), help="seconds before each paced answer: 30-90 or 5"
    )
    parser.add_argument("--paced-answers", type=int, default=None, help="K answers paced (default: all questions)")
    parser.add_argument("--procs", type=int, default=2, help="daphne processes")
    parser.add_argument("--clients", type=int, default=2, help="client processes driving the learners")
    parser.add_argument("--pool", type=int, default=30, help="database connections per daphne (psycopg pool)")
    parser.add_argument(
        "--connect-seconds", type=float, default=None, help="spread of the sockets' connects (default N/300, 1–10 s)"
    )
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress shows as it happens
    n, q = args.learners, args.questions
    paced = q if args.paced_answers is None else args.paced_answers
    if n < 1 or q < 1 or not 0 <= paced <= q or args.procs < 1 or args.clients < 1:
        parser.error("need learners ≥ 1, questions ≥ 1, 0 ≤ paced answers ≤ questions, procs and clients ≥ 1")
    connect_seconds = args.connect_seconds if args.connect_seconds is not None else min(10.0, max(1.0, n / 300))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("benchmarks.lms needs DATABASE_URL=postgres://…")
    if not os.environ.get("REDIS_URL"):
        sys.exit("benchmarks.lms needs REDIS_URL=redis://… (the sessions' cache, as deployed)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:  # thousands of sockets on each side of loopback
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    t = time.perf_counter()
    data = prepare(n, q)
    print(f"prepared {n} learners, exam {data['quiz']} ({q} of {3 * q} questions) in {time.perf_counter() - t:.1f} s")
    from django.db import connections

    connections.close_all()

    rng = random.Random(args.seed)
    never = set(rng.sample(range(n), round(n * NEVER_SUBMIT)))
    servers, ports, logs = start_servers(args.procs, args.pool)
    clients: Clients | None = None
    try:
        urls = [f"ws://127.0.0.1:{port}/ws/lms/quizzes/{data['quiz']}/" for port in ports]
        learners = [
            {"i": i, "url": urls[i % len(urls)], "cookie": cookie, "submit": i not in never}
            for i, cookie in enumerate(data["cookies"])
        ]
        specs = [
            {
                "learners": learners[c :: args.clients],
                "think": list(args.think),
                "paced": paced,
                "questions": q,
                "connect_seconds": connect_seconds,
                "seed": args.seed,
            }
            for c in range(args.clients)
        ]
        load_before = os.getloadavg()
        clients = Clients([spec for spec in specs if spec["learners"]])
        connected = sum(clients.gather("connected", connect_seconds + 300))
        print(f"connected {connected}/{n} sockets to {args.procs} daphne processes")

        bell = time.time() + 2.0
        set_bell(data["quiz"], bell)
        clients.send("bell", bell)
        opened = sum(clients.gather("paced", 3 + paced * args.think[1] * 2 + 600))
        print(f"opened {opened}/{n} papers; paced phase done at bell + {time.time() - bell:.1f} s")

        start = time.time() + 1.0
        clients.send("saturate", start)
        saturated = clients.gather("saturated", max(600.0, n * q / 50))
        saturated_acks = sum(s["acks"] for s in saturated)
        last_ack = max((s["last_ack"] for s in saturated), default=0.0)
        acks_per_s = saturated_acks / (last_ack - start) if last_ack > start else 0.0
        print(f"saturated: {saturated_acks} acks in {max(0.0, last_ack - start):.2f} s = {acks_per_s:.0f}/s")

        if servers[-1].poll() is not None:
            raise RuntimeError(f"the worker ended (exit code {servers[-1].returncode}); see {logs[-1]}")
        close = set_close(data["quiz"])
        clients.send("close", close)
        graded_after = wait_graded(data["quiz"], close)
        load_average = [round(x, 2) for x in os.getloadavg()]
        reports = clients.gather("done", 120)
        print(
            "submission rush: "
            + (
                "not every attempt graded"
                if graded_after is None
                else f"all graded {graded_after:.2f} s after the close"
            )
        )
        findings = log_findings(logs)  # before the servers are stopped (their shutdown is not news)
    finally:
        stop(servers, clients.processes if clients else [])

    merged: dict[str, Any] = {}
    for report in reports:
        for key, value in report.items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged[key] = merged.get(key, 0) + value
    checks = verify(data["quiz"], merged["acked"], merged["papers"])
    floor = peer(n, q, paced)

    per_process = acks_per_s / args.procs
    ratio = per_process / floor["writes_per_s"] if floor["writes_per_s"] else 0.0
    paper_ms = summary_ms(merged["paper"])
    paced_ms = summary_ms(merged["paced"])
    errors = merged["error_count"]
    checks = {
        **checks,
        "opened": merged["opened"],
        "submitted": merged["submitted"],
        "never_submitted": len(never),
        "handshake_retries": merged["handshake_retries"],
        "not_stored_resends": merged["not_stored_resends"],
        "rate_limited": merged["rate_limited"],
        "client_rate_waits": merged["client_rate_waits"],
        "server_log_lines": findings["lines"],
        "errors": errors,
        "first_errors": merged["errors"][:5],
    }
    met = {
        "paper": merged["opened"] == n and paper_ms["p95"] <= TARGETS["paper_p95_ms"] and errors == 0,
        "save_paced": paced_ms["p95"] <= TARGETS["save_paced_p95_ms"] if merged["paced"] else None,
        "ratio": ratio >= TARGETS["ratio_min"],
        "graded": graded_after is not None
        and graded_after <= TARGETS["graded_within_s"]
        and checks["attempts_graded"] == checks["attempts"] == n,
        "stored_as_acked": checks["stored_as_acked"] == checks["acked"] > 0,
        "papers_as_drawn": checks["papers_shown_as_drawn"] == n,
        "no_errors": errors == 0,
    }
    print(f"paper:     {paper_ms} ms")
    print(f"paced:     {paced_ms} ms ({len(merged['paced'])} answers)")
    print(f"saturated: {summary_ms(merged['saturated'])} ms, {acks_per_s:.0f} acks/s, {per_process:.0f} per process")
    print(f"submit:    {summary_ms(merged['submit'])} ms")
    print(f"peer:      {floor}")
    print(f"checks:    {checks}")
    print(f"server logs ({findings['lines']} warning/error lines): {findings['first']}")
    print(f"load:      before {[round(x, 2) for x in load_before]}, after the rush {load_average}")
    result = {
        "benchmark": "lms_exam_sitting",
        "learners": n,
        "questions": q,
        "procs": args.procs,
        "clients": args.clients,
        "server_db_pool": args.pool,
        "think_s": list(args.think),
        "paced_answers": paced,
        "paper_ms": paper_ms,
        "save_paced_ms": paced_ms,
        "save_saturated_ms": summary_ms(merged["saturated"]),
        "saturated_acks_per_s": round(acks_per_s, 1),
        "throughput_per_process": round(per_process, 1),
        "peer_raw_upsert": {
            "writes_per_s": floor["writes_per_s"],
            "p50_ms": floor["p50_ms"],
            "p95_ms": floor["p95_ms"],
        },
        "ratio_per_process_to_peer": round(ratio, 3),
        "submit_ms": summary_ms(merged["submit"]),
        "graded_after_close_s": None if graded_after is None else round(graded_after, 2),
        "checks": checks,
        "load_average": load_average,
        "targets": {**TARGETS, "met": met},
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
