"""Uploads are size-limited and type-checked, and removed when the import is written, abandoned
or left unconfirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from exchange import actions
from exchange.models import ExchangeJob, JobStatus
from tests.exchange.conftest import PEOPLE_HEADER, csv_bytes, person_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client, user, name: str, data: bytes):
    client.force_login(user)
    return client.post(reverse("exchange:upload", args=["people"]), {"file": SimpleUploadedFile(name, data)})


def test_a_file_over_the_size_limit_is_refused(client, province_admin, exchange_root, settings) -> None:
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 1024
    data = csv_bytes(PEOPLE_HEADER, [person_row(n) for n in range(100)])

    response = upload(client, province_admin, "big.csv", data)

    assert response.status_code == 200
    assert "文件太大" in response.content.decode()
    assert not ExchangeJob.objects.exists()
    assert not any(exchange_root.iterdir()) if exchange_root.exists() else True


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("people.xls", b"\xd0\xcf\x11\xe0old excel", "不支持旧版 .xls"),
        ("people.xlsx", b"MZ\x90\x00 a program", "不是 Excel 工作簿"),
        ("people.csv", b"PK\x03\x04zip", "不是文本表格"),
        ("people.exe", b"MZ", "只接受 .xlsx 或 .csv"),
    ],
)
def test_files_of_the_wrong_type_are_refused(client, province_admin, exchange_root, name, data, reason) -> None:
    response = upload(client, province_admin, name, data)

    assert reason in response.content.decode()
    assert not ExchangeJob.objects.exists()


def test_the_upload_is_removed_once_the_import_is_written(client, province_admin, exchange_root) -> None:
    response = upload(client, province_admin, "people.xlsx", xlsx_bytes(PEOPLE_HEADER, [person_row(1), person_row(2)]))
    job = ExchangeJob.objects.get()
    assert response.url == reverse("exchange:job", args=[job.pk])
    assert job.status == JobStatus.VALIDATED
    assert (exchange_root / job.file_name).exists()
    kept = exchange_root / job.file_name

    page = client.get(response.url).content.decode()
    assert "确认导入 2 行" in page
    client.post(reverse("exchange:job_confirm", args=[job.pk]), {"mode": "all"})

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.created_rows == 2
    assert job.file_name == ""
    assert not kept.exists()
    assert User.objects.filter(mobile__in=["13700000001", "13700000002"]).count() == 2


def test_an_abandoned_upload_is_deleted_and_writes_nothing(client, province_admin, exchange_root) -> None:
    upload(client, province_admin, "people.csv", csv_bytes(PEOPLE_HEADER, [person_row(1)]))
    job = ExchangeJob.objects.get()
    kept = exchange_root / job.file_name

    client.post(reverse("exchange:job_abandon", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == JobStatus.ABANDONED
    assert not kept.exists()
    assert not User.objects.filter(mobile="13700000001").exists()
    response = client.post(reverse("exchange:job_confirm", args=[job.pk]), {"mode": "all"}, follow=True)
    assert "已处理或已放弃" in response.content.decode()


def test_unconfirmed_uploads_are_purged_after_the_keep_time(province_admin, exchange_root) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile as File

    job = actions.start_import(province_admin, "people", File("p.csv", csv_bytes(PEOPLE_HEADER, [person_row(1)])))
    kept = exchange_root / job.file_name
    ExchangeJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=25))

    assert actions.purge_stale() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.ABANDONED
    assert not kept.exists()


def test_import_all_is_refused_while_rows_are_bad(client, province_admin, exchange_root) -> None:
    bad = person_row(2)
    bad[1] = "123"
    upload(client, province_admin, "people.csv", csv_bytes(PEOPLE_HEADER, [person_row(1), bad]))
    job = ExchangeJob.objects.get()
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "确认导入" not in page
    assert "仅导入 1 行有效数据" in page
    assert "手机号应为 11 位数字" in page

    response = client.post(reverse("exchange:job_confirm", args=[job.pk]), {"mode": "all"}, follow=True)
    assert "仅导入有效行" in response.content.decode()
    assert not User.objects.filter(mobile="13700000001").exists()

    client.post(reverse("exchange:job_confirm", args=[job.pk]), {"mode": "only_valid"})
    assert User.objects.filter(mobile="13700000001").exists()
    report = client.get(reverse("exchange:job_report", args=[job.pk])).content.decode("utf-8-sig")
    assert "3,手机号," in report


def test_someone_elses_job_is_not_found(client, province_admin, city_admin, exchange_root) -> None:
    upload(client, province_admin, "people.csv", csv_bytes(PEOPLE_HEADER, [person_row(1)]))
    job = ExchangeJob.objects.get()
    client.force_login(city_admin)

    for name in ("exchange:job", "exchange:job_status", "exchange:job_report", "exchange:job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("exchange:job_confirm", args=[job.pk]), {"mode": "all"}).status_code == 404
