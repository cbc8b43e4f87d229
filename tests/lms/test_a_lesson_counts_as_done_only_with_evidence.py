"""A lesson is done only on evidence the server checked (lms.lesson_rules): reading to the end
for the minimum time, a video played to 90 % without skipping, or the lesson's quiz passed.
Opening a lesson, even a short one, for a second never marks it done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lms.actions import enroll, report_reading, report_video, save_answer, start_attempt, submit_attempt, visit_lesson
from lms.models import LessonActivity, LessonProgress
from lms.progress import lesson_state
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db

LONG_TEXT = "<p>" + "设备联网把现场数据送到平台。" * 80 + "</p>"  # 1,120 characters: 4 minutes at 350 a minute


def _done(enrollment, lesson) -> bool:
    return LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).exists()


def _beats(enrollment, lesson, start: dt.datetime, seconds: int, *, end_at: int | None = None) -> dict:
    """Heartbeats every 15 s from `start` for `seconds`; the end marker seen at `end_at` s."""
    state: dict = {}
    for t in range(15, seconds + 1, 15):
        state = report_reading(
            enrollment, lesson, end_seen=end_at is not None and t >= end_at, now=start + dt.timedelta(seconds=t)
        )
    return state


def test_a_short_lesson_opened_for_a_second_is_not_done(course, lessons, learner) -> None:
    enrollment = enroll(learner, course)
    start = timezone.now()
    visit_lesson(enrollment, lessons[0], now=start)
    state = report_reading(enrollment, lessons[0], end_seen=True, now=start + dt.timedelta(seconds=1))
    assert state["done"] is False and state["min_seconds"] == 60
    assert not _done(enrollment, lessons[0])
    enrollment.refresh_from_db()
    assert enrollment.progress == 0


def test_reading_to_the_end_after_the_minimum_time_completes_the_lesson(course, lessons, learner, set_body) -> None:
    lesson = set_body(lessons[0], [("text", LONG_TEXT)])
    enrollment = enroll(learner, course)
    start = timezone.now()
    visit_lesson(enrollment, lesson, now=start)
    state = _beats(enrollment, lesson, start, 225, end_at=30)  # 3 min 45 s: not yet 4 minutes
    assert state["min_seconds"] == 240 and state["end_seen"] and not state["done"]
    state = _beats(enrollment, lesson, start + dt.timedelta(seconds=225), 15, end_at=0)
    assert state["done"] is True and _done(enrollment, lesson)
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=lesson).how == "read"


def test_time_without_reaching_the_end_does_not_complete_a_lesson(course, lessons, learner) -> None:
    enrollment = enroll(learner, course)
    start = timezone.now()
    visit_lesson(enrollment, lessons[0], now=start)
    state = _beats(enrollment, lessons[0], start, 300)
    assert state["read_seconds"] == 60 and not state["end_seen"] and not state["done"]


def test_a_tab_left_open_is_credited_thirty_seconds_per_heartbeat_at_most(course, lessons, learner) -> None:
    enrollment = enroll(learner, course)
    start = timezone.now()
    visit_lesson(enrollment, lessons[0], now=start)
    state = report_reading(enrollment, lessons[0], end_seen=True, now=start + dt.timedelta(hours=2))
    assert state["read_seconds"] == 30 and not state["done"]


def test_reopening_a_lesson_keeps_the_time_already_read(course, lessons, learner, set_body) -> None:
    lesson = set_body(lessons[0], [("text", LONG_TEXT)])
    enrollment = enroll(learner, course)
    start = timezone.now()
    visit_lesson(enrollment, lesson, now=start)
    _beats(enrollment, lesson, start, 120, end_at=120)
    later = start + dt.timedelta(days=1)
    visit_lesson(enrollment, lesson, now=later)
    state = _beats(enrollment, lesson, later, 120)
    assert state["done"] is True


def test_a_video_watched_with_a_forward_seek_is_not_counted(course, lessons, learner, set_body, video_document) -> None:
    lesson = set_body(
        lessons[0], [("video", {"title": "联网演示", "file": video_document.pk, "url": "", "transcript": ""})]
    )
    enrollment = enroll(learner, course)
    start = timezone.now()
    visit_lesson(enrollment, lesson, now=start)
    # Watched 0–20 s, then dragged the slider to 80 s and watched to the end.
    report_video(enrollment, lesson, intervals=[[0, 20]], duration=100, now=start + dt.timedelta(seconds=20))
    state = report_video(
        enrollment, lesson, intervals=[[0, 20], [80, 100]], duration=100, now=start + dt.timedelta(seconds=45)
    )
    assert state["video_percent"] == 40 and not state["done"] and not _done(enrollment, lesson)
    # Back to 20 s and watched the skipped part: now 100 % is covered.
    state = report_video(enrollment, lesson, intervals=[[20, 80]], duration=100, now=start + dt.timedelta(seconds=110))
    assert state["done"] is True
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=lesson).how == "video"


def test_a_video_report_claiming_more_than_the_time_elapsed_is_refused(
    course, lessons, learner, set_body, video_document
) -> None:
    lesson = set_body(
        lessons[0], [("video", {"title": "联网演示", "file": video_document.pk, "url": "", "transcript": ""})]
    )
    enrollment = enroll(learner, course)
    start = timezone.now()
    visit_lesson(enrollment, lesson, now=start)
    with pytest.raises(ValidationError):
        report_video(enrollment, lesson, intervals=[[0, 600]], duration=600, now=start + dt.timedelta(seconds=2))
    assert lesson_state(enrollment, lesson)["video_percent"] == 0
    report_video(enrollment, lesson, intervals=[[0, 5]], duration=600, now=start + dt.timedelta(seconds=5))
    with pytest.raises(ValidationError):  # the length may not change between reports
        report_video(enrollment, lesson, intervals=[[0, 10]], duration=10, now=start + dt.timedelta(seconds=10))
    assert lesson_state(enrollment, lesson)["video_percent"] == 0  # 5 s of 600


def test_passing_the_lessons_quiz_completes_the_lesson(course, lessons, learner, set_body, quiz_factory) -> None:
    quiz = quiz_factory([make_question()], is_published=True)
    lesson = set_body(lessons[0], [("text", "<p>先读一读。</p>"), ("quiz", {"quiz_id": quiz.pk, "title": "随堂测验"})])
    enrollment = enroll(learner, course)
    visit_lesson(enrollment, lesson)
    state = report_reading(enrollment, lesson, end_seen=True, now=timezone.now() + dt.timedelta(hours=1))
    assert state["rule"] == "quiz" and not state["done"]  # reading is not this lesson's rule
    attempt = start_attempt(quiz, learner)
    entry = attempt.paper[0]
    save_answer(attempt, learner, entry["q"], "ABCD"[entry["perm"].index(1)])  # the key is B
    assert submit_attempt(attempt, learner).passed is True
    assert _done(enrollment, lesson)
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=lesson).how == "quiz"


def test_a_failed_quiz_leaves_the_lesson_open(course, lessons, learner, set_body, quiz_factory) -> None:
    quiz = quiz_factory([make_question()], is_published=True)
    lesson = set_body(lessons[0], [("quiz", {"quiz_id": quiz.pk, "title": ""})])
    enrollment = enroll(learner, course)
    attempt = start_attempt(quiz, learner)
    entry = attempt.paper[0]
    save_answer(attempt, learner, entry["q"], "ABCD"[entry["perm"].index(0)])
    assert submit_attempt(attempt, learner).passed is False
    visit_lesson(enrollment, lesson)
    assert not _done(enrollment, lesson)


def test_without_the_script_the_read_button_counts_the_visit_by_the_servers_clock(
    client, course, lessons, learner
) -> None:
    enrollment = enroll(learner, course)
    client.force_login(learner)
    client.get(f"/learn/courses/{course.pk}/lessons/{lessons[0].pk}/")
    url = f"/learn/courses/{course.pk}/lessons/{lessons[0].pk}/done/"
    response = client.post(url, {"how": "read", "end": "1"})
    assert response.status_code == 302 and not _done(enrollment, lessons[0])  # clicked at once
    LessonActivity.objects.filter(enrollment=enrollment).update(last_seen_at=timezone.now() - dt.timedelta(minutes=2))
    client.post(url, {"how": "read", "end": "1"})
    assert _done(enrollment, lessons[0])
