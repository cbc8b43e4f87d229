"""Who may import what is explicit per record type and scoped: an enterprise admin imports only
her organization's people; a city admin only her city's; learners see no exchange at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from exchange.engine import run_import
from exchange.registry import get_record_type
from tests.exchange.conftest import PEOPLE_HEADER, person_row

pytestmark = pytest.mark.django_db


def test_an_enterprise_admin_imports_only_her_organizations_people(
    enterprise_admin, acme, rival, people_type, write_file
) -> None:
    own = person_row(1, acme.credit_code)
    blank = person_row(2)  # no organization given: she imports into her own
    foreign = person_row(3, rival.credit_code)
    path = write_file("staff.csv", PEOPLE_HEADER, [own, blank, foreign])

    report = run_import(people_type, enterprise_admin, path, "csv", commit=True, only_valid=True)

    assert [(e["row"], e["column"]) for e in report.errors] == [(4, "单位统一社会信用代码")]
    assert "只能导入本单位（济南测试精工有限公司）" in report.errors[0]["message"]
    assert set(User.objects.filter(mobile__startswith="137").values_list("organization", flat=True)) == {acme.pk}
    assert report.counts.created == 2


def test_an_enterprise_admin_cannot_take_over_someone_outside_her_organization(
    enterprise_admin, outsider, acme, people_type, write_file
) -> None:
    row = person_row(1, acme.credit_code)
    row[1] = outsider.mobile
    path = write_file("staff.csv", PEOPLE_HEADER, [row])

    report = run_import(people_type, enterprise_admin, path, "csv", commit=True)

    assert not report.written
    assert "不在您管理范围内" in report.errors[0]["message"]
    outsider.refresh_from_db()
    assert outsider.organization != acme


def test_a_city_admin_imports_only_her_citys_people(city_admin, people_type, write_file) -> None:
    jinan, qingdao = person_row(1), person_row(2)
    jinan[3], qingdao[3] = "济南", "青岛市"
    path = write_file("city.csv", PEOPLE_HEADER, [jinan, qingdao])

    report = run_import(people_type, city_admin, path, "csv", commit=False)

    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "城市")]
    assert "超出您的管理范围" in report.errors[0]["message"]


@pytest.mark.parametrize("persona", ["learner", "mentor"])  # judges, editors: see test_*_records.py
def test_people_without_an_exchange_role_see_nothing(client, request, persona) -> None:
    user = request.getfixturevalue(persona)
    client.force_login(user)

    assert client.get(reverse("exchange:index")).status_code == 403
    assert client.get(reverse("exchange:upload", args=["people"])).status_code == 404
    assert client.get(reverse("exchange:template", args=["people", "xlsx"])).status_code == 404
    assert client.post(reverse("exchange:export", args=["people"]), {"format": "csv"}).status_code == 404


def test_each_role_gets_its_own_record_types(client, enterprise_admin, organizer, city_admin) -> None:
    people, organizations = get_record_type("people"), get_record_type("organizations")
    assert people.importable_by(enterprise_admin) and not organizations.importable_by(enterprise_admin)
    assert organizations.exportable_by(organizer) and not people.exportable_by(organizer)
    assert people.importable_by(city_admin) and organizations.importable_by(city_admin)
    client.force_login(organizer)
    page = client.get(reverse("exchange:index")).content.decode()
    assert "导出单位" in page and "导入人员" not in page


def test_the_index_page_lists_types_and_recent_jobs(client, province_admin, django_assert_max_num_queries) -> None:
    client.force_login(province_admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("exchange:index")).content.decode()
    assert "导入人员" in page and "导入单位" in page and "下载模板（xlsx）" in page
