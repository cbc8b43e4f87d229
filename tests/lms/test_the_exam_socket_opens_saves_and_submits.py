"""The exam socket over the real route: at the bell a paper (own draw and order, no keys),
answers acknowledged only once stored, resends stored once, older answers never replacing newer
ones, submission graded, and refusals that say why."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts.models import AuditEvent
from config.asgi import application
from lms.grading import OPTION_LETTERS
from lms.models import Attempt, AttemptAnswer, AttemptStatus, PaperMode, QuestionType
from tests.lms.conftest import make_question

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(ws_headers, person, quiz) -> WebsocketCommunicator:
    headers = await sync_to_async(ws_headers)(person)
    communicator = WebsocketCommunicator(application, f"/ws/lms/quizzes/{quiz.pk}/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    assert hello["type"] == "hello"
    return communicator


def shown_letter(entry: dict, original: str) -> str:
    """The letter a learner sees for the question's own `original` option on their paper."""
    return OPTION_LETTERS[entry["perm"].index(OPTION_LETTERS.index(original))]


@pytest.fixture
def drawn_exam(quiz_factory):
    """A random-draw exam: 3 of 8 single-choice questions per paper, options shuffled."""
    for i in range(8):
        make_question(stem=f"题库第 {i + 1} 题", knowledge_point="标识解析")
    return quiz_factory(
        questions=[],
        mode=PaperMode.RANDOM,
        draw_rules=[{"count": 3, "qtype": QuestionType.SINGLE, "knowledge_point": "标识解析"}],
        time_limit_minutes=30,
        kind="exam",
    )


async def test_at_the_bell_each_examinee_gets_their_own_paper_without_keys(
    ws_headers, learner, mentor, drawn_exam
) -> None:
    papers = {}
    for person in (learner, mentor):
        socket = await connect(ws_headers, person, drawn_exam)
        await socket.send_json_to({"type": "open"})
        paper = await socket.receive_json_from()
        assert paper["type"] == "paper" and paper["last_seq"] == 0
        attempt = await Attempt.objects.aget(pk=paper["attempt"])
        assert attempt.learner_id == person.pk and attempt.status == AttemptStatus.IN_PROGRESS
        assert len(attempt.paper) == 3
        # The page shows exactly this paper's questions, in its order, and no key.
        positions = [paper["html"].index(f'data-qid="{entry["q"]}"') for entry in attempt.paper]
        assert positions == sorted(positions)
        assert '"answer"' not in paper["html"] and "B" not in paper["html"].split('value="')[0][-1:]
        assert f"/learn/attempts/{attempt.pk}/submit/" in paper["html"]
        assert paper["html"].count('class="question"') == 3
        assert "1. [" in paper["html"] and "3. [" in paper["html"] and "4. [" not in paper["html"]
        # Opening again (a reload at the bell) resumes the same attempt.
        await socket.send_json_to({"type": "open"})
        assert (await socket.receive_json_from())["attempt"] == attempt.pk
        papers[person.pk] = attempt
        await socket.disconnect()
    assert await Attempt.objects.filter(quiz=drawn_exam).acount() == 2
    assert await AuditEvent.objects.filter(action="quiz.start").acount() == 2


async def test_answers_are_acked_once_stored_resends_count_once_and_older_ones_never_win(
    ws_headers, learner, drawn_exam
) -> None:
    socket = await connect(ws_headers, learner, drawn_exam)
    await socket.send_json_to({"type": "open"})
    attempt = await Attempt.objects.aget(pk=(await socket.receive_json_from())["attempt"])
    entry = attempt.paper[0]
    await socket.send_json_to(
        {"type": "answer", "seq": 2, "question": entry["q"], "response": shown_letter(entry, "C")}
    )
    ack = await socket.receive_json_from()
    assert ack["type"] == "ack" and ack["seq"] == 2 and ack["question"] == entry["q"]
    assert dt.datetime.fromisoformat(ack["deadline"]) == attempt.deadline
    stored = await AttemptAnswer.objects.aget(attempt=attempt, question_id=entry["q"])
    assert (stored.response, stored.seq) == ("C", 2)
    # The same answer again (its ack was lost): acknowledged, stored once.
    await socket.send_json_to(
        {"type": "answer", "seq": 2, "question": entry["q"], "response": shown_letter(entry, "C")}
    )
    assert (await socket.receive_json_from())["type"] == "ack"
    # An older answer arriving late (resent from before a reconnect) is acknowledged but does not win.
    await socket.send_json_to(
        {"type": "answer", "seq": 1, "question": entry["q"], "response": shown_letter(entry, "A")}
    )
    assert (await socket.receive_json_from())["type"] == "ack"
    assert await AttemptAnswer.objects.filter(attempt=attempt).acount() == 1
    stored = await AttemptAnswer.objects.aget(attempt=attempt, question_id=entry["q"])
    assert (stored.response, stored.seq) == ("C", 2)
    # A reconnecting page learns where its numbering stands.
    await socket.disconnect()
    again = await connect(ws_headers, learner, drawn_exam)
    await again.send_json_to({"type": "open"})
    assert (await again.receive_json_from())["last_seq"] == 2
    await again.disconnect()


async def test_bad_answers_are_refused_with_a_reason_and_nothing_is_stored(ws_headers, learner, drawn_exam) -> None:
    socket = await connect(ws_headers, learner, drawn_exam)
    await socket.send_json_to({"type": "answer", "seq": 1, "question": 1, "response": "A"})
    assert (await socket.receive_json_from())["code"] == "no_paper"
    await socket.send_json_to({"type": "open"})
    attempt = await Attempt.objects.aget(pk=(await socket.receive_json_from())["attempt"])
    not_mine = max(e["q"] for e in attempt.paper) + 100
    await socket.send_json_to({"type": "answer", "seq": 1, "question": not_mine, "response": "A"})
    error = await socket.receive_json_from()
    assert error["code"] == "refused" and "不在您的试卷上" in error["message"]
    await socket.send_json_to({"type": "answer", "seq": 2, "question": attempt.paper[0]["q"], "response": "Z"})
    assert (await socket.receive_json_from())["code"] == "refused"
    await socket.send_json_to({"type": "answer", "seq": "3", "question": attempt.paper[0]["q"], "response": "A"})
    assert (await socket.receive_json_from())["code"] == "refused"  # a string is not a number
    await socket.send_to(text_data="x" * 30000)
    assert (await socket.receive_json_from())["code"] == "too_large"
    assert await AttemptAnswer.objects.filter(attempt=attempt).acount() == 0
    await socket.disconnect()


async def test_submitting_grades_the_paper_and_later_answers_are_closed(ws_headers, learner, drawn_exam) -> None:
    socket = await connect(ws_headers, learner, drawn_exam)
    await socket.send_json_to({"type": "open"})
    attempt = await Attempt.objects.aget(pk=(await socket.receive_json_from())["attempt"])
    for seq, entry in enumerate(attempt.paper, start=1):
        await socket.send_json_to(
            {"type": "answer", "seq": seq, "question": entry["q"], "response": shown_letter(entry, "B")}
        )
        assert (await socket.receive_json_from())["type"] == "ack"
    await socket.send_json_to({"type": "submit"})
    done = await socket.receive_json_from()
    assert done == {"type": "submitted", "url": f"/learn/attempts/{attempt.pk}/review/", "late": False, "message": ""}
    await attempt.arefresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.passed and attempt.score == attempt.max_score == 3
    # A resent submission is harmless; an answer after it is refused and changes nothing.
    await socket.send_json_to({"type": "submit"})
    assert (await socket.receive_json_from())["type"] == "submitted"
    entry = attempt.paper[0]
    await socket.send_json_to(
        {"type": "answer", "seq": 9, "question": entry["q"], "response": shown_letter(entry, "A")}
    )
    error = await socket.receive_json_from()
    assert error["code"] == "closed" and error["seq"] == 9
    assert (await AttemptAnswer.objects.aget(attempt=attempt, question_id=entry["q"])).response == "B"
    assert await AuditEvent.objects.filter(action="quiz.submit", target_id=str(attempt.pk)).acount() == 1
    await socket.disconnect()


async def test_an_answer_after_the_deadline_is_refused_as_late(ws_headers, learner, drawn_exam) -> None:
    socket = await connect(ws_headers, learner, drawn_exam)
    await socket.send_json_to({"type": "open"})
    attempt = await Attempt.objects.aget(pk=(await socket.receive_json_from())["attempt"])
    await Attempt.objects.filter(pk=attempt.pk).aupdate(deadline=timezone.now() - dt.timedelta(minutes=1))
    entry = attempt.paper[0]
    await socket.send_json_to({"type": "answer", "seq": 1, "question": entry["q"], "response": "A"})
    error = await socket.receive_json_from()
    assert error["code"] == "late" and "结束" in error["message"]
    assert not await AttemptAnswer.objects.filter(attempt=attempt).aexists()
    await socket.disconnect()


async def test_before_the_bell_the_paper_is_refused_with_the_opening_time(ws_headers, learner, drawn_exam) -> None:
    drawn_exam.opens_at = timezone.now() + dt.timedelta(hours=1)
    await drawn_exam.asave()
    socket = await connect(ws_headers, learner, drawn_exam)
    await socket.send_json_to({"type": "open"})
    error = await socket.receive_json_from()
    assert error["code"] == "refused" and "开放" in error["message"]
    assert not await Attempt.objects.filter(quiz=drawn_exam).aexists()
    await socket.disconnect()


async def test_a_socket_without_a_session_is_closed_as_anonymous(drawn_exam) -> None:
    communicator = WebsocketCommunicator(
        application, f"/ws/lms/quizzes/{drawn_exam.pk}/", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_output())["code"] == 4401


@pytest.mark.django_db(transaction=False)
def test_the_http_autosave_keeps_the_same_order_by_sequence_number(client, learner, drawn_exam) -> None:
    """The page's fallback when its socket is down: the same numbers, the same rule."""
    from lms.actions import start_attempt

    attempt = start_attempt(drawn_exam, learner)
    entry = attempt.paper[0]
    client.force_login(learner)
    url = f"/api/lms/attempts/{attempt.pk}/answers"

    def post(seq: int, original: str) -> int:
        body = {"question": entry["q"], "response": shown_letter(entry, original), "seq": seq}
        return client.post(url, body, content_type="application/json").status_code

    assert post(5, "C") == 200
    assert post(4, "A") == 200  # older, arriving late: acknowledged, not stored over the newer one
    assert AttemptAnswer.objects.get(attempt=attempt).response == "C"
    assert post(6, "D") == 200
    assert AttemptAnswer.objects.get(attempt=attempt).response == "D"
    assert (
        client.post(
            url, {"question": entry["q"], "response": "A", "seq": 0}, content_type="application/json"
        ).status_code
        == 422
    )


@pytest.mark.django_db(transaction=False)
def test_a_submission_received_in_time_is_in_time_however_long_its_batch_waited(learner, drawn_exam) -> None:
    from lms import sittings
    from lms.actions import start_attempt

    attempt = start_attempt(drawn_exam, learner)
    received = timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(deadline=received - dt.timedelta(seconds=3))
    # The batch runs 30 s later (a rush of submissions): received within the grace, so not late.
    [done] = sittings.submit_papers([sittings.SubmitRequest(attempt.pk, learner.pk, received)])
    assert done.ok and not done.late
    attempt.refresh_from_db()
    assert attempt.submitted_at == received and attempt.status == AttemptStatus.GRADED
    # One received after the deadline and its grace is late, graded from what was saved in time.
    second = start_attempt(drawn_exam, learner)
    Attempt.objects.filter(pk=second.pk).update(deadline=received - dt.timedelta(seconds=10))
    [done] = sittings.submit_papers([sittings.SubmitRequest(second.pk, learner.pk, received)])
    assert done.ok and done.late
    second.refresh_from_db()
    assert second.submitted_at == received - dt.timedelta(seconds=10)


async def test_a_flooding_socket_is_told_to_slow_down_then_closed(ws_headers, learner, drawn_exam) -> None:
    """30 messages at once pass (then 10 a second); past that each is refused as rate_limited,
    and a socket that keeps on is closed with 4429 (its client does not reconnect on that)."""
    socket = await connect(ws_headers, learner, drawn_exam)
    for _ in range(100):
        await socket.send_json_to({"type": "answer", "seq": 1, "question": 1, "response": "A"})
    codes = []
    output = await socket.receive_output(timeout=3)
    while output["type"] != "websocket.close":
        codes.append(json.loads(output["text"])["code"])
        output = await socket.receive_output(timeout=3)
    assert output["code"] == 4429
    assert codes.count("no_paper") >= 30 and "rate_limited" in codes
    assert codes.index("rate_limited") >= 30  # the burst passed first
