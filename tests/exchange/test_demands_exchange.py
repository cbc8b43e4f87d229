"""Enterprise demands import through `post_demand`, only for the importer's own organization;
bad rows say why; re-importing changes nothing; exports follow `demands_visible_to`."""

from __future__ import annotations

import io

import pytest

from accounts.models import AuditEvent, User
from exchange.engine import run_import, write_export
from exchange.registry import get_record_type
from talent.models import Demand
from tests.exchange.conftest import read_xlsx

pytestmark = pytest.mark.django_db

HEADER = [
    "单位统一社会信用代码",
    "岗位名称",
    "技能领域",
    "技能要求",
    "最低技能等级",
    "需求人数",
    "工作城市",
    "月薪下限（元）",
    "月薪上限（元）",
]


@pytest.fixture
def demands_type():
    return get_record_type("demands")


def row(**changes: object) -> list[object]:
    values: dict[str, object] = {
        "单位统一社会信用代码": "",
        "岗位名称": "工业机器人运维工程师",
        "技能领域": "工业机器人、智能制造",
        "技能要求": "熟悉 PLC 编程",
        "最低技能等级": "高级工",
        "需求人数": "5",
        "工作城市": "济南",
        "月薪下限（元）": "6000",
        "月薪上限（元）": "9000",
    }
    values.update(changes)
    return [values[h] for h in HEADER]


def test_an_enterprise_admin_imports_her_demands_once(enterprise_admin, acme, demands_type, write_file) -> None:
    path = write_file(
        "demands.xlsx",
        HEADER,
        [
            row(),
            row(
                单位统一社会信用代码=acme.credit_code,
                岗位名称="数据分析师",
                技能领域="数据分析",
                需求人数=2,
                最低技能等级="",
            ),
        ],
    )

    report = run_import(demands_type, enterprise_admin, path, "xlsx", commit=True)

    assert report.written and report.counts.created == 2, report.errors
    demand = Demand.objects.get(title="工业机器人运维工程师")
    assert demand.organization == acme and demand.created_by == enterprise_admin
    assert demand.domains == ["industrial_robotics", "smart_manufacturing"]
    assert (demand.min_level, demand.headcount, demand.city.name, demand.pay_min, demand.pay_max) == (
        "l3",
        5,
        "济南",
        6000,
        9000,
    )
    assert Demand.objects.get(title="数据分析师").headcount == 2
    assert AuditEvent.objects.filter(action="talent.demand_post").count() == 2

    again = run_import(demands_type, enterprise_admin, path, "xlsx", commit=True)

    assert again.written and (again.counts.created, again.counts.unchanged) == (0, 2)
    assert Demand.objects.count() == 2


def test_another_organizations_demands_are_refused(enterprise_admin, rival, demands_type, write_file) -> None:
    path = write_file("demands.csv", HEADER, [row(单位统一社会信用代码=rival.credit_code)])

    report = run_import(demands_type, enterprise_admin, path, "csv", commit=True)

    assert not report.written and not Demand.objects.exists()
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, "单位统一社会信用代码")]
    assert "只能导入本单位（济南测试精工有限公司）" in report.errors[0]["message"]


def test_only_enterprise_admins_import_demands(
    enterprise_admin, city_admin, province_admin, learner, demands_type
) -> None:
    assert demands_type.importable_by(enterprise_admin)
    assert not demands_type.importable_by(city_admin)
    assert not demands_type.importable_by(province_admin)
    assert not demands_type.exportable_by(learner)


def test_the_command_line_needs_a_named_enterprise_admin(demands_type, acme, write_file) -> None:
    operator = User(real_name="命令行", is_superuser=True, is_active=True)
    path = write_file("demands.csv", HEADER, [row(单位统一社会信用代码=acme.credit_code)])

    report = run_import(demands_type, operator, path, "csv", commit=True)

    assert not report.written and "--as" in report.errors[0]["message"]


def test_bad_demand_rows_are_reported_with_their_reasons(enterprise_admin, demands_type, write_file) -> None:
    rows = [
        row(),  # 2: good
        row(岗位名称="甲", 技能领域="烹饪"),  # 3
        row(岗位名称="乙", 需求人数="0"),  # 4
        row(岗位名称="丙", 需求人数="2.5"),  # 5
        row(岗位名称="丁", 工作城市="上海"),  # 6
        row(岗位名称="戊", **{"月薪下限（元）": "9000", "月薪上限（元）": "6000"}),  # 7
        row(),  # 8: duplicate of row 2
        row(岗位名称="己", 最低技能等级="大师"),  # 9
        row(岗位名称="", 需求人数=""),  # 10
    ]
    path = write_file("demands.csv", HEADER, rows)

    report = run_import(demands_type, enterprise_admin, path, "csv", commit=False)

    found = {(e["row"], e["column"]): e["message"] for e in report.errors}
    assert set(found) == {
        (3, "技能领域"),
        (4, "需求人数"),
        (5, "需求人数"),
        (6, "工作城市"),
        (7, "月薪上限（元）"),
        (8, "岗位名称"),
        (9, "最低技能等级"),
        (10, "岗位名称"),
        (10, "需求人数"),
    }
    assert "未知技能领域“烹饪”" in found[(3, "技能领域")]
    assert "1—10000 的整数" in found[(5, "需求人数")]
    assert "未知城市“上海”" in found[(6, "工作城市")]
    assert "不能低于下限" in found[(7, "月薪上限（元）")]
    assert "与第 2 行重复" in found[(8, "岗位名称")]
    assert report.valid == 1 and not Demand.objects.exists()


def test_a_changed_row_for_a_posted_demand_is_refused_not_applied(enterprise_admin, demands_type, write_file) -> None:
    assert run_import(demands_type, enterprise_admin, write_file("a.csv", HEADER, [row()]), "csv", commit=True).written

    report = run_import(
        demands_type, enterprise_admin, write_file("b.csv", HEADER, [row(需求人数="8")]), "csv", commit=True
    )

    assert not report.written and "不会修改已发布的需求" in report.errors[0]["message"]
    assert Demand.objects.get().headcount == 5


def test_demand_exports_follow_the_exporters_scope(
    enterprise_admin, make_person, rival, city_admin, demands_type, write_file
) -> None:
    other_admin = make_person("enterprise_admin", org=rival)
    run_import(demands_type, enterprise_admin, write_file("a.csv", HEADER, [row(岗位名称="=1+1")]), "csv", commit=True)
    run_import(demands_type, other_admin, write_file("b.csv", HEADER, [row(工作城市="青岛")]), "csv", commit=True)

    buffer = io.BytesIO()
    written, _unmasked = write_export(demands_type, enterprise_admin, "xlsx", buffer)

    table = read_xlsx(buffer.getvalue())
    assert written == 1
    assert table[0][:9] == HEADER and table[0][9:] == ["单位名称", "状态", "已确认人数"]
    assert table[1][1] == "'=1+1" and table[1][2] == "工业机器人、智能制造" and table[1][10] == "招募中"

    buffer = io.BytesIO()
    written, _unmasked = write_export(demands_type, city_admin, "xlsx", buffer)  # 济南: acme's demand only

    assert written == 1
