"""The talent imports have templates with Chinese headers and an example row; the demand
example imports cleanly for an enterprise admin, and the evaluation example only lacks a
registered person."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exchange.engine import run_import
from exchange.registry import get_record_type
from talent.models import Demand
from tests.exchange.conftest import read_csv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "key", "first_headers"),
    [
        ("province_admin", "evaluations", ["姓名", "手机号", "身份证号", "技能等级"]),
        ("enterprise_admin", "demands", ["单位统一社会信用代码", "岗位名称"]),
    ],
)
def test_talent_templates_have_chinese_headers_an_example_and_a_guide(
    client, request, persona, key, first_headers
) -> None:
    client.force_login(request.getfixturevalue(persona))

    workbook = load_workbook(io.BytesIO(client.get(reverse("exchange:template", args=[key, "xlsx"])).content))

    header, example = list(workbook.worksheets[0].iter_rows(max_row=2, values_only=True))
    assert list(header[: len(first_headers)]) == first_headers
    assert example[1]  # the example row is filled in
    assert workbook.worksheets[1].title == "填写说明"


def test_the_demand_template_example_imports_for_an_enterprise_admin(client, enterprise_admin, acme, tmp_path) -> None:
    client.force_login(enterprise_admin)
    path = tmp_path / "demands.csv"
    path.write_bytes(client.get(reverse("exchange:template", args=["demands", "csv"])).content)

    report = run_import(get_record_type("demands"), enterprise_admin, path, "csv", commit=True)

    assert report.written and report.counts.created == 1, report.errors
    assert Demand.objects.get().organization == acme


def test_the_evaluation_template_example_only_lacks_a_registered_person(client, province_admin, tmp_path) -> None:
    client.force_login(province_admin)
    data = client.get(reverse("exchange:template", args=["evaluations", "csv"])).content
    path = tmp_path / "evaluations.csv"
    path.write_bytes(data)

    report = run_import(get_record_type("evaluations"), province_admin, path, "csv", commit=False)

    assert read_csv(data)[1][0] == "王小明"
    assert {e["column"] for e in report.errors} == {"手机号", "身份证号"}
    assert all("未找到" in e["message"] for e in report.errors)
