"""Work-study logs: real images only, EXIF stripped, mentor of the same organization signs off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.choices import Role
from lms.actions import enroll, log_session, review_log
from lms.models import LogStatus, WorkLog
from lms.workstudy import mentor_queue
from tests.lms.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrollment(course, learner, mentor, workstudy):
    enrollment = enroll(learner, course)
    enrollment.mentor = mentor
    enrollment.save()
    return enrollment


def _log(enrollment, learner, workstudy, photos=None, **kw):
    values = {"date": dt.date.today(), "hours": "2", "content": "完成传感器接线"}
    values.update(kw)
    return log_session(enrollment, learner=learner, task=workstudy.tasks.get(), photos=photos, **values)


def test_a_photo_is_reencoded_without_exif_and_thumbnailed(enrollment, learner, workstudy) -> None:
    photo = SimpleUploadedFile("a.jpg", jpeg_bytes((2400, 1800)), content_type="image/jpeg")
    log = _log(enrollment, learner, workstudy, photos=[photo])
    stored = log.photos.get()
    with Image.open(stored.image.path) as image:
        assert not image.getexif() and max(image.size) <= 1600
    with Image.open(stored.thumbnail.path) as thumb:
        assert max(thumb.size) <= 320


def test_a_non_image_or_oversized_upload_is_refused_and_nothing_is_written(enrollment, learner, workstudy) -> None:
    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="不是有效的图片文件"):
        _log(enrollment, learner, workstudy, photos=[fake])
    huge = SimpleUploadedFile("big.jpg", b"0" * (8 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ValidationError, match="超过 8 MB"):
        _log(enrollment, learner, workstudy, photos=[huge])
    assert not WorkLog.objects.exists()


def test_bad_hours_and_future_dates_are_refused(enrollment, learner, workstudy) -> None:
    with pytest.raises(ValidationError, match=r"0\.1 到 24"):
        _log(enrollment, learner, workstudy, hours="30")
    with pytest.raises(ValidationError, match="数字"):
        _log(enrollment, learner, workstudy, hours="两小时")
    with pytest.raises(ValidationError, match="晚于今天"):
        _log(enrollment, learner, workstudy, date=dt.date.today() + dt.timedelta(days=2))


def test_the_mentor_sees_the_queue_and_returns_with_a_comment(enrollment, learner, mentor, workstudy) -> None:
    log = _log(enrollment, learner, workstudy)
    assert list(mentor_queue(mentor)) == [log]
    with pytest.raises(ValidationError, match="请填写意见"):
        review_log(log, mentor=mentor, approve=False)
    review_log(log, mentor=mentor, approve=False, comment="请补充现场照片")
    log.refresh_from_db()
    assert log.status == LogStatus.RETURNED and list(mentor_queue(mentor)) == []
    with pytest.raises(ValidationError, match="已审核"):
        review_log(log, mentor=mentor, approve=True)


def test_a_mentor_from_another_organization_is_refused(enrollment, learner, workstudy, make_person, rival) -> None:
    log = _log(enrollment, learner, workstudy)
    stranger = make_person(Role.MENTOR, org=rival)
    enrollment.mentor = stranger  # even if wrongly assigned, another organization cannot sign off
    enrollment.save()
    with pytest.raises(PermissionDenied, match="不属于同一单位"):
        review_log(log, mentor=stranger, approve=True)
    assert list(mentor_queue(stranger)) == []


def test_photos_are_served_only_to_the_learner_and_their_mentor(
    client, enrollment, learner, mentor, outsider, workstudy
) -> None:
    photo = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    stored = _log(enrollment, learner, workstudy, photos=[photo]).photos.get()
    for person, status in ((learner, 200), (mentor, 200), (outsider, 404)):
        client.force_login(person)
        assert client.get(f"/learn/photos/{stored.pk}/thumb.jpg").status_code == status


def test_photos_are_kept_outside_the_public_media_folder(enrollment, learner, workstudy, settings) -> None:
    from pathlib import Path

    photo = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    stored = _log(enrollment, learner, workstudy, photos=[photo]).photos.get()
    for field in (stored.image, stored.thumbnail):
        assert Path(field.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
        with pytest.raises(ValueError):
            field.url  # no public URL: served by the access-checked photo view only


def test_photo_limits_follow_the_settings_in_force(enrollment, learner, workstudy, settings) -> None:
    settings.LMS_PHOTO_MAX_BYTES = 1024 * 1024
    settings.LMS_PHOTOS_PER_LOG = 1
    big = SimpleUploadedFile("big.jpg", b"0" * (1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ValidationError, match="超过 1 MB"):
        _log(enrollment, learner, workstudy, photos=[big])
    two = [SimpleUploadedFile(f"{n}.jpg", jpeg_bytes(), content_type="image/jpeg") for n in "ab"]
    with pytest.raises(ValidationError, match="最多上传 1 张照片"):
        _log(enrollment, learner, workstudy, photos=two)
    assert not WorkLog.objects.exists()
