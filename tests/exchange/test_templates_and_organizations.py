"""Each import has an xlsx template with Chinese headers and an example row (and the same layout
as csv); the example rows import cleanly; organizations import idempotently by credit code."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts import actions
from accounts.models import Organization
from exchange.engine import run_import
from exchange.registry import get_record_type
from tests.conftest import valid_credit_code
from tests.exchange.conftest import read_csv

pytestmark = pytest.mark.django_db

ORG_HEADER = ["名称", "统一社会信用代码", "城市", "类型", "行业", "规模"]


def test_the_people_template_has_chinese_headers_and_an_example_row(client, province_admin) -> None:
    client.force_login(province_admin)

    response = client.get(reverse("exchange:template", args=["people", "xlsx"]))

    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header, example = list(sheet.iter_rows(max_row=2, values_only=True))
    assert list(header) == ["姓名", "手机号", "身份证号", "城市", "单位统一社会信用代码", "岗位类别", "行业"]
    assert example[0] == "王小明" and example[1] == "13800138000"
    assert sheet["B3"].number_format == "@"  # identifier columns are text for what people type next
    assert workbook.worksheets[1].title == "填写说明"
    csv_table = read_csv(client.get(reverse("exchange:template", args=["people", "csv"])).content)
    assert csv_table == [list(header), list(example)]


@pytest.mark.parametrize("key", ["people", "organizations"])
def test_the_template_example_row_passes_validation(client, province_admin, tmp_path, key, city) -> None:
    record_type = get_record_type(key)
    if key == "people":  # the example row names an organization, which must exist
        actions.create_organization(
            name="示例",
            credit_code=record_type.column("org_code").example,
            region=city("济南"),
            kind="enterprise",
            industry="other",
        )
    client.force_login(province_admin)
    path = tmp_path / f"{key}.xlsx"
    path.write_bytes(client.get(reverse("exchange:template", args=[key, "xlsx"])).content)

    report = run_import(record_type, province_admin, path, "xlsx", commit=False)

    assert (report.total, report.error_rows) == (1, 0), report.errors


def test_organizations_import_validates_and_is_idempotent(province_admin, write_file) -> None:
    record_type = get_record_type("organizations")
    rows = [
        ["潍坊示例机械有限公司", valid_credit_code(7001, "370700"), "潍坊", "企业", "装备制造", "中型"],
        ["日照示例学院", valid_credit_code(7002, "371100"), "日照市", "院校", "教育培训", ""],
        ["坏代码公司", "91370100MA3C5K7X0Z", "济南", "企业", "化工", "小型"],
        ["未知城市公司", valid_credit_code(7003), "北京", "企业", "化工", "小型"],
        ["错类型公司", valid_credit_code(7004), "济南", "合作社", "化工", "巨型"],
        ["", valid_credit_code(7005), "济南", "", "", ""],
    ]
    path = write_file("orgs.csv", ORG_HEADER, rows)

    report = run_import(record_type, province_admin, path, "csv", commit=True, only_valid=True)

    found = sorted((e["row"], e["column"]) for e in report.errors)
    assert found == [(4, "统一社会信用代码"), (5, "城市"), (6, "类型"), (6, "规模"), (7, "名称")]
    assert report.counts.created == 2
    school = Organization.objects.get(credit_code=valid_credit_code(7002, "371100"))
    assert (school.kind, school.industry, school.region.name) == ("school", "education", "日照")

    again = run_import(record_type, province_admin, write_file("again.csv", ORG_HEADER, rows[:2]), "csv", commit=True)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)


def test_a_city_admin_imports_only_organizations_in_her_city(city_admin, write_file) -> None:
    record_type = get_record_type("organizations")
    rows = [
        ["济南本地公司", valid_credit_code(7101), "济南", "企业", "化工", ""],
        ["青岛外地公司", valid_credit_code(7102, "370200"), "青岛", "企业", "化工", ""],
    ]

    report = run_import(record_type, city_admin, write_file("o.csv", ORG_HEADER, rows), "csv", commit=False)

    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "城市")]


def test_a_file_without_the_required_columns_is_refused_whole(province_admin, people_type, write_file) -> None:
    from exchange.files import FileProblemError

    path = write_file("wrong.csv", ["名字", "电话"], [["张三", "13800000000"]])

    with pytest.raises(FileProblemError, match="缺少必填列：姓名、手机号"):
        run_import(people_type, province_admin, path, "csv", commit=False)
