"""Faults mid-exam, at a small size, with real daphne processes (tests/daphnes.py):

- one of two daphne processes is killed (SIGKILL) while answers are in flight: its examinees
  reconnect to the other, resend what was not acknowledged with the same sequence numbers, and
  every acknowledged answer is in the database exactly as sent, once;
- the Redis the servers share is killed and started empty: the exam socket does not go through
  Redis, so answers keep being acknowledged and stored, and a page that connects afterwards
  (its session read from the database) opens its paper and saves.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
from typing import Any

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.db import connection

from lms.grading import OPTION_LETTERS
from lms.models import Attempt, AttemptAnswer, AttemptStatus, PaperMode
from tests.lms.conftest import make_question

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ORIGIN = "http://127.0.0.1:8000"
EXAMINEES = 6


class Examinee:
    """The exam page's behaviour: number every answer, keep it until acknowledged, resend it
    (same number) after reconnecting anywhere."""

    def __init__(self, cookie: str) -> None:
        self.headers = {"Origin": ORIGIN, "Cookie": cookie}
        self.ws: Any = None
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.pending: dict[int, dict[str, Any]] = {}
        self.acked: dict[int, dict[str, Any]] = {}
        self.seq = 0
        self.attempt = 0
        self.questions: list[int] = []

    async def connect(self, url: str) -> dict[str, Any]:
        self.ws = await websockets.connect(url, additional_headers=self.headers, open_timeout=30)
        asyncio.get_running_loop().create_task(self._read(self.ws))
        hello = await self.expect("hello")
        self.seq = max(self.seq, hello["last_seq"])
        return hello

    async def _read(self, ws: Any) -> None:
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "ack":
                    sent = self.pending.pop(message["seq"], None)
                    if sent is not None:
                        self.acked[message["seq"]] = sent
                self.inbox.put_nowait(message)
        except websockets.ConnectionClosed:
            pass

    async def expect(self, kind: str, timeout: float = 30) -> dict[str, Any]:
        while True:
            message = await asyncio.wait_for(self.inbox.get(), timeout)
            if message["type"] == kind:
                return message
            assert message["type"] == "ack", message

    async def open(self) -> None:
        await self.ws.send(json.dumps({"type": "open"}))
        paper = await self.expect("paper")
        self.attempt = paper["attempt"]
        self.questions = [int(q) for q in re.findall(r'<div class="question" id="q-(\d+)"', paper["html"])]

    async def answer(self, index: int, letter: str) -> None:
        self.seq += 1
        message = {"type": "answer", "seq": self.seq, "question": self.questions[index], "response": letter}
        self.pending[self.seq] = message
        await self.ws.send(json.dumps(message))

    async def resend(self) -> None:
        for message in list(self.pending.values()):
            await self.ws.send(json.dumps(message))

    async def settled(self, timeout: float = 30) -> None:
        async def drained() -> None:
            while self.pending:
                await asyncio.sleep(0.05)

        await asyncio.wait_for(drained(), timeout)


def exam_for(count: int = 4) -> Any:
    from lms.models import Quiz, QuizQuestion

    quiz = Quiz.objects.create(title="故障演练考试", kind="exam", mode=PaperMode.FIXED, time_limit_minutes=30)
    for i in range(count):
        QuizQuestion.objects.create(quiz=quiz, question=make_question(stem=f"演练第 {i + 1} 题"), order=i)
    return quiz


def stored_as_acked(people: list[Examinee]) -> tuple[int, int]:
    """(acknowledged answers that are the newest for their question, those stored exactly as sent)."""
    expected = matching = 0
    for person in people:
        attempt = Attempt.objects.get(pk=person.attempt)
        perms = {e["q"]: e["perm"] for e in attempt.paper}
        newest: dict[int, dict[str, Any]] = {}
        for seq in sorted(person.acked):
            newest[person.acked[seq]["question"]] = {**person.acked[seq], "seq": seq}
        rows = {a.question_id: a for a in AttemptAnswer.objects.filter(attempt=attempt)}
        for qid, sent in newest.items():
            expected += 1
            original = OPTION_LETTERS[perms[qid][OPTION_LETTERS.index(sent["response"])]]
            row = rows.get(qid)
            if row is not None and row.response == original and row.seq == sent["seq"]:
                matching += 1
        assert len(rows) == len(newest)  # nothing stored that was not sent, nothing twice
    return expected, matching


def cookie_of(headers: list[tuple[bytes, bytes]]) -> str:
    return dict(headers)[b"cookie"].decode()


async def seat(make_person, ws_headers, count: int) -> list[Examinee]:
    people = []
    for i in range(count):
        person = await sync_to_async(make_person)(name=f"考生{i}")
        people.append(Examinee(cookie_of(await sync_to_async(ws_headers)(person))))
    return people


async def test_a_killed_server_loses_no_acknowledged_answer(make_person, ws_headers, cluster) -> None:
    quiz = await sync_to_async(exam_for)()
    people = await seat(make_person, ws_headers, EXAMINEES)
    await sync_to_async(lambda: connection.close())()
    doomed, survivor = cluster["ports"]
    url = "ws://127.0.0.1:{}/ws/lms/quizzes/" + str(quiz.pk) + "/"

    for person in people:
        await person.connect(url.format(doomed))
        await person.open()
        await person.answer(0, "A")
        await person.answer(1, "B")
    for person in people:
        await person.settled()
    # Answers in flight as the process dies: some acknowledged, some not.
    for person in people:
        await person.answer(2, "C")
        await person.answer(0, "D")  # a change of mind: the newer answer must win
    await asyncio.sleep(0.005)
    cluster["servers"][0].send_signal(signal.SIGKILL)
    cluster["servers"][0].wait(10)

    for person in people:
        hello = await person.connect(url.format(survivor))
        assert hello["attempt"] == person.attempt
        await person.resend()
        await person.answer(3, "A")
    for person in people:
        await person.settled()
    # An acknowledgement lost on the way: the page resends an answer already stored.
    first = people[0]
    last_seq = max(first.acked)
    await first.ws.send(json.dumps({**first.acked[last_seq], "seq": last_seq}))
    await first.expect("ack")

    expected, matching = await sync_to_async(stored_as_acked)(people)
    assert expected == matching == EXAMINEES * 4
    for person in people:
        await person.ws.send(json.dumps({"type": "submit"}))
        assert (await person.expect("submitted"))["late"] is False
    graded = await Attempt.objects.filter(quiz=quiz, status=AttemptStatus.GRADED).acount()
    assert graded == EXAMINEES


async def test_a_redis_restart_mid_exam_loses_nothing(make_person, ws_headers, cluster) -> None:
    quiz = await sync_to_async(exam_for)()
    people = await seat(make_person, ws_headers, 3)
    late_comer = people.pop()
    await sync_to_async(lambda: connection.close())()
    port = cluster["ports"][0]
    url = f"ws://127.0.0.1:{port}/ws/lms/quizzes/{quiz.pk}/"
    for person in people:
        await person.connect(url)
        await person.open()
        await person.answer(0, "B")
        await person.settled()

    cluster["restart_redis"]()

    for person in people:
        await person.answer(1, "C")
        await person.answer(2, "A")
        await person.settled()
    # A page that connects now signs in from the database (the cached sessions went with Redis).
    await late_comer.connect(url)
    await late_comer.open()
    await late_comer.answer(0, "D")
    await late_comer.settled()
    people.append(late_comer)
    expected, matching = await sync_to_async(stored_as_acked)(people)
    assert expected == matching == 2 * 3 + 1
