"""The Django admin's export is the exchange's: personal identifiers masked unless the admin
holds accounts.view_pii (an unmasked export is audited), formula cells escaped, the exporter's
scope for the admin, narrowed to what the change list shows."""

from __future__ import annotations

import pytest

from accounts import actions
from accounts.models import AuditEvent, User
from tests.exchange.admin_screens import admin_url, make_staff
from tests.exchange.conftest import person_id, read_csv, read_xlsx

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+1+2", "@SUM(A1)"]
XLSX, CSV = "0", "1"  # the export page's format choices, in RecordTypeImportExportMixin's order


@pytest.fixture
def people(acme, rival) -> list[User]:
    made = [
        actions.register_user(
            mobile=f"1350000000{n}", real_name=name, password=None, id_number=person_id(n), organization=acme
        )
        for n, name in enumerate(HOSTILE)
    ]
    made.append(
        actions.register_user(
            mobile="13500000009", real_name="青岛某人", password=None, id_number=person_id(9), organization=rival
        )
    )
    return made


def export(client, fmt: str, query: str = "") -> list[list[object]]:
    response = client.post(admin_url(User, "export") + query, {"format": fmt, "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith('attachment; filename="people-')
    return read_xlsx(response.content) if fmt == XLSX else read_csv(response.content)


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_an_admin_without_view_pii_gets_masked_identifiers_and_escaped_formulas(
    client, city_admin, people, fmt
) -> None:
    client.force_login(make_staff(city_admin, "accounts.view_user"))

    table = export(client, fmt)

    assert table[0][:3] == ["姓名", "手机号", "身份证号"]
    rows = {row[0]: row for row in table[1:]}
    for name in HOSTILE:
        assert "'" + name in rows
    assert not any(isinstance(name, str) and name[:1] in "=+-@\t\r" for name in rows)
    row = rows["'" + HOSTILE[0]]
    assert row[1] == "135****0000"
    assert row[2] == person_id(0)[:6] + "********" + person_id(0)[-4:]
    assert "青岛某人" not in rows, "a city admin exports her city's people only"
    assert not AuditEvent.objects.filter(action="pii.export").exists()


def test_an_admin_with_view_pii_gets_full_identifiers_and_the_export_is_audited(client, province_admin, people) -> None:
    admin = make_staff(province_admin)
    client.force_login(admin)

    table = export(client, CSV)

    rows = {row[0]: row for row in table[1:]}
    assert rows["'" + HOSTILE[0]][1:3] == ["13500000000", person_id(0)]
    (event,) = AuditEvent.objects.filter(action="pii.export")
    assert event.actor == admin
    assert event.after["record_type"] == "people"


def test_the_export_holds_what_the_change_list_shows(client, province_admin, people) -> None:
    client.force_login(make_staff(province_admin))
    listed = client.get(admin_url(User, ""), {"q": "青岛某人"})
    assert 'href="/django-admin/accounts/user/export/?q=' in listed.content.decode()

    table = export(client, CSV, "?q=青岛某人")

    assert [row[0] for row in table[1:]] == ["青岛某人"]


def test_a_filter_the_change_list_does_not_know_sends_the_admin_back_to_it(client, province_admin, people) -> None:
    client.force_login(make_staff(province_admin))

    response = client.post(admin_url(User, "export") + "?no_such_field=1", {"format": CSV, "resource": "0"})

    assert response.status_code == 302
    assert response["Location"] == admin_url(User, "") + "?e=1"
    assert not AuditEvent.objects.filter(action="pii.export").exists()
