"""Recompute every live score from the stored answers and report any difference (there must be none)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from competitions.live import actions
from competitions.live.models import LiveRound


class Command(BaseCommand):
    help = "从已存储的作答重新计算现场赛成绩，并报告与已存成绩的差异（应当没有差异）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--round", type=int, dest="round_id", help="只检查这一场（默认全部）")
        parser.add_argument("--fix", action="store_true", help="按重算结果更正（每次更正写审计记录）")

    def handle(self, *args: Any, round_id: int | None = None, fix: bool = False, **options: Any) -> None:
        rounds = LiveRound.objects.order_by("id")
        if round_id is not None:
            rounds = rounds.filter(pk=round_id)
        total = 0
        for live_round in rounds:
            diffs = actions.rebuild_scores(live_round, apply=fix)
            total += len(diffs)
            for diff in diffs:
                self.stdout.write(json.dumps({"round": live_round.pk, **diff}, ensure_ascii=False))
            self.stdout.write(f"round {live_round.pk}: {len(diffs)} difference(s)")
        if total and not fix:
            raise CommandError(f"{total} difference(s) between stored and rebuilt scores")
        self.stdout.write(self.style.SUCCESS(f"rebuild_scores: {total} difference(s)"))
