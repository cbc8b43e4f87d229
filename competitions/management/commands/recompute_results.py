"""Recompute published contest results with the current rules, and correct them.

    manage.py recompute_results <slug> [<slug> ...]   # one or more contests
    manage.py recompute_results --all                  # every contest with published results
    manage.py recompute_results --all --dry-run        # list the differences, change nothing

Each changed result gets an audit record (`contest.result.correct`, before/after, reason); the
talent ledger, award certificates and pending 以赛代评 recommendations follow
(`competitions.actions.correct_results`). Run `rebuild_talent` afterwards to confirm that the
talent index agrees with the corrected ledger (it reports no differences).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from competitions import actions
from competitions.models import Contest


class Command(BaseCommand):
    help = "按现行计分规则重算已公布的竞赛成绩并更正差异（逐条写审计记录，人才台账、获奖证书和以赛代评推荐随之更正）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slugs", nargs="*", help="竞赛网址标识（slug）")
        parser.add_argument("--all", action="store_true", help="所有已公布成绩的竞赛")
        parser.add_argument("--dry-run", action="store_true", help="只列出差异，不更正")
        parser.add_argument("--reason", default="", help="写入审计记录的更正理由")

    def handle(self, *args: Any, **options: Any) -> None:
        slugs: list[str] = options["slugs"]
        if bool(slugs) == bool(options["all"]):
            raise CommandError("请给出竞赛网址标识（slug），或使用 --all（二者选一）。")
        published = Contest.objects.filter(lifecycle__results_published_at__isnull=False)
        if options["all"]:
            contests = list(published.order_by("id"))
        else:
            contests = []
            for slug in slugs:
                contest = Contest.objects.filter(slug=slug).first()
                if contest is None:
                    raise CommandError(f"没有网址标识为 {slug} 的竞赛。")
                if not published.filter(pk=contest.pk).exists():
                    raise CommandError(f"竞赛 {slug} 的成绩尚未公布，无需重算。")
                contests.append(contest)
        changed = 0
        for contest in contests:
            if options["dry_run"]:
                differences = actions.recompute_results(contest)
            else:
                differences = actions.correct_results(contest, reason=options["reason"])
            changed += bool(differences)
            self.stdout.write(f"{contest.slug}: {len(differences)} differences")
            for line in differences:
                self.stdout.write(f"  {line}")
        verb = "would be corrected" if options["dry_run"] else "corrected"
        self.stdout.write(f"contests checked: {len(contests)}, {verb}: {changed}")
