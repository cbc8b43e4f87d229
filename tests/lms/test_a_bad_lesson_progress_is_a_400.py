"""The lesson page's "done" post (the learner's button, or its script after a video) is read
through a form: a value that is not a number is a 400 with a Chinese message, never a 500."""

from __future__ import annotations

import pytest

from lms.actions import enroll

pytestmark = pytest.mark.django_db


def test_a_lesson_progress_that_is_not_a_number_is_a_400_not_a_500(client, course, lessons, learner) -> None:
    enroll(learner, course)
    client.force_login(learner)
    url = f"/learn/courses/{course.pk}/lessons/{lessons[0].pk}/done/"
    response = client.post(url, {"how": "video", "watched": "五"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "观看进度" in response.json()["detail"]
