from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import User
from cms.models import CoursePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_on(settings) -> None:
    settings.CMS_PAGE_CACHE_SECONDS = 60


def test_anonymous_pages_are_cached_until_a_publish(
    cache_on: None, client: Client, make_course: Callable[..., CoursePage]
) -> None:
    course = make_course(lessons=1)
    assert client.get(course.url)["X-Page-Cache"] == "miss"
    assert client.get(course.url)["X-Page-Cache"] == "hit"
    course.title = "工业互联网入门（第二版）"
    course.save_revision().publish()
    response = client.get(course.url)
    assert response["X-Page-Cache"] == "miss"
    assert "第二版" in response.content.decode()


def test_cached_pages_carry_the_current_visitors_csrf_token(
    cache_on: None, make_course: Callable[..., CoursePage]
) -> None:
    course = make_course(lessons=1)
    first, second = Client(), Client()
    first.get(course.url)
    response = second.get(course.url)
    assert response["X-Page-Cache"] == "hit"
    html = response.content.decode()
    assert "\x00CSRF\x00" not in html
    if 'name="csrfmiddlewaretoken"' in html:
        token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        assert token and second.cookies.get("csrftoken")


def test_signed_in_people_are_never_served_from_the_cache(
    cache_on: None, client: Client, make_course: Callable[..., CoursePage], learner: User
) -> None:
    course = make_course(lessons=1)
    Client().get(course.url)
    client.force_login(learner)
    response = client.get(course.url)
    assert "X-Page-Cache" not in response
    assert learner.real_name in response.content.decode()
