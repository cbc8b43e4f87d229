"""Files and exports above the threshold are queued for the worker; the status endpoint reports
progress, and the owner can leave and come back to the result."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from exchange.models import ExchangeJob, JobStatus
from tests.exchange.conftest import PEOPLE_HEADER, csv_bytes, person_row, read_xlsx, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_threshold(settings):
    settings.EXCHANGE_INLINE_ROWS = 10


def test_a_big_import_is_checked_and_written_by_the_worker(
    client, province_admin, exchange_root, small_threshold
) -> None:
    client.force_login(province_admin)
    rows = [person_row(n) for n in range(30)]
    rows[4][3] = "火星"
    response = client.post(
        reverse("exchange:upload", args=["people"]),
        {"file": SimpleUploadedFile("p.csv", csv_bytes(PEOPLE_HEADER, rows))},
    )
    job = ExchangeJob.objects.get()
    assert job.background
    assert job.status == JobStatus.QUEUED
    assert DBTaskResult.objects.filter(backend_name="exchange").count() == 1
    status = client.get(reverse("exchange:job_status", args=[job.pk])).json()
    assert status == {
        "status": "queued",
        "status_label": "排队中",
        "stage": "",
        "processed": 0,
        "total": 30,
        "percent": 0,
        "finished": False,
    }
    assert "job-progress" in client.get(response.url).content.decode()

    run_worker()

    status = client.get(reverse("exchange:job_status", args=[job.pk])).json()
    assert status["finished"] and status["percent"] == 100 and status["processed"] == 30
    job.refresh_from_db()
    assert (job.status, job.valid_rows, job.error_rows) == (JobStatus.VALIDATED, 29, 1)
    assert job.errors == [{"row": 6, "column": "城市", "message": job.errors[0]["message"]}]

    client.post(reverse("exchange:job_confirm", args=[job.pk]), {"mode": "only_valid"})
    assert not User.objects.filter(mobile__startswith="137").exists()
    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.created_rows == 29
    assert User.objects.filter(mobile__startswith="137").count() == 29
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    page = client.get(reverse("exchange:index")).content.decode()
    assert reverse("exchange:job", args=[job.pk]) in page
    # The job's row names what it did: its kind and its record type's label.
    assert "<td>导入人员" in page


def test_a_big_export_is_written_by_the_worker_and_downloaded(
    client, province_admin, exchange_root, small_threshold, make_person
) -> None:
    for _n in range(12):
        make_person()
    client.force_login(province_admin)

    response = client.post(reverse("exchange:export", args=["people"]), {"format": "xlsx"})
    job = ExchangeJob.objects.get()
    assert job.background and job.status == JobStatus.QUEUED
    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.unmasked
    assert job.processed_rows == job.total_rows == User.objects.count()
    assert "下载文件" in client.get(response.url).content.decode()
    download = client.get(reverse("exchange:job_download", args=[job.pk]))
    table = read_xlsx(b"".join(download.streaming_content))
    assert len(table) == 1 + User.objects.count()
