"""The round authoring pages: organizer-only (404 for everyone else), the console's live panel,
creating and editing through forms, and the preview that never carries an answer key."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from accounts.choices import Role
from competitions.live import authoring, setup
from competitions.live.models import LiveRound
from lms.models import Question

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def authored(organizer):
    contest, group = setup.create_contest(organizer)
    live_round = authoring.create_round(organizer, contest, title="理论赛第一场", event_group=group)
    questions = [setup.bank_question(*q) for q in setup.SAMPLE_QUESTIONS]
    authoring.add_questions(organizer, live_round, questions)
    return contest, group, live_round


def test_the_authoring_pages_are_404_for_a_learner_and_another_contests_organizer(authored, make_person) -> None:
    contest, _group, live_round = authored
    rid = live_round.pk
    other = make_person(Role.ORGANIZER, name="别家组委")
    setup.create_contest(other)  # she organizes a contest, just not this one
    pages = [
        f"/live/manage/contest/{contest.slug}/",
        f"/live/manage/contest/{contest.slug}/new/",
        f"/live/manage/{rid}/",
        f"/live/manage/{rid}/delete/",
        f"/live/manage/{rid}/reset/",
        f"/live/{rid}/preview/?n=1&as=screen",
        f"/live/{rid}/preview/?n=1&as=play",
    ]
    posts = [
        f"/live/manage/{rid}/do/settings/",
        f"/live/manage/{rid}/do/duplicate/",
        f"/live/manage/{rid}/q/{live_round.questions.first().pk}/remove/",
        f"/live/manage/{rid}/delete/",
        f"/live/manage/{rid}/reset/",
    ]
    for person in (make_person(Role.LEARNER), other):
        client = client_for(person)
        for url in pages:
            assert client.get(url).status_code == 404, url
        for url in posts:
            assert client.post(url, {"title": "x"}).status_code == 404, url
    assert LiveRound.objects.filter(contest=contest).count() == 1
    assert live_round.questions.count() == 5


def test_the_console_lists_the_rounds_with_their_links(authored, organizer) -> None:
    contest, _group, live_round = authored
    page = client_for(organizer).get(f"/contests/manage/{contest.slug}/").content.decode()
    for url in (
        f"/live/{live_round.pk}/host/",
        f"/live/{live_round.pk}/screen/",
        f"/live/{live_round.pk}/board/",
        f"/live/manage/{live_round.pk}/",
        f"/live/manage/contest/{contest.slug}/new/",
        f"/contests/manage/{contest.slug}/tickets/",
    ):
        assert f'href="{url}' in page, url
    assert "新建现场赛场次" in page and "准考证打印" in page and "理论赛第一场" in page


def test_an_organizer_creates_a_round_then_picks_draws_and_writes_questions(authored, organizer) -> None:
    contest, group, _round = authored
    client = client_for(organizer)
    response = client.post(
        f"/live/manage/contest/{contest.slug}/new/",
        {"title": "决赛", "event_group": group.pk, "scoring_mode": "speed", "default_seconds": 30, "default_points": 5},
    )
    final = LiveRound.objects.get(title="决赛")
    assert response.status_code == 302 and response["Location"] == f"/live/manage/{final.pk}/"
    assert (final.scoring_mode, final.default_seconds, final.event_group) == ("speed", 30, group)
    editor = client.get(f"/live/manage/{final.pk}/?q=PLC").content.decode()
    plc = Question.objects.get(stem="PLC 的中文全称是？")
    assert f'value="{plc.pk}"' in editor and "数字孪生" not in editor.split('id="bank-h"')[1].split("</section>")[0]
    client.post(f"/live/manage/{final.pk}/do/pick/", {"questions": [plc.pk]})
    assert list(final.questions.values_list("question_id", "seconds")) == [(plc.pk, 30)]
    client.post(f"/live/manage/{final.pk}/do/draw/", {"count": 2, "qtype": "truefalse"})
    assert final.questions.filter(question__qtype="truefalse").count() == 2
    refused = client.post(f"/live/manage/{final.pk}/do/draw/", {"count": 1, "qtype": "truefalse"}, follow=True)
    assert "只有 0 道" in refused.content.decode()
    client.post(
        f"/live/manage/{final.pk}/do/write/",
        {"qtype": "truefalse", "stem": "边缘计算可以降低时延。", "answer": "对", "difficulty": 2},
    )
    written = final.questions.order_by("position").last()
    assert written.position == 4 and written.question.answer is True and written.question.created_by == organizer


def test_a_wrong_written_question_keeps_what_was_typed(authored, organizer) -> None:
    _contest, _group, live_round = authored
    response = client_for(organizer).post(
        f"/live/manage/{live_round.pk}/do/write/",
        {"qtype": "single", "stem": "哪个是传感器？", "options": "温度变送器\n显示器", "answer": "E", "difficulty": 3},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "哪个是传感器？" in page and "温度变送器" in page and "答案应为选项字母 A–B" in page
    assert not Question.objects.filter(stem="哪个是传感器？").exists()


def test_the_freeze_point_field_refuses_more_than_the_questions_placed(authored, organizer) -> None:
    _contest, _group, live_round = authored
    data = {"title": "理论赛第一场", "scoring_mode": "accuracy", "default_seconds": 20, "default_points": 10}
    response = client_for(organizer).post(f"/live/manage/{live_round.pk}/do/settings/", {**data, "freeze_at": 6})
    assert response.status_code == 400 and "现有 5 题" in response.content.decode()
    client_for(organizer).post(
        f"/live/manage/{live_round.pk}/do/settings/", {**data, "freeze_at": 4, "rehearsal": "on"}
    )
    live_round.refresh_from_db()
    assert (live_round.freeze_at, live_round.rehearsal, live_round.event_group) == (4, True, None)


def test_moving_a_question_down_from_the_editor(authored, organizer) -> None:
    _contest, _group, live_round = authored
    first = live_round.questions.get(position=1)
    client_for(organizer).post(f"/live/manage/{live_round.pk}/q/{first.pk}/move/", {"position": 2})
    first.refresh_from_db()
    assert first.position == 2


def preview_json(page: str) -> list[dict]:
    found = re.search(r'<script id="live-preview" type="application/json">(.*?)</script>', page, re.S)
    assert found, "no live-preview script"
    return json.loads(found.group(1))


def test_the_preview_shows_the_question_as_the_screen_and_phone_get_it_without_its_key(authored, organizer) -> None:
    _contest, _group, live_round = authored
    client = client_for(organizer)
    third = live_round.questions.get(position=3)  # the multiple-choice sample: key ["A", "B", "D"]
    for as_, role in (("screen", "screen"), ("play", "contestant")):
        response = client.get(f"/live/{live_round.pk}/preview/?n=3&as={as_}")
        assert response.status_code == 200
        messages = preview_json(response.content.decode())
        assert [m["type"] for m in messages] == ["welcome", "snapshot"]
        assert messages[0]["role"] == role
        snapshot = messages[1]
        assert snapshot["state"] == "question" and snapshot["reveal"] is None
        assert snapshot["question"]["stem"] == third.question.stem
        assert snapshot["question"]["position"] == 3 and snapshot["question"]["total"] == 5

        def keys(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    yield k
                    yield from keys(v)
            elif isinstance(node, list):
                for v in node:
                    yield from keys(v)

        assert "answer" not in set(keys(messages)) and "explanation" not in set(keys(messages))
        assert third.question.explanation not in response.content.decode()
    # The preview changes nothing.
    live_round.refresh_from_db()
    assert live_round.state == "lobby" and live_round.seq == 0


def test_the_reset_page_explains_what_is_erased(authored, organizer) -> None:
    _contest, _group, live_round = authored
    page = client_for(organizer).get(f"/live/manage/{live_round.pk}/reset/").content.decode()
    assert "作答记录" in page and "可疑信号" in page and "确认重置" in page


def test_the_preview_takes_its_query_through_a_form(authored, organizer) -> None:
    _contest, _group, live_round = authored
    client = client_for(organizer)
    assert client.get(f"/live/{live_round.pk}/preview/?n=1&as=phone").status_code == 404
    for n in ("abc", "0", "99999999999999999999", "7"):  # not a number, out of range, no such question
        page = client.get(f"/live/{live_round.pk}/preview/?n={n}&as=screen").content.decode()
        assert preview_json(page)[1]["question"]["position"] == 1, n
