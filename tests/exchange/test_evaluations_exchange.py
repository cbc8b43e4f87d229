"""Skill evaluations import through talent's actions: deciders' rows are approved (certificate,
ledger), everyone else's wait for approval; people are found only within the importer's scope;
bad rows say why; re-importing changes nothing; exports are scoped and masked."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts import actions as accounts_actions
from accounts.models import User
from exchange.engine import run_import, write_export
from exchange.registry import get_record_type
from talent.models import Achievement, AchievementKind, Evaluation, EvaluationStatus
from tests.conftest import valid_id_number
from tests.exchange.conftest import read_csv

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "手机号", "身份证号", "技能等级", "人才类别", "技能领域", "评价方式", "评价机构", "佐证说明"]
BODY = "济南市职业技能鉴定指导中心"


@pytest.fixture
def evaluations_type():
    return get_record_type("evaluations")


@pytest.fixture
def welder(acme) -> User:
    """A registered learner at acme with an ID number on file."""
    return accounts_actions.register_user(
        mobile="13912340001",
        real_name="李焊工",
        password=None,
        id_number=valid_id_number(41),
        region=acme.region,
        organization=acme,
    )


def row(person: User | None = None, **changes: str) -> list[str]:
    values = {
        "姓名": person.real_name if person else "",
        "手机号": person.mobile if person else "",
        "身份证号": "",
        "技能等级": "三级/高级工",
        "人才类别": "",
        "技能领域": "工业机器人",
        "评价方式": "技能考核",
        "评价机构": BODY,
        "佐证说明": "理论 86 分，实操 90 分",
    }
    values.update(changes)
    return [values[h] for h in HEADER]


def test_a_province_admin_imports_approved_evaluations_once(
    province_admin, learner, welder, evaluations_type, write_file
) -> None:
    path = write_file(
        "evaluations.xlsx",
        HEADER,
        [
            row(learner),
            row(welder, 手机号="", 身份证号=valid_id_number(41), 技能等级="", 人才类别="数字技术工程师(初级)"),
        ],
    )

    report = run_import(evaluations_type, province_admin, path, "xlsx", commit=True)

    assert report.written and report.counts.created == 2, report.errors
    level = Evaluation.objects.get(person=learner)
    assert (level.level, level.domain, level.route, level.status) == (
        "l3",
        "industrial_robotics",
        "assessment",
        "approved",
    )
    assert level.certificate_no and level.decided_by == province_admin
    assert level.evidence["note"] == "理论 86 分，实操 90 分"
    assert Evaluation.objects.get(person=welder).category == "engineer_junior"
    assert Achievement.objects.filter(person=learner, kind=AchievementKind.SKILL_LEVEL).count() == 1
    assert Achievement.objects.filter(person=welder, kind=AchievementKind.TALENT_CATEGORY).count() == 1

    again = run_import(evaluations_type, province_admin, path, "xlsx", commit=True)

    assert again.written and (again.counts.created, again.counts.unchanged) == (0, 2)
    assert Evaluation.objects.count() == 2 and Achievement.objects.count() == 2


def test_an_enterprise_admins_evaluations_wait_for_approval(
    enterprise_admin, learner, evaluations_type, write_file
) -> None:
    path = write_file("evaluations.csv", HEADER, [row(learner)])

    report = run_import(evaluations_type, enterprise_admin, path, "csv", commit=True)

    assert report.written and report.counts.created == 1
    evaluation = Evaluation.objects.get(person=learner)
    assert evaluation.status == EvaluationStatus.PENDING and not evaluation.certificate_no
    assert not Achievement.objects.filter(person=learner).exists()


def test_nobody_approves_their_own_evaluation_by_import(city_admin, evaluations_type, write_file) -> None:
    path = write_file("evaluations.csv", HEADER, [row(city_admin)])

    report = run_import(evaluations_type, city_admin, path, "csv", commit=True)

    assert report.written
    assert Evaluation.objects.get(person=city_admin).status == EvaluationStatus.PENDING


def test_people_outside_the_importers_scope_are_not_found(
    enterprise_admin, city_admin, outsider, evaluations_type, write_file
) -> None:
    path = write_file("evaluations.csv", HEADER, [row(outsider)])

    for importer in (enterprise_admin, city_admin):  # acme's admin; 济南's admin (outsider is in 青岛)
        report = run_import(evaluations_type, importer, path, "csv", commit=True)

        assert not report.written
        assert [(e["row"], e["column"]) for e in report.errors] == [(2, "手机号")]
        assert "不在您的管理范围内" in report.errors[0]["message"]
    assert not Evaluation.objects.exists()


def test_bad_rows_are_reported_with_their_reasons_and_nothing_is_written(
    province_admin, learner, welder, evaluations_type, write_file
) -> None:
    rows = [
        row(learner),  # 2: good
        row(learner, 技能等级="五星级"),  # 3
        row(learner, 人才类别="数字技能人才"),  # 4: both level and category
        row(learner, 技能等级="", 人才类别="高技能领军人才"),  # 5
        row(learner, 姓名="王学圆"),  # 6
        row(learner, 身份证号=valid_id_number(41)),  # 7: the welder's ID with the learner's mobile
        row(None, 姓名="无名"),  # 8: neither mobile nor ID
        row(learner, 评价方式="考试"),  # 9
        row(learner),  # 10: duplicate of row 2
        row(learner, 手机号="1391234000"),  # 11: 10 digits
        row(learner, 评价机构=""),  # 12
        row(learner, 技能领域="烹饪"),  # 13
    ]
    path = write_file("evaluations.csv", HEADER, rows)

    report = run_import(evaluations_type, province_admin, path, "csv", commit=True)

    found = {(e["row"], e["column"]): e["message"] for e in report.errors}
    assert set(found) == {
        (3, "技能等级"),
        (4, "技能等级"),
        (5, "人才类别"),
        (6, "姓名"),
        (7, "身份证号"),
        (8, "手机号"),
        (9, "评价方式"),
        (10, "评价机构"),
        (11, "手机号"),
        (12, "评价机构"),
        (13, "技能领域"),
    }
    assert "未知技能等级“五星级”" in found[(3, "技能等级")]
    assert "只填写一项" in found[(4, "技能等级")]
    assert "遴选" in found[(5, "人才类别")]
    assert "与平台登记的姓名不一致" in found[(6, "姓名")]
    assert "不属于同一人员" in found[(7, "身份证号")]
    assert "至少填写一项" in found[(8, "手机号")]
    assert "与第 2 行重复" in found[(10, "评价机构")]
    assert "必填项为空" in found[(12, "评价机构")]
    assert not report.written and not Evaluation.objects.exists()

    only_valid = run_import(evaluations_type, province_admin, path, "csv", commit=True, only_valid=True)

    assert only_valid.written and only_valid.counts.created == 1
    assert Evaluation.objects.get().person == learner


def test_the_command_line_without_a_person_only_proposes(learner, evaluations_type, write_file) -> None:
    operator = User(real_name="命令行", is_superuser=True, is_active=True)
    path = write_file("evaluations.csv", HEADER, [row(learner)])

    report = run_import(evaluations_type, operator, path, "csv", commit=True)

    assert report.written
    assert Evaluation.objects.get(person=learner).status == EvaluationStatus.PENDING


def test_evaluation_exports_are_scoped_and_masked(
    province_admin, enterprise_admin, learner, outsider, evaluations_type, write_file
) -> None:
    path = write_file("evaluations.csv", HEADER, [row(learner), row(outsider, 评价机构="=HYPERLINK(1)")])
    assert run_import(evaluations_type, province_admin, path, "csv", commit=True).written
    buffer = io.BytesIO()

    written, unmasked = write_export(evaluations_type, enterprise_admin, "csv", buffer)

    table = read_csv(buffer.getvalue())
    assert table[0][:9] == HEADER and table[0][9:] == ["状态", "证书编号"]
    assert written == 1 and not unmasked
    assert table[1][:2] == ["王学员", learner.mobile_masked]
    assert table[1][9] == "已通过" and table[1][10].startswith("SZ")

    buffer = io.BytesIO()
    written, unmasked = write_export(evaluations_type, province_admin, "csv", buffer)

    rows = {r[1]: r for r in read_csv(buffer.getvalue())[1:]}
    assert written == 2 and unmasked
    assert rows[outsider.mobile][7] == "'=HYPERLINK(1)"


def test_the_command_line_imports_evaluations_as_a_named_city_admin(city_admin, learner, write_file) -> None:
    path = write_file("evaluations.csv", HEADER, [row(learner), row(learner, 技能等级="天级")])
    out = io.StringIO()

    call_command("import_data", "evaluations", str(path), "--only-valid", "--as", city_admin.mobile, stdout=out)

    assert "第 3 行 [技能等级] 未知技能等级“天级”" in out.getvalue()
    evaluation = Evaluation.objects.get(person=learner)
    assert evaluation.status == EvaluationStatus.APPROVED and evaluation.decided_by == city_admin
