"""Image decoding refuses an image whose pixel count is over IMAGE_MAX_PIXELS, from its header,
before any pixel is decoded (issue #19, item 2): work-study photos, Wagtail images, and Pillow
everywhere else in the process."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lms.actions import enroll
from lms.models import WorkLog
from lms.workstudy import process_photo
from tests.lms.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that declares width x height (1-bit grey) with a few rows of data: what a
    decompression bomb looks like from outside (a few hundred bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * 4))
        + chunk(b"IEND", b"")
    )


def test_pillow_in_this_process_uses_the_project_limit() -> None:
    assert Image.MAX_IMAGE_PIXELS == settings.IMAGE_MAX_PIXELS
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == settings.IMAGE_MAX_PIXELS


@pytest.mark.parametrize("size", [(20000, 20000), (7000, 7000)])
def test_a_photo_over_the_limit_is_refused_with_a_pixel_message(size: tuple[int, int]) -> None:
    bomb = SimpleUploadedFile("bomb.png", png_header_only(*size), content_type="image/png")
    assert bomb.size < 2000
    with pytest.raises(ValidationError, match="像素过多"):
        process_photo(bomb)


def test_a_normal_photo_still_passes() -> None:
    _image, _thumb, width, height = process_photo(SimpleUploadedFile("ok.jpg", jpeg_bytes((1200, 900))))
    assert (width, height) == (1200, 900)


def test_the_work_study_page_shows_the_pixel_error_and_stores_nothing(
    client, course, learner, mentor, workstudy
) -> None:
    enrollment = enroll(learner, course)
    enrollment.mentor = mentor
    enrollment.save()
    client.force_login(learner)
    bomb = SimpleUploadedFile("bomb.png", png_header_only(20000, 20000), content_type="image/png")
    response = client.post(
        f"/learn/courses/{course.pk}/workstudy/",
        {
            "task": workstudy.tasks.get().pk,
            "date": dt.date.today().isoformat(),
            "hours": "2",
            "content": "安装调试",
            "photos": [bomb],
        },
    )
    assert response.status_code == 200
    assert "像素过多" in response.content.decode()
    assert not WorkLog.objects.exists()


def test_wagtail_refuses_an_image_over_the_limit(client, editor) -> None:
    from wagtail.images import get_image_model

    client.force_login(editor)
    bomb = SimpleUploadedFile("bomb.png", png_header_only(10000, 10000), content_type="image/png")
    response = client.post("/cms-admin/images/add/", {"title": "炸弹", "file": bomb})
    assert response.status_code == 200
    assert not get_image_model().objects.filter(title="炸弹").exists()
    assert "像素" in response.content.decode()
