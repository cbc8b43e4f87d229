"""Talent exports computed in memory (boards, KPI report) go through the exchange pages like any
other: inline below the threshold, in the background worker above it, downloaded by their owner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from exchange.models import ExchangeJob, JobStatus
from talent import actions
from talent.models import AchievementKind
from tests.exchange.conftest import read_csv, read_xlsx, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_city_admin_downloads_the_leaderboards_from_the_exchange_page(
    client, city_admin, learner, exchange_root
) -> None:
    actions.record_achievement(
        person=learner,
        kind=AchievementKind.CONTEST_AWARD,
        source="competitions.award",
        source_id=1,
        title="省赛一等奖",
        data={"contest_level": "province", "award": "first", "domain": "industrial_internet"},
    )
    client.force_login(city_admin)

    response = client.post(reverse("exchange:export", args=["leaderboards"]), {"format": "csv"})

    job = ExchangeJob.objects.get()
    assert not job.background and job.status == JobStatus.DONE and job.total_rows == 2
    download = client.get(reverse("exchange:job_download", args=[job.pk]))
    table = read_csv(b"".join(download.streaming_content))
    assert [r[:3] for r in table[1:]] == [["全省", "1", "王**"], ["济南", "1", "王**"]]
    assert response.status_code == 302


def test_a_big_kpi_report_is_written_by_the_worker(client, province_admin, city, exchange_root, settings) -> None:
    settings.EXCHANGE_INLINE_ROWS = 10
    client.force_login(province_admin)

    client.post(reverse("exchange:export", args=["kpi_report"]), {"format": "xlsx"})
    job = ExchangeJob.objects.get()
    assert job.background and job.status == JobStatus.QUEUED and job.total_rows == 17 * 25

    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.total_rows == 17 * 25
    download = client.get(reverse("exchange:job_download", args=[job.pk]))
    table = read_xlsx(b"".join(download.streaming_content))
    assert table[0] == ["范围", "指标", "年度", "实际", "目标", "完成率（%）"]
    assert table[1][:3] == ["全省", "数字技能人才", 2026]
