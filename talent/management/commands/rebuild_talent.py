"""Recompute every talent profile, the KPI counts and the leaderboards from the ledger."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from talent.index import rebuild


class Command(BaseCommand):
    help = "从成果台账重新计算人才指数、目标统计与排行榜，并报告与现有数据的差异。"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        report = rebuild()
        self.stdout.write(f"people: {report.people}")
        self.stdout.write(f"profile differences fixed: {report.profile_differences}")
        for example in report.examples:
            self.stdout.write(f"  {example}")
        self.stdout.write(f"KPI count differences fixed: {report.kpi_differences}")
        self.stdout.write(f"boards rebuilt: {len(report.boards)}")
        self.stdout.write(f"took {time.perf_counter() - started:.1f}s")
        if report.profile_differences or report.kpi_differences:
            self.stdout.write(self.style.WARNING("differences were found and repaired"))
        else:
            self.stdout.write(self.style.SUCCESS("no differences"))
