"""A contest award becomes a pending 以赛代评 promotion; the province admin approves it; the
person's index and rank change; they become a shortlist candidate; the city admin nominates and
the province admin approves; the dashboard counts the new talent."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from talent import boards
from talent.actions import propose_evaluation, record_achievement
from talent.models import AchievementKind, TalentProfile
from tests.e2e.conftest import PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _kpi_talents(page) -> int:
    page.goto("/talent/dashboard/")
    return int(page.get_by_test_id("kpi-talents").inner_text())


def test_a_contest_award_flows_to_level_rank_shortlist_and_dashboard(demo, new_page, shot) -> None:
    boards.backend().rebuild()  # Redis boards (when configured) from this test's database only
    person = User.objects.get(mobile="13800000001")  # 王小明, 济南
    city_admin_page = new_page()
    login(city_admin_page, "13800000007", DEMO_PASSWORD)
    talents_before = _kpi_talents(city_admin_page)

    learner = new_page(PHONE)
    login(learner, "13800000001", DEMO_PASSWORD)
    learner.goto("/talent/")
    rank_before = learner.get_by_test_id("my-rank").inner_text()
    index_before = TalentProfile.objects.get(person=person).index

    # What the contests app does when results are published (以赛代评).
    record_achievement(
        person=person,
        kind=AchievementKind.CONTEST_AWARD,
        source="competitions.award",
        source_id="e2e-1",
        title="2026 全省工业互联网技能大赛 一等奖",
        data={"contest_level": "province", "award": "first", "domain": "industrial_internet"},
    )
    propose_evaluation(
        person=person,
        level="l3",
        domain="industrial_internet",
        route="contest",
        body="2026 全省工业互联网技能大赛组委会",
        evidence={"contest": "2026 全省工业互联网技能大赛", "award": "first"},
        source="competitions.promotion",
        source_id="e2e-1",
    )

    province = new_page()
    login(province, "13800000008", DEMO_PASSWORD)
    province.goto("/talent/evaluations/")
    card = province.get_by_test_id("evaluation").filter(has_text="王小明")
    assert card.get_by_text("三级/高级工").is_visible()
    shot(province, "talent-evaluation-pending")
    card.get_by_label("审核意见（驳回时必填）").fill("省赛一等奖，按以赛代评办法晋升三级")
    card.get_by_role("button", name="通过").click()
    province.wait_for_load_state("networkidle")
    assert province.get_by_text("已通过：王小明").is_visible()

    learner.goto("/talent/")
    rank_after = learner.get_by_test_id("my-rank").inner_text()
    assert rank_after != rank_before and "第 1 名" in rank_after
    assert_fits(learner)
    shot(learner, "talent-leaderboard-phone")
    learner.goto("/talent/me/")
    index_after = float(learner.get_by_test_id("my-index").inner_text())
    assert index_after == index_before + 60 + 40
    assert_fits(learner)
    shot(learner, "talent-my-index-phone")

    province.goto("/talent/shortlist/")
    province.get_by_role("link", name="2026 年度数字高技能领军人才遴选").click()
    province.get_by_role("button", name="从人才榜生成候选人").click()
    province.wait_for_load_state("networkidle")
    candidate = province.get_by_test_id("candidate").filter(has_text="王小明")
    assert candidate.get_by_text("省级及以上竞赛获奖 1 次").is_visible()
    shot(province, "talent-shortlist-candidates")

    city_admin_page.goto(province.url)
    mine = city_admin_page.get_by_test_id("candidate").filter(has_text="王小明")
    mine.get_by_label("理由").fill("省赛一等奖，车间数字化改造骨干")
    mine.get_by_role("button", name="推荐", exact=True).click()
    city_admin_page.wait_for_load_state("networkidle")
    assert city_admin_page.get_by_test_id("candidate").filter(has_text="王小明").get_by_text("市级已推荐").is_visible()
    # 马晓燕 works in 青岛: outside the 济南 admin's scope.
    assert city_admin_page.get_by_test_id("candidate").filter(has_text="马晓燕").count() == 0

    province.reload()
    nominated = province.get_by_test_id("candidate").filter(has_text="王小明")
    nominated.get_by_role("button", name="省级审核通过").click()
    province.wait_for_load_state("networkidle")
    assert province.get_by_test_id("candidate").filter(has_text="王小明").get_by_text("省级已审核").is_visible()
    shot(province, "talent-shortlist-approved")

    assert _kpi_talents(city_admin_page) == talents_before + 1
    shot(city_admin_page, "talent-dashboard-city")
    phone_admin = new_page(PHONE)
    login(phone_admin, "13800000008", DEMO_PASSWORD)
    phone_admin.goto("/talent/dashboard/")
    assert phone_admin.locator("svg.chart").count() == 5
    assert_fits(phone_admin)
    shot(phone_admin, "talent-dashboard-phone")


def test_a_person_asks_for_deletion_and_the_city_admin_decides(demo, new_page, shot) -> None:
    learner = new_page(PHONE)
    login(learner, "13800000001", DEMO_PASSWORD)  # 王小明, 济南
    learner.goto("/talent/me/")
    learner.get_by_test_id("privacy-link").click()
    assert learner.get_by_test_id("data-held").get_by_text("成果台账").is_visible()
    with learner.expect_download() as download:
        learner.get_by_test_id("download").click()
    assert download.value.suggested_filename == "my-talent-data.json"
    learner.get_by_label("说明（选填）").fill("不再参加企业对接，请删除相关记录")
    learner.get_by_role("button", name="提交删除申请").click()
    learner.wait_for_load_state("networkidle")
    assert learner.get_by_test_id("pending").is_visible()
    assert_fits(learner)
    shot(learner, "talent-privacy-pending-phone")

    admin = new_page(PHONE)
    login(admin, "13800000007", DEMO_PASSWORD)  # 孙立新, 济南 city admin
    admin.goto("/talent/deletions/")
    card = admin.get_by_test_id("deletion-request").filter(has_text="王小明")
    assert card.get_by_text("不再参加企业对接").is_visible()
    card.get_by_role("button", name="不予批准").click()
    admin.wait_for_load_state("networkidle")
    assert admin.get_by_text("不予批准时必须填写理由。").is_visible()
    assert_fits(admin)
    shot(admin, "talent-deletions-phone")
    card = admin.get_by_test_id("deletion-request").filter(has_text="王小明")
    card.get_by_label("理由（不予批准时必填）").fill("核实无误，予以删除")
    card.get_by_role("button", name="批准并删除").click()
    admin.wait_for_load_state("networkidle")
    assert admin.get_by_text("依规保留").first.is_visible()

    learner.reload()
    decided = learner.get_by_test_id("deletion").first
    assert decided.get_by_text("已批准并执行").is_visible() and decided.get_by_text("核实无误，予以删除").is_visible()
    assert learner.get_by_role("button", name="提交删除申请").is_visible()  # may ask again
    assert_fits(learner)
    shot(learner, "talent-privacy-decided-phone")
