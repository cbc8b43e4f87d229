"""Demo: a contest ready to run live. The demo organizer (13800000004) hosts; the demo learners
13800000001/11/12/13 are registered with tickets, printed so a newcomer can play a round.

Idempotent: the contest is found by its slug, the round by its title, tickets are kept.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.models import User
from competitions.live import setup
from competitions.live.models import LiveRound
from competitions.models import Contest

SLUG = "live-demo-theory"
LEARNERS = ("13800000001", "13800000011", "13800000012", "13800000013")


def seed(command: BaseCommand) -> None:
    organizer = User.objects.filter(mobile="13800000004").first()
    if organizer is None:
        return
    contest = Contest.objects.filter(slug=SLUG).first()
    if contest is None:
        contest, group = setup.create_contest(organizer, title="数字技能现场理论赛（演示）", slug=SLUG)
    else:
        group = contest.event_groups.earliest("id")  # the demo contest is made with its one group
    live_round = LiveRound.objects.filter(contest=contest, title="演示场").first()
    if live_round is None:
        live_round = setup.create_round(contest, title="演示场", seconds=30)
    command.stdout.write(
        f"\n现场赛演示 / Live contest demo: 主持台 /live/{live_round.pk}/host/  大屏 /live/{live_round.pk}/screen/"
    )
    for mobile in LEARNERS:
        person = User.objects.filter(mobile=mobile).first()
        if person is None:
            continue
        ticket = setup.seat(organizer, contest, group, person)
        command.stdout.write(
            f"  {person.real_name} {mobile}  准考证号 {ticket.number}  访问码 {ticket.access_code}  /live/{live_round.pk}/play/"
        )
