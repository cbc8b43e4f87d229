"""Leaderboards at provincial scale: the API against the naive `rank() over` SQL, same data, same run.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python -m benchmarks.leaderboard --people 1000000

Seeds the configured database up to `--people` generated people (`talent.seeding`, bulk COPY;
people seeded by an earlier run are reused) and rebuilds the boards. Then measures, through the
full Django stack (URL routing, middleware, django-ninja, Django's test client in process):

- top-100 of the province board: `GET /api/talent/leaderboard?board=province&n=100`;
- "my rank" of random people on the province and their city board: `GET /api/talent/leaderboard/me`;
- the naive peer on the same rows: `rank() OVER (ORDER BY index DESC)` over every profile, then
  filter (r <= 100, or person_id = me), as a plain SQL query without any HTTP overhead;
- Redis memory of every board key (MEMORY USAGE), and a projection for 8,000,000 people: the
  boards are Fenwick trees of score counts (at most 65,536 fields each) and capped top-1000 sets,
  bounded by the number of boards, not people (the projection takes that bound); the person
  entries used by "my rank" (score and boards, ~40 bytes each) are scaled linearly;
- the KPI dashboard page for the province admin, against the peer of counting from the profile
  table with GROUP BY at request time.

The last line of output is one JSON object with the figures, the peer's figures, ratios and targets.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(fn: Callable[[], object], repeat: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock milliseconds per call; with `cpu`, also this process's CPU milliseconds per call
    (what the request costs, whatever the machine's load: on a shared machine the wall clock
    includes waiting for a core after every socket round trip)."""
    samples = []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - started_cpu) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000, help="people on the boards (8000000 for the plan)")
    parser.add_argument("--requests", type=int, default=300, help="API requests per measurement")
    parser.add_argument("--naive", type=int, default=15, help="naive SQL queries per measurement")
    parser.add_argument("--dashboard", type=int, default=20, help="dashboard renders")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.actions import ensure_regions, grant_role, register_user
    from accounts.choices import Role
    from accounts.models import User
    from talent import boards
    from talent.index import kpi_counts_from_profiles
    from talent.models import TalentProfile
    from talent.seeding import seed_people

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.stderr.write("note: the figures in docs/performance.md are for PostgreSQL + Redis\n")
    ensure_regions()
    have = TalentProfile.objects.count()
    seed_seconds = 0.0
    if have < args.people:
        started = time.perf_counter()
        seed_people(
            args.people - have,
            progress=lambda done: sys.stderr.write(f"\rseeded {done:,}") if done % 50_000 == 0 else None,
        )
        seed_seconds = time.perf_counter() - started
        sys.stderr.write("\n")
    else:
        boards.backend().rebuild()
    people = TalentProfile.objects.count()
    backend = boards.backend()
    sample = list(TalentProfile.objects.order_by("?").values_list("person_id", "city_id")[:50])

    client = Client()
    top_cpu: list[float] = []
    top = timed(lambda: client.get("/api/talent/leaderboard", {"board": "province", "n": 100}), args.requests, top_cpu)
    assert client.get("/api/talent/leaderboard", {"board": "province", "n": 100}).status_code == 200
    users = User.objects.in_bulk([pid for pid, _c in sample])
    clients = []
    for pid, city_id in sample[:10]:
        c = Client()
        c.force_login(users[pid])
        clients.append((c, city_id))
    rng = random.Random(1)

    def my_rank() -> None:
        c, city_id = rng.choice(clients)
        board = rng.choice(("province", f"city:{city_id}"))
        response = c.get("/api/talent/leaderboard/me", {"board": board})
        assert response.status_code == 200, response.content

    mine_cpu: list[float] = []
    mine = timed(my_rank, args.requests, mine_cpu)

    # The board alone (no HTTP, no session, no names): what Redis or the database costs.
    profiles = dict(
        TalentProfile.objects.filter(person_id__in=[p for p, _c in sample]).values_list("person_id", "index")
    )
    board_top = timed(lambda: backend.top("province", 100), args.requests)
    board_rank = timed(lambda: backend.rank_of("province", profiles[rng.choice(sample)[0]]), args.requests)

    table = TalentProfile._meta.db_table
    naive_top_sql = (
        f"SELECT person_id, index, r FROM (SELECT person_id, index, rank() OVER (ORDER BY index DESC) AS r "
        f"FROM {table}) t WHERE r <= 100 ORDER BY r, person_id LIMIT 100"
    )
    naive_me_sql = (
        f"SELECT r FROM (SELECT person_id, rank() OVER (ORDER BY index DESC) AS r FROM {table}) t WHERE person_id = %s"
    )

    def naive_top() -> None:
        with connection.cursor() as cursor:
            cursor.execute(naive_top_sql)
            cursor.fetchall()

    def naive_me() -> None:
        with connection.cursor() as cursor:
            cursor.execute(naive_me_sql, [rng.choice(sample)[0]])
            cursor.fetchall()

    peer_top = timed(naive_top, args.naive)
    peer_me = timed(naive_me, args.naive)

    # Both answer the same: the API's rank equals the SQL window rank.
    pid, _city = sample[0]
    api_rank = clients[0][0].get("/api/talent/leaderboard/me", {"board": "province"}).json()["rank"]
    with connection.cursor() as cursor:
        cursor.execute(naive_me_sql, [pid])
        sql_rank = cursor.fetchone()[0]

    memory = None
    projection = None
    entry_bytes = None
    if isinstance(backend, boards.RedisBoards):
        memory = backend.memory()
        client = backend.client
        board_count = len(list(client.scan_iter(f"{backend.prefix}:fw:*")))
        fields = sum(client.hlen(k) for k in client.scan_iter(f"{backend.prefix}:fw:*"))
        fw_bytes = sum(client.memory_usage(k) or 0 for k in client.scan_iter(f"{backend.prefix}:fw:*"))
        entry_bytes = sum(client.memory_usage(k) or 0 for k in client.scan_iter(f"{backend.prefix}:p:*"))
        other_bytes = memory - fw_bytes - entry_bytes  # capped top sets and version keys
        per_field = fw_bytes / max(fields, 1)
        # Boards: an upper bound whatever the number of people (every Fenwick field present on
        # every board). Person entries (score and boards, for "my rank") grow linearly: scaled.
        projection = int(
            board_count * boards.FENWICK_SIZE * per_field + other_bytes + entry_bytes * 8_000_000 / max(people, 1)
        )

    admin = User.objects.filter(mobile="16900000000").first()
    if admin is None:
        admin = register_user(mobile="16900000000", real_name="基准省管", password=None, roles=())
    grant_role(None, admin, Role.PROVINCE_ADMIN)
    dash_client = Client()
    dash_client.force_login(admin)
    assert dash_client.get("/talent/dashboard/").status_code == 200
    dashboard = timed(lambda: dash_client.get("/talent/dashboard/"), args.dashboard)
    peer_dashboard = timed(kpi_counts_from_profiles, max(3, args.dashboard // 4))

    figures = {
        "people": people,
        "backend": backend.name,
        "database": connection.vendor,
        "seed_seconds": round(seed_seconds, 1),
        "top100_p95_ms": round(p95(top), 2),
        "top100_median_ms": round(statistics.median(top), 2),
        "my_rank_p95_ms": round(p95(mine), 2),
        "my_rank_median_ms": round(statistics.median(mine), 2),
        "top100_cpu_p95_ms": round(p95(top_cpu), 2),
        "my_rank_cpu_p95_ms": round(p95(mine_cpu), 2),
        "board_top100_p95_ms": round(p95(board_top), 2),
        "board_rank_p95_ms": round(p95(board_rank), 2),
        "dashboard_p95_ms": round(p95(dashboard), 1),
        "load_average": round(os.getloadavg()[0], 1),
        "redis_bytes": memory,
        "redis_person_entry_bytes": entry_bytes,
        "redis_projection_8m_bytes": projection,
        "rank_agrees_with_sql": api_rank == sql_rank,
    }
    peer = {
        "naive_top100_p95_ms": round(p95(peer_top), 1),
        "naive_my_rank_p95_ms": round(p95(peer_me), 1),
        "dashboard_group_by_p95_ms": round(p95(peer_dashboard), 1),
    }
    ratios = {
        "top100_speedup": round(peer["naive_top100_p95_ms"] / max(figures["top100_p95_ms"], 1e-6), 1),
        "my_rank_speedup": round(peer["naive_my_rank_p95_ms"] / max(figures["my_rank_p95_ms"], 1e-6), 1),
        "top100_speedup_median": round(statistics.median(peer_top) / max(figures["top100_median_ms"], 1e-6), 1),
        "my_rank_speedup_median": round(statistics.median(peer_me) / max(figures["my_rank_median_ms"], 1e-6), 1),
        "dashboard_speedup": round(peer["dashboard_group_by_p95_ms"] / max(figures["dashboard_p95_ms"], 1e-6), 1),
    }
    targets = {"p95_ms": 5, "speedup": 100, "redis_8m_bytes": 1.5 * 1024**3, "dashboard_ms": 500}
    print(json.dumps({"figures": figures, "peer": peer, "ratios": ratios, "targets": targets}, ensure_ascii=False))


if __name__ == "__main__":
    main()
