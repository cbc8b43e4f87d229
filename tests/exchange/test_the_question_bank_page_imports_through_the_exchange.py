"""The question-bank page's 导入题库 is the exchange's upload of questions: the row report, dry
run and confirmation of every import, and the job leads back to the page it came from."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from exchange.models import ExchangeJob, JobStatus
from lms.models import Question
from tests.exchange.conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["题型", "题干", "选项A", "选项B", "答案"]


def upload_url() -> str:
    return reverse("exchange:upload", args=["questions"]) + "?" + urlencode({"next": reverse("lms:manage")})


def test_the_button_leads_to_the_exchange_and_the_job_back_to_the_page(client, organizer, exchange_root) -> None:
    client.force_login(organizer)
    assert escape(upload_url()) in client.get(reverse("lms:manage")).content.decode()
    rows = [["单选", "PLC 的中文全称是？", "可编程逻辑控制器", "个人计算机", "A"], ["问答", "未知题型", "", "", ""]]

    client.post(upload_url(), {"file": SimpleUploadedFile("bank.csv", csv_bytes(HEADER, rows))})

    job = ExchangeJob.objects.get()
    assert job.status == JobStatus.VALIDATED and job.return_to == reverse("lms:manage")
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "题型“问答”无法识别" in page and not Question.objects.exists()
    client.post(reverse("exchange:job_confirm", args=[job.pk]), {"mode": "only_valid"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Question.objects.count() == 1
    assert f'href="{reverse("lms:manage")}"' in client.get(reverse("exchange:job", args=[job.pk])).content.decode()


def test_a_return_page_on_another_site_is_dropped(client, organizer, exchange_root) -> None:
    client.force_login(organizer)
    url = reverse("exchange:upload", args=["questions"]) + "?" + urlencode({"next": "https://evil.example/"})
    rows = [["单选", "PLC 的中文全称是？", "可编程逻辑控制器", "个人计算机", "A"]]

    client.post(url, {"file": SimpleUploadedFile("bank.csv", csv_bytes(HEADER, rows))})

    assert ExchangeJob.objects.get().return_to == ""


def test_people_without_the_question_bank_get_404(client, learner) -> None:
    client.force_login(learner)

    assert client.get(upload_url()).status_code == 404
