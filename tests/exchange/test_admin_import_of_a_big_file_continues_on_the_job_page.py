"""A file with more rows than the request checks inline (EXCHANGE_INLINE_ROWS) is not parsed
in the admin's request: the admin import queues it for the worker, as the exchange page does,
and sends the admin to its job page, where the progress, the row report and 确认导入 are."""

from __future__ import annotations

import pytest

from accounts.models import User
from exchange.models import ExchangeJob, JobStatus
from tests.exchange.admin_screens import make_staff, upload
from tests.exchange.conftest import PEOPLE_HEADER, csv_bytes, person_row, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_big_file_is_checked_by_the_worker_and_followed_on_its_job_page(
    client, province_admin, exchange_root, settings
) -> None:
    settings.EXCHANGE_INLINE_ROWS = 2
    client.force_login(make_staff(province_admin))

    response = upload(client, User, "people.csv", csv_bytes(PEOPLE_HEADER, [person_row(n) for n in range(3)]))

    job = ExchangeJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exchange/jobs/{job.pk}/"
    assert job.background
    assert job.status == JobStatus.QUEUED
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.VALIDATED
    assert job.valid_rows == 3
    assert "确认导入 3 行" in client.get(response["Location"]).content.decode()
    assert not User.objects.filter(mobile__startswith="137").exists()
