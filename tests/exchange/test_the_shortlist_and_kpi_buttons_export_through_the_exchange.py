"""The round page's 导出名单 and the dashboard's 导出年度督导报告 are the exchange's `shortlist`
and `kpi_report` exports within the round or the city board shown: jobs that lead back to the
page, audited against the round or city; a round or city the person may not use is 404."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import AuditEvent
from exchange.models import ExchangeJob, JobStatus
from talent import actions
from tests.exchange.conftest import export_rows, read_xlsx
from tests.exchange.test_talent_exports import final_list, ranked  # noqa: F401 - the fixtures

pytestmark = pytest.mark.django_db


def export_url(key: str, ref: object, page: str) -> str:
    query = {"context": ref, "next": page} if ref is not None else {"next": page}
    return reverse("exchange:export", args=[key]) + "?" + urlencode(query)


def download(client, job: ExchangeJob) -> list[list]:
    return read_xlsx(b"".join(client.get(reverse("exchange:job_download", args=[job.pk])).streaming_content))


def test_the_round_page_exports_its_shortlist(client, city_admin, province_admin, final_list, exchange_root) -> None:  # noqa: F811
    other = actions.create_round(actor=province_admin, year=2027, name="2027 年度领军人才遴选", quotas={})
    page = reverse("talent:round", args=[final_list.pk])
    client.force_login(city_admin)
    assert escape(export_url("shortlist", final_list.pk, page)) in client.get(page).content.decode()

    client.post(export_url("shortlist", final_list.pk, page), {"format": "xlsx"})

    job = ExchangeJob.objects.get()
    assert job.status == JobStatus.DONE and job.total_rows == 1
    assert [r[1] for r in download(client, job)[1:]] == ["'=2026 年度领军人才遴选"]
    assert f'href="{page}"' in client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert AuditEvent.objects.get(action="exchange.export").target_id == str(final_list.pk)
    assert export_rows("shortlist", city_admin, context=other)[1:] == []


def test_the_dashboard_exports_the_board_it_shows(client, province_admin, city_admin, city, exchange_root) -> None:
    jinan = city("济南")
    client.force_login(province_admin)
    page = reverse("talent:dashboard") + f"?city={jinan.pk}"
    assert escape(export_url("kpi_report", jinan.pk, page)) in client.get(page).content.decode()

    client.post(export_url("kpi_report", jinan.pk, page), {"format": "xlsx"})

    job = ExchangeJob.objects.get()
    assert job.context_label == "济南" and job.total_rows == 25  # five metrics × five years
    assert {r[0] for r in download(client, job)[1:]} == {"济南"}
    assert {r[0] for r in export_rows("kpi_report", province_admin)[1:]} >= {"全省", "济南", "青岛"}
    client.force_login(city_admin)
    assert (
        escape(export_url("kpi_report", jinan.pk, reverse("talent:dashboard")))
        in client.get(reverse("talent:dashboard")).content.decode()
    )


def test_a_round_or_city_one_may_not_use_is_404(client, final_list, city_admin, city, enterprise_admin) -> None:  # noqa: F811
    client.force_login(city_admin)
    qingdao = city("青岛")
    assert client.post(export_url("kpi_report", qingdao.pk, "/"), {"format": "xlsx"}).status_code == 404
    assert client.post(export_url("shortlist", 999_999, "/"), {"format": "xlsx"}).status_code == 404
    assert client.post(export_url("shortlist", "x", "/"), {"format": "xlsx"}).status_code == 404
    client.force_login(enterprise_admin)
    assert client.post(export_url("shortlist", final_list.pk, "/"), {"format": "xlsx"}).status_code == 404
    assert not ExchangeJob.objects.exists()


def test_learners_get_404(client, learner, city) -> None:
    client.force_login(learner)
    assert client.post(export_url("kpi_report", city("济南").pk, "/"), {"format": "xlsx"}).status_code == 404
