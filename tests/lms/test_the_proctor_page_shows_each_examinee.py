"""The proctor page of a sitting: every enrolled or started examinee with state, answered count,
connection, integrity counters and time left; only for people who may author the quiz."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from lms import proctoring
from lms.actions import close_expired_attempts, enroll, record_signal, save_answer, start_attempt, submit_attempt
from lms.models import Attempt, QuestionType
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting(course, quiz_factory, make_person, acme):
    """An exam on the course with four examinees: one not started, one writing (who switched
    tabs twice and pasted once), one submitted, one whose time ran out."""
    questions = [make_question(QuestionType.TRUE_FALSE), make_question(QuestionType.TRUE_FALSE)]
    quiz = quiz_factory(questions, title="数字化技能等级认定理论考试", course=course, time_limit_minutes=60)
    people = {name: make_person(Role.LEARNER, org=acme, name=name) for name in ("甲未考", "乙作答", "丙交卷", "丁超时")}
    for person in people.values():
        enroll(person, course)
    writing = start_attempt(quiz, people["乙作答"])
    save_answer(writing, people["乙作答"], questions[0].pk, "true")
    record_signal(writing, people["乙作答"], "hidden")
    record_signal(writing, people["乙作答"], "hidden")
    record_signal(writing, people["乙作答"], "paste")
    submit_attempt(start_attempt(quiz, people["丙交卷"]), people["丙交卷"])
    late = start_attempt(quiz, people["丁超时"])
    Attempt.objects.filter(pk=late.pk).update(deadline=timezone.now() - dt.timedelta(minutes=2))
    close_expired_attempts()
    return quiz, people


def test_the_page_shows_each_examinees_state_answers_and_counters(client, organizer, sitting) -> None:
    quiz, _people = sitting
    client.force_login(organizer)
    response = client.get(reverse("lms:proctor", args=[quiz.pk]))
    assert response.status_code == 200
    rows = {row.user.real_name: row for row in response.context["rows"]}
    assert {name: row.state_label for name, row in rows.items()} == {
        "甲未考": "未开始",
        "乙作答": "作答中",
        "丙交卷": "已交卷",
        "丁超时": "超时由系统交卷",
    }
    writing = rows["乙作答"]
    assert (writing.answered, writing.questions, writing.hidden_count, writing.paste_count) == (1, 2, 2, 1)
    assert writing.online and writing.seconds_left is not None and 59 * 60 <= writing.seconds_left <= 3600
    assert not rows["丙交卷"].online and rows["丙交卷"].seconds_left is None
    html = response.content.decode()
    for text in ("未开始", "作答中", "已交卷", "超时由系统交卷", "在线", "切出页面", "粘贴"):
        assert text in html
    assert reverse("lms:proctor_extend", args=[quiz.pk, writing.attempt_id]) in html
    counts = response.context["counts"]
    assert (counts["enrolled"], counts["started"], counts["writing"], counts["done"], counts["flagged"]) == (
        4,
        3,
        1,
        2,
        1,
    )


def test_an_examinee_silent_for_over_a_minute_is_shown_offline(organizer, sitting) -> None:
    quiz, _ = sitting
    later = timezone.now() + proctoring.ONLINE_WINDOW + dt.timedelta(seconds=5)
    rows = {r.user.real_name: r for r in proctoring.examinees(proctoring.roster_queryset(quiz), now=later)}
    assert rows["乙作答"].state == proctoring.SittingState.IN_PROGRESS and not rows["乙作答"].online


def test_the_roster_is_one_query_however_many_examinees(course, quiz_factory, make_person, acme) -> None:
    quiz = quiz_factory([make_question(QuestionType.TRUE_FALSE)], course=course, time_limit_minutes=30)

    def add(n: int) -> None:
        for _ in range(n):
            person = make_person(Role.LEARNER, org=acme)
            enroll(person, course)
            attempt = start_attempt(quiz, person)
            record_signal(attempt, person, "hidden")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = proctoring.examinees(proctoring.roster_queryset(quiz)[: proctoring.ROSTER_PAGE])
        assert rows
        return len(captured.captured_queries)

    add(2)
    few = queries()
    add(8)
    assert queries() == few == 1


def test_a_learner_and_an_author_without_rights_on_the_course_are_refused(
    client, learner, make_person, acme, sitting
) -> None:
    quiz, people = sitting
    url = reverse("lms:proctor", args=[quiz.pk])
    client.force_login(people["乙作答"])
    assert client.get(url).status_code in (403, 404)
    provider = make_person(Role.LEARNER, org=acme)
    provider.user_permissions.add(Permission.objects.get(codename="change_quiz", content_type__app_label="lms"))
    client.force_login(provider)
    assert client.get(url).status_code == 403
    attempt_id = Attempt.objects.get(quiz=quiz, learner=people["乙作答"]).pk
    extend = reverse("lms:proctor_extend", args=[quiz.pk, attempt_id])
    assert client.post(extend, {"minutes": 10, "reason": "停电"}).status_code == 403


def test_an_unknown_quiz_is_a_404(client, organizer) -> None:
    client.force_login(organizer)
    assert client.get(reverse("lms:proctor", args=[987654])).status_code == 404


def test_the_roster_is_paginated(client, organizer, sitting, monkeypatch) -> None:
    quiz, _people = sitting
    monkeypatch.setattr(proctoring, "ROSTER_PAGE", 3)
    client.force_login(organizer)
    first = client.get(reverse("lms:proctor", args=[quiz.pk]))
    second = client.get(reverse("lms:proctor", args=[quiz.pk]), {"page": 2})
    assert len(first.context["rows"]) == 3 and len(second.context["rows"]) == 1
    assert "第 1 / 2 页" in first.content.decode()


def test_a_quiz_without_a_course_lists_those_who_started_it(client, organizer, quiz_factory, learner) -> None:
    quiz = quiz_factory([make_question()], time_limit_minutes=20)
    start_attempt(quiz, learner)
    client.force_login(organizer)
    rows = client.get(reverse("lms:proctor", args=[quiz.pk])).context["rows"]
    assert [r.user for r in rows] == [learner]
