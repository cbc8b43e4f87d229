"""Practical answers: checked files, kept out of the public media folder, autosaved at once
(replacing the previous file), fetched only by the learner and the graders in their scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.choices import Role
from lms.actions import LateSubmissionError, save_upload, start_attempt, submit_attempt
from lms.models import Attempt, AttemptAnswer, AttemptStatus, QuestionType
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name: str = "接线图.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def practical_attempt(learner, quiz_factory) -> tuple[Attempt, int]:
    question = make_question(QuestionType.PRACTICAL, stem="上传 PLC 接线图")
    attempt = start_attempt(quiz_factory([question, make_question()]), learner)
    return attempt, question.pk


def test_a_practical_file_is_kept_outside_the_public_media_folder(learner, practical_attempt) -> None:
    attempt, qid = practical_attempt
    answer = save_upload(attempt, learner, qid, pdf())
    path = Path(answer.upload.path)
    assert path.is_file() and path.read_bytes() == PDF
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        answer.upload.url  # private files have no URL
    assert answer.response == "接线图.pdf"


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "不支持"),
        ("接线图.pdf", b"MZ\x90\x00 renamed program", "不符"),
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "不符"),
        ("notes.txt", b"\x00\x01\x02binary", "不符"),
        ("empty.pdf", b"", "空文件"),
    ],
)
def test_a_file_of_a_wrong_type_or_content_is_refused_and_nothing_is_written(
    learner, practical_attempt, name, body, message
) -> None:
    attempt, qid = practical_attempt
    with pytest.raises(ValidationError, match=message):
        save_upload(attempt, learner, qid, SimpleUploadedFile(name, body))
    assert not AttemptAnswer.objects.filter(attempt=attempt).exists()
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_an_oversized_file_is_refused(learner, practical_attempt) -> None:
    attempt, qid = practical_attempt
    with pytest.raises(ValidationError, match="超过 20 MB"):
        save_upload(attempt, learner, qid, pdf(body=PDF + b"0" * (20 * 1024 * 1024)))
    assert not AttemptAnswer.objects.filter(attempt=attempt).exists()


def test_office_text_and_zip_files_are_accepted(learner, practical_attempt) -> None:
    attempt, qid = practical_attempt
    for name, body in [
        ("报告.docx", b"PK\x03\x04rest"),
        ("记录.txt", "设备编号 A-01，运行正常".encode()),
        ("记录-gbk.txt", "设备编号 A-01".encode("gb18030")),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
    ]:
        answer = save_upload(attempt, learner, qid, SimpleUploadedFile(name, body))
        assert answer.response == name


def test_uploading_again_replaces_the_file_and_deletes_the_old_one(
    learner, practical_attempt, django_capture_on_commit_callbacks
) -> None:
    attempt, qid = practical_attempt
    first = save_upload(attempt, learner, qid, pdf("第一版.pdf"))
    old_path = Path(first.upload.path)
    with django_capture_on_commit_callbacks(execute=True):
        second = save_upload(attempt, learner, qid, pdf("第二版.pdf", PDF + b"% v2\n"))
    assert AttemptAnswer.objects.filter(attempt=attempt, question_id=qid).count() == 1
    stored = AttemptAnswer.objects.get(attempt=attempt, question_id=qid)
    assert stored.response == "第二版.pdf" and stored.upload.name == second.upload.name
    assert not old_path.exists() and Path(stored.upload.path).read_bytes().endswith(b"% v2\n")


def test_a_file_for_a_question_that_is_not_practical_or_not_on_the_paper_is_refused(learner, practical_attempt) -> None:
    attempt, qid = practical_attempt
    other = next(e["q"] for e in attempt.paper if e["q"] != qid)
    with pytest.raises(ValidationError, match="只有实操题"):
        save_upload(attempt, learner, other, pdf())
    with pytest.raises(ValidationError, match="不在您的试卷上"):
        save_upload(attempt, learner, qid + 999, pdf())


def test_the_upload_api_saves_at_once_and_a_refresh_keeps_the_file(client, learner, practical_attempt) -> None:
    attempt, qid = practical_attempt
    client.force_login(learner)
    response = client.post(f"/api/lms/attempts/{attempt.pk}/uploads", {"question": qid, "file": pdf()})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["saved"] and data["name"] == "接线图.pdf"
    page = client.get(f"/learn/attempts/{attempt.pk}/").content.decode()
    assert "接线图.pdf" in page and data["url"] in page
    download = client.get(data["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    refused = client.post(
        f"/api/lms/attempts/{attempt.pk}/uploads", {"question": qid, "file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert refused.status_code == 400 and "不支持" in refused.json()["detail"]


def test_the_upload_api_needs_the_csrf_token(learner, practical_attempt) -> None:
    attempt, qid = practical_attempt
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(f"/api/lms/attempts/{attempt.pk}/uploads", {"question": qid, "file": pdf()})
    assert response.status_code == 403
    assert not AttemptAnswer.objects.filter(attempt=attempt).exists()


def test_an_upload_after_the_deadline_or_after_submission_is_refused(client, learner, quiz_factory) -> None:
    question = make_question(QuestionType.PRACTICAL)
    attempt = start_attempt(quiz_factory([question], time_limit_minutes=10), learner)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    attempt.refresh_from_db()
    with pytest.raises(LateSubmissionError):
        save_upload(attempt, learner, question.pk, pdf())
    client.force_login(learner)
    late = client.post(f"/api/lms/attempts/{attempt.pk}/uploads", {"question": question.pk, "file": pdf()})
    assert late.status_code == 409 and "作答时间" in late.json()["detail"]
    assert not AttemptAnswer.objects.filter(attempt=attempt).exists()

    again = start_attempt(quiz_factory([make_question(QuestionType.PRACTICAL)], title="第二套"), learner)
    submit_attempt(again, learner)
    after = client.post(f"/api/lms/attempts/{again.pk}/uploads", {"question": again.paper[0]["q"], "file": pdf()})
    assert after.status_code == 409 and "已提交" in after.json()["detail"]


def test_only_the_learner_and_graders_in_scope_may_fetch_the_file(
    client, learner, mentor, organizer, outsider, make_person, rival, practical_attempt
) -> None:
    attempt, qid = practical_attempt
    answer = save_upload(attempt, learner, qid, pdf())
    submit_attempt(attempt, learner)
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.GRADING
    url = f"/learn/answers/{answer.pk}/file/"
    other_mentor = make_person(Role.MENTOR, org=rival)
    for person, status in [(learner, 200), (mentor, 200), (organizer, 200), (outsider, 404), (other_mentor, 404)]:
        client.force_login(person)
        assert client.get(url).status_code == status, person
        client.logout()
    assert client.get(url).status_code == 302  # anonymous: to the login page
    grading = Client()
    grading.force_login(organizer)
    assert url in grading.get("/learn/grading/").content.decode()
