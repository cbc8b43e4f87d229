"""Demo data for the contest lifecycle: a province contest open for registration, with event
groups, a practical task and its marking scheme, the demo organizer, three judges on the main
group (a chief judge, a second judge, and a judge who is also the arbiter), and the demo
learners registered and ticketed: enough to judge, sign off, publish and certify by hand.

Called by `manage.py seed_demo` before `competitions/live/demo.py`; idempotent (the contest's
slug, event group names and people's mobiles are the natural keys).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.calendar import day_in_month
from accounts.models import Organization, User
from competitions import actions
from competitions.models import Contest, ContestStatus, Registration, RegistrationStatus

SLUG = "sd-digital-skills-2026"
ORGANIZER = "13800000004"
JUDGE = "13800000005"
# The main group's panel: every judgement item needs two judges' marks and the chief's sign-off.
# The chief judge marks too, so three judges mark each contestant; none works for a demo learner's
# organization (no recusal). 刘卫东 is also the arbitration group.
SECOND_JUDGE = "13800000014"
CHIEF_JUDGE = "13800000015"
LEARNERS = ("13800000001", "13800000011", "13800000012", "13800000013")
GROUPS = (
    ("工业互联网运维", "industrial_internet"),
    ("数据分析", "data_analysis"),
    ("人工智能训练", "ai_applications"),
    ("工业机器人应用", "industrial_robotics"),
)


def _calendar_dates(now: datetime) -> dict[str, datetime]:
    """Registration closes late this month (at least two days from now), the theory exam on the
    10th of next month and the practical the day after: the demo learners' calendars have
    something this month and next (accounts/calendar.py)."""
    closes = max(day_in_month(28, 18, now=now), now + timedelta(days=2))
    return {
        "registration_closes": closes,
        "theory_at": max(day_in_month(10, 9, months_ahead=1, now=now), closes + timedelta(days=3)),
        "practical_at": max(day_in_month(11, 9, months_ahead=1, now=now), closes + timedelta(days=4)),
    }


def seed(command: BaseCommand) -> None:
    organizer = User.objects.filter(mobile=ORGANIZER).first()
    judge = User.objects.filter(mobile=JUDGE).first()
    if organizer is None or judge is None:
        command.stdout.write("competitions: demo people missing, run accounts first")
        return
    contest = Contest.objects.filter(slug=SLUG).first()
    now = timezone.now()
    if contest is None:
        body = Organization.objects.filter(name__startswith="山东省中小企业数字化转型促进会").first()
        contest = actions.create_contest(
            actor=organizer,
            title="2026 年山东省中小企业数字技能大赛",
            slug=SLUG,
            level="province",
            organizing_body=body,
            status=ContestStatus.OPEN,
            summary="面向全省中小制造企业一线员工和技术骨干的数字技能竞赛，理论考试占 30%，实操考核占 70%。",
            rules="理论考试为线上限时答题；实操考核由裁判组按评分标准独立评分，裁判长复核签字后生效。",
            announcement="报名截止前由企业推荐或个人报名，组委会审核通过后生成准考证。获奖选手可按以赛代评规则推荐晋升技能等级。",
            how_to_register="登录平台后在本页选择赛项提交报名；企业管理员可为本单位员工推荐报名。",
            registration_opens=now - timedelta(days=7),
            **_calendar_dates(now),
            theory_weight=Decimal("0.300"),
            aggregation="trimmed",
        )
        for award, target in (("first", "l2"), ("second", "l3")):
            actions.set_promotion_rule(contest, actor=organizer, award=award, target_level=target)
    elif contest.status == ContestStatus.OPEN and (
        contest.registration_closes is None or contest.registration_closes < now
    ):
        # A demo seeded long ago: bring its dates back to this month and next for the calendar.
        contest = actions.update_contest(contest, actor=organizer, **_calendar_dates(now))
    for name, domain in GROUPS:
        if not contest.event_groups.filter(name=name).exists():
            actions.add_event_group(contest, actor=organizer, name=name, domain=domain)
    group = contest.event_groups.get(name=GROUPS[0][0])
    actions.assign_judge(group, judge, actor=organizer, is_chief=False, is_arbiter=True)
    for mobile, chief in ((SECOND_JUDGE, False), (CHIEF_JUDGE, True)):
        person = User.objects.filter(mobile=mobile).first()
        if person is not None:
            actions.assign_judge(group, person, actor=organizer, is_chief=chief)
    if not group.practical_tasks.exists():
        task = actions.add_task(
            group, actor=organizer, title="产线设备联网与数据采集", description="完成 PLC 联网、点位配置和看板展示。"
        )
        actions.add_item(task, actor=organizer, kind="measurement", description="采集点位配置正确", points=Decimal(40))
        actions.add_item(task, actor=organizer, kind="judgement", description="接线与配置工艺规范", points=Decimal(30))
        actions.add_item(task, actor=organizer, kind="judgement", description="数据看板清晰可用", points=Decimal(30))
    for mobile in LEARNERS:
        person = User.objects.filter(mobile=mobile).first()
        if person is None:
            continue
        registration = Registration.objects.filter(contest=contest, person=person).first()
        if registration is None:
            registration = actions.register(
                person=person, contest=contest, event_group=group, actor=organizer, check_window=False
            )
        if registration.status == RegistrationStatus.PENDING:
            actions.review_registration(registration, actor=organizer, approve=True)
    command.stdout.write(
        f"competitions: contest {contest.slug} with {contest.event_groups.count()} event groups, "
        f"{contest.registrations.count()} registrations"
    )
