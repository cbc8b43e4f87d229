"""Generate N realistic talent profiles with achievements (bulk inserts), for demos and benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.actions import ensure_regions
from talent.seeding import seed_people


class Command(BaseCommand):
    help = "批量生成人才档案与成果记录（用于演示和性能测试）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=1000, help="number of people to add")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_regions()
        started = time.perf_counter()

        def progress(done: int) -> None:
            if done % 50_000 == 0 or done == options["people"]:
                self.stdout.write(f"  {done:,} people ({time.perf_counter() - started:.0f}s)")

        added = seed_people(options["people"], seed=options["seed"], progress=progress)
        self.stdout.write(self.style.SUCCESS(f"seeded {added:,} people in {time.perf_counter() - started:.1f}s"))
