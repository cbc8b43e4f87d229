"""The contest console's 批量报名 is the exchange's upload of registrations within that contest:
the same row report, dry run and confirmation as every import; the file needs no 竞赛 column and
cannot reach another contest; the job leads back to the console; nobody who does not manage the
contest may use it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.choices import Role
from accounts.models import AuditEvent
from competitions import actions
from competitions.models import ContestStatus, Registration, RegistrationStatus
from exchange import actions as exchange_actions
from exchange.engine import run_import
from exchange.models import ExchangeJob, JobStatus
from exchange.registry import get_record_type
from tests.competitions import conftest as contest_fixtures
from tests.exchange.conftest import csv_bytes, read_csv

pytestmark = pytest.mark.django_db

contest, group = contest_fixtures.contest, contest_fixtures.group

HEADER = ["手机号", "赛项", "队名"]


def console(contest) -> str:
    return reverse("competitions:console", args=[contest.slug])


def upload_url(contest, name: str = "upload") -> str:
    return (
        reverse(f"exchange:{name}", args=["registrations"])
        + "?"
        + urlencode({"context": contest.slug, "next": console(contest)})
    )


def upload(client, contest, rows: list[list[str]]):
    return client.post(upload_url(contest), {"file": SimpleUploadedFile("报名.csv", csv_bytes(HEADER, rows))})


def test_the_console_button_reaches_the_exchange_with_the_contest(client, contest, organizer) -> None:
    client.force_login(organizer)

    page = client.get(console(contest)).content.decode()

    assert escape(upload_url(contest)) in page
    form = client.get(upload_url(contest)).content.decode()
    assert contest.title in form and escape(console(contest)) in form
    template = client.get(
        reverse("exchange:template", args=["registrations", "csv"]) + "?" + urlencode({"context": contest.slug})
    )
    assert "竞赛" not in read_csv(template.content)[0]  # the page's contest fills it


def test_a_file_is_checked_then_written_into_the_contest_and_leads_back(
    client, contest, organizer, make_person, exchange_root
) -> None:
    people = [make_person(Role.LEARNER) for _i in range(2)]
    client.force_login(organizer)

    response = upload(client, contest, [[people[0].mobile, "工业互联网运维", ""], ["13000000000", "数据分析", ""]])

    job = ExchangeJob.objects.get()
    assert response.status_code == 302 and (job.context, job.return_to) == (contest.slug, console(contest))
    assert job.status == JobStatus.VALIDATED and job.error_rows == 1
    report = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "平台中没有手机号为 13000000000 的人员" in report and contest.title in report
    assert escape(upload_url(contest)) in report  # 上传修改后的文件 stays within the contest
    assert not Registration.objects.filter(contest=contest).exists()

    upload(client, contest, [[people[0].mobile, "工业互联网运维", ""], [people[1].mobile, "数据分析", ""]])
    job = ExchangeJob.objects.first()
    client.post(reverse("exchange:job_confirm", args=[job.pk]), {"mode": "all"})

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.created_rows == 2
    assert Registration.objects.filter(contest=contest, status=RegistrationStatus.PENDING).count() == 2
    assert f'href="{console(contest)}"' in client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert AuditEvent.objects.get(action="exchange.import").target_id == str(contest.pk)


def test_a_row_naming_another_contest_is_refused(contest, organizer, make_person, write_file) -> None:
    now = timezone.now()
    other = actions.create_contest(
        actor=organizer,
        title="另一项竞赛",
        slug="other-2026",
        level="province",
        status=ContestStatus.OPEN,
        registration_opens=now - timedelta(days=1),
        registration_closes=now + timedelta(days=7),
        theory_weight=Decimal("0.300"),
    )
    actions.add_event_group(other, actor=organizer, name="工业互联网运维", domain="industrial_internet")
    people = [make_person(Role.LEARNER) for _i in range(3)]
    path = write_file(
        "mixed.csv",
        ["竞赛", *HEADER],
        [
            ["other-2026", people[0].mobile, "工业互联网运维", ""],  # 2: another contest she manages too
            ["", people[1].mobile, "工业互联网运维", ""],  # 3: blank: the page's contest
            [contest.title, people[2].mobile, "工业互联网运维", ""],  # 4: this contest by its title
        ],
    )
    record_type = get_record_type("registrations")

    report = run_import(record_type, organizer, path, "csv", commit=True, context=contest)

    assert [(e["row"], e["column"]) for e in report.errors] == [(2, "竞赛")]
    assert "本文件只能导入到竞赛“2026 年山东省数字技能大赛”" in report.errors[0]["message"]
    assert not report.written
    report = run_import(record_type, organizer, path, "csv", commit=True, only_valid=True, context=contest)
    assert report.counts.created == 2
    assert set(Registration.objects.values_list("contest__slug", flat=True)) == {contest.slug}


@pytest.mark.parametrize("persona", ["stranger", "enterprise_admin", "learner"])
def test_someone_who_does_not_manage_the_contest_gets_404(
    client, contest, make_person, enterprise_admin, learner, exchange_root, persona
) -> None:
    person = {"stranger": make_person(Role.ORGANIZER), "enterprise_admin": enterprise_admin, "learner": learner}
    client.force_login(person[persona])

    assert client.get(upload_url(contest)).status_code == 404
    assert upload(client, contest, [[learner.mobile, "工业互联网运维", ""]]).status_code == 404
    assert (
        client.get(reverse("exchange:template", args=["registrations", "csv"]) + f"?context={contest.slug}").status_code
        == 404
    )
    assert not ExchangeJob.objects.exists()


def test_a_record_type_without_contexts_refuses_one(client, province_admin, contest) -> None:
    client.force_login(province_admin)

    assert client.get(reverse("exchange:upload", args=["people"]) + f"?context={contest.slug}").status_code == 404
    assert client.get(reverse("exchange:upload", args=["people"])).status_code == 200


def test_a_manager_who_loses_the_contest_before_confirming_writes_nothing(contest, make_person, exchange_root) -> None:
    colleague = make_person(Role.ORGANIZER)
    contest.organizers.add(colleague)
    person = make_person(Role.LEARNER)
    upload_file = SimpleUploadedFile("报名.csv", csv_bytes(HEADER, [[person.mobile, "工业互联网运维", ""]]))
    job = exchange_actions.start_import(colleague, "registrations", upload_file, context=contest.slug)
    job.refresh_from_db()
    assert job.status == JobStatus.VALIDATED and job.valid_rows == 1

    contest.organizers.remove(colleague)

    with pytest.raises(PermissionDenied):
        exchange_actions.confirm_import(colleague, job, only_valid=False)
    assert not Registration.objects.exists()
