"""The language a person chooses in the page header is kept with them (their notices are written
in it) and follows them to another device when they sign in there."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from tests.accounts.test_signing_in_lands_on_the_home import sign_in

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def _choose(client, language: str):
    return client.post(reverse("set_language"), {"language": language, "next": "/accounts/notices/preferences/"})


def test_choosing_a_language_while_signed_in_keeps_it_and_the_preferences_page_says_so(client, learner) -> None:
    client.force_login(learner)
    response = _choose(client, "en")
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    assert User.objects.get(pk=learner.pk).language == "en"
    page = client.get("/accounts/notices/preferences/").content.decode()
    assert "written in: English" in page
    _choose(client, "zh-hans")
    assert User.objects.get(pk=learner.pk).language == "zh-hans"
    assert "通知、邮件和短信使用的语言：简体中文" in client.get("/accounts/notices/preferences/").content.decode()


def test_a_language_the_site_does_not_offer_is_not_kept(client, learner) -> None:
    client.force_login(learner)
    assert _choose(client, "fr").status_code == 302  # Django has French; this site does not offer it
    assert User.objects.get(pk=learner.pk).language == ""
    assert client.get("/me/").headers["Content-Language"] == "zh-hans"


def test_a_visitor_can_choose_without_an_account(client) -> None:
    response = _choose(client, "en")
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"


def test_a_choice_made_on_this_device_before_signing_in_becomes_the_persons(client, learner) -> None:
    client.cookies[COOKIE] = "en"
    assert sign_in(client, learner.mobile).status_code == 302
    assert User.objects.get(pk=learner.pk).language == "en"


def test_signing_in_on_a_new_device_brings_the_persons_language(client, learner) -> None:
    User.objects.filter(pk=learner.pk).update(language="en")
    response = sign_in(client, learner.mobile)
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    assert client.get("/me/").headers["Content-Language"] == "en"


def test_a_wrong_password_changes_nothing(client, learner) -> None:
    client.cookies[COOKIE] = "en"
    response = client.post(reverse("accounts:login"), {"username": learner.mobile, "password": "wrong-one"})
    assert response.status_code == 200
    assert User.objects.get(pk=learner.pk).language == ""
