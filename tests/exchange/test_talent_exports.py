"""Leaderboards, the leader shortlist and the yearly KPI report export through the exchange
screens: as the pages show them (consent respected), scoped to the exporter, masked without
view_pii."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from accounts.choices import Role
from exchange.engine import write_export
from exchange.registry import get_record_type
from talent import actions
from talent.models import AchievementKind, CandidateStatus, ConsentKind
from tests.exchange.conftest import read_csv, read_xlsx

pytestmark = pytest.mark.django_db


def award(person, source_id: int, contest_level: str = "province") -> None:
    actions.record_achievement(
        person=person,
        kind=AchievementKind.CONTEST_AWARD,
        source="competitions.award",
        source_id=source_id,
        title=f"{contest_level} first",
        data={"contest_level": contest_level, "award": "first", "domain": "industrial_internet"},
    )


@pytest.fixture
def ranked(learner, outsider):
    """Two people on the boards: the learner (济南) agreed to appear publicly, the outsider
    (青岛) did not."""
    award(learner, 1, "national")
    award(outsider, 2, "province")
    actions.set_consent(learner, ConsentKind.LEADERBOARD, True)
    return learner, outsider


def export(key: str, actor, fmt: str = "csv") -> tuple[list[list], int, bool]:
    buffer = io.BytesIO()
    written, unmasked = write_export(get_record_type(key), actor, fmt, buffer)
    table = read_csv(buffer.getvalue()) if fmt == "csv" else read_xlsx(buffer.getvalue())
    return table, written, unmasked


def test_leaderboards_export_as_shown_with_names_anonymized_without_consent(province_admin, ranked) -> None:
    table, _written, unmasked = export("leaderboards", province_admin)

    assert table[0] == ["榜单", "名次", "姓名", "城市", "技能等级", "人才指数"]
    province = [r for r in table[1:] if r[0] == "全省"]
    assert [(r[1], r[2], r[3]) for r in province] == [("1", "王学员", "济南"), ("2", "吴**", "青岛")]
    assert {"济南", "青岛"} <= {r[0] for r in table[1:]}  # every board, city boards included
    assert not unmasked


def test_a_city_admin_exports_the_province_board_and_her_citys(city_admin, ranked) -> None:
    table, _written, _unmasked = export("leaderboards", city_admin)

    assert {r[0] for r in table[1:]} == {"全省", "济南"}
    assert [r[2] for r in table[1:] if r[0] == "济南"] == ["王学员"]


@pytest.fixture
def final_list(province_admin, city_admin, city, ranked, make_person, acme):
    learner, _outsider = ranked
    selection = actions.create_round(
        actor=province_admin, year=2026, name="=2026 年度领军人才遴选", quotas={city("济南").pk: 1, city("青岛").pk: 1}
    )
    actions.generate_candidates(selection, actor=province_admin)
    chosen = selection.candidates.get(person=learner)
    actions.nominate_candidate(chosen, actor=city_admin, reason="省赛一等奖")
    actions.review_candidate(chosen, actor=province_admin, approve=True, reason="符合条件")
    return selection


def test_the_shortlist_exports_approved_candidates_only_masked_for_a_city_admin(
    city_admin, final_list, learner
) -> None:
    assert final_list.candidates.filter(status=CandidateStatus.CANDIDATE).exists()  # the outsider: not listed

    table, written, unmasked = export("shortlist", city_admin, "xlsx")

    assert table[0] == [
        "年度",
        "遴选批次",
        "姓名",
        "手机号",
        "城市",
        "单位",
        "人才指数",
        "入围理由",
        "市级意见",
        "状态",
    ]
    assert written == 1 and not unmasked
    assert table[1][:6] == [
        2026,
        "'=2026 年度领军人才遴选",
        "王学员",
        learner.mobile_masked,
        "济南",
        "济南测试精工有限公司",
    ]
    assert table[1][8:] == ["省赛一等奖", "省级已审核"]


def test_the_province_exports_the_shortlist_unmasked_and_a_qingdao_admin_sees_none(
    province_admin, make_person, rival, final_list, learner
) -> None:
    table, written, unmasked = export("shortlist", province_admin)
    assert written == 1 and unmasked and table[1][3] == learner.mobile

    qingdao_admin = make_person(Role.CITY_ADMIN, region=rival.region, name="青岛市管")
    _table, written, _unmasked = export("shortlist", qingdao_admin)
    assert written == 0


def test_the_kpi_report_has_every_metric_and_year_for_the_province_and_each_city(
    province_admin, city_admin, ranked
) -> None:
    actions.set_kpi_target(actor=province_admin, year=2026, metric="talents", value=2)

    table, written, _unmasked = export("kpi_report", province_admin)

    assert table[0] == ["范围", "指标", "年度", "实际", "目标", "完成率（%）"]
    assert written == 17 * 5 * 5  # province and 16 cities × five metrics × five years
    assert {r[0] for r in table[1:]} >= {"全省", "济南", "青岛"}
    talents_2026 = next(r for r in table[1:] if r[:3] == ["全省", "数字技能人才", "2026"])
    assert talents_2026[4] == "2.0"

    table, written, _unmasked = export("kpi_report", city_admin)

    assert written == 25 and {r[0] for r in table[1:]} == {"济南"}


def test_talent_record_types_appear_on_the_exchange_page_by_role(client, province_admin, enterprise_admin) -> None:
    client.force_login(province_admin)
    page = client.get(reverse("exchange:index")).content.decode()
    for label in ("技能评价", "企业人才需求", "人才榜", "领军人才名单", "年度目标完成情况"):
        assert label in page

    client.force_login(enterprise_admin)
    page = client.get(reverse("exchange:index")).content.decode()
    assert "企业人才需求" in page and "人才榜" in page
    assert "领军人才名单" not in page and "年度目标完成情况" not in page
