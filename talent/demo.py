"""Demo data for talent: achievements for the demo learners, consent, a selection round and an
enterprise demand. Idempotent: ledger rows by (source, source_id), the round and demand by name."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.selectors import cities
from talent import actions
from talent.models import AchievementKind, ConsentKind, Demand, EvaluationRoute, SelectionRound, SkillLevel

# (mobile, kind, source id, title, data)
LEDGER: list[tuple[str, str, str, str, dict]] = [
    ("13800000001", AchievementKind.WORKSTUDY_HOURS, "1", "工学一体 设备联网", {"hours": 40}),
    ("13800000001", AchievementKind.COURSE_COMPLETION, "1", "工业互联网基础", {"domain": "industrial_internet"}),
    (
        "13800000011",
        AchievementKind.CONTEST_AWARD,
        "1",
        "2026 全省数据分析技能大赛 一等奖",
        {"contest_level": "province", "award": "first", "domain": "data_analysis"},
    ),
    ("13800000011", AchievementKind.SKILL_LEVEL, "1", "三级/高级工", {"level": "l3", "domain": "data_analysis"}),
    ("13800000011", AchievementKind.CERTIFICATE, "2", "数据分析师 证书", {"domain": "data_analysis"}),
    ("13800000012", AchievementKind.CERTIFICATE, "3", "工业机器人操作 证书", {"domain": "industrial_robotics"}),
    ("13800000012", AchievementKind.WORKSTUDY_HOURS, "1", "工学一体 产线改造", {"hours": 120}),
    ("13800000013", AchievementKind.COURSE_COMPLETION, "2", "数字化运营管理", {"domain": "digital_operations"}),
]


def seed(command: BaseCommand) -> None:
    people = {
        u.mobile: u
        for u in User.objects.filter(
            mobile__in={row[0] for row in LEDGER} | {"13800000002", "13800000003", "13800000008"}
        )
    }
    for mobile, kind, source_id, title, data in LEDGER:
        if mobile in people:
            actions.record_achievement(
                person=people[mobile], kind=kind, source="demo", source_id=source_id, title=title, data=data
            )
    for mobile in ("13800000011", "13800000012"):
        if mobile in people:
            actions.set_consent(people[mobile], ConsentKind.LEADERBOARD, True)
            actions.set_consent(people[mobile], ConsentKind.MATCHING, True)
    province = people.get("13800000008")
    if province is not None and not SelectionRound.objects.filter(name="2026 年度数字高技能领军人才遴选").exists():
        actions.create_round(
            actor=province,
            year=2026,
            name="2026 年度数字高技能领军人才遴选",
            quotas={c.pk: 3 for c in cities()},
            min_index=50,
            min_awards=1,
        )
    admin = people.get("13800000003")
    if (
        admin is not None
        and admin.organization is not None
        and not Demand.objects.filter(title="工业互联网运维工程师").exists()
    ):
        actions.post_demand(
            actor=admin,
            organization=admin.organization,
            title="工业互联网运维工程师",
            domains=["industrial_internet", "data_analysis"],
            skills="熟悉工业网关、数据采集与设备联网",
            min_level="l4",
            headcount=3,
            city=admin.organization.region,
            pay_min=7000,
            pay_max=11000,
        )
    mentor = people.get("13800000002")
    if mentor is not None:
        # A proposal waiting for 济南's city admin (and the province's), so their homes show a
        # queue; proposing again while it is pending keeps the one record.
        actions.propose_evaluation(
            person=mentor,
            level=SkillLevel.L2,
            domain="industrial_internet",
            route=EvaluationRoute.RECOGNITION,
            body="济南精工数控机床有限公司（演示）",
            evidence={"recognition": "主持完成车间设备联网改造，带教学员 12 名"},
            source="demo",
            source_id="evaluation-1",
        )
    command.stdout.write(f"talent: {len(LEDGER)} ledger rows, a selection round, a demand, an evaluation to decide")
