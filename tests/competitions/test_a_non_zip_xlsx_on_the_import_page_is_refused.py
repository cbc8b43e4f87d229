"""A file named .xlsx that is not a zip is refused with a message, not a 500 (issue #19, item 9)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_non_zip_xlsx_is_refused_on_the_contest_import_page(contest, organizer) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(organizer)
    upload = SimpleUploadedFile("报名.xlsx", b"this is not a zip file" * 20, "application/vnd.ms-excel")
    response = client.post(reverse("competitions:import", args=[contest.slug]), {"file": upload})
    assert response.status_code in (200, 400)
    assert "已导入" not in response.content.decode()
