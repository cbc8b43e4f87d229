"""Each lesson shows the learner its one completion rule and the progress toward it; the reading
minimum follows the text's length (350 characters a minute, 1 to 20 minutes)."""

from __future__ import annotations

import pytest

from lms import lesson_rules
from lms.actions import enroll

pytestmark = pytest.mark.django_db


def test_the_reading_minimum_is_proportional_to_the_text_with_a_floor_and_a_cap() -> None:
    assert lesson_rules.reading_minutes(0) == 1
    assert lesson_rules.reading_minutes(200) == 1
    assert lesson_rules.reading_minutes(1050) == 3
    assert lesson_rules.reading_minutes(1051) == 4
    assert lesson_rules.reading_minutes(100_000) == 20


def test_played_intervals_are_merged_and_clamped_to_the_video() -> None:
    merged = lesson_rules.merge_intervals([[30, 50], [0, 10], [9.8, 20], [90, 130], [-5, 2], [60, 60]], 100)
    assert merged == [[0, 20], [30, 50], [90, 100]]
    assert lesson_rules.covered(merged) == 50


def test_the_lesson_page_states_the_rule_and_the_progress(client, course, lessons, learner, set_body) -> None:
    lesson = set_body(
        lessons[0], [("text", "<p>" + "数" * 1000 + "</p>"), ("code", {"language": "text", "code": "x" * 50})]
    )
    enroll(learner, course)
    client.force_login(learner)
    page = client.get(f"/learn/courses/{course.pk}/lessons/{lesson.pk}/").content.decode()
    assert "完成条件：阅读到末尾并停留至少 3 分钟" in page
    assert "已停留 0 秒，需 3 分钟；尚未读到末尾" in page
    assert "标记为已完成" not in page


def test_a_video_lesson_and_a_quiz_lesson_say_so(client, course, lessons, learner, set_body, video_document) -> None:
    video = set_body(lessons[0], [("video", {"title": "演示", "file": video_document.pk, "url": "", "transcript": ""})])
    quiz = set_body(lessons[1], [("quiz", {"quiz_id": 7, "title": ""})])
    enroll(learner, course)
    client.force_login(learner)
    assert "观看视频 90%" in client.get(f"/learn/courses/{course.pk}/lessons/{video.pk}/").content.decode()
    page = client.get(f"/learn/courses/{course.pk}/lessons/{quiz.pk}/").content.decode()
    assert "通过本课测验" in page and 'href="/learn/quizzes/7/"' in page
