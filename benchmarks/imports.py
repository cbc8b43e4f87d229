"""People import speed: the platform vs django-import-export's default vs plain bulk_create.

    python -m benchmarks.imports --rows 100000 [--library-rows 5000] [--format csv|xlsx|both]

One run, one database (a throw-away test database), the same N people written as csv and as
xlsx (`--format both`, the default; the layout of the people template; 20 organizations, 16
cities). Measured:

- platform, once per format: `exchange.engine.run_import` (reading the file included) with full validation (ID check digit, mobile,
  city, organization, duplicates in the file and in the database, scope) and the write (users
  with ID fingerprint/ciphertext/mask, learner role grants, group memberships, audit);
- library: django-import-export's `PeopleResource.import_data` (row by row, the same per-row
  rules) on the first `--library-rows` rows (it is too slow for 100,000 in minutes), as rows/s;
- bulk_create: the same rows parsed beforehand (not timed), turned into users with the same
  derived fields and written with one `bulk_create` and nothing else.

Each measurement runs inside a transaction that is rolled back, so each starts from the same
database (on PostgreSQL the written tables are vacuumed first, see `settle`). Peak memory is the process's maximum resident set after each platform import (it only
grows, so the second format's figure covers both). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TEST_DB_SUFFIX", "bench-imports")

TARGETS = {"platform_seconds_100k": 60, "vs_library": 4.0, "vs_bulk_create": 0.5, "peak_rss_mb": 500}


class RollbackSignal(Exception):  # noqa: N818 (control flow, not an error)
    pass


def id_number(seq: int) -> str:
    """A valid, distinct ID number for every seq below 15 million (mixed radix over the fields)."""
    from accounts.validators import id_check_char

    order, day, month, year = seq % 1000, seq // 1000 % 28 + 1, seq // 28_000 % 12 + 1, 1960 + seq // 336_000 % 45
    body = f"370102{year}{month:02d}{day:02d}{order:03d}"
    return body + id_check_char(body)


def write_people(path: Path, rows: int, codes: list[str], cities: list[str], fmt: str) -> None:
    header = ["姓名", "手机号", "身份证号", "城市", "单位统一社会信用代码", "岗位类别", "行业"]
    jobs = ["一线操作人员", "技术骨干", "管理人员"]

    def people():
        for n in range(rows):
            yield [
                f"学员{n}",
                f"15{n:09d}",
                id_number(n),
                cities[n % len(cities)],
                codes[n % len(codes)],
                jobs[n % 3],
                "",
            ]

    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(people())
    else:
        from exchange.files import write_xlsx

        write_xlsx(path, header, people(), title="people")


def settle() -> None:
    """On PostgreSQL, vacuum the tables a measurement writes before the next one starts.

    A rolled-back insert leaves dead index entries behind; the next run inserting the same
    mobiles and ID numbers checks its unique indexes against them, so without a vacuum every
    measurement is slower than the one before it and the order, not the work, decides."""
    from django.db import connection

    from accounts.models import AuditEvent, RoleGrant, User

    if connection.vendor != "postgresql":
        return
    tables = [User._meta.db_table, RoleGrant._meta.db_table, AuditEvent._meta.db_table]
    tables.append(User.groups.through._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM ANALYZE "{table}"')


def timed(fn) -> tuple[float, object]:
    from django.db import transaction

    settle()
    result: list[object] = []
    start = time.perf_counter()
    try:
        with transaction.atomic():
            result.append(fn())
            elapsed = time.perf_counter() - start
            raise RollbackSignal
    except RollbackSignal:
        pass
    return elapsed, result[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--library-rows", type=int, default=2000)
    parser.add_argument("--format", choices=["csv", "xlsx", "both"], default="both")
    parser.add_argument("--profile", action="store_true", help="print where the platform import spends its time")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        figures = run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(figures, ensure_ascii=False))


def run(args: argparse.Namespace) -> dict[str, object]:
    import tablib
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import connection

    from accounts import actions, pii
    from accounts.models import Organization, Region, User
    from accounts.validators import credit_check_char
    from benchmarks.people_resource import PeopleResource
    from exchange.columns import choice_lookup, city_lookup
    from exchange.engine import run_import
    from exchange.files import read_table
    from exchange.registry import get_record_type

    province = actions.ensure_regions()
    cities = list(Region.objects.filter(parent=province).values_list("name", flat=True))
    codes = []
    for n in range(20):
        body = f"913701{n:02d}MA3C5K{n:03d}"
        code = body + credit_check_char(body)
        actions.create_organization(
            name=f"基准企业{n}",
            credit_code=code,
            region=Region.objects.get(name=cities[n % 16]),
            kind="enterprise",
            industry="equipment",
        )
        codes.append(code)
    actor = User(real_name="benchmark", is_superuser=True, is_active=True)
    people = get_record_type("people")

    formats = ["csv", "xlsx"] if args.format == "both" else [args.format]
    platform: dict[str, dict[str, float]] = {}

    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for fmt in formats:
            paths[fmt] = path = Path(tmp) / f"people.{fmt}"
            start = time.perf_counter()
            write_people(path, args.rows, codes, cities, fmt)
            print(
                f"wrote {args.rows} rows as {fmt} in {time.perf_counter() - start:.1f}s ({path.stat().st_size / 1e6:.1f} MB)"
            )

        for fmt, path in paths.items():

            def platform_import(path: Path = path, fmt: str = fmt):
                return run_import(people, actor, path, fmt, commit=True)

            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                timed(lambda profiler=profiler, fn=platform_import: profiler.runcall(fn))
                pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
            seconds, report = timed(platform_import)
            assert report.written and report.counts.created == args.rows, (report.error_count, report.errors[:3])
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            platform[fmt] = {"seconds": seconds, "peak_mb": peak_mb}
            print(f"platform ({fmt}): {seconds:.2f}s for {args.rows} rows ({args.rows / seconds:,.0f} rows/s)")
            gc.collect()

        # The same rows, parsed beforehand (untimed), for the two peers.
        first = formats[0]
        header, raw = read_table(paths[first], first)
        parsed = [texts for texts, _numeric in raw]
        library_rows = min(args.library_rows, args.rows)
        dataset = tablib.Dataset(*parsed[:library_rows], headers=header)
        library_s, result = timed(lambda: PeopleResource().import_data(dataset, dry_run=False, use_transactions=False))
        assert not result.has_errors() and not result.has_validation_errors(), result.base_errors
        print(f"library:  {library_s:.2f}s for {library_rows} rows ({library_rows / library_s:,.0f} rows/s)")

        region_ids = {name: r.pk for name, r in city_lookup().items()}
        org_ids = dict(Organization.objects.values_list("credit_code", "pk"))
        jobs = choice_lookup(__import__("accounts.choices", fromlist=["JobGroup"]).JobGroup)

        def bulk() -> int:
            users = [
                User(
                    real_name=r[0],
                    mobile=r[1],
                    id_number_hash=pii.fingerprint(r[2]),
                    id_number_cipher=pii.encrypt(r[2]),
                    id_number_masked=pii.mask_id_number(r[2]),
                    region_id=region_ids[r[3]],
                    organization_id=org_ids[r[4]],
                    job_group=jobs[r[5]],
                    password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
                )
                for r in parsed
            ]
            User.objects.bulk_create(users, batch_size=1000)
            return len(users)

        def bulk_without_gc() -> int:
            # The platform pauses the cyclic collector during an import; so does the peer, so
            # that the ratio compares the work, not the garbage collector.
            gc.disable()
            try:
                return bulk()
            finally:
                gc.enable()

        bulk_s, created = timed(bulk_without_gc)
        assert created == args.rows
        print(f"bulk_create: {bulk_s:.2f}s for {args.rows} rows ({args.rows / bulk_s:,.0f} rows/s)")

    library_rate = library_rows / library_s
    bulk_rate = args.rows / bulk_s
    figures: dict[str, object] = {
        "benchmark": "imports",
        "database": connection.vendor,
        "rows": args.rows,
        "library_rows": library_rows,
        "library_seconds": round(library_s, 2),
        "library_rows_per_s": round(library_rate),
        "library_seconds_extrapolated": round(args.rows / library_rate, 1),
        "bulk_create_seconds": round(bulk_s, 2),
        "bulk_create_rows_per_s": round(bulk_rate),
    }
    for fmt, measured in platform.items():
        rate = args.rows / measured["seconds"]
        figures[fmt] = {
            "platform_seconds": round(measured["seconds"], 2),
            "platform_rows_per_s": round(rate),
            "peak_rss_mb": round(measured["peak_mb"]),
            "ratio_vs_library": round(rate / library_rate, 2),
            "ratio_vs_bulk_create": round(rate / bulk_rate, 2),
        }
    figures["targets"] = TARGETS
    return figures


if __name__ == "__main__":
    sys.exit(main())
