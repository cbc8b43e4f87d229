"""Create a live contest ready to run with N registered contestants; write their tickets to a CSV."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.choices import Role
from accounts.models import User
from accounts.pii import escape_cell
from competitions.live import setup


class Command(BaseCommand):
    help = "创建一场可直接开赛的现场理论赛和 N 名已报名选手，并把准考证写入 CSV（用于演示与压测）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--contestants", type=int, default=100)
        parser.add_argument("--questions", type=int, default=5)
        parser.add_argument("--seconds", type=int, default=20)
        parser.add_argument("--organizer", default="13800000004", help="主持人（组织者）手机号")
        parser.add_argument("--password", default="Shuzhi@2026", help="生成选手账号的密码")
        parser.add_argument("--mobile-start", type=int, default=17000000000)
        parser.add_argument("--csv", default="var/live-tickets.csv")
        parser.add_argument("--scoring", choices=["accuracy", "speed"], default="accuracy")

    def handle(self, *args: Any, **o: Any) -> None:
        organizer = User.objects.filter(mobile=o["organizer"]).first()
        if organizer is None or not organizer.has_role(Role.ORGANIZER):
            raise CommandError(f"组织者 {o['organizer']} 不存在或没有组织者角色（先运行 seed_demo）。")
        with transaction.atomic():
            contest, group = setup.create_contest(organizer, title=f"现场理论赛（{o['contestants']} 人）")
            questions = [setup.bank_question(*q) for q in setup.SAMPLE_QUESTIONS]
            extra = o["questions"] - len(questions)
            for i in range(max(0, extra)):
                questions.append(
                    setup.bank_question("single", f"压测题 {i + 1}：1 + {i} = ？", [str(i + 1), str(i + 2)], "A", "")
                )
            live_round = setup.create_round(
                contest, questions=questions[: o["questions"]], seconds=o["seconds"], scoring_mode=o["scoring"]
            )
        seats = setup.bulk_seat(
            contest, group, o["contestants"], password=o["password"], mobile_start=o["mobile_start"]
        )
        path = Path(o["csv"])
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["round", "mobile", "name", "ticket", "access_code", "user_id"])
            for s in seats:
                writer.writerow([live_round.pk, s.mobile, escape_cell(s.name), s.ticket, s.access_code, s.user_id])
        self.stdout.write(f"round={live_round.pk} contest={contest.pk} contestants={len(seats)} csv={path}")
