"""The lesson page's evidence post (its script's reading heartbeat or the video's played
intervals) is read through a form: a malformed value is a 400 with a Chinese message, never a 500."""

from __future__ import annotations

import pytest

from lms.actions import enroll

pytestmark = pytest.mark.django_db


def test_a_video_duration_that_is_not_a_number_is_a_400_not_a_500(client, course, lessons, learner) -> None:
    enroll(learner, course)
    client.force_login(learner)
    url = f"/learn/courses/{course.pk}/lessons/{lessons[0].pk}/done/"
    response = client.post(url, {"how": "video", "duration": "五"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "视频时长" in response.json()["detail"]


@pytest.mark.parametrize("intervals", ["[[0, 5]", '[["a", 5]]', "[[0, 1, 2]]", '{"a": 1}', "[[0, NaN]]"])
def test_played_intervals_that_are_not_pairs_of_seconds_are_a_400(client, course, lessons, learner, intervals) -> None:
    enroll(learner, course)
    client.force_login(learner)
    url = f"/learn/courses/{course.pk}/lessons/{lessons[0].pk}/done/"
    response = client.post(
        url, {"how": "video", "duration": "60", "intervals": intervals}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and "观看记录" in response.json()["detail"]


def test_a_post_that_only_says_done_is_refused(client, course, lessons, learner) -> None:
    enroll(learner, course)
    client.force_login(learner)
    url = f"/learn/courses/{course.pk}/lessons/{lessons[0].pk}/done/"
    response = client.post(url, {"how": "manual"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "学习记录" in response.json()["detail"]
