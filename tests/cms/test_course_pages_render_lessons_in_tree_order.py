from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cms.models import CoursePage

pytestmark = pytest.mark.django_db


def test_course_page_lists_lessons_in_tree_order(client: Client, make_course: Callable[..., CoursePage]) -> None:
    course = make_course(lessons=3)
    html = client.get(course.url).content.decode()
    titles = [lesson.title for lesson in course.lessons()]
    assert titles == ["第1课 设备联网", "第2课 设备联网", "第3课 设备联网"]
    assert html.index("第1课") < html.index("第2课") < html.index("第3课")
    assert "一线操作人员" in html


def test_lesson_page_renders_blocks_and_links_the_quiz(client: Client, make_course: Callable[..., CoursePage]) -> None:
    course = make_course(lessons=2)
    first = course.lessons().first()
    response = client.get(first.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "/learn/quizzes/7/" in html
    assert "断电后再接线" in html
    assert 'rel="next"' in html
    assert "第 1 / 2 课" in html
