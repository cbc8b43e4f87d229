from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.sms_helpers import with_sms_code
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, mobile: str, next_url: str | None = None):
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    data = {"username": mobile, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def test_signing_in_without_next_lands_on_the_home(client, learner) -> None:
    response = sign_in(client, learner.mobile)
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert client.get("/me/").status_code == 200


def test_a_safe_next_is_followed_after_signing_in(client, learner) -> None:
    response = sign_in(client, learner.mobile, "/learn/")
    assert response["Location"] == "/learn/"


def test_a_next_on_another_site_is_ignored_and_the_home_is_used(client, learner) -> None:
    response = sign_in(client, learner.mobile, "https://evil.example/")
    assert response["Location"] == "/me/"


def test_a_signed_in_person_opening_the_login_page_goes_home(client, learner) -> None:
    client.force_login(learner)
    response = client.get(reverse("accounts:login"))
    assert response["Location"] == "/me/"


def test_registering_signs_in_and_lands_on_the_home(client, city) -> None:
    form = {
        "mobile": "13712345670",
        "real_name": "林新人",
        "password1": "Gongye-2026!",
        "password2": "Gongye-2026!",
        "region": str(city("济南").pk),
        "job_group": "operator",
        "industry": "equipment",
        "id_number": "",
        "agree": "on",
    }
    response = client.post(reverse("accounts:register"), with_sms_code(client, form))
    assert response["Location"] == "/me/"
    page = client.get("/me/").content.decode()
    assert "继续学习" in page


def test_the_home_asks_an_anonymous_visitor_to_sign_in(client) -> None:
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_header_offers_the_home_to_signed_in_people_only(client, learner) -> None:
    assert 'href="/me/"' not in client.get("/learn/").content.decode()
    client.force_login(learner)
    assert 'href="/me/"' in client.get("/learn/").content.decode()
