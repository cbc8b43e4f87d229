"""Confirming an admin import writes the checked file through the exchange: every row at once,
one `exchange.import` audit record naming the admin, the counts in the admin's message; the same
file imported again changes nothing."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent, User
from exchange.models import ExchangeJob, JobStatus
from tests.exchange.admin_screens import admin_url, confirm, make_staff, upload
from tests.exchange.conftest import PEOPLE_HEADER, csv_bytes, person_row

pytestmark = pytest.mark.django_db

FILE = csv_bytes(PEOPLE_HEADER, [person_row(n) for n in range(3)])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_valid_file_is_written_on_confirmation_with_an_audit_record(client, province_admin, exchange_root) -> None:
    admin = make_staff(province_admin)
    client.force_login(admin)

    checked = upload(client, User, "people.csv", FILE)
    assert "共 3 行，全部通过校验，尚未写入。" in checked.content.decode()
    assert not User.objects.filter(mobile__startswith="137").exists()
    response = confirm(client, User, checked)

    assert response.status_code == 302
    assert response["Location"] == admin_url(User, "")
    assert User.objects.filter(mobile__startswith="137").count() == 3
    (event,) = AuditEvent.objects.filter(action="exchange.import")
    assert event.actor == admin
    assert event.after["record_type"] == "people"
    assert event.after["created"] == 3
    assert ExchangeJob.objects.get().status == JobStatus.DONE
    assert not list(exchange_root.iterdir()), "the written upload is removed"
    shown = client.get(response["Location"])
    assert "导入完成：新增 3 行，更新 0 行，未变化 0 行。" in messages_of(shown)


def test_importing_the_same_file_again_changes_nothing(client, province_admin, exchange_root) -> None:
    client.force_login(make_staff(province_admin))
    confirm(client, User, upload(client, User, "people.csv", FILE))
    before = {
        u.mobile: (u.real_name, u.id_number_hash, u.region_id) for u in User.objects.filter(mobile__startswith="137")
    }

    response = confirm(client, User, upload(client, User, "people.csv", FILE))

    assert response.status_code == 302
    after = {
        u.mobile: (u.real_name, u.id_number_hash, u.region_id) for u in User.objects.filter(mobile__startswith="137")
    }
    assert after == before
    assert not AuditEvent.objects.filter(action="account.import_update").exists()
    assert AuditEvent.objects.filter(action="exchange.import").latest("pk").after["unchanged"] == 3
    assert "导入完成：新增 0 行，更新 0 行，未变化 3 行。" in messages_of(client.get(response["Location"]))


def test_a_checked_file_is_confirmed_once_and_only_by_its_owner(
    client, province_admin, make_person, exchange_root
) -> None:
    client.force_login(make_staff(province_admin))
    checked = upload(client, User, "people.csv", FILE)
    job = ExchangeJob.objects.get()

    other = make_staff(make_person("province_admin"))
    client.force_login(other)
    assert confirm(client, User, checked).status_code == 404
    assert not User.objects.filter(mobile__startswith="137").exists()

    client.force_login(province_admin)
    confirm(client, User, checked)
    again = confirm(client, User, checked)

    assert again["Location"] == admin_url(User, "import")
    assert "该文件已处理或已放弃，请重新上传。" in messages_of(client.get(again["Location"]))
    assert AuditEvent.objects.filter(action="exchange.import").count() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
