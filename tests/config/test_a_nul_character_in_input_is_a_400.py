"""A NUL character in a path, query or form is a 400 on every database (PostgreSQL refuses NUL in
text, so views that look such a value up answered 500 there; issue #19, item 9)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/site/search/?q=%00",
        "/learn/verify/?number=A%00B",
        "/learn/verify/A%00B/",
        "/talent/verify/%00/",
        "/accounts/people/?q=%00",
    ],
)
def test_nul_in_the_path_or_query_is_refused(client, province_admin, url) -> None:
    client.force_login(province_admin)
    response = client.get(url)
    assert response.status_code == 400
    assert "请求参数有误" in response.content.decode()


def test_nul_in_a_form_field_is_refused(client, learner) -> None:
    client.force_login(learner)
    response = client.post(
        "/accounts/profile/", "real_name=%E7%8E%8B%00", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert client.post("/talent/me/deletion/", {"note": "\x00"}).status_code == 400  # multipart


def test_the_api_still_reads_its_body_after_the_check(client, learner) -> None:
    client.force_login(learner)
    response = client.post("/api/lms/attempts/1/answers", {"question": "x"})  # multipart, as the walk sends
    assert response.status_code in (400, 404, 422)  # ninja reads its body: no RawPostDataException


def test_ordinary_requests_pass(client) -> None:
    assert Client().get("/site/search/", {"q": "数字化"}).status_code == 200


def test_nul_in_a_json_body_is_refused_before_the_view(client, learner) -> None:
    """JSON strings are checked by the API's parser: a NUL answer never reaches the database."""
    client.force_login(learner)
    response = client.post(
        "/api/lms/attempts/1/answers", {"question": 1, "response": "A\x00"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"] and "JSON" in response.json()["detail"]
    nested = client.post(
        "/api/lms/attempts/1/answers",
        {"question": 1, "response": ["ok", {"x\x00": 1}]},
        content_type="application/json",
    )
    assert nested.status_code == 400
    # A clean body goes on to the view (which finds no such attempt).
    clean = client.post(
        "/api/lms/attempts/1/answers", {"question": 1, "response": "A"}, content_type="application/json"
    )
    assert clean.status_code == 404
