from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cms.models import CoursePage

pytestmark = pytest.mark.django_db


def queries_for(client: Client, url: str, django_assert_max_num_queries, limit: int) -> None:
    client.get(url)  # warm caches shared by every request (site root paths)
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("lessons", [2, 12])
def test_course_page_queries_do_not_grow_with_lessons(
    client: Client, make_course: Callable[..., CoursePage], django_assert_max_num_queries, lessons: int
) -> None:
    course = make_course(lessons=lessons)
    queries_for(client, course.url, django_assert_max_num_queries, 12)


@pytest.mark.parametrize("lessons", [2, 12])
def test_lesson_page_queries_do_not_grow_with_lessons(
    client: Client, make_course: Callable[..., CoursePage], django_assert_max_num_queries, lessons: int
) -> None:
    course = make_course(lessons=lessons)
    lesson = course.lessons().last()
    queries_for(client, lesson.url, django_assert_max_num_queries, 12)
