"""The Django admin's import of people is the exchange's: a wrong ID check digit or a short
mobile shows in import-export's row report, in Chinese, under its row and column, no
confirmation is offered, and nothing is stored."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent, User
from tests.exchange.admin_screens import admin_url, make_staff, upload
from tests.exchange.conftest import PEOPLE_HEADER, csv_bytes, person_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "build"), [("people.csv", csv_bytes), ("people.xlsx", xlsx_bytes)])
def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_stored(
    client, province_admin, exchange_root, name, build
) -> None:
    rows = [person_row(n) for n in range(4)]
    rows[1][2] = rows[1][2][:17] + ("0" if rows[1][2][17] != "0" else "1")  # spreadsheet row 3
    rows[3][1] = rows[3][1][:10]  # spreadsheet row 5
    client.force_login(make_staff(province_admin))

    response = upload(client, User, name, build(PEOPLE_HEADER, rows))

    assert response.status_code == 200
    report = [(r.number, dict(r.field_specific_errors)) for r in response.context["result"].invalid_rows]
    assert [number for number, _problems in report] == [3, 5]
    assert "校验位不正确" in report[0][1]["身份证号"][0]
    assert "11 位" in report[1][1]["手机号"][0]
    page = response.content.decode()
    assert "有 2 行未通过校验，未写入任何数据" in page
    assert "校验位不正确" in page
    assert admin_url(User, "process_import") not in page
    assert not User.objects.filter(mobile__startswith="137").exists()
    assert not AuditEvent.objects.filter(action="exchange.import").exists()


def test_a_file_missing_a_required_column_is_refused_with_the_exchanges_message(
    client, province_admin, exchange_root
) -> None:
    client.force_login(make_staff(province_admin))

    response = upload(client, User, "people.csv", csv_bytes(["姓名", "城市"], [["王五", "济南"]]))

    assert response.status_code == 200
    assert "缺少必填列：手机号" in response.content.decode()
    assert "result" not in response.context
    assert not list(exchange_root.iterdir())
