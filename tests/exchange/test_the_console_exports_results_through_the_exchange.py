"""The contest console's 导出成绩 is the exchange's results export within the contest: a job whose
file has the contest's published results only, in full for its organizers, every cell escaped,
audited against the contest, leading back to the console; nobody else may use the contest."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.choices import Role
from accounts.models import AuditEvent
from competitions import actions
from exchange.models import ExchangeJob, JobStatus
from tests.competitions import conftest as contest_fixtures
from tests.competitions.conftest import score_all
from tests.exchange.conftest import read_csv

pytestmark = pytest.mark.django_db

contest, group, approved = contest_fixtures.contest, contest_fixtures.group, contest_fixtures.approved
contestants, judges, scheme = contest_fixtures.contestants, contest_fixtures.judges, contest_fixtures.scheme


@pytest.fixture
def published(contestants, judges, scheme, group, organizer, contest):
    person = contestants[0].person
    person.real_name = "=HYPERLINK(1)"
    person.save(update_fields=["real_name"])
    score_all(contestants, judges, scheme, [("30", "2"), ("20", "2"), ("10", "2"), ("5", "2")])
    actions.sign_off(group, actor=judges[0])
    actions.publish_results(contest, actor=organizer)
    return contestants


def export_url(contest) -> str:
    console = reverse("competitions:console", args=[contest.slug])
    return reverse("exchange:export", args=["results"]) + "?" + urlencode({"context": contest.slug, "next": console})


def test_the_console_button_exports_the_contests_results(client, published, contest, organizer, exchange_root) -> None:
    client.force_login(organizer)
    console = reverse("competitions:console", args=[contest.slug])
    assert escape(export_url(contest)) in client.get(console).content.decode()

    response = client.post(export_url(contest), {"format": "csv"})

    job = ExchangeJob.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.DONE and job.context == contest.slug
    rows = read_csv(b"".join(client.get(reverse("exchange:job_download", args=[job.pk])).streaming_content))
    assert rows[0][:3] == ["竞赛", "赛项", "名次"] and len(rows) == 1 + 4
    assert {r[0] for r in rows[1:]} == {contest.title}
    assert "'=HYPERLINK(1)" in [r[4] for r in rows] and "参赛企业1" in [r[5] for r in rows]  # in full, escaped
    assert f'href="{console}"' in client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    event = AuditEvent.objects.get(action="exchange.export")
    assert event.target_id == str(contest.pk) and event.after["rows"] == 4


def test_someone_who_does_not_manage_the_contest_gets_404(client, published, contest, make_person, city_admin) -> None:
    for person in (make_person(Role.ORGANIZER), city_admin):
        client.force_login(person)
        assert client.post(export_url(contest), {"format": "csv"}).status_code == 404
    assert not ExchangeJob.objects.exists()
