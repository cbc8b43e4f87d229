"""Contest lifecycle in a browser: an organizer creates a contest, a learner registers and is
approved, prints the ticket, two judges score, the chief judge signs off, results are published
with awards and the award certificate verifies publicly."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORGANIZER, JUDGE, LEARNER = "13800000004", "13800000005", "13800000001"
SECOND_JUDGE = "13800000099"


def _second_judge() -> None:
    from accounts import actions
    from accounts.choices import OrgKind, Role
    from accounts.models import Organization, Region

    org = Organization.objects.filter(kind=OrgKind.TRAINING).first() or Organization.objects.create(
        name="测试培训中心", credit_code="91370100MA0000099X", region=Region.objects.get(code="370100")
    )
    actions.register_user(
        mobile=SECOND_JUDGE,
        real_name="钱评委",
        password=DEMO_PASSWORD,
        organization=org,
        region=org.region,
        roles=(Role.JUDGE,),
    )


def _fill_sheet(page, values: list[str]) -> None:
    inputs = page.locator("table.sheet input")
    for i, value in enumerate(values):
        inputs.nth(i).fill(value)
    page.get_by_role("button", name="保存评分").click()
    page.wait_for_load_state("networkidle")


def test_contest_from_creation_to_a_publicly_verified_award(demo, new_page, shot) -> None:
    _second_judge()
    organizer = new_page()
    login(organizer, ORGANIZER, DEMO_PASSWORD)
    organizer.goto("/contests/manage/")
    organizer.get_by_role("link", name="创建竞赛").click()
    organizer.get_by_label("竞赛名称").fill("2026 年济南市数据分析技能竞赛")
    organizer.get_by_label("网址标识").fill("jn-data-2026")
    organizer.get_by_label("级别").select_option("city")
    organizer.get_by_label("状态").select_option("open")
    organizer.get_by_label("竞赛公告").fill("面向济南市中小企业员工，个人赛。")
    organizer.get_by_label("奖项设置方式").select_option("count")
    organizer.get_by_label("一等奖（比例或名额）").fill("1")
    organizer.get_by_label("二等奖（比例或名额）").fill("0")
    organizer.get_by_label("三等奖（比例或名额）").fill("0")
    shot(organizer, "contests-create")
    organizer.get_by_role("button", name="保存").click()
    organizer.wait_for_url("**/contests/manage/jn-data-2026/")
    organizer.get_by_label("赛项名称").fill("数据分析")
    organizer.get_by_role("button", name="添加赛项").click()
    for mobile, chief in ((JUDGE, True), (SECOND_JUDGE, False)):
        form = organizer.locator("form", has=organizer.get_by_role("button", name="分配裁判"))
        select = form.locator("select[name=judge]")
        name = "刘卫东" if mobile == JUDGE else "钱评委"
        select.select_option(label=next(o for o in select.locator("option").all_inner_texts() if name in o))
        if chief:
            form.get_by_label("裁判长").check()
        form.get_by_role("button", name="分配裁判").click()
        organizer.wait_for_load_state("networkidle")
    task_form = organizer.locator("form", has=organizer.get_by_role("button", name="添加任务"))
    task_form.locator("input[name=title]").fill("销售数据清洗与可视化")
    organizer.get_by_role("button", name="添加任务").click()
    shot(organizer, "contests-console-setup")
    item_form = organizer.locator("form", has=organizer.get_by_role("button", name="添加评分项"))
    item_form.locator("select[name=kind]").select_option("measurement")
    item_form.locator("input[name=description]").fill("清洗结果正确")
    item_form.locator("input[name=points]").fill("40")
    item_form.get_by_role("button", name="添加评分项").click()
    item_form = organizer.locator("form", has=organizer.get_by_role("button", name="添加评分项"))
    item_form.locator("select[name=kind]").select_option("judgement")
    item_form.locator("input[name=description]").fill("图表表达清晰")
    item_form.locator("input[name=points]").fill("60")
    item_form.get_by_role("button", name="添加评分项").click()
    assert organizer.get_by_text("图表表达清晰").is_visible()

    learner = new_page(PHONE)
    login(learner, LEARNER, DEMO_PASSWORD)
    learner.goto("/contests/jn-data-2026/")
    assert learner.get_by_text("面向济南市中小企业员工").is_visible()
    learner.get_by_label("报名赛项").select_option(label="数据分析")
    learner.get_by_role("button", name="提交报名").click()
    assert learner.get_by_text("报名已提交").is_visible()
    assert_fits(learner)
    shot(learner, "contests-registered-phone")

    organizer.reload()
    organizer.get_by_role("button", name="通过").click()
    assert organizer.get_by_text("已通过并生成准考证").is_visible()
    organizer.get_by_role("button", name="抽取检录号").click()
    assert organizer.get_by_text("已抽取 1 个检录号").is_visible()
    shot(organizer, "contests-console")

    learner.reload()
    learner.get_by_role("link", name="打印准考证").click()
    assert learner.get_by_text("准考证号", exact=True).is_visible()
    assert_fits(learner)
    shot(learner, "contests-ticket-phone")

    second = new_page()
    login(second, SECOND_JUDGE, DEMO_PASSWORD)
    second.goto("/contests/judge/")
    second.get_by_role("link", name="数据分析").click()
    _fill_sheet(second, ["36", "2"])
    chief = new_page()
    login(chief, JUDGE, DEMO_PASSWORD)
    chief.goto("/contests/judge/")
    chief.get_by_role("link", name="2026 年济南市数据分析技能竞赛 · 数据分析").click()
    _fill_sheet(chief, ["38", "3"])
    # judges see the 检录号 only: no name, no ticket number
    assert chief.get_by_role("rowheader", name="001").is_visible()
    assert chief.get_by_text("王小明").count() == 0
    shot(chief, "contests-judge-sheet")
    chief.get_by_role("button", name="签字确认").click()
    assert chief.get_by_text("已签字确认").first.is_visible()

    organizer.reload()
    organizer.get_by_text("手工录入理论成绩").click()
    organizer.locator("input[name^='theory-']").first.fill("88")
    organizer.get_by_role("button", name="保存理论成绩").click()
    organizer.get_by_role("button", name="公布成绩").click()
    organizer.get_by_role("button", name="确认公布").click()  # the confirmation step
    assert organizer.get_by_text("成绩已公布").first.is_visible()
    organizer.get_by_role("button", name="核对重算").click()
    assert organizer.get_by_text("与公布成绩一致").is_visible()

    learner.goto("/contests/jn-data-2026/")
    assert learner.get_by_text("一等奖").first.is_visible()
    shot(learner, "contests-result-phone")
    from lms.models import Certificate

    certificate = Certificate.objects.get(source="competitions.award")
    learner.get_by_role("link", name="获奖证书").click()
    assert learner.get_by_text(certificate.number).first.is_visible()
    shot(learner, "contests-certificate-phone")
    visitor = new_page()
    visitor.goto(f"/learn/verify/{certificate.verify_code}/")
    assert visitor.get_by_text("一等奖").first.is_visible()
    shot(visitor, "contests-certificate-verified")
    visitor.goto("/contests/jn-data-2026/results/")
    # 王小明 has not agreed to public lists: a visitor sees him masked, without employer.
    assert visitor.get_by_text("王*明").is_visible()
    assert visitor.get_by_text("王小明").count() == 0


def test_a_team_contest_scored_by_check_in_number_and_published_per_team(demo, new_page, shot) -> None:
    """Two teams of two: the chief judge scores each team on a phone by its 检录号, signs off, and
    the results page lists each team with its members."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.actions import register_user
    from accounts.models import Organization, Region, User
    from competitions import actions

    _second_judge()
    organizer, chief, second = (User.objects.get(mobile=m) for m in (ORGANIZER, JUDGE, SECOND_JUDGE))
    now = timezone.now()
    contest = actions.create_contest(
        actor=organizer,
        title="2026 年淄博市工业机器人应用团体赛",
        slug="zb-robot-team",
        level="city",
        status="open",
        registration_opens=now - timedelta(days=1),
        registration_closes=now + timedelta(days=1),
        team_size_min=2,
        team_size_max=2,
        award_mode="count",
        award_first=Decimal(1),
        award_second=Decimal(0),
        award_third=Decimal(0),
    )
    group = actions.add_event_group(contest, actor=organizer, name="工业机器人应用", domain="industrial_robotics")
    actions.assign_judge(group, chief, actor=organizer, is_chief=True)
    actions.assign_judge(group, second, actor=organizer)
    task = actions.add_task(group, actor=organizer, title="机器人搬运工作站调试")
    measured = actions.add_item(task, actor=organizer, kind="measurement", description="节拍达标", points=Decimal(40))
    judged = actions.add_item(task, actor=organizer, kind="judgement", description="安全规范", points=Decimal(60))
    zibo = Region.objects.get(code="370300")
    for t, team in enumerate(("博山机器人一队", "张店智造队")):
        org = Organization.objects.create(name=f"{team}所在企业", credit_code=f"9137030{t}MA00000{t}1X", region=zibo)
        for i in range(2):
            person = register_user(
                mobile=f"1390000{t}{i:03d}", real_name=f"{team[:2]}队员{i + 1}", password=None, organization=org
            )
            registration = actions.register(person=person, contest=contest, event_group=group, actor=person, team=team)
            actions.review_registration(registration, actor=organizer, approve=True)
    actions.draw_check_in_numbers(contest, actor=organizer)
    teams = list(contest.teams.order_by("id"))
    for team, (m, j) in zip(teams, (("40", "3"), ("30", "2")), strict=True):
        actions.record_mark(judge=second, team=team, item=measured, value=m)
        actions.record_mark(judge=second, team=team, item=judged, value=j)

    judge_page = new_page(PHONE)
    login(judge_page, JUDGE, DEMO_PASSWORD)
    judge_page.goto(f"/contests/judge/{group.pk}/")
    assert judge_page.get_by_role("columnheader", name="检录号").is_visible()
    assert judge_page.get_by_text("博山机器人一队").count() == 0
    _fill_sheet(judge_page, ["38", "3", "30", "2"])
    assert judge_page.get_by_text("已保存 4 个评分").is_visible()
    assert_fits(judge_page)
    shot(judge_page, "contests-team-judge-sheet-phone")
    judge_page.get_by_role("button", name="签字确认").click()
    assert judge_page.get_by_text("已签字确认").first.is_visible()

    actions.publish_results(contest, actor=organizer)
    visitor = new_page(PHONE)
    visitor.goto("/contests/zb-robot-team/results/")
    assert visitor.get_by_text("博山机器人一队", exact=True).is_visible()
    # The members have not agreed to public lists: masked for a visitor.
    assert visitor.get_by_text("博***1、博***2").is_visible()
    assert visitor.get_by_text("一等奖").first.is_visible()
    assert_fits(visitor)
    shot(visitor, "contests-team-results-phone")
