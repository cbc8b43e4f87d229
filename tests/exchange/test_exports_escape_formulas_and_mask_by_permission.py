"""Exports escape formula cells in csv and xlsx, mask personal identifiers unless the exporter
holds accounts.view_pii, and audit every unmasked export."""

from __future__ import annotations

import io

import pytest

from accounts import actions
from accounts.models import AuditEvent
from exchange.engine import write_export
from tests.exchange.conftest import person_id, read_csv, read_xlsx

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+1+2", "-3", "@SUM(A1)"]


@pytest.fixture
def hostile_people(acme) -> list[str]:
    for n, name in enumerate(HOSTILE):
        actions.register_user(
            mobile=f"1350000000{n}", real_name=name, password=None, id_number=person_id(n), organization=acme
        )
    return HOSTILE


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_cells_are_escaped_on_export(province_admin, people_type, hostile_people, fmt) -> None:
    buffer = io.BytesIO()

    write_export(people_type, province_admin, fmt, buffer)

    table = read_csv(buffer.getvalue()) if fmt == "csv" else read_xlsx(buffer.getvalue())
    assert table[0] == ["姓名", "手机号", "身份证号", "城市", "单位统一社会信用代码", "岗位类别", "行业"]
    names = [row[0] for row in table[1:]]
    for name in hostile_people:
        assert "'" + name in names
    assert not any(isinstance(n, str) and n[:1] in "=+-@\t\r" for n in names)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_tab_and_carriage_return_cells_are_escaped_on_export(province_admin, city, fmt) -> None:
    from exchange.registry import get_record_type
    from tests.conftest import valid_credit_code

    for n, name in enumerate(["\tTAB单位", "\rCR单位", "=1+1单位"]):
        actions.create_organization(
            name=name, credit_code=valid_credit_code(5000 + n), region=city("济南"), kind="enterprise", industry="other"
        )
    buffer = io.BytesIO()

    write_export(get_record_type("organizations"), province_admin, fmt, buffer)

    table = read_csv(buffer.getvalue()) if fmt == "csv" else read_xlsx(buffer.getvalue())
    # xlsx (XML) reads a lone carriage return back as a line feed; what matters is the quote.
    names = {row[0].replace("\r", "\n") for row in table[1:]}
    assert {"'\tTAB单位", "'\nCR单位", "'=1+1单位"} <= names


def test_exports_are_masked_without_the_pii_permission(city_admin, people_type, hostile_people) -> None:
    buffer = io.BytesIO()

    written, unmasked = write_export(people_type, city_admin, "csv", buffer)

    assert written >= len(hostile_people)
    assert not unmasked
    rows = {r[0]: r for r in read_csv(buffer.getvalue())[1:]}
    row = rows["'" + HOSTILE[0]]
    assert row[1] == "135****0000"
    assert row[2] == person_id(0)[:6] + "********" + person_id(0)[-4:]
    assert not AuditEvent.objects.filter(action="pii.export").exists()


def test_unmasked_exports_need_the_permission_and_are_audited(province_admin, people_type, hostile_people) -> None:
    buffer = io.BytesIO()

    written, unmasked = write_export(people_type, province_admin, "xlsx", buffer)

    assert unmasked
    rows = {r[1]: r for r in read_xlsx(buffer.getvalue())[1:]}
    assert rows["13500000000"][2] == person_id(0)
    event = AuditEvent.objects.get(action="pii.export")
    assert event.actor == province_admin
    assert event.after == {"record_type": "people", "rows": written}


def test_an_enterprise_admin_exports_only_her_organization(
    enterprise_admin, outsider, people_type, hostile_people
) -> None:
    buffer = io.BytesIO()

    write_export(people_type, enterprise_admin, "csv", buffer)

    mobiles = [r[1] for r in read_csv(buffer.getvalue())[1:]]
    assert outsider.mobile_masked not in mobiles
    assert len(mobiles) == len(hostile_people) + 1  # and herself
