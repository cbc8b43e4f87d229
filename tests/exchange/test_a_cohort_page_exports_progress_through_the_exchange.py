"""The cohort page's 导出 is the exchange's export of cohort progress within that cohort: masked
and escaped like every export, audited against the cohort, leading back to the page; it needs a
cohort (it is not on the exchange page) and a cohort the person may see."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.choices import Role
from accounts.models import AuditEvent
from exchange.models import ExchangeJob, JobStatus
from lms.actions import create_cohort
from tests.exchange.conftest import read_csv
from tests.exchange.test_lms_records import course  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(course, enterprise_admin, mentor, make_person, acme):  # noqa: F811 - the fixture
    hostile = make_person(org=acme, name="=HYPERLINK(1)")
    return create_cohort(
        actor=enterprise_admin,
        name="一班",
        course=course,
        mentor=mentor,
        learners=[hostile],
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 6, 1),
    )


def export_url(cohort) -> str:
    page = reverse("lms:cohort", args=[cohort.pk])
    return reverse("exchange:export", args=["cohort_progress"]) + "?" + urlencode({"context": cohort.pk, "next": page})


def test_the_mentor_exports_her_cohort_from_its_page(client, cohort, mentor, exchange_root) -> None:
    page = reverse("lms:cohort", args=[cohort.pk])
    client.force_login(mentor)
    assert escape(export_url(cohort)) in client.get(page).content.decode()

    client.post(export_url(cohort), {"format": "csv"})

    job = ExchangeJob.objects.get()
    assert job.status == JobStatus.DONE and job.context_label == "一班"
    rows = read_csv(b"".join(client.get(reverse("exchange:job_download", args=[job.pk])).streaming_content))
    assert rows[0] == ["班级", "姓名", "手机号", "进度（%）", "已完成课时", "已认定工学学时", "待审日志", "结业"]
    assert rows[1][:2] == ["一班", "'=HYPERLINK(1)"] and "*" in rows[1][2] and rows[1][7] == "否"
    assert f'href="{page}"' in client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert AuditEvent.objects.get(action="exchange.export").target_id == str(cohort.pk)


def test_a_cohort_one_may_not_see_or_no_cohort_is_404(
    client, cohort, outsider, enterprise_admin, make_person, city
) -> None:
    for person in (outsider, make_person(Role.CITY_ADMIN, region=city("青岛"))):
        client.force_login(person)
        assert client.post(export_url(cohort), {"format": "csv"}).status_code == 404
    client.force_login(enterprise_admin)
    assert client.post(reverse("exchange:export", args=["cohort_progress"]), {"format": "csv"}).status_code == 404
    assert "cohort_progress" not in client.get(reverse("exchange:index")).content.decode()
    assert not ExchangeJob.objects.exists()
